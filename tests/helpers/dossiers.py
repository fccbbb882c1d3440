"""A dossier taken apart and put together again, as a forger would: shared by the tests of
the dossier and of the negotiation thread in it."""

import hashlib
import io
import json
import zipfile


def members_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def rezip(data: bytes, changes: dict[str, bytes | None] | None = None, **added: bytes) -> bytes:
    """The dossier with some members replaced (or removed, for None) and others added."""
    changes = changes or {}
    members = members_of(data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            replaced = changes.get(name, content)
            if replaced is not None:
                archive.writestr(name, replaced)
        for name, content in added.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def flip_one_byte(content: bytes) -> bytes:
    changed = bytearray(content)
    changed[len(changed) // 2] ^= 0x01
    return bytes(changed)


def json_of(data: bytes, name: str) -> dict:
    return json.loads(members_of(data)[name])


def json_bytes(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode() + b"\n"


def rehashed_manifest(data: bytes, changes: dict[str, bytes]) -> bytes:
    """The dossier with ``changes`` made and the manifest re-hashed to match them."""
    manifest = json_of(data, "manifest.json")
    for item in manifest["files"]:
        if item["path"] in changes:
            item["sha256"] = hashlib.sha256(changes[item["path"]]).hexdigest()
            item["size"] = len(changes[item["path"]])
    return rezip(data, {**changes, "manifest.json": json_bytes(manifest)})

"""The API's writing requests: each commits once, and only when it succeeded; with an
``Idempotency-Key`` header its answer is kept and given again to a retry (the store and its
concurrency rules are ``app.core.idempotency``)."""

import hashlib
from functools import wraps

from flask import current_app, g, make_response, request

from app.api.problems import InvalidRequest, problem
from app.core.extensions import db
from app.core.idempotency import KEY_MAX_LENGTH, KeyReused, answer_key, claim_key

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"


def writing(view):
    """Run a view that writes: commit what it did if it answered 2xx, roll everything back
    otherwise (nothing is written on a refusal). With an ``Idempotency-Key``, the key is
    claimed in the same transaction and the answer kept with the work; a retry with the
    same key and request gets that answer again, with ``Idempotent-Replayed: true``."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        key = request.headers.get(HEADER)
        row = None
        if key is not None:
            _check(key)
            try:
                row = claim_key(g.api_token.id, key, request_fingerprint())
            except KeyReused:
                db.session.rollback()
                return problem(
                    422,
                    f"This {HEADER} was used with another request; use a new key for a new "
                    "request.",
                    title="Idempotency key reused",
                )
            if row.answered:
                answer = _replayed(row)
                db.session.rollback()
                return answer
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            db.session.rollback()
            raise
        if not 200 <= response.status_code < 300:
            db.session.rollback()
            return response
        if row is not None:
            answer_key(
                row, response.status_code, response.get_data(as_text=True), response.location
            )
        db.session.commit()
        return response

    return wrapped


def _check(key: str) -> None:
    if not 1 <= len(key) <= KEY_MAX_LENGTH or not key.isascii() or not key.isprintable():
        raise InvalidRequest(
            400, [(HEADER, f"must be 1 to {KEY_MAX_LENGTH} printable ASCII characters")]
        )


def request_fingerprint() -> str:
    """SHA-256 of the method, the path and the body. A multipart body counts by its fields
    and each file's name and content, read from where the form parser put them."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if request.mimetype == "multipart/form-data":
        # in a stable order (a part's name may be missing: None sorts as "None")
        for name, value in sorted(request.form.items(multi=True), key=_by_name):
            digest.update(f"field {name}={value}\n".encode())
        for name, upload in sorted(request.files.items(multi=True), key=_by_name):
            digest.update(f"file {name}={upload.filename}\n".encode())
            for chunk in iter(lambda upload=upload: upload.stream.read(1 << 20), b""):
                digest.update(chunk)
            upload.stream.seek(0)
    else:
        digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _by_name(item: tuple) -> tuple[str, str]:
    name, value = item
    return str(name), str(getattr(value, "filename", value))


def _replayed(row):
    response = current_app.response_class(row.body, status=row.status, mimetype="application/json")
    if row.location:
        response.headers["Location"] = row.location
    response.headers[REPLAYED_HEADER] = "true"
    return response

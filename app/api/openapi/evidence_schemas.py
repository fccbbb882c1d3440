"""The schemas of the evidence the marketplace supplies, and of the entry it becomes."""

from flask import current_app

from app.api.openapi.common import choice, nullable, time
from app.cases.evidence import CARRIER_MAX_CHARS, SUPPLIABLE_KINDS
from app.cases.models import EvidenceKind
from app.cases.states import (
    Party,
    Supplier,
)

PARTY = choice(Party, "Whose timeline it goes on.")
ENTRY_EXAMPLE = {
    "id": 310,
    "case": 42,
    "party": "buyer",
    "sequence": 2,
    "kind": "chat_transcript",
    "supplied_by": "marketplace",
    "late": False,
    "created_at": "2026-01-20T06:00:00+00:00",
    "text": "[2026-01-15 10:02] Buyer: Where is my parcel?\n[2026-01-15 18:40] Seller: ...",
    "file": None,
    "sha256": "9f2b5c0e6a1d4b7e8c3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d",
    "entry_hash": "1c3e5a7b9d0f2e4c6a8b0d2f4e6c8a0b2d4f6e8c0a2b4d6f8e0c2a4b6d8f0e2c",
}


def evidence_schemas() -> dict:
    return {
        "NewTextEvidence": _new_text_evidence(),
        "NewFileEvidence": _new_file_evidence(),
        "EvidenceEntry": _entry(),
    }


def _new_text_evidence() -> dict:
    return {
        "type": "object",
        "description": (
            "A chat transcript (text) or a tracking number (tracking_number, and the carrier "
            "if known), for the buyer's or the seller's timeline."
        ),
        "required": ["party", "kind"],
        "additionalProperties": False,
        "properties": {
            "party": PARTY,
            "kind": choice([EvidenceKind.CHAT_TRANSCRIPT, EvidenceKind.TRACKING_NUMBER]),
            "text": {
                "type": "string",
                "minLength": 1,
                "maxLength": current_app.config["CHAT_TRANSCRIPT_MAX_CHARS"],
                "description": "The transcript (chat_transcript only).",
            },
            "carrier": {
                "type": "string",
                "maxLength": CARRIER_MAX_CHARS,
                "description": "tracking_number only: the carrier's name.",
            },
            "tracking_number": {
                "type": "string",
                "pattern": "^[A-Za-z0-9-]{6,40}$",
                "description": "tracking_number only: the carrier's number for the parcel.",
            },
        },
        "examples": [
            {
                "party": "buyer",
                "kind": "chat_transcript",
                "text": "[2026-01-15 10:02] Buyer: Where is my parcel?",
            },
            {
                "party": "seller",
                "kind": "tracking_number",
                "carrier": "SF Express",
                "tracking_number": "SF1234567890",
            },
        ],
    }


def _new_file_evidence() -> dict:
    return {
        "type": "object",
        "description": (
            "A photo (JPEG, PNG, WebP), PDF or video (MP4, WebM), checked by its content as "
            "the case page's uploads are."
        ),
        "required": ["party", "file"],
        "properties": {
            "party": PARTY,
            "file": {"type": "string", "contentMediaType": "application/octet-stream"},
        },
    }


def _entry() -> dict:
    kinds = sorted(kind.value for kind in SUPPLIABLE_KINDS)
    return {
        "type": "object",
        "required": list(ENTRY_EXAMPLE),
        "properties": {
            "id": {"type": "integer"},
            "case": {"type": "integer"},
            "party": choice(Party),
            "sequence": {"type": "integer", "description": "Its place in the party's timeline."},
            "kind": choice(kinds),
            "supplied_by": nullable(choice(Supplier)),
            "late": {"type": "boolean", "description": "Added after the evidence window."},
            "created_at": time("When it was added."),
            "text": nullable({"type": "string"}),
            "file": nullable(
                {
                    "type": "object",
                    "required": ["name", "content_type", "size"],
                    "properties": {
                        "name": {"type": "string"},
                        "content_type": {"type": "string"},
                        "size": {"type": "integer", "description": "In bytes."},
                    },
                }
            ),
            "sha256": {"type": "string", "description": "SHA-256 of the text or the file."},
            "entry_hash": {
                "type": "string",
                "description": "The entry's link in its timeline's hash chain.",
            },
        },
        "examples": [ENTRY_EXAMPLE],
    }

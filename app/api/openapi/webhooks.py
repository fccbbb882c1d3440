"""The document's ``webhooks`` section (OpenAPI 3.1): one operation per event type the
marketplace may receive, from the webhooks' own catalogue, so the two cannot drift."""

from app.notifications.webhooks.catalogue import EVENT_TYPES

SIGNATURE_HEADERS = [
    {
        "name": "webhook-id",
        "in": "header",
        "required": True,
        "description": "The message's id: the same on every retry, so a receiver can drop "
        "a message it has already handled.",
        "schema": {"type": "string"},
    },
    {
        "name": "webhook-timestamp",
        "in": "header",
        "required": True,
        "description": "When this attempt was signed, in whole seconds since 1970 (UTC).",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
    {
        "name": "webhook-signature",
        "in": "header",
        "required": True,
        "description": "`v1,` and the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}."
        "{body}` under the endpoint's secret (Standard Webhooks); during a secret's rotation "
        "two signatures, separated by a space. docs/webhooks.md shows how to verify it.",
        "schema": {"type": "string"},
    },
]


def webhook_definitions() -> dict:
    """Each event type as a Path Item whose POST is what Tribunal sends the endpoint."""
    return {
        event_type: {
            "post": {
                "operationId": "webhook_" + event_type.replace(".", "_"),
                "summary": event_type,
                "description": event["description"],
                "tags": ["Webhooks"],
                "security": [],
                "parameters": SIGNATURE_HEADERS,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": event["schema"],
                            "example": event["example"],
                        }
                    },
                },
                "responses": {
                    "2XX": {"description": "Received. Any other answer is retried later."}
                },
            }
        }
        for event_type, event in EVENT_TYPES.items()
    }

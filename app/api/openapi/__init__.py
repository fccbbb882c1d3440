"""The OpenAPI 3.1 description of API v1, built from the limits and vocabularies the API
enforces, so that it cannot drift from them."""

from app.api.models import Scope
from app.api.openapi.case_schemas import case_schemas
from app.api.openapi.evidence_schemas import evidence_schemas
from app.api.openapi.order_schemas import order_schemas, problem_schemas
from app.api.openapi.paths import paths
from app.api.openapi.webhooks import webhook_definitions

SCOPES = {
    Scope.ORDERS_WRITE: "Import orders.",
    Scope.CASES_WRITE: "Open cases and add evidence to them.",
    Scope.CASES_READ: "Read cases and their events.",
    Scope.SELLERS_READ: "Read a seller's selling status.",
}


def openapi_document(max_orders_per_request: int) -> dict:
    scopes = "\n".join(f"- `{scope}`: {text}" for scope, text in SCOPES.items())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tribunal marketplace API",
            "version": "1.1.0",
            "description": (
                "How the marketplace sends its orders to Tribunal, opens cases for its "
                "buyers, follows them and adds the evidence it holds, and reads whether a "
                "seller's selling is restricted; and the signed webhooks Tribunal sends when a "
                "case moves. Every error is a problem details document (RFC 9457). "
                "Walk-throughs are in docs/api.md and docs/webhooks.md."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerToken": []}],
        "tags": [
            {"name": "Orders"},
            {"name": "Cases"},
            {"name": "Sellers"},
            {"name": "Documentation"},
            {"name": "Webhooks", "description": "What Tribunal sends to a registered endpoint."},
        ],
        "paths": paths(max_orders_per_request),
        "webhooks": webhook_definitions(),
        "components": {
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": (
                        "A token from `flask api-tokens create NAME [--scope SCOPE ...]`. "
                        "Each operation needs one scope, listed in its security "
                        f"requirement:\n\n{scopes}\n\nEach token may make API_RATE_LIMIT "
                        "requests (600 a minute by default); past it the answer is 429 with "
                        "Retry-After."
                    ),
                }
            },
            "schemas": order_schemas() | problem_schemas() | case_schemas() | evidence_schemas(),
        },
    }

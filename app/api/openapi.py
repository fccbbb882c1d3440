"""The OpenAPI 3.1 description of API v1, built from the same limits the import enforces."""

from app.orders.records import MAX_LENGTH, MAX_WHOLE_NUMBER, STATUSES

PROBLEM = {"$ref": "#/components/schemas/Problem"}


def _text(key: str, description: str | None = None) -> dict:
    schema = {"type": "string", "minLength": 1, "maxLength": MAX_LENGTH[key]}
    if description:
        schema["description"] = description
    return schema


def _whole_number(minimum: int, description: str) -> dict:
    return {
        "type": "integer",
        "minimum": minimum,
        "maximum": MAX_WHOLE_NUMBER,
        "description": description,
    }


def _time(description: str) -> dict:
    return {"type": "string", "format": "date-time", "description": description}


def _problem_response(description: str, schema: dict = PROBLEM) -> dict:
    return {"description": description, "content": {"application/problem+json": {"schema": schema}}}


def _schemas() -> dict:
    party = {
        "type": "object",
        "required": ["id", "email", "name"],
        "properties": {
            "id": _text("id", "The marketplace's user id."),
            "email": {"type": "string", "format": "email", "maxLength": MAX_LENGTH["email"]},
            "name": _text("name"),
        },
    }
    seller = {
        "type": "object",
        "required": party["required"],
        "properties": {**party["properties"], "shop_name": _text("shop_name")},
    }
    return {
        "Party": party,
        "Seller": seller,
        "Item": {
            "type": "object",
            "required": ["title", "category", "quantity", "unit_price_fen"],
            "properties": {
                "title": _text("title"),
                "category": _text("category"),
                "quantity": _whole_number(1, "How many."),
                "unit_price_fen": _whole_number(0, "Price of one, in fen (1/100 yuan)."),
            },
        },
        "Order": {
            "type": "object",
            "description": (
                "A full snapshot of one order. Sending the same snapshot again changes "
                "nothing; a later one may change status, shipped_at, delivered_at, carrier "
                "and tracking_number, never the parties, items, amount, currency or "
                "placed_at."
            ),
            "required": [
                "marketplace_order_id",
                "buyer",
                "seller",
                "items",
                "amount_fen",
                "currency",
                "status",
                "placed_at",
            ],
            "properties": {
                "marketplace_order_id": _text("marketplace_order_id"),
                "buyer": {"$ref": "#/components/schemas/Party"},
                "seller": {"$ref": "#/components/schemas/Seller"},
                "items": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"$ref": "#/components/schemas/Item"},
                },
                "amount_fen": _whole_number(0, "What the buyer paid, in fen."),
                "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "examples": ["CNY"]},
                "status": {"type": "string", "enum": list(STATUSES)},
                "placed_at": _time("With a UTC offset, e.g. 2026-01-05T10:00:00+08:00."),
                "shipped_at": _time("Not before placed_at."),
                "delivered_at": _time("Requires shipped_at; not before it."),
                "carrier": _text("carrier"),
                "tracking_number": _text("tracking_number"),
            },
        },
        "ImportResult": {
            "type": "object",
            "required": ["created", "updated", "unchanged"],
            "properties": {
                name: {"type": "integer", "minimum": 0}
                for name in ("created", "updated", "unchanged")
            },
        },
        "SellingStatus": {
            "type": "object",
            "description": (
                "Whether the marketplace must restrict the seller's selling. A restriction "
                "follows an obligation the seller missed, and lasts until an administrator "
                "lifts it once the obligation is settled."
            ),
            "required": [
                "marketplace_user_id",
                "restricted",
                "restrictions",
                "deposit_balance_fen",
            ],
            "properties": {
                "marketplace_user_id": _text("id", "The marketplace's user id."),
                "restricted": {
                    "type": "boolean",
                    "description": "True while at least one restriction is active.",
                },
                "restrictions": {
                    "type": "array",
                    "description": "The active restrictions, oldest first.",
                    "items": {
                        "type": "object",
                        "required": ["since", "reason", "case"],
                        "properties": {
                            "since": _time("When the restriction began (UTC)."),
                            "reason": {"type": "string"},
                            "case": {"type": "integer", "description": "Tribunal's case id."},
                        },
                    },
                },
                "deposit_balance_fen": {
                    "type": "integer",
                    "description": (
                        "The seller's deposit in fen: payments in less deductions. Below zero "
                        "the seller owes the platform."
                    ),
                },
            },
        },
        "Problem": {
            "type": "object",
            "description": "Problem details (RFC 9457).",
            "required": ["type", "title", "status"],
            "properties": {
                "type": {"type": "string", "format": "uri-reference"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
            },
        },
        "InvalidOrdersProblem": {
            "allOf": [
                PROBLEM,
                {
                    "type": "object",
                    "required": ["errors"],
                    "properties": {
                        "errors": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["record", "marketplace_order_id", "field", "message"],
                                "properties": {
                                    "record": {
                                        "type": "integer",
                                        "description": "Index in the batch, from 0.",
                                    },
                                    "marketplace_order_id": {"type": ["string", "null"]},
                                    "field": {
                                        "type": ["string", "null"],
                                        "examples": ["items[2].quantity", "buyer.email"],
                                    },
                                    "message": {"type": "string"},
                                },
                            },
                        }
                    },
                },
            ]
        },
    }


def openapi_document(max_orders_per_request: int) -> dict:
    orders = {"type": "array", "items": {"$ref": "#/components/schemas/Order"}}
    orders["maxItems"] = max_orders_per_request
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tribunal marketplace API",
            "version": "1.0.0",
            "description": (
                "How the marketplace sends its orders to Tribunal and reads whether a "
                "seller's selling is restricted."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerToken": []}],
        "paths": {
            "/orders": {
                "post": {
                    "operationId": "importOrders",
                    "summary": "Import or update orders, all of the batch or none of it",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        orders,
                                        {
                                            "type": "object",
                                            "required": ["orders"],
                                            "properties": {"orders": orders},
                                        },
                                    ]
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "Imported; how many orders were new, changed or not.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/ImportResult"}
                                }
                            },
                        },
                        "400": _problem_response("The body is not JSON, or not a list of orders."),
                        "401": _problem_response("No token, or a wrong or revoked one."),
                        "413": _problem_response("Too many orders, or too large a body."),
                        "415": _problem_response("The body is not application/json."),
                        "422": _problem_response(
                            "Invalid records; every problem is listed and nothing was imported.",
                            {"$ref": "#/components/schemas/InvalidOrdersProblem"},
                        ),
                    },
                }
            },
            "/sellers/{marketplace_user_id}/selling-status": {
                "get": {
                    "operationId": "getSellingStatus",
                    "summary": "A seller's selling restrictions and deposit balance",
                    "parameters": [
                        {
                            "name": "marketplace_user_id",
                            "in": "path",
                            "required": True,
                            "schema": _text("id"),
                            "description": "The seller's user id on the marketplace.",
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The seller's selling status.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/SellingStatus"}
                                }
                            },
                        },
                        "401": _problem_response("No token, or a wrong or revoked one."),
                        "404": _problem_response("No seller has this marketplace user id."),
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": {"description": "The OpenAPI document."}},
                }
            },
        },
        "components": {
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from `flask api-tokens create NAME`.",
                }
            },
            "schemas": _schemas(),
        },
    }

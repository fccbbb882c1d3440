"""The operations of API v1: what each takes, what it answers, and the scope it needs."""

from app.api.models import Scope
from app.api.openapi.case_schemas import CASE_EXAMPLE
from app.api.openapi.common import (
    CASE_ID,
    IDEMPOTENCY_KEY,
    PAGE_PARAMETERS,
    PROBLEM_JSON,
    REPLAYED,
    choice,
    json_response,
    problem_response,
    ref,
    secured,
)
from app.api.openapi.evidence_schemas import ENTRY_EXAMPLE
from app.cases.states import CaseState

NOT_JSON = problem_response("The body is not JSON (send Content-Type: application/json).")
TOO_LARGE = problem_response("The body is too large.")
NO_CASE = problem_response("There is no case with this id.")
INVALID_FIELDS = problem_response(
    "Fields are wrong (each listed with why), or the Idempotency-Key was used with another "
    "request. Nothing was done.",
    "InvalidRequestProblem",
)
BAD_QUERY = problem_response(
    "A query parameter is wrong: each is listed with why.", "InvalidRequestProblem"
)
BAD_BODY = problem_response(
    "The body is not valid JSON or not an object, or the Idempotency-Key header is not 1 to "
    "255 printable characters.",
    "InvalidRequestProblem",
)


def _json_body(schema: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": ref(schema)}}}


def paths(max_orders_per_request: int) -> dict:
    return {
        "/orders": {"post": _import_orders(max_orders_per_request)},
        "/sellers/{marketplace_user_id}/selling-status": {"get": _selling_status()},
        "/cases": {"post": _open_case(), "get": _list_cases()},
        "/cases/{case_id}": {"get": _get_case()},
        "/cases/{case_id}/events": {"get": _case_events()},
        "/cases/{case_id}/evidence": {"post": _add_evidence()},
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "tags": ["Documentation"],
                "security": [],
                "responses": {"200": json_response("The OpenAPI document.", {"type": "object"})},
            }
        },
        "/docs": {
            "get": {
                "operationId": "docs",
                "summary": "This document, to read in a browser",
                "tags": ["Documentation"],
                "security": [],
                "responses": {
                    "200": {
                        "description": "A page that shows this document.",
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
    }


def _import_orders(max_orders_per_request: int) -> dict:
    orders = {"type": "array", "items": ref("Order"), "maxItems": max_orders_per_request}
    return secured(
        Scope.ORDERS_WRITE,
        {
            "operationId": "importOrders",
            "summary": "Import or update orders, all of the batch or none of it",
            "tags": ["Orders"],
            "parameters": [IDEMPOTENCY_KEY],
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
                "200": json_response(
                    "Imported; how many orders were new, changed or not.",
                    ref("ImportResult"),
                    headers=REPLAYED,
                ),
                "400": problem_response("The body is not JSON, or not a list of orders."),
                "413": problem_response("Too many orders, or too large a body."),
                "415": NOT_JSON,
                "422": {
                    "description": (
                        "Invalid records: every problem is listed and nothing was imported. "
                        "Or the Idempotency-Key was used with another request."
                    ),
                    "content": {
                        PROBLEM_JSON: {
                            "schema": {"anyOf": [ref("InvalidOrdersProblem"), ref("Problem")]}
                        }
                    },
                },
            },
        },
    )


def _selling_status() -> dict:
    return secured(
        Scope.SELLERS_READ,
        {
            "operationId": "getSellingStatus",
            "summary": "A seller's selling restrictions and deposit balance",
            "tags": ["Sellers"],
            "parameters": [
                {
                    "name": "marketplace_user_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "minLength": 1, "maxLength": 64},
                    "description": "The seller's user id on the marketplace.",
                }
            ],
            "responses": {
                "200": json_response("The seller's selling status.", ref("SellingStatus")),
                "404": problem_response("No seller has this marketplace user id."),
            },
        },
    )


def _open_case() -> dict:
    location = {
        "Location": {"description": "The case's address in this API.", "schema": {"type": "string"}}
    }
    return secured(
        Scope.CASES_WRITE,
        {
            "operationId": "openCase",
            "summary": "Open a case for the buyer of an imported order",
            "description": (
                "The buyer complained in the marketplace's app; the case is opened for them "
                "as if they had filed it on Tribunal's form, with the same rules: an order "
                "that is delivered or on its way, within the filing window, with no open "
                "case. Send an Idempotency-Key so that a retry never opens a second case."
            ),
            "tags": ["Cases"],
            "parameters": [IDEMPOTENCY_KEY],
            "requestBody": _json_body("NewCase"),
            "responses": {
                "201": json_response(
                    "Opened: the case, its deadline and its links.",
                    ref("Case"),
                    CASE_EXAMPLE,
                    headers=location | REPLAYED,
                ),
                "400": BAD_BODY,
                "413": TOO_LARGE,
                "415": NOT_JSON,
                "422": INVALID_FIELDS,
            },
        },
    )


def _get_case() -> dict:
    return secured(
        Scope.CASES_READ,
        {
            "operationId": "getCase",
            "summary": "A case: state, deadlines, amounts, decision and obligations",
            "tags": ["Cases"],
            "parameters": [CASE_ID],
            "responses": {
                "200": json_response("The case.", ref("Case"), CASE_EXAMPLE),
                "404": NO_CASE,
            },
        },
    )


def _list_cases() -> dict:
    filters = [
        {
            "name": "order",
            "in": "query",
            "description": "Only the cases of this marketplace order id.",
            "schema": {"type": "string"},
        },
        {
            "name": "state",
            "in": "query",
            "description": "Only the cases in this state.",
            "schema": choice(CaseState),
        },
        {
            "name": "updated_since",
            "in": "query",
            "description": (
                "Only the cases changed at or after this time (ISO 8601 with its offset: "
                "write Z, or %2B for a plus sign)."
            ),
            "schema": {"type": "string", "format": "date-time"},
        },
    ]
    return secured(
        Scope.CASES_READ,
        {
            "operationId": "listCases",
            "summary": "The cases, least recently changed first, a page at a time",
            "tags": ["Cases"],
            "parameters": filters + PAGE_PARAMETERS,
            "responses": {
                "200": json_response("A page of cases.", ref("CaseList")),
                "400": BAD_QUERY,
            },
        },
    )


def _case_events() -> dict:
    return secured(
        Scope.CASES_READ,
        {
            "operationId": "listCaseEvents",
            "summary": "What happened to a case, oldest first, a page at a time",
            "description": (
                "The events the parties may know of: never internal notes, never who acted "
                "(only as what), never a reviewer."
            ),
            "tags": ["Cases"],
            "parameters": [CASE_ID, *PAGE_PARAMETERS],
            "responses": {
                "200": json_response("A page of events.", ref("CaseEventList")),
                "400": BAD_QUERY,
                "404": NO_CASE,
            },
        },
    )


def _add_evidence() -> dict:
    return secured(
        Scope.CASES_WRITE,
        {
            "operationId": "addCaseEvidence",
            "summary": "Add what the marketplace holds to the buyer's or the seller's timeline",
            "description": (
                "A chat transcript or a tracking number as JSON, or one photo, PDF or video "
                "as multipart/form-data, checked by its content like any upload. The entry "
                "is marked as supplied by the marketplace."
            ),
            "tags": ["Cases"],
            "parameters": [CASE_ID, IDEMPOTENCY_KEY],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": ref("NewTextEvidence")},
                    "multipart/form-data": {"schema": ref("NewFileEvidence")},
                },
            },
            "responses": {
                "201": json_response(
                    "Added to the timeline.", ref("EvidenceEntry"), ENTRY_EXAMPLE, REPLAYED
                ),
                "400": BAD_BODY,
                "404": NO_CASE,
                "409": problem_response(
                    "The case no longer takes evidence, or the party's timeline is full."
                ),
                "413": TOO_LARGE,
                "415": NOT_JSON,
                "422": INVALID_FIELDS,
            },
        },
    )

"""Schemathesis against the API's own OpenAPI document: for every operation, requests built
from the document (its examples, then property-based data) never meet a server error, and
every answer matches the document: a documented status, its content type, its headers and
its body's schema.

The app is called in-process through WSGI, with a token holding every scope, inside each
test's rolled-back transaction. A case id in a path is drawn from the document or, as often,
from the ids of real cases, so reads and writes reach real rows too. Hypothesis runs
derandomized: the same requests on every run.
"""

import hypothesis
import jsonschema
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from app.core import clock
from app.core.extensions import db
from app.notifications.webhooks.catalogue import EVENT_TYPES
from tests.helpers.api import bearer, new_token
from tests.helpers.case_factories import make_case
from tests.helpers.factories import make_order

EXAMPLES_PER_OPERATION = 40
# What is asked of every answer. Schemathesis's positive_data_acceptance is left out: a
# request can match the document and still be refused by a rule the document cannot hold
# (an order that does not exist, a key used before, a case that is closed); so is
# negative_data_rejection, since the token is sent with every request, even those that
# are meant to go without one (401 is tested in tests/test_orders_api.py and the route matrix)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# the document as the app serves it; the tests then call the suite's own app
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", create_app("testing"))
REAL_CASE_IDS: list[int] = []


@schema.hook
def flatmap_path_parameters(_context, parameters):
    if not parameters or "case_id" not in parameters:
        return st.just(parameters)
    real = st.deferred(lambda: st.sampled_from(REAL_CASE_IDS))
    return st.one_of(st.just(parameters), real.map(lambda id_: {**parameters, "case_id": id_}))


@pytest.fixture
def token(app, monkeypatch) -> str:
    """A token with every scope, and cases in several states to reach."""
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)
    clock.freeze(clock.now())
    cases = [make_case(state) for state in ("filed", "evidence", "executing", "closed")]
    REAL_CASE_IDS[:] = [case.id for case in cases]
    make_order().marketplace_order_id = "MO-1001"  # the order of the document's examples
    token = new_token("schemathesis")
    db.session.commit()
    return token


@schema.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_every_answer_matches_the_document(app, case, token):
    case.call_and_validate(app=app, headers=bearer(token), checks=CHECKS)


def test_the_document_describes_every_webhook_with_an_example_that_fits_its_schema(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert set(document["webhooks"]) == set(EVENT_TYPES)
    for event_type, path_item in document["webhooks"].items():
        operation = path_item["post"]
        content = operation["requestBody"]["content"]["application/json"]
        jsonschema.validate(content["example"], content["schema"])
        assert content["example"]["type"] == event_type
        headers = {parameter["name"] for parameter in operation["parameters"]}
        assert headers == {"webhook-id", "webhook-timestamp", "webhook-signature"}

"""The API's documentation page in a browser: the vendored Redoc draws the OpenAPI document
under the page's own policy — scripts from the site only, no inline script — and asks for
nothing from elsewhere that the policy lets through."""

import pytest

pytestmark = pytest.mark.browser


def test_the_api_documentation_reads_in_a_browser(actors):
    reader = actors("developer@example.com", log_in=False)
    messages: list[str] = []
    reader.page.on("console", lambda message: messages.append(message.text))
    page = reader.go("/api/v1/docs")

    page.get_by_text("Tribunal marketplace API").first.wait_for()
    page.get_by_text("/cases/{case_id}/evidence").first.click()
    page.get_by_text("Idempotency-Key").first.wait_for()
    reader.shot("api-docs")

    refused = [text for text in messages if "Content Security Policy" in text]
    # Redoc's own "API docs by Redocly" badge points at its CDN: refused, as it should be
    assert all("cdn.redoc.ly" in text for text in refused), refused
    assert not any("script-src" in text or "style-src" in text for text in refused), refused

"""The API's description: the OpenAPI document, and a page that shows it (Redoc, vendored
under static/vendor/redoc)."""

from flask import jsonify, render_template

from app.api.openapi import openapi_document
from app.api.views.blueprint import bp
from app.api.views.orders import max_orders_per_request
from app.core.security import CONTENT_SECURITY_POLICY

# Redoc styles its page with inline <style> elements (styled-components) and an inline font:
# this page alone allows both. Scripts keep to 'self': the page runs Redoc's file, no
# inline script, and Redoc starts itself on the <redoc> element.
DOCS_PAGE_CSP = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'; font-src 'self' data:"
)


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(max_orders_per_request()))


@bp.get("/docs")
def docs():
    response = render_template("api/docs.html")
    return response, 200, {"Content-Security-Policy": DOCS_PAGE_CSP}

"""Reference routes the benchmark measures the real pages against, served by the same
server: a bare hello-world, and a minimal case page that reads the rows the real page
shows with plain SQL and renders them with one precompiled template.

They are registered only by the benchmark's own app (``bench.app``), which the benchmark
serves; the product's app never has them. They check nobody's rights: never serve them on
a real site.
"""

from flask import Blueprint, abort
from jinja2 import Environment
from sqlalchemy import text

from app.core.extensions import db

bp = Blueprint("bench", __name__, url_prefix="/bench")

CASE_SQL = text(
    "SELECT c.id, c.state, c.claim_type, c.description, c.deadline_at, o.amount_fen,"
    " o.marketplace_order_id, b.display_name AS buyer, s.display_name AS seller,"
    " s.shop_name FROM cases c JOIN orders o ON o.id = c.order_id"
    " JOIN users b ON b.id = c.buyer_id JOIN users s ON s.id = c.seller_id WHERE c.id = :id"
)
ENTRIES_SQL = text(
    "SELECT id, party, sequence, kind, text, original_name, thumbnail_name, is_late,"
    " created_at FROM evidence_entries WHERE case_id = :id ORDER BY created_at, id"
)
PAGE = Environment(autoescape=True).from_string(
    """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Case #{{ case.id }}</title></head><body><main>
<h1>Case #{{ case.id }}: {{ case.claim_type }}</h1>
<p>{{ case.buyer }} and {{ case.seller }} ({{ case.shop_name }}), order
{{ case.marketplace_order_id }}, {{ "%.2f"|format(case.amount_fen / 100) }} yuan.</p>
<p>{{ case.state }}, deadline {{ case.deadline_at }}</p><p>{{ case.description }}</p>
<ol>{% for e in entries %}<li class="{{ e.party }}"><h3>{{ e.party }} #{{ e.sequence }}
({{ e.kind }}) {{ e.created_at }}</h3>{% if e.text %}<p>{{ e.text }}</p>{% endif %}
{% if e.thumbnail_name %}<img src="/cases/{{ case.id }}/evidence/{{ e.id }}/thumbnail"
alt="{{ e.original_name }}">{% endif %}</li>{% endfor %}</ol></main></body></html>"""
)


@bp.get("/hello")
def hello():
    return "Hello, world!", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/reference/cases/<int:case_id>")
def reference_case(case_id: int):
    case = db.session.execute(CASE_SQL, {"id": case_id}).mappings().first()
    if case is None:
        abort(404)
    entries = db.session.execute(ENTRIES_SQL, {"id": case_id}).mappings().all()
    return PAGE.render(case=case, entries=entries)

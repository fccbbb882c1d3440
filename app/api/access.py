"""Which cases a token may read and act on: the one place that says it.

A deployment of Tribunal serves one marketplace, and every order in it was imported from
that marketplace, so a token of its integrations reaches every case on an imported order.
Were Tribunal to serve several marketplaces, each order would name its own and this query
would keep each token to its marketplace's cases.
"""

from flask import abort
from sqlalchemy import Select, select

from app.api.models import ApiToken
from app.api.problems import problem
from app.cases.models import Case
from app.core.extensions import db
from app.orders.models import Order


def visible_cases(_token: ApiToken) -> Select:
    """The cases ``token`` may see, with their orders joined (for filters on the order)."""
    return select(Case).join(Order, Order.id == Case.order_id)


def visible_case(token: ApiToken, case_id: int, statement_options=()) -> Case:
    """The case, or a 404 problem: a case the token may not see does not exist for it."""
    case = db.session.scalar(
        visible_cases(token).where(Case.id == case_id).options(*statement_options)
    )
    if case is None:
        abort(problem(404, "There is no case with this id."))
    return case

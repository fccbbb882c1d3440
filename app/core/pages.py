"""Lists in pages: the page the visitor asked for (``?page=N``), whatever they typed."""

from flask import request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from app.core.extensions import db

# far past any real list, and small enough that its offset stays a database integer
MAX_PAGE = 1_000_000


def paginate(statement: Select, per_page: int) -> Pagination:
    """The requested page of ``statement``'s rows. Not a number, or below 1: the first page;
    past the last page (however far): the last page."""
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    pagination = db.paginate(statement, page=page, per_page=per_page, error_out=False)
    if page > 1 and page > pagination.pages:
        last = max(pagination.pages, 1)
        pagination = db.paginate(statement, page=last, per_page=per_page, error_out=False)
    return pagination

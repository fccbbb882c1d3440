"""Lists in pages: the page the visitor asked for (``?page=N``), whatever they typed."""

from flask import request
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select, func, select

from app.core.extensions import db

# far past any real list, and small enough that its offset stays a database integer
MAX_PAGE = 1_000_000


def paginate(statement: Select, per_page: int, counted: Select | None = None) -> Pagination:
    """The requested page of ``statement``'s rows. Not a number, or below 1: the first page;
    past the last page (however far): the last page. ``counted``, if given, is the same list
    written so that an index counts it, where ``statement`` is written to be read in order."""

    def page_of(number: int) -> Pagination:
        if counted is None:
            return db.paginate(statement, page=number, per_page=per_page, error_out=False)
        return _CountedApart(
            select=statement,
            session=db.session(),
            counted=counted,
            page=number,
            per_page=per_page,
            error_out=False,
        )

    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    pagination = page_of(page)
    if page > 1 and page > pagination.pages:
        pagination = page_of(max(pagination.pages, 1))
    return pagination


class _CountedApart(SelectPagination):
    def _query_count(self) -> int:
        rows = self._query_args["counted"].order_by(None).subquery()
        return self._query_args["session"].scalar(select(func.count()).select_from(rows))

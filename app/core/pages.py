"""Lists in pages: the page the visitor asked for (``?page=N``), whatever they typed."""

from collections.abc import Callable

from flask import request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, select

from app.core.extensions import db

# far past any real list, and small enough that its offset stays a database integer
MAX_PAGE = 1_000_000


def paginate(statement: Select, per_page: int) -> Pagination:
    """The requested page of ``statement``'s entities. Not a number, or below 1: the first
    page; past the last page (however far): the last page."""
    return _requested_page(
        lambda number: db.paginate(statement, page=number, per_page=per_page, error_out=False)
    )


def rows_page(
    statement: Select, counted: Select, per_page: int, page: int | None = None
) -> Pagination:
    """A page of ``statement``'s rows (plain columns, for a list that shows a few of them),
    the requested page unless ``page`` is given. ``counted`` is the same list selected from
    its main table alone, so that counting it joins nothing and an index can serve it."""

    def page_of(number: int) -> Pagination:
        return _RowsCountedApart(
            select=statement,
            session=db.session(),
            counted=counted,
            page=number,
            per_page=per_page,
            error_out=False,
        )

    return page_of(page) if page is not None else _requested_page(page_of)


def _requested_page(page_of: Callable[[int], Pagination]) -> Pagination:
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    pagination = page_of(page)
    if page > 1 and page > pagination.pages:
        pagination = page_of(max(pagination.pages, 1))
    return pagination


class _RowsCountedApart(Pagination):
    def _query_items(self) -> list:
        statement = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(statement).all())

    def _query_count(self) -> int:
        rows = self._query_args["counted"].order_by(None).subquery()
        return self._query_args["session"].scalar(select(func.count()).select_from(rows))

"""A user's orders from the marketplace: the ones they bought and sold, and each one's page."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import Blueprint, Flask, abort, current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import case, or_, select
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.core.extensions import db
from app.core.pages import paginate
from app.orders.categories import category_label
from app.orders.models import Order, OrderStatus

bp = Blueprint("orders", __name__)


@dataclass(frozen=True)
class OrderPageSection:
    """A part of the order page that a feature above ``orders`` adds (``register``)."""

    template: str
    stylesheet: str | None = None


def register_order_page_section(app: Flask, section: OrderPageSection) -> None:
    app.extensions.setdefault("order_page_sections", []).append(section)


@dataclass(frozen=True)
class OrderNotes:
    """What a column of My orders says of some of the reader's orders (by order id), and
    which orders wait on the reader: those come first."""

    by_order: Mapping[int, object]
    first: frozenset[int]


@dataclass(frozen=True)
class OrderListColumn:
    """A column of My orders that a feature above ``orders`` adds: ``heading`` over it, and
    in each row ``template``, which reads ``note``, what ``notes(reader)`` says of the row's
    order (None if nothing)."""

    heading: str
    template: str
    notes: Callable[[User], OrderNotes]
    stylesheet: str | None = None


def register_order_list_column(app: Flask, column: OrderListColumn) -> None:
    app.extensions.setdefault("order_list_columns", []).append(column)


PAGE_SIZE = 20


@bp.app_context_processor
def _category_helpers() -> dict:
    return {"category_label": category_label}


STATUS_LABELS = {
    OrderStatus.PLACED: _l("Placed"),
    OrderStatus.SHIPPED: _l("Shipped"),
    OrderStatus.DELIVERED: _l("Delivered"),
    OrderStatus.COMPLETED: _l("Completed"),
    OrderStatus.CANCELLED: _l("Cancelled"),
    OrderStatus.REFUNDED: _l("Refunded"),
}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


@bp.context_processor
def _order_helpers() -> dict:
    return {"status_label": status_label}


@bp.get("/orders")
@login_required
def my_orders():
    if current_user.email_verified_at is None:
        # the orders are linked by address; until it is proven they stay hidden
        return render_template("orders/unverified.html")
    columns = current_app.extensions.get("order_list_columns", [])
    notes = [column.notes(current_user) for column in columns]
    waiting_on_reader = frozenset().union(*(note.first for note in notes))
    statement = (
        select(Order)
        .where(or_(Order.buyer_id == current_user.id, Order.seller_id == current_user.id))
        .options(selectinload(Order.buyer), selectinload(Order.seller))
        .order_by(
            case((Order.id.in_(waiting_on_reader), 0), else_=1),
            Order.placed_at.desc(),
            Order.id.desc(),
        )
    )
    pagination = paginate(statement, PAGE_SIZE)
    return render_template(
        "orders/my_orders.html",
        pagination=pagination,
        columns=list(zip(columns, notes, strict=True)),
    )


@bp.get("/orders/<int:order_id>")
@login_required
def detail(order_id: int):
    order = db.session.get(Order, order_id)
    # 404 rather than 403 to strangers: they learn nothing, not even that the order exists
    if order is None or not order.is_party(current_user):
        abort(404)
    sections = current_app.extensions.get("order_page_sections", [])
    return render_template(
        "orders/detail.html",
        order=order,
        order_page_sections=[section.template for section in sections],
        order_page_stylesheets=[section.stylesheet for section in sections if section.stylesheet],
    )

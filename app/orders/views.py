from flask import Blueprint

bp = Blueprint("orders", __name__)


@bp.get("/orders")
def my_orders():
    return "orders"

from flask.cli import AppGroup

orders_cli = AppGroup("orders", help="Orders from the marketplace.")

from flask.cli import AppGroup

scheduler_cli = AppGroup("scheduler", help="The scheduler process.")

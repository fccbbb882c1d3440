from flask.cli import AppGroup

api_tokens_cli = AppGroup("api-tokens", help="Bearer tokens for marketplace integrations.")

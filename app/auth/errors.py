"""What account requests are refused with."""

from app.core.errors import Refused


class AccountError(Refused):
    """A request about an account that cannot be carried out; ``field`` names the culprit."""


class AccountLocked(AccountError):
    """The password was right, but an admin has locked the account. Said only to someone who
    gave the right password, so the lock tells a stranger nothing."""

"""Money is integer minor units (fen): how it is shown, and how a typed amount becomes fen."""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

# ASCII digits only, once full-width ones are folded to them: no other script's digits
AMOUNT_FORMAT = re.compile(r"[0-9]+(?:\.[0-9]+)?", re.ASCII)
AMOUNT_MAX_CHARS = 16


def format_amount(amount_fen: int, currency: str = "CNY") -> str:
    """``¥1,234.56`` for 123456 fen, ``-¥7.50`` for -750, in whole-number arithmetic (no
    float rounding)."""
    sign = "-" if amount_fen < 0 else ""
    yuan, fen = divmod(abs(amount_fen), 100)
    number = f"{yuan:,}.{fen:02d}"
    return f"{sign}¥{number}" if currency == "CNY" else f"{sign}{currency} {number}"


def yuan_to_fen(text: str) -> int:
    """``"12.50"`` → 1250 exactly; ValueError with a message for the person otherwise.

    Full-width digits and point (``１２．５０``, as a Chinese input method types them) are
    read as their ASCII forms; a leading ``¥`` or ``￥`` is allowed."""
    text = unicodedata.normalize("NFKC", text).strip().removeprefix("¥").strip()
    not_a_number = _l("Enter an amount in yuan, such as 12.50.")
    if len(text) > AMOUNT_MAX_CHARS:
        raise ValueError(_l("That amount is too large."))
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(not_a_number) from error
    if not value.is_finite():
        raise ValueError(not_a_number)
    if value < 0:
        raise ValueError(_l("The amount cannot be negative."))
    if not AMOUNT_FORMAT.fullmatch(text):
        raise ValueError(not_a_number)
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(_l("Use at most two decimal places (fen)."))
    return int(value * 100)


def fen_to_yuan(fen: int | None) -> str:
    """1250 → ``"12.50"``: how an amount is put back into a form."""
    if fen is None:
        return ""
    return f"{fen // 100}.{fen % 100:02d}"

"""Money is integer minor units (fen); this is how it is shown."""


def format_amount(amount_fen: int, currency: str = "CNY") -> str:
    """``¥1,234.56`` for 123456 fen, in whole-number arithmetic (no float rounding)."""
    yuan, fen = divmod(amount_fen, 100)
    number = f"{yuan:,}.{fen:02d}"
    return f"¥{number}" if currency == "CNY" else f"{currency} {number}"

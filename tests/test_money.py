"""Amounts typed in yuan become exact fen, whatever keyboard typed them; nonsense is refused
with a message for the person."""

import pytest

from app.core.money import fen_to_yuan, format_amount, yuan_to_fen


@pytest.mark.parametrize(
    ("typed", "fen"),
    [
        ("12.50", 1250),
        (" 7 ", 700),
        ("0.01", 1),
        ("12345678.99", 1234567899),
        ("１２．５０", 1250),  # full-width digits and point, as a Chinese input method types
        ("５０００", 500000),
        ("¥30", 3000),
        ("￥ 30.5", 3050),
    ],
)
def test_an_amount_in_yuan_becomes_exact_fen(typed, fen):
    assert yuan_to_fen(typed) == fen


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "cannot be negative"),
        ("－５", "cannot be negative"),
        ("1.234", "two decimal places"),
        ("1e3", "such as 12.50"),
        ("NaN", "such as 12.50"),
        ("Infinity", "such as 12.50"),
        ("1,000", "such as 12.50"),
        ("١٢", "such as 12.50"),  # Arabic-Indic digits: not what anyone here types
        ("12。5", "such as 12.50"),
        ("five", "such as 12.50"),
        ("9" * 17, "too large"),
    ],
)
def test_nonsense_is_refused_with_a_message(typed, message):
    with pytest.raises(ValueError, match=message):
        yuan_to_fen(typed)


def test_amounts_go_back_into_forms_and_onto_pages_without_floats():
    assert yuan_to_fen("0.1") + yuan_to_fen("0.2") == yuan_to_fen("0.3") == 30
    assert fen_to_yuan(1250) == "12.50" and fen_to_yuan(5) == "0.05" and fen_to_yuan(None) == ""
    assert format_amount(123456) == "¥1,234.56" and format_amount(5) == "¥0.05"
    assert format_amount(-750) == "-¥7.50"  # a deduction: not ¥-8 and 50 fen
    assert format_amount(-123456, "USD") == "-USD 1,234.56"

"""Redaction removes the parties' names and shop names without eating everyday words."""

from app.jury.redaction import Redactor
from tests.helpers.factories import make_case_row, make_order, make_user


def test_a_shop_name_is_removed_but_its_everyday_words_stay():
    seller = make_user(name="Olivia Green", shop_name="Green Leaf Tea House 绿叶茶社")
    case = make_case_row(make_order(make_user(name="林晓雨 Lin Xiaoyu"), seller))
    redact = Redactor(case).redact
    assert redact("Green Leaf Tea House sent the tea.") == "[seller] sent the tea."
    assert redact("绿叶茶社的茶叶") == "[seller]的茶叶"
    assert "house" in redact("It smelled like an old house.")
    assert redact("Ask Olivia about it") == "Ask [seller] about it"
    redacted = redact("林晓雨 wrote to Lin Xiaoyu")
    assert redacted.startswith("[buyer] wrote to [buyer]")
    assert not any(part in redacted for part in ("林晓雨", "Lin", "Xiaoyu"))

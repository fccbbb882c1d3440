"""Redaction removes the parties' personal details however they are written, and anything
shaped like a personal detail, without eating everyday words, dates or amounts."""

import pytest

from app.jury.redaction import Redactor
from app.jury.redaction.normalise import normalise
from tests.helpers.factories import make_case_row, make_order, make_user
from tests.helpers.redaction_corpus import BENIGN, HOSTILE, leaks
from tests.helpers.redaction_parties import corpus_case


def test_a_shop_name_is_removed_but_its_everyday_words_stay():
    seller = make_user(name="Olivia Green", shop_name="Green Leaf Tea House 绿叶茶社")
    case = make_case_row(make_order(make_user(name="林晓雨 Lin Xiaoyu"), seller))
    redact = Redactor(case).redact
    assert redact("Green Leaf Tea House sent the tea.") == "[seller] sent the tea."
    assert redact("绿叶茶社的茶叶") == "[seller]的茶叶"
    assert "house" in redact("It smelled like an old house.")
    assert redact("Ask Olivia about it") == "Ask [seller] about it"
    assert redact("Green replied late; the green tea was stale.") == (
        "[seller] replied late; the green tea was stale."
    )
    redacted = redact("林晓雨 wrote to Lin Xiaoyu")
    assert redacted.startswith("[buyer] wrote to [buyer]")
    assert not any(part in redacted for part in ("林晓雨", "Lin", "Xiaoyu"))


def test_the_case_mediator_who_signs_a_message_is_named_only_as_the_mediator(app):
    case = make_case_row(make_order(make_user(name="林晓雨"), make_user(name="Olivia Green")))
    case.mediator = make_user(name="周海燕 Zhou Haiyan", email="haiyan.zhou@example.org")
    with app.test_request_context():
        redact = Redactor(case).redact
        assert redact("Regards, Zhou Haiyan (haiyan.zhou@example.org)") == (
            "Regards, [mediator] ([e-mail removed])"
        )
        assert redact("调解员周海燕：请双方补充照片") == "调解员[mediator]：请双方补充照片"


@pytest.fixture
def redact(app):
    with app.test_request_context():
        yield Redactor(corpus_case()).redact


@pytest.mark.parametrize("hostile", HOSTILE, ids=[hostile.id for hostile in HOSTILE])
def test_a_hostile_writing_leaks_nothing(redact, hostile):
    assert leaks(hostile.secrets, hostile.text) == list(hostile.secrets)  # the check sees them
    redacted = redact(hostile.text)
    assert leaks(hostile.secrets, redacted) == [], redacted
    assert "removed]" in redacted or "[buyer]" in redacted or "[seller]" in redacted


@pytest.mark.parametrize("text", BENIGN)
def test_what_is_no_personal_detail_reaches_the_reviewer_unchanged(redact, text):
    assert redact(text) == text


def test_only_the_words_found_are_replaced_and_the_rest_is_left_as_written(redact):
    text = "（退款）１３８－１２３４－５６７８，　全角标点ＯＫ，二十三号楼。"
    assert redact(text) == "（退款）[phone removed]，　全角标点ＯＫ，二十三号楼。"
    assert redact("地址：天山路二十三号，谢谢") == "地址：[address removed]，谢谢"
    assert redact("Order no. E2023 0517 3345 21 was late and the box was open") == (
        "Order no. [order number removed] was late and the box was open"
    )
    assert redact("满 200 减 30。1 3 8 1234 5678") == "满 200 减 30。[phone removed]"
    assert redact("网址 shop.cn：2024-11-03 14:30 到货") == (
        "网址 [web address removed]：2024-11-03 14:30 到货"
    )
    assert redact("SF 1402 9384 7561 1 2024-11-03 到的") == (
        "[tracking number removed] 2024-11-03 到的"
    )


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("１３８－一二三四·５６７８", "138-1234.5678"),
        ("幺三八洞两", "13802"),
        ("〇一二", "012"),  # digit by digit: leading zeros stay
        ("天山路二十三号", "天山路23号"),
        ("一百零五室", "105室"),
        ("八五十零", "85十0"),  # no number: read digit by digit
        ("Ｌｉｎ\u3000Ｘｉǎｏｙｕ", "Lin Xiaoyu"),
        ("a\u200bb\u00adc", "abc"),
        ("8\ufe0f\u20e3", "8"),  # a keycap: the marks go with the digit
        ("name＠qq。com", "name@qq。com"),
    ],
)
def test_normalising_reads_every_form_and_maps_back_to_the_original(written, read):
    normalised = normalise(written)
    assert normalised.text == read
    assert normalised.original_span(0, len(read)) == (0, len(written))
    for index, char in enumerate(read):
        start, end = normalised.original_span(index, index + 1)
        assert 0 <= start < end <= len(written)
        if char.isascii() and char.isalnum() and written[start:end].isascii():
            assert written[start:end] == char

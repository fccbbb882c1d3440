"""The Chinese catalogue writes Chinese as Chinese is written (docs/glossary.md, "Writing
Chinese"): full-width punctuation, no stray spaces, and one word per concept, the glossary's."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.helpers.case_factories import make_case
from tests.helpers.pages import login, page

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "app/translations/zh_Hans/LC_MESSAGES/messages.po"
GLOSSARY = ROOT / "docs/glossary.md"

HAN = r"[\u4e00-\u9fff]"
FULL_WIDTH = "，。：；？！（）“”"
# what a message leaves to be filled in, and Latin text that keeps its own punctuation
NOT_CHINESE_TEXT = re.compile(r"%\(\w+\)[sd]|%%|https?://\S*|\d[.,:]\d")


def _translations() -> list[tuple[str, str]]:
    """Every Chinese translation, with the English it translates, placeholders blanked."""
    with CATALOGUE.open("rb") as source:
        catalogue = read_po(source)
    pairs = []
    for message in catalogue:
        if not message.id:
            continue
        english = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs += [(english, NOT_CHINESE_TEXT.sub("X", s)) for s in strings if s]
    return pairs


def _offending(pattern: str) -> list[str]:
    return [english for english, chinese in _translations() if re.search(pattern, chinese)]


def test_punctuation_next_to_chinese_is_full_width():
    half_width = r"[,.:;?!()]"
    assert _offending(rf"{HAN} ?{half_width}|[,:;?!(] ?{HAN}") == []


def test_no_space_between_chinese_characters_or_beside_full_width_punctuation():
    assert _offending(rf"{HAN} +{HAN}") == []
    assert _offending(rf"[{FULL_WIDTH}] | [{FULL_WIDTH}]") == []


def glossary() -> dict[str, list[str]]:
    """The glossary's Chinese term of each concept, and the words not to use for it."""
    rows = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.search(HAN, cells[2]):
            rows[cells[2]] = [word.strip() for word in cells[3].split(",") if word.strip()]
    return rows


def test_the_glossary_names_the_concepts_the_product_is_about():
    terms = glossary()
    for term in ("案件", "买家", "卖家", "调解员", "评审员", "评审团", "调解台", "和解方案"):
        assert term in terms
    for term in ("裁决", "申诉", "证据", "协商记录"):
        assert term in terms
    assert "上诉" in terms["申诉"] and "调解工作台" in terms["调解台"]


@pytest.mark.parametrize(("term", "avoided"), sorted(glossary().items()))
def test_each_concept_has_one_chinese_word(term, avoided):
    used = {
        word: [english for english, chinese in _translations() if word in chinese]
        for word in avoided
    }
    assert {word: messages for word, messages in used.items() if messages} == {}, f"say {term}"


def test_a_proposal_s_steps_read_in_chinese_word_order(client):
    case = make_case("proposal")  # half the price back, paid by the seller within 48 hours
    login(client, case.buyer)
    client.post("/language", data={"locale": "zh_Hans", "next": "/"})

    html = page(client, f"/cases/{case.id}")

    assert "卖家：2 天内向买家退款" in html

"""Hypothesis strategies for the redaction properties: a case's personal details, and each
written in the mixed forms people use — full- or half-width per character, Chinese or
Arabic numerals, random separators, "at" and "dot" spelled out, spaces inside names —
inside filler text that must reach the reviewer whole."""

from dataclasses import dataclass

import cn2an
from hypothesis import strategies as st

from tests.helpers.redaction_parties import corpus_case

CHINESE_DIGITS = "零一二三四五六七八九"
INFORMAL_DIGITS = {"0": "洞〇", "1": "幺", "2": "两"}
SEPARATORS = (" ", "-", ".", "·", "－", "—", "/")
AT = ("@", "＠", " at ", " AT ", "(at)", "[at]", " [at] ", "艾特", "圈a")
DOT = (".", "．", " dot ", "(dot)", "[dot]", "点", "。")
# none of these characters is in a filler, so a leak is never a filler's words
SURNAMES = "韩曹邓萧谭"
GIVEN_NAMES = "瑾瑜珂璇琛昊骁湛"
FIRST_NAMES = ("Olivia", "Sophia", "Lucas", "Ethan", "Amelia", "Harper", "Mateo", "Aurora")
LAST_NAMES = ("Carter", "Whitfield", "Langley", "Okafor", "Brennan", "Castillo")
BRAND_CHARS = "榕荷槿蓁芃葳"
BRAND_WORDS = ("Maple", "Cedar", "Falcon", "Nimbus", "Orchid", "Saffron", "Juniper")
SHOP_KINDS = (("Tea House", "茶社"), ("Digital", "数码"), ("Store", "旗舰店"), ("Fashion", "服饰"))
ROAD_CHARS = "松柏桂樱枫槐榆杉"
DRAWN_CHARACTERS = SURNAMES + GIVEN_NAMES + BRAND_CHARS + ROAD_CHARS
AREAS = ("", "上海市长宁区", "北京市朝阳区", "浙江省杭州市西湖区", "广东省深圳市南山区")
MAIL_DOMAINS = ("qq.com", "163.com", "gmail.com", "sina.cn", "foxmail.com", "outlook.com")
# after a detail, punctuation: a number written on up to the next filler's date would take
# the date with it (redaction errs towards removing too much)
GLUE = ("，", "：", "；", "，\n")
FILLERS = (
    "收到的包裹外箱破损。",
    "客服一直不回复！",
    "希望平台尽快处理。",
    "退款 35 元，3 天内到账。",
    "2024-11-03 14:30 签收。",
    "尺码 42码 偏小。",
    "满 200 减 30。",
    "I want a full refund. ",
    "The seller ignored my messages. ",
    "Delivered on 2024-11-03 at 14:05. ",
)


@dataclass(frozen=True)
class Details:
    """One case's personal details, and the forms the property must not find them in."""

    buyer: dict
    seller: dict
    phone: str
    order_id: str
    tracking: str
    road: str
    address: str

    def as_case(self):
        """The case as the ``Redactor`` reads it."""
        return corpus_case(self.buyer, self.seller, self.order_id, self.tracking)

    def secrets(self) -> list[str]:
        found = [self.phone, self.order_id[2:], self.tracking[2:], self.road]
        for person in (self.buyer, self.seller):
            found += person["secrets"]
        return found


def _digits(count: int):
    return st.text("0123456789", min_size=count, max_size=count)


@st.composite
def person(draw, *, shop: bool) -> dict:
    if draw(st.booleans()):
        name = draw(st.sampled_from(SURNAMES)) + draw(st.text(GIVEN_NAMES, min_size=1, max_size=2))
        secrets = [name] + ([name[1:]] if len(name) >= 3 else [])
    else:
        first, last = draw(st.sampled_from(FIRST_NAMES)), draw(st.sampled_from(LAST_NAMES))
        name, secrets = f"{first} {last}", [first, last]
    local = draw(st.text("abcdefghjkmnpqrstuvwxyz", min_size=3, max_size=8)) + draw(_digits(2))
    values = {
        "name": name,
        "email": f"{local}@{draw(st.sampled_from(MAIL_DOMAINS))}",
        "marketplace_user_id": None,
        "shop_name": None,
        "secrets": [*secrets, local],
        "local": local,
    }
    if shop:
        latin_kind, chinese_kind = draw(st.sampled_from(SHOP_KINDS))
        words = draw(st.lists(st.sampled_from(BRAND_WORDS), min_size=2, max_size=2, unique=True))
        brand = draw(st.text(BRAND_CHARS, min_size=2, max_size=2))
        values["shop_name"] = f"{' '.join(words)} {latin_kind} {brand}{chinese_kind}"
        values["brands"] = (" ".join(words), brand + chinese_kind, brand)
        values["secrets"] += [" ".join(words), brand]
    return values


@st.composite
def details(draw) -> Details:
    buyer = draw(person(shop=False))
    seller = draw(person(shop=True).filter(lambda seller: seller["email"] != buyer["email"]))
    road = draw(st.text(ROAD_CHARS, min_size=2, max_size=2)) + draw(st.sampled_from("路街"))
    number = draw(st.integers(min_value=1, max_value=2000))
    address = f"{draw(st.sampled_from(AREAS))}{road}{{{number}}}号"
    if draw(st.booleans()):
        building, unit = draw(st.integers(1, 30)), draw(st.integers(1, 9))
        address += f"{{{building}}}栋{{{unit}}}单元{{{draw(st.integers(101, 2808))}}}室"
    return Details(
        buyer=buyer,
        seller=seller,
        phone="1" + draw(st.sampled_from("3456789")) + draw(_digits(9)),
        order_id="TB" + draw(_digits(14)),
        tracking="SF" + draw(_digits(12)),
        road=road,
        address=address,
    )


@st.composite
def digit_written(draw, digit: str) -> str:
    forms = [digit, chr(ord(digit) + 0xFEE0), CHINESE_DIGITS[int(digit)]]
    return draw(st.sampled_from(forms + list(INFORMAL_DIGITS.get(digit, ""))))


@st.composite
def width_written(draw, text: str) -> str:
    """Each printable ASCII character half- or full-width, as it falls."""
    return "".join(
        chr(ord(char) + 0xFEE0) if "!" <= char <= "~" and draw(st.booleans()) else char
        for char in text
    )


@st.composite
def number_written(draw, text: str, *, spaced: bool = True) -> str:
    """Digits in any numeral, letters in any width, separators anywhere between."""
    pieces = []
    for index, char in enumerate(text):
        if spaced and index and draw(st.integers(0, 3)) == 0:
            pieces.append(draw(st.sampled_from(SEPARATORS)))
        pieces.append(draw(digit_written(char)) if char.isdigit() else draw(width_written(char)))
    return "".join(pieces)


@st.composite
def name_written(draw, name: str) -> str:
    """A name with a separator or none between its characters, in any width and case."""
    name = draw(st.sampled_from((name, name.upper(), name.lower())))
    pieces = []
    for index, char in enumerate(name):
        if index and char != " " and name[index - 1] != " ":
            pieces.append(draw(st.sampled_from(("", "", " ", "-", "·"))))
        pieces.append(char)
    return draw(width_written("".join(pieces)))


@st.composite
def email_written(draw, email: str) -> str:
    local, domain = email.split("@")
    labels = [draw(number_written(label, spaced=False)) for label in domain.split(".")]
    at = draw(st.sampled_from(AT))
    return draw(number_written(local, spaced=False)) + at + draw(st.sampled_from(DOT)).join(labels)


@st.composite
def address_written(draw, address: str) -> str:
    """Each {number} of the address in Arabic, full-width or Chinese numerals."""
    parts = address.replace("}", "{").split("{")
    written = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            written.append(part)
            continue
        form = draw(st.sampled_from(("arabic", "written", "counting")))
        if form == "counting":
            written.append(cn2an.an2cn(part))
        else:
            written.append(draw(number_written(part, spaced=False)) if form == "written" else part)
    return "".join(written)


@st.composite
def writings(draw, case: Details) -> list[str]:
    """Each detail of ``case`` written once in some form."""
    found = [
        ("+86 " if draw(st.booleans()) else "") + draw(number_written(case.phone)),
        draw(number_written(case.order_id)),
        draw(number_written(case.tracking)),
        draw(address_written(case.address)),
    ]
    for values in (case.buyer, case.seller):
        found.append(draw(name_written(values["name"])))
        found.append(draw(email_written(values["email"])))
    brands = case.seller["brands"]
    found += [draw(name_written(brand)) for brand in brands]
    return draw(st.permutations(found))


@st.composite
def text_with(draw, case: Details) -> tuple[str, list[str]]:
    """Filler and ``case``'s details written among it; and the fillers used."""
    pieces, fillers = [], []
    for writing in draw(writings(case)):
        filler = draw(st.sampled_from(FILLERS))
        fillers.append(filler)
        pieces += [filler, writing, draw(st.sampled_from(GLUE))]
    return "".join(pieces), fillers


def written_cases():
    """A case's details, a text they are written in, and the fillers around them."""
    return details().flatmap(lambda drawn: text_with(drawn).map(lambda text: (drawn, *text)))

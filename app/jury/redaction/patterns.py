"""The shapes of personal details, whoever they belong to, matched on normalised text
(``normalise``: ASCII digits, ``-`` and ``.`` for every dash and dot).

``shape_spans`` finds them all: e-mail addresses (with "at" and "dot" spelled out in English
or Chinese), web addresses, phone numbers (by pattern and by the ``phonenumbers`` parser),
account names (``@handle``, WeChat, Weibo, QQ …), order and tracking numbers, Chinese
addresses by their structure, English street addresses, and postcodes. Dates, times and
amounts are masked before the patterns that take any long number for a phone or a parcel,
so ``2024-11-03 14:30`` and ``¥1,299.00`` stay.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import phonenumbers

# Between the digits of a number people write spaces, dashes, dots, slashes…
SEP = r"[ \-./_。、]{0,3}"
# …but a long number of no known shape does not go on past the end of a Chinese sentence
DIGITS_7 = r"\d(?:[ \-./_]{0,3}\d){6,}"

CJK = r"[\u3400-\u9fff]"
# a character of a place name: any CJK one but the words around an address ("寄到", "住在")
PLACE = r"(?:(?![的在到是寄住从往址了和与及或我你他她它们给向于把被说送发收])[\u3400-\u9fff])"

# -- kept ------------------------------------------------------------------------------------

YEAR, MONTH, DAY = r"(?:19|20)\d\d", r"(?:0?[1-9]|1[0-2])", r"(?:0?[1-9]|[12]\d|3[01])"
DATE = re.compile(
    rf"(?<![\d./-])(?:{YEAR} ?[-./年] ?{MONTH} ?[-./月] ?{DAY} ?[日号]?"
    rf"|{DAY}[-./]{MONTH}[-./]{YEAR}|{MONTH}[-./]{DAY}[-./]{YEAR}"
    rf"|{MONTH} ?月 ?{DAY} ?[日号]?|{YEAR} ?年"
    rf"|{YEAR}[-./]?(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(?!\d)"  # 2023-1102, 20231102
)
TIME = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)")
AMOUNT = re.compile(
    r"[¥$€£] ?\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)? ?(?:元|块|圆|%|(?i:rmb|yuan|cny|usd)\b)"
)
KEPT = (DATE, TIME, AMOUNT)
MASK = "\u25a0"  # not a digit, letter or separator: no pattern reads across it

# -- e-mail and web addresses ----------------------------------------------------------------

TLD = (
    r"(?i:com|cn|net|org|edu|gov|info|biz|io|co|me|tv|cc|ai|app|dev|shop|store|top|xyz|site|"
    r"online|tech|vip|club|link|ltd|wang|ink|fun|live|cloud|hk|tw|mo|jp|kr|sg|uk|us|de|fr)"
)
AT = r"(?:@|[(\[{<] ?(?i:at|@) ?[)\]}>]|(?<![A-Za-z])(?i:at)(?![A-Za-z])|艾特|圈 ?[aA]|小老鼠)"
# a dot written as a dot is between two labels; a spelled one may stand between spaces
DOT = (
    r"(?:\.| \. | ?(?:[(\[{<] ?(?i:dot|点|\.) ?[)\]}>]|(?<![A-Za-z])(?i:dot)(?![A-Za-z])|点|點) ?)"
)
LAST_DOT = rf"(?:{DOT}|。)"  # 。 ends a sentence, unless a domain follows
LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+%-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
EMAIL_SPELLED = re.compile(
    rf"(?<![A-Za-z0-9_.+%-])[A-Za-z0-9][A-Za-z0-9_.+%-]* ?{AT} ?{LABEL}(?:{DOT}{LABEL})*"
    rf"{LAST_DOT}{TLD}(?![A-Za-z0-9])"
)
URL_TAIL = r"[^\s<>\"'，。、；！？（）【】\u3400-\u9fff]*"
URL = re.compile(
    rf"(?i:https?|ftp)://{URL_TAIL}"
    rf"|(?<![A-Za-z0-9@.-])(?:{LABEL}{DOT})*{LABEL}{LAST_DOT}{TLD}(?![A-Za-z0-9-])"
    rf"(?:/{URL_TAIL})?"
)

# -- phones ----------------------------------------------------------------------------------

CN_MOBILE = re.compile(rf"(?<!\d)(?:(?:\+|00)?86{SEP})?1{SEP}[3-9](?:{SEP}\d){{9}}(?!\d)")
LANDLINE = re.compile(
    rf"(?<![A-Za-z0-9])(?:\(0\d{{2,3}}\)|0\d{{2,3}}){SEP}\d{{3,4}}{SEP}\d{{4}}(?!\d)"
)
INTERNATIONAL_PHONE = re.compile(r"\+\d{1,3}[ .-]?\(?\d[\d ().-]{5,}\d")
DIGIT_GROUPS = re.compile(rf"(?<![A-Za-z0-9_.]){DIGITS_7}(?![A-Za-z0-9_])")

# -- accounts --------------------------------------------------------------------------------

ACCOUNT = r"[A-Za-z0-9_][A-Za-z0-9_.-]{1,29}[A-Za-z0-9_]"
ACCOUNT_WORD = r"(?:号码|号|账号|帐号|(?i:id)|名|昵称)"
LINK_WORD = r" ?(?:[:=]|是|为|(?i:is))? ?"
# written in Chinese or as Chinese writers abbreviate them: what follows is the account
CN_PLATFORMS = (
    r"微信|威信|薇信|微心|[vV] ?信|微博|抖音|快手|小红书|推特|脸书|旺旺|钉钉|"
    r"(?<![A-Za-z])(?i:v ?x|w ?x|wei ?xin|xhs)(?![A-Za-z])"
)
# written in English prose: the account follows a colon or "is", or looks like one
EN_PLATFORMS = (
    r"(?<![A-Za-z])(?i:wechat|weixin|weibo|douyin|instagram|insta|ins|ig|twitter|telegram|tg"
    r"|facebook|fb|line|tiktok)(?![A-Za-z])"
)
ID_LIKE = rf"(?=[A-Za-z0-9_.-]*[0-9_]){ACCOUNT}"  # abc_123, lin88: not an English word
HANDLE = re.compile(
    rf"(?<![A-Za-z0-9_.@-])@ ?(?:{ACCOUNT}|{CJK}[\u3400-\u9fffA-Za-z0-9_-]{{1,19}})"
)
ACCOUNTS = (
    # after 号 or a colon any account; after a space only one that cannot be a word ("微信 app")
    re.compile(
        rf"(?:{CN_PLATFORMS}) ?(?:{ACCOUNT_WORD}|[:=])(?:{LINK_WORD})(?P<value>@?{ACCOUNT})"
    ),
    re.compile(
        rf"(?:{CN_PLATFORMS}){LINK_WORD}(?P<value>@?(?:{ID_LIKE}|(?=[A-Za-z0-9_.-]{{6}}){ACCOUNT}))"
    ),
    re.compile(rf"(?:{CN_PLATFORMS}){ACCOUNT_WORD}? ?[:=] ?(?P<value>{CJK}{{2,12}})"),
    re.compile(
        rf"(?:{EN_PLATFORMS}) ?(?i:id|handle|account)? ?(?:[:=]|(?i:is)) ?(?P<value>@?{ACCOUNT})"
    ),
    re.compile(rf"(?:{EN_PLATFORMS}) (?P<value>@?{ID_LIKE})"),
    re.compile(rf"(?:(?<![A-Za-z0-9])[vV] ?[:=]|加 ?[vV]) ?(?P<value>{ACCOUNT})"),
    re.compile(r"(?i:wxid_)[A-Za-z0-9_-]{4,}"),
    re.compile(
        rf"(?<![A-Za-z])(?:(?i:q ?q)|扣扣|企鹅)(?:号码|号|群)?{LINK_WORD}"
        rf"(?P<value>[1-9](?:{SEP}\d){{4,11}})(?!\d)"
    ),
)

# -- order and tracking numbers --------------------------------------------------------------

# a carrier's or marketplace's letters, then six or more digits however spaced
ID_VALUE = rf"(?P<value>(?:[A-Za-z]{{1,4}}{SEP})?\d(?:{SEP}\d){{5,}}[A-Za-z]{{0,3}})(?![A-Za-z0-9])"
ORDER_CONTEXT = re.compile(
    rf"(?:订单编号|订单号|(?i:order ?(?:no\.?|number|num|#|id))) ?[:#=]? ?(?:是|为)? ?{ID_VALUE}"
)
TRACKING_CONTEXT = re.compile(
    rf"(?:运单号|快递单号|物流单号|快递号|单号|快递|(?i:tracking ?(?:no\.?|number|num|#|id)?))"
    rf" ?[:#=]? ?(?:是|为)? ?{ID_VALUE}"
)
LONG_ID = re.compile(
    r"(?<![A-Za-z0-9-])(?=(?:[A-Za-z-]*\d){6})[A-Za-z0-9][A-Za-z0-9-]{8,}[A-Za-z0-9]"
)
# a carrier's prefix and a long number, however spaced: SF 1402 9384 7561 1
PREFIXED_ID = re.compile(
    rf"(?<![A-Za-z0-9])(?<!Q )(?!Q ?Q)[A-Z]{{1,4}}{SEP}\d(?:{SEP}\d){{7,}}(?!\d)"
)

# -- addresses -------------------------------------------------------------------------------

PROVINCES = (
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|"
    "湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门"
)
NUMBER = r"\d+(?: ?- ?\d+)?"
NAMED = rf"(?:{PLACE}|\d)"  # place names hold numerals too: 五常街道, 文一西路
AREA = (
    rf"(?:(?:{PROVINCES})(?:省|市|自治区|特别行政区)?|{NAMED}{{1,6}}?(?:省|自治区|市|自治州|地区)"
    rf"|{NAMED}{{1,5}}?(?:区|县|旗|镇|乡|街道)"
    rf"|{NAMED}{{2,8}}?(?:小区|花园|公寓|大厦|广场|新村|家园|苑|中心|大楼))"
)
ROAD = rf"{NAMED}{{1,6}}?(?:大道|大街|路|街|道|巷|弄|胡同)"
HOUSE = rf"{NUMBER} ?[号號弄](?!楼)"
DETAIL = (
    rf"(?:{NUMBER} ?[A-Za-z]? ?(?:号楼|号院|栋|幢|座)|[A-Za-z] ?(?:栋|座)|{NUMBER} ?(?:单元|层|楼)"
    rf"|{NUMBER} ?(?:室|房|户)|{HOUSE})"
)
# after the building and unit, the room may go without 室: 3栋2单元501
DETAILS = rf"(?: ?{DETAIL})*(?: ?\d{{3,4}}(?!\d))?"
BUILDING_NAME = r"[A-Za-z\u3400-\u9fff]{1,8}?"  # 建国路88号 SOHO现代城 A座
# every address has one of these within its first characters: the pattern is tried only there
ADDRESS_ANCHOR = r"(?=.{0,24}?[省市区县旗镇乡道路街巷弄同号號栋幢座元层楼室房户苑园厦寓村心场])"
CN_ADDRESS = re.compile(
    rf"{ADDRESS_ANCHOR}(?:(?:{AREA} ?)*{ROAD} ?{HOUSE}(?: ?(?:{BUILDING_NAME})?{DETAIL})*{DETAILS}"
    rf"|(?:{AREA} ?){{2,}}(?:{ROAD})?{DETAILS}"
    rf"|(?:{AREA} ?)+{ROAD}"
    rf"|(?:{AREA} ?)*{DETAIL}(?: ?{DETAIL})+{DETAILS}"
    rf"|{AREA} ?{DETAIL}{DETAILS}"
    rf"|(?<!\d)\d{{3,4}} ?室)"
)
POSTCODE = re.compile(
    rf"(?:邮编|邮政编码|(?i:post ?code|zip(?: ?code)?)) ?(?:[:=]|是|为)? ?"
    rf"(?P<value>\d(?:{SEP}\d){{5}})(?!\d)"
)
UK_POSTCODE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}(?![A-Za-z0-9])")
STREET_WORDS = r"(?i:road|street|avenue|rd|st|ave|lane|ln|blvd|boulevard|drive|dr)"
STREET_NAME = r"(?:[A-Z][\w'-]*\s+){1,3}"  # capitalised words: "Baker", "Old Kent"
EN_STREET = re.compile(
    rf"(?<![A-Za-z0-9])\d+[A-Za-z]?,?\s+{STREET_NAME}{STREET_WORDS}\b\.?"
    rf"|(?<![A-Za-z0-9]){STREET_NAME}{STREET_WORDS}\.?,?\s+(?i:no\.?\s*)?\d+\b"
)


@dataclass(frozen=True)
class Found:
    """A detail found at ``text[start:end]`` of the normalised text. Where finds overlap,
    the one of the lowest ``rank`` names what was removed."""

    start: int
    end: int
    kind: str
    rank: int


# (kind, patterns, masked): in rank order, the surest first; ``masked`` patterns read the
# text with dates, times and amounts masked, since they take any long number
SHAPES: tuple[tuple[str, tuple[re.Pattern, ...], bool], ...] = (
    ("email", (EMAIL, EMAIL_SPELLED), False),
    ("link", (URL,), False),
    ("order", (ORDER_CONTEXT,), False),
    ("tracking", (TRACKING_CONTEXT,), False),
    ("phone", (CN_MOBILE,), False),
    ("phone", (LANDLINE, INTERNATIONAL_PHONE), True),
    ("account", (HANDLE, *ACCOUNTS), False),
    ("address", (POSTCODE, UK_POSTCODE, EN_STREET), False),
    ("address", (CN_ADDRESS,), True),
    ("tracking", (PREFIXED_ID, LONG_ID), True),
    ("phone", (DIGIT_GROUPS,), True),
)
PARSED_PHONE_RANK = len(SHAPES)


def shape_spans(text: str) -> Iterator[Found]:
    """Every detail of ``text`` (normalised) found by its shape alone."""
    masked = mask_kept(text)
    for rank, (kind, patterns, on_masked) in enumerate(SHAPES):
        for pattern in patterns:
            for match in pattern.finditer(masked if on_masked else text):
                start, end = match.span("value" if "value" in pattern.groupindex else 0)
                if end > start and not (pattern is LONG_ID and _digit_groups(match.group(0))):
                    yield Found(start, end, kind, rank)
    for match in phonenumbers.PhoneNumberMatcher(masked, "CN", phonenumbers.Leniency.VALID):
        yield Found(match.start, match.end, "phone", PARSED_PHONE_RANK)


def mask_kept(text: str) -> str:
    """``text`` with its dates, times and amounts blotted out, same length."""
    chars = list(text)
    for pattern in KEPT:
        for match in pattern.finditer(text):
            chars[match.start() : match.end()] = MASK * (match.end() - match.start())
    return "".join(chars)


def _digit_groups(found: str) -> bool:
    """Digit groups with dashes (``021-6234-5678``) are no parcel: the phone patterns decide."""
    return "-" in found and not any(char.isalpha() for char in found)

"""What the platform knows of a case's parties, as patterns that find it however written.

A party is named by its display name and each part of it, a Chinese given name without the
surname, its shop's name and the distinctive part of it (``Green Leaf`` of "Green Leaf Tea
House", ``绿叶`` of "绿叶茶社", never the everyday words "tea", "house", "旗舰店"), the local
part of its e-mail address, its own web domain, and its marketplace account. Terms are
normalised as the text is, and match with up to three separators between their characters
(``张 三``, ``Z-h-a-n-g``), in any case — except the single words of a many-worded shop name
and the parts of a name that are everyday words, which match only written with a capital:
"Leaf" is the shop and "Green" the seller, "a tea leaf" and "green tea" are not.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.jury.redaction.normalise import normalise

SEPARATORS = frozenset(" -._/|*,、'’")
SPACING = r"[ \-._/|*,、'’]{0,3}"
CJK = re.compile(r"[\u3400-\u9fff]")
CJK_RUNS = re.compile(r"[\u3400-\u9fff]+|[^\u3400-\u9fff]+")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# words any shop may have in its name: a reviewer needs them to read the case
GENERIC_SHOP_WORDS = frozenset(
    _words(
        "the and of & co co. ltd ltd. inc inc. llc company limited corp shop store stores house "
        "tea coffee official flagship digital electronics trading trade mall market outlet "
        "boutique studio factory direct online global international home fashion clothing "
        "apparel shoes beauty books toys food foods goods supply supplies center centre kitchen"
    )
)
# the same at the end of a Chinese shop name, longest first: 绿叶茶社 is the shop 绿叶
GENERIC_SHOP_ENDINGS = tuple(
    sorted(
        _words(
            "官方旗舰店 旗舰店 专卖店 专营店 企业店 官方 旗舰 小店 商店 店铺 小铺 商行 商城 "
            "工作室 数码 茶社 茶庄 茶行 茶叶 服饰 服装 女装 男装 童装 鞋业 美妆 母婴 食品 家居 "
            "电器 百货 文具 玩具 书店 精品 专柜 直营 有限公司 公司 国际 贸易 店 铺 社 馆 坊 行"
        ),
        key=len,
        reverse=True,
    )
)
# mailboxes anyone may have: their domain says nothing of the party
PUBLIC_MAIL_DOMAINS = frozenset(
    _words(
        "qq.com vip.qq.com foxmail.com 163.com 126.com yeah.net sina.com sina.cn sohu.com "
        "aliyun.com 139.com 189.cn wo.cn gmail.com googlemail.com outlook.com hotmail.com "
        "live.com msn.com yahoo.com icloud.com me.com proton.me protonmail.com"
    )
)
# names that are everyday words too: "Green replied" names the seller, "green tea" does not
EVERYDAY_NAME_WORDS = frozenset(
    _words(
        "green brown white black gray grey rose young king long wood stone hill page bell cook "
        "rich may hope joy faith mark bill will art summer winter spring fox lamb bird sun"
    )
)
# mailboxes of a role, not a person: "service" of service@shop.cn is an everyday word
ROLE_MAILBOXES = frozenset(
    _words("service support info admin contact sales shop kefu help hello mail office noreply")
)
RESERVED_DOMAIN = re.compile(r"(?:^|\.)(?:example|test|invalid|localhost)(?:\.|$)")


@dataclass
class Terms:
    """The words that name a party: matched in any case, or only written with a capital."""

    anywhere: set[str] = field(default_factory=set)
    capitalised: set[str] = field(default_factory=set)  # matched only with a capital

    def __ior__(self, other: "Terms") -> "Terms":
        self.anywhere |= other.anywhere
        self.capitalised |= other.capitalised
        return self


def party_terms(user) -> Terms:
    """Everything that names ``user``, as written in their account."""
    terms = name_terms(user.display_name)
    terms |= shop_terms(user.shop_name)
    terms.anywhere |= account_terms(user.email, user.marketplace_user_id)
    return terms


def name_terms(name: str | None) -> Terms:
    """A name, each of its parts longer than one character (a part that is also an everyday
    word only with a capital), a Chinese given name, and its Latin words together in either
    order (``LinXiaoyu``, ``Xiaoyu Lin``)."""
    name = _normalised(name)
    if not name:
        return Terms()
    terms = Terms({name})
    for run in (run.split() for run in CJK_RUNS.findall(name) if not CJK.match(run)):
        if len(run) > 1:
            terms.anywhere |= {" ".join(run), " ".join(reversed(run))}
    for part in re.split(r"[ .]+", name):
        part = part.strip(",;:()\"'")
        if len(part) > 1:
            for word in {part, _possessive(part)}:
                everyday = word.lower() in EVERYDAY_NAME_WORDS
                (terms.capitalised if everyday else terms.anywhere).add(word)
        if len(part) >= 3 and all(CJK.match(char) for char in part):
            terms.anywhere.add(part[1:])  # the given name without the surname
    return terms


def shop_terms(shop: str | None) -> Terms:
    shop = _normalised(shop)
    terms = Terms({shop} if shop else set())
    for run in (run.strip() for run in CJK_RUNS.findall(shop)):
        if CJK.match(run):
            terms.anywhere |= {term for term in (run, _chinese_brand(run)) if len(term) > 1}
        elif len(run) > 1:
            terms.anywhere.add(run)
            terms |= _latin_brand(run.split())
    return terms


def _chinese_brand(name: str) -> str:
    """``绿叶茶社`` → ``绿叶``: the name without the everyday words it ends with."""
    stripped = True
    while stripped:
        stripped = False
        for ending in GENERIC_SHOP_ENDINGS:
            if name.endswith(ending) and len(name) > len(ending):
                name, stripped = name[: -len(ending)], True
                break
    return name


def _latin_brand(words: list[str]) -> Terms:
    """Each run of the name's own (not everyday) words; a run of one word matches anywhere
    when it is the only one, else only written with a capital ("Leaf" of "Green Leaf")."""
    own = [_possessive(word) if not _generic(word) else None for word in words]
    runs: list[list[str]] = [[]]
    for word in own:
        if word is None:
            runs.append([])
        else:
            runs[-1].append(word)
    runs = [run for run in runs if run]
    terms = Terms()
    for run in runs:
        if len(run) > 1:
            terms.anywhere.add(" ".join(run))
    singles = {word for run in runs for word in run if len(word) >= 3}
    if len(singles) == 1 and sum(len(run) for run in runs) == 1:
        terms.anywhere |= singles
    else:
        terms.capitalised |= singles
    return terms


def _generic(word: str) -> bool:
    return _possessive(word).lower() in GENERIC_SHOP_WORDS


def _possessive(word: str) -> str:
    return word[:-2] if word.lower().endswith("'s") and len(word) > 3 else word


def account_terms(email: str | None, marketplace_user_id: str | None) -> set[str]:
    """The e-mail's local part and its longer pieces, the party's own web domain (not a
    public mailbox's) and its name, and the marketplace account."""
    terms = set()
    local, _at, domain = _normalised(email).lower().partition("@")
    if len(local) >= 3 and local not in ROLE_MAILBOXES:
        terms.add(local)
        terms |= {
            piece
            for piece in re.split(r"[._+-]+", local)
            if len(piece) >= 4 and piece not in GENERIC_SHOP_WORDS | ROLE_MAILBOXES
        }
    if domain and domain not in PUBLIC_MAIL_DOMAINS and not RESERVED_DOMAIN.search(domain):
        labels = domain.split(".")
        name = labels[1] if labels[0] == "www" and len(labels) > 2 else labels[0]
        terms |= {domain, name} if len(name) >= 4 else {domain}
    account = _normalised(marketplace_user_id)
    if len(account) >= 3:
        terms.add(account)
    return terms


def number_terms(values: Iterable[str | None]) -> Terms:
    """Order or tracking numbers, and the digits of each alone when there are six or more."""
    terms = Terms()
    for value in filter(None, (_normalised(value) for value in values)):
        terms.anywhere.add(value)
        digits = "".join(char for char in value if char.isdigit())
        if len(digits) >= 6:
            terms.anywhere.add(digits)
    return terms


def term_pattern(terms: Terms) -> re.Pattern | None:
    """One pattern for all ``terms``, longest first."""
    alternatives = [
        _flexible(term, capitalised=capitalised)
        for capitalised, group in ((False, terms.anywhere), (True, terms.capitalised))
        for term in group
    ]
    alternatives = sorted(filter(None, alternatives), key=len, reverse=True)
    return re.compile("|".join(alternatives)) if alternatives else None


def _flexible(term: str, *, capitalised: bool) -> str | None:
    """``term`` with separators allowed between its characters (between Latin letters only
    in terms of three or more), bounded where it begins or ends with a letter or digit."""
    chars = [char for char in term if char not in SEPARATORS]
    if not chars:
        return None
    spaced = CJK.search(term) or sum(char.isalnum() for char in chars) >= 3
    joiner = SPACING if spaced else ""
    first, rest = re.escape(chars[0].upper() if capitalised else chars[0]), chars[1:]
    tail = "".join(joiner + re.escape(char) for char in rest)
    body = f"{first}(?i:{tail})" if capitalised else f"(?i:{first}{tail})"
    return _bounded(chars[0], "(?<!{})") + body + _bounded(chars[-1], "(?!{})")


def _bounded(char: str, around: str) -> str:
    if char.isascii() and char.isalpha():
        return around.format("[A-Za-z]")
    if char.isascii() and char.isdigit():
        return around.format("[0-9]")
    return ""


def _normalised(value: str | None) -> str:
    return normalise((value or "").strip()).text.strip()

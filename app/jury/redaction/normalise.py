"""Text read the one way the patterns match it, with a map back to what was written.

People hide a phone number from a filter by writing it as they would to a friend:
``１３８－1234·５６７８``, ``一三八一二三四五六七八``, ``幺三八…``, ``二十三号``. ``normalise``
folds every such form into plain ASCII digits and separators, and keeps, for each character
of the result, the span of the original it came from, so that a match found in the folded
text removes exactly the matching words of the original and nothing else.

The folding: compatibility forms to their plain character (Unicode NFKC: full-width digits
and Latin, ``＠``, circled digits), accents and invisible characters dropped, every kind of
dash to ``-``, every middle dot to ``.``, every space to `` ``, and Chinese numerals to
digits — counting numbers (``二十三`` → ``23``) through cn2an, digit-by-digit ones (phone
numbers, ``幺``, ``两``, ``洞``) one character for one digit, so that leading zeros stay.
"""

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import cn2an

CHINESE_DIGITS = {
    **dict.fromkeys("零〇洞", "0"),
    **dict.fromkeys("一壹幺", "1"),
    **dict.fromkeys("二贰两", "2"),
    **dict.fromkeys("三叁", "3"),
    **dict.fromkeys("四肆", "4"),
    **dict.fromkeys("五伍", "5"),
    **dict.fromkeys("六陆", "6"),
    **dict.fromkeys("七柒", "7"),
    **dict.fromkeys("八捌", "8"),
    **dict.fromkeys("九玖", "9"),
}
CHINESE_UNITS = frozenset("十拾百佰千仟万")
MIDDLE_DOTS = frozenset("·・‧•∙⋅")
INVISIBLE_CATEGORIES = frozenset({"Cf", "Mn", "Me"})  # format characters, combining marks
WHITESPACE = frozenset("\t\n\r\v\f")


@dataclass(frozen=True)
class Normalised:
    """``text`` folded; character ``i`` of it came from ``original[starts[i]:ends[i]]``."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Where the folded ``text[start:end]`` (not empty) was written in the original."""
        return self.starts[start], self.ends[end - 1]


def normalise(text: str) -> Normalised:
    folded = [(out, index, index + 1) for index, char in enumerate(text) for out in _fold(char)]
    read = _read_numerals(folded)
    return Normalised(
        "".join(char for char, _start, _end in read),
        tuple(start for _char, start, _end in read),
        tuple(end for _char, _start, end in read),
    )


@lru_cache(maxsize=16384)
def _fold(char: str) -> str:
    if char.isascii():
        return " " if char in WHITESPACE else char
    decomposed = unicodedata.normalize("NFKD", char)
    kept = "".join(c for c in decomposed if unicodedata.category(c) not in INVISIBLE_CATEGORIES)
    return "".join(_separator(c) for c in unicodedata.normalize("NFKC", kept))


def _separator(char: str) -> str:
    category = unicodedata.category(char)
    if category == "Pd" or char == "\u2212":  # dashes of every width, and the minus sign
        return "-"
    if char in MIDDLE_DOTS:
        return "."
    if category == "Zs" or char in WHITESPACE:
        return " "
    return char


Folded = list[tuple[str, int, int]]


def _read_numerals(chars: Folded) -> Folded:
    """Each run of Chinese numerals replaced by its digits."""
    read: Folded = []
    index = 0
    while index < len(chars):
        end = index
        while end < len(chars) and _is_numeral(chars[end][0]):
            end += 1
        if end == index:
            read.append(chars[index])
            index += 1
            continue
        read.extend(_digits(chars[index:end]))
        index = end
    return read


def _is_numeral(char: str) -> bool:
    return char in CHINESE_DIGITS or char in CHINESE_UNITS


def _digits(run: Folded) -> Folded:
    """A counting number (with 十, 百…) is read whole, each of its digits mapped to the whole
    run; a run of digits alone is read one for one. Units that do not make a number stay."""
    written = "".join(char for char, _start, _end in run)
    if any(char in CHINESE_UNITS for char in written) and (
        written[0] in "十拾" or any(char in CHINESE_DIGITS for char in written)
    ):
        value = _counting_number(written)
        if value is not None:
            start, end = run[0][1], run[-1][2]
            return [(digit, start, end) for digit in value]
    return [(CHINESE_DIGITS.get(char, char), start, end) for char, start, end in run]


@lru_cache(maxsize=4096)
def _counting_number(written: str) -> str | None:
    try:
        value = cn2an.cn2an(written, "smart")
    except ValueError:
        return None
    return str(int(value)) if value == int(value) else None

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

import re
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
NUMERAL_RUN = re.compile("[" + "".join(CHINESE_DIGITS) + "".join(CHINESE_UNITS) + "]+")
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
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, char in enumerate(text):
        out = _fold(char)
        if len(out) == 1:
            chars.append(out)
            starts.append(index)
            ends.append(index + 1)
        elif out:
            chars.extend(out)
            starts.extend([index] * len(out))
            ends.extend([index + 1] * len(out))
        elif ends:  # an invisible character goes with the one before it
            ends[-1] = index + 1
    folded = "".join(chars)
    if not NUMERAL_RUN.search(folded):
        return Normalised(folded, tuple(starts), tuple(ends))
    return _read_numerals(folded, starts, ends)


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


def _read_numerals(folded: str, starts: list[int], ends: list[int]) -> Normalised:
    """Each run of Chinese numerals replaced by its digits."""
    chars: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    done = 0
    for run in NUMERAL_RUN.finditer(folded):
        chars.append(folded[done : run.start()])
        new_starts += starts[done : run.start()]
        new_ends += ends[done : run.start()]
        first, last = run.start(), run.end() - 1
        value = _counting_number(run.group()) if _is_counting(run.group()) else None
        if value is not None:  # each digit of the number comes from the whole run
            chars.append(value)
            new_starts += [starts[first]] * len(value)
            new_ends += [ends[last]] * len(value)
        else:  # digit by digit, so leading zeros stay; units that make no number stay
            chars.append("".join(CHINESE_DIGITS.get(char, char) for char in run.group()))
            new_starts += starts[first : last + 1]
            new_ends += ends[first : last + 1]
        done = run.end()
    chars.append(folded[done:])
    new_starts += starts[done:]
    new_ends += ends[done:]
    return Normalised("".join(chars), tuple(new_starts), tuple(new_ends))


def _is_counting(written: str) -> bool:
    """A counting number (``二十三``, ``十五``) rather than digits read one by one."""
    return any(char in CHINESE_UNITS for char in written) and (
        written[0] in "十拾" or any(char in CHINESE_DIGITS for char in written)
    )


@lru_cache(maxsize=4096)
def _counting_number(written: str) -> str | None:
    """The number ``written`` counts, or None where it is no number (``八五十零``: cn2an
    refuses some with ValueError, others with KeyError)."""
    try:
        value = cn2an.cn2an(written, "smart")
    except (ValueError, KeyError):
        return None
    return str(int(value)) if value == int(value) else None

"""Jump lines: where a story goes on to another page, or comes from one.

English forms: "(Continued on Page 16)", "Continued from Page One", "See TAX, Page A4", "TAX, from Page A1",
"Turn to Page 5", "Please turn to page 3"; Chinese: "（下转第三版）", "（上接第1版）", "转A3版", "接A1版", "续第2版".
OCR errors are allowed for: the key words are matched within an edit or two ("Contlnued", "paqe"), and a page
number read with letters for digits ("l6", "O") is mended.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from .script import is_hanzi

__all__ = ["Jump", "find_jump", "page_label", "zh_number"]


@dataclass(frozen=True)
class Jump:
    """A jump line read: ``direction`` ``on`` (the story goes on at ``page``) or ``from`` (it comes from there);
    ``page`` as printed, normalised ("3", "A4"); ``key`` the catch word of "See TAX, Page A4", upper case."""

    direction: str
    page: str
    key: str = ""


_NUMBER_WORDS = {
    w: str(i + 1)
    for i, w in enumerate(
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}
_ZH_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_DIGIT_FIX = str.maketrans({"l": "1", "i": "1", "I": "1", "|": "1", "o": "0", "O": "0", "s": "5", "S": "5"})
_ZH_JUMP = re.compile(
    r"^[(（\[【]?\s*(上接|下转|接|转|续)\s*(?:第)?\s*([A-Za-z]?\s*[0-9〇零一二三四五六七八九十两]{1,3})\s*[版页]"
    r"\s*(?:[A-Za-z]?\s*[0-9]*\s*)?[)）\]】]?$"
)
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


def zh_number(s: str) -> str:
    """ "三" → "3", "十二" → "12", "A3" → "A3"."""
    s = s.replace(" ", "")
    if s and s[0].isascii() and s[0].isalpha():
        return s[0].upper() + str(int(s[1:])) if s[1:].isdigit() else s.upper()
    if s.isdigit():
        return str(int(s))
    if "十" in s:
        tens, _, ones = s.partition("十")
        return str((_ZH_DIGITS.get(tens, 1) if tens else 1) * 10 + (_ZH_DIGITS.get(ones, 0) if ones else 0))
    return "".join(str(_ZH_DIGITS[c]) for c in s if c in _ZH_DIGITS)


def page_label(token: str) -> str | None:
    """A printed page as a label: "16", "One" → "1", "a4" / "A04" → "A4", "l6" → "16"; None if it is none."""
    t = token.strip().rstrip(".,;:)")
    if not t:
        return None
    if t.lower() in _NUMBER_WORDS:
        return _NUMBER_WORDS[t.lower()]
    digits = t.translate(_DIGIT_FIX)
    if digits.isdigit():
        return str(int(digits)) if len(digits) <= 3 and int(digits) > 0 else None
    fixed = t[0] + t[1:].translate(_DIGIT_FIX)  # a section letter, then the number
    if fixed[0].isalpha() and 1 < len(fixed) <= 4 and fixed[1:].isdigit() and int(fixed[1:]) > 0:
        return fixed[0].upper() + str(int(fixed[1:]))
    return None


def _like(word: str, target: str) -> bool:
    """``word`` is ``target`` read with at most one error in four letters."""
    w = word.lower()
    # Letter pairs OCR reads for one letter ("frorn", "Contimied") are put back first.
    w = w.replace("rn", "m").replace("vv", "w").replace("cl", "d") if w != target else w
    return w == target or (len(w) >= 3 and Levenshtein.distance(w, target) <= max(1, len(target) // 4))


def _english(text: str) -> Jump | None:
    words = _TOKEN.findall(text)
    if not 2 <= len(words) <= 8:
        return None
    # The page is the last word, after "page" (or, as in "Continued on A4", a section and a number).
    label = page_label(words[-1])
    if label is None:
        return None
    head = words[:-1]
    if head and _like(head[-1], "page"):
        head = head[:-1]
    elif not (label[0].isalpha() or (head and head[-1].lower() in ("on", "from", "to"))):
        return None
    low = [w.lower() for w in head]
    if not low:
        return None
    if low[-1] == "from" or (len(low) >= 2 and _like(low[-1], "from")):
        rest = head[:-1]
        if not rest or (len(rest) == 1 and _like(rest[0], "continued")) or [w.lower() for w in rest] == ["cont'd"]:
            return Jump("from", label)
        if len(rest) <= 3 and all(w.isupper() or w.istitle() for w in rest):
            return Jump("from", label, " ".join(rest).upper())  # "TAX, from Page A1"
        return None
    if low[-1] in ("on", "to") or (len(low[-1]) >= 2 and _like(low[-1], "on")):
        rest = low[:-1]
        if (len(rest) == 1 and (_like(rest[0], "continued") or rest[0] in ("cont'd", "turn", "jump"))) or rest in (
            ["please", "turn"],
            ["story", "continued"],
        ):
            return Jump("on", label)
        return None
    if _like(low[0], "see") and 2 <= len(head) <= 4:
        return Jump("on", label, " ".join(head[1:]).upper())  # "See TAX, Page A4"
    return None


def find_jump(text: str) -> Jump | None:
    """The jump a line states, or None: the whole line must be the jump (a sentence that mentions a page is
    not one)."""
    t = unicodedata.normalize("NFKC", text).strip()
    if not t or len(t) > 60:
        return None
    m = _ZH_JUMP.match(t)
    if m:
        direction = "on" if m.group(1) in ("下转", "转") else "from"
        return Jump(direction, zh_number(m.group(2)))
    if any(is_hanzi(ch) for ch in t):
        return None
    return _english(t)

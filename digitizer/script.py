"""What kind of character or text this is: the script tests every stage uses, each named for what it asks."""

from __future__ import annotations

import unicodedata

__all__ = ["detect_lang", "han_forms", "is_han", "is_hanzi", "is_wide", "rare_hanzi"]


def is_wide(ch: str) -> bool:
    """A full-width character (ideographs, kana, hangul, full-width punctuation): no space is set beside it."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def is_hanzi(ch: str) -> bool:
    """A character of the CJK Unified Ideographs block (U+4E00-U+9FFF): the common Chinese characters."""
    return "\u4e00" <= ch <= "\u9fff"


def is_han(ch: str) -> bool:
    """A Chinese character of the main block or Extension A (U+3400-U+4DBF)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _encodes(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def rare_hanzi(ch: str) -> bool:
    """A Chinese character outside GB 2312 (the 6,763 common simplified ones): rare, or a traditional form.

    The tiny recognizer's short character list makes it swap in look-alike traditional forms (訂 for 订) with
    good confidence; such a character is worth the small model's second look.
    """
    return is_han(ch) and not _encodes(ch, "gb2312")


def han_forms(text: str) -> tuple[int, int]:
    """How many characters of ``text`` are traditional forms only (in Big5, not in GB 2312) and how many are
    simplified forms only (in GB 2312, not in Big5); characters both sets share count in neither."""
    trad = simp = 0
    for ch in text:
        if is_han(ch):
            gb, big5 = _encodes(ch, "gb2312"), _encodes(ch, "big5")
            trad += big5 and not gb
            simp += gb and not big5
    return trad, simp


def detect_lang(texts: list[str]) -> str:
    """``zh`` when at least a fifth of the characters read are Chinese (U+3400-U+9FFF and the compatibility
    ideographs U+F900-U+FAFF), or nothing was read; else ``en``."""
    chars = [ch for t in texts for ch in t if not ch.isspace()]
    if not chars:
        return "zh"
    han = sum(1 for ch in chars if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff")
    return "zh" if han >= 0.2 * len(chars) else "en"

"""Characters cannot change a value: the text is folded to the plain forms the grammar reads.

Design rules:
- NFKC first: fullwidth digits and letters, superscripts ("10⁹"), ligatures, the no-break
  and thin spaces all take their plain forms.
- Unicode format characters (category Cf: zero-width spaces and joiners, the word joiner,
  the BOM, bidi marks, the soft hyphen) are invisible, so they are removed: no figure can
  hold one.
- Every other script's decimal digit becomes its ASCII digit, and the Arabic decimal and
  thousands separators become "." and ","; a middle dot between digits is a decimal point.
- Letters of other scripts that look like Latin ones (Cyrillic "о", Greek "ο") become the
  Latin letter, so that "1оо" is seen as letters among digits and asked about.
- Every output character remembers the input character it came from (`origin`), so a
  figure can be shown as it was typed.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

# Look-alikes NFKC leaves alone.
_PLAIN = {
    "×": "x", "–": "-", "—": "-", "‐": "-", "‑": "-", "‒": "-", "―": "-", "−": "-", "﹣": "-", "－": "-",
    "≥": ">=", "≤": "<=", "⩾": ">=", "⩽": "<=", "’": "'", "‘": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "″": '"', "„": '"',
    "µ": "u", "μ": "u", "٫": ".", "٬": ",", "،": ",", "٪": "%", "⁄": "/", "∕": "/",
    # Cyrillic and Greek letters that look like Latin ones.
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
    "ο": "o", "ι": "i", "κ": "k", "ν": "v", "τ": "t", "Ι": "i", "Ο": "o", "І": "i", "О": "o", "Т": "t",
}


@lru_cache(maxsize=1024)
def _fold_char(ch: str, lower: bool) -> str:
    out = []
    for c in unicodedata.normalize("NFKC", ch):
        if c.isascii():
            out.append(c.lower() if lower else c)
        elif c in _PLAIN:
            out.append(_PLAIN[c])
        elif unicodedata.category(c) == "Cf":
            continue
        elif c.isdecimal():
            out.append(str(unicodedata.decimal(c)))
        else:
            out.append(c.lower() if lower else c)
    return "".join(out)


def plain(text: str) -> str:
    """The text with the same folding as `fold` but its case kept: what identifiers are looked for in."""
    return fold(text, lower=False)[0]


def fold(text: str, lower: bool = True) -> tuple[str, tuple[int, ...] | None]:
    """(the text folded and lower-cased, the index in `text` of each character; None when one-to-one)."""
    if text.isascii():
        return (text.lower() if lower else text), None
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            out.append(ch.lower() if lower else ch)
            origin.append(i)
            continue
        if ch == "·":  # a middle dot between digits is a decimal point ("0·4"), elsewhere a comma
            rep = "." if 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit() else ","
        else:
            rep = _fold_char(ch, lower)
        for c in rep:
            out.append(c)
            origin.append(i)
    return "".join(out), tuple(origin)

"""Find and redact patient identifiers (NHS numbers, hospital numbers, dates of birth, names) in ward messages."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

Kind = Literal["nhs_number", "mrn", "date_of_birth", "name"]

# No digits in any placeholder: the grammar runs on redacted text and must not read a count out of it.
PLACEHOLDERS: dict[str, str] = {
    "nhs_number": "[nhs-number]", "mrn": "[mrn]", "date_of_birth": "[dob]", "name": "[name]",
}

# A full date with a year this old or older is taken as a date of birth even without a keyword:
# no one on maintenance is under 16. Fixed rather than read from the clock so answers are reproducible.
LATEST_BIRTH_YEAR = 2010


@dataclass(frozen=True, slots=True)
class Identifier:
    """One identifier in a message: its kind and the half-open span [start, end) it covers."""

    kind: Kind
    start: int
    end: int

    def __post_init__(self) -> None:
        if self.kind not in PLACEHOLDERS:
            raise ValueError(f"unknown identifier kind {self.kind!r}")


# Shared edges for numbers: not glued to a word, a decimal, a fraction or a range ("0.3", "21/28", "1-21").
_LEFT = r"(?<![\w.,/])(?<!\d-)"
_RIGHT = r"(?!\w|[.,/-]\d)"

_NHS_SHAPE = re.compile(_LEFT + r"\d{3}([ -]?)\d{3}\1\d{4}" + _RIGHT)
# After an NHS keyword a mistyped number is still the patient's: any 10 digits however grouped,
# else a 3-3-x run one or two digits short or one long (typos drop or double a digit).
_NHS_KEYED = re.compile(
    r"(?i)\bnhs(?:\s*(?:no\b\.?|num(?:ber)?\b\.?|\#))?\s*(?:is\s+)?[:#=.-]?\s*"
    r"(?P<id>\d(?:[ -]?\d){9}" + _RIGHT + r"|\d{3}[ -]?\d{3}[ -]?\d{2,5}" + _RIGHT + ")"
)

_NUMBER_WORD = r"(?:no\b\.?|num(?:ber)?\b\.?|\#)"
_MRN_KEYED = re.compile(
    r"(?i)\b(?:m\.?r\.?n\b\.?|hosp(?:ital|\.)?\s*" + _NUMBER_WORD + r"|(?:unit|case|k)\s*" + _NUMBER_WORD
    + r"|(?:patient|pt)\.?\s*id\b|chi\b(?:\s*" + _NUMBER_WORD + r")?|rn\b)"
    # Digit groups after the first are joined only when they have 3+ digits ("123 4567"),
    # so a count written next to the number ("MRN 1234567 25") is not swallowed.
    r"\s*(?:is\s+)?[:#=.-]?\s*(?P<id>[A-Za-z0-9]+(?:[-/][A-Za-z0-9]+)*(?:[ ]\d{3,}(?![\w.]))*)"
)
# The usual hospital-number shape: 1-3 letters glued to 6-10 digits ("RXH1234567", "K1234567").
_MRN_SHAPE = re.compile(r"(?<![\w/^.-])(?P<prefix>[A-Za-z]{1,3})\d{6,10}(?![\w^/]|[.,-]\d)")
# Trial registry ids (NCT01091831) and counts typed with their label ("plt150000") share the shape.
_MRN_SHAPE_NOT = frozenset({"nct", "plt", "pl", "anc", "wcc", "wbc", "hb", "hgb", "cr"})

_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_FULL_DATES = tuple(
    re.compile(_LEFT + p + _RIGHT, re.I)
    for p in (
        r"(?P<d>\d{1,2})(?P<s>[/.-])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})",
        r"(?P<y>\d{4})(?P<s>[/.-])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})",
        r"(?P<d>\d{1,2})" + _ORD + r"\s+(?:of\s+)?" + _MONTH + r",?\s+(?P<y>\d{4}|\d{2})",
        _MONTH + r"\s+(?P<d>\d{1,2})" + _ORD + r",?\s+(?P<y>\d{4}|\d{2})",
    )
)
# Only after a DOB keyword: a month and year alone still identify.
_PARTIAL_DATES = tuple(
    re.compile(_LEFT + p + _RIGHT, re.I)
    for p in (r"(?P<m>\d{1,2})[/.-](?P<y>\d{4})", _MONTH + r",?\s+(?P<y>\d{4})")
)
_DOB_KEY = re.compile(
    r"(?i)(?:\bd\.?o\.?b\b\.?|\bdate\s+of\s+birth\b|\bborn\b(?:\s+on\b)?|(?<!\w)b\.)\s*(?:is\s+)?[:=-]?\s*"
)

_TITLE = re.compile(r"\b(?P<title>(?i:mrs|mr|ms|miss|mx|master))\b\.?")
_NAME_KEY = re.compile(r"(?i)(?:\b(?:patient|pt)\.?\s*name\b\s*(?:is\s+)?[:=-]?|\bname\s*[:=-])")
# An initial with its dot ("J."), or a word that may hold an apostrophe or hyphen inside ("O'Neill", "Jones-Patel").
_NAME_WORD = re.compile(r"[ \t]*(?P<w>[A-Za-z]\.|[A-Za-z](?:[A-Za-z'’-]*[A-Za-z])?(?![\w'’-]))")
# Words that end (or rule out) a name: function words, the ward's own vocabulary, the identifier
# keywords, days and months ("Miss Tuesday's dose", "Mr Smith neut 0.3", "Mr Smith DOB ...").
_NOT_NAME = frozenset(
    "a an the and or but if is was are has had have with to of for from on in at by who not no she he her his "
    "they it this that "
    "neut neuts neutrophil neutrophils anc plt plts platelet platelets hb wcc wbc crcl creatinine cr egfr "
    "len lenalidomide revlimid dose doses day days cycle cycles mg week weeks dex dexamethasone aspirin "
    "nhs mrn chi dob born hosp hospital unit case patient pt rn name "
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december "
    # Clinical words a capitalised message may put right after a name ("Mrs Jones Recovering well").
    "recovering recovered recovery held holding restarted restarting stopped paused interrupted well unwell "
    "today yesterday now currently still again neutropenic thrombocytopenic bloods counts count fbc ward bed "
    "maintenance transplant myeloma anc please pls query asks asking".split()
)


def is_valid_nhs_number(digits: str) -> bool:
    """True when 10 digits pass the NHS modulus-11 check digit."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    check = 11 - sum(int(d) * w for d, w in zip(digits, range(10, 1, -1))) % 11
    # 11 stands for 0; 10 matches no digit, so such a number is never issued.
    return check % 11 == int(digits[9])


def _year(m: re.Match[str]) -> int:
    # A two-digit year is read as -1: it can only be a DOB after a keyword, never by age alone.
    y = m.group("y")
    return int(y) if len(y) == 4 else -1


def _is_date(m: re.Match[str]) -> bool:
    # Either day-month order is accepted: this finds identifiers, it does not read the date.
    if "mon" in m.re.groupindex:
        orders = [(int(m.group("d")), _month_number(m.group("mon")))]
    else:
        orders = [(int(m.group("d")), int(m.group("m"))), (int(m.group("m")), int(m.group("d")))]
    for day, month in orders:
        try:
            date(_year(m), month, day)
            return True
        except ValueError:
            pass
    return False


def _month_number(mon: str) -> int:
    return ("jan feb mar apr may jun jul aug sep oct nov dec".split()).index(mon[:3].lower()) + 1


def _name_words(text: str, pos: int, *, lower_case_words: int) -> int:
    """End of up to three name words from pos (pos itself when there are none)."""
    # Past the first lower_case_words, only capitalised words join: a lower-case run after a name
    # is usually the message ("mrs smith recovered to 0.7") and must survive redaction.
    end = pos
    for n in range(3):
        m = _NAME_WORD.match(text, end)
        if not m or re.sub(r"['’]s$|\.$", "", m.group("w")).lower() in _NOT_NAME:
            break
        if n >= lower_case_words and not m.group("w")[0].isupper():
            break
        end = m.end()
    return end


def _candidates(text: str) -> list[tuple[int, Identifier]]:
    # Rank 0: found through a keyword or title; rank 1: found by shape alone. A keyword names the kind,
    # so it wins an overlap ("MRN 4010232137" is a hospital number even though it passes the NHS check).
    out: list[tuple[int, Identifier]] = []

    def add(rank: int, kind: Kind, start: int, end: int) -> None:
        out.append((rank, Identifier(kind=kind, start=start, end=end)))

    for m in _NHS_KEYED.finditer(text):
        add(0, "nhs_number", m.start("id"), m.end("id"))
    for m in _NHS_SHAPE.finditer(text):
        if is_valid_nhs_number(re.sub(r"\D", "", m.group())):
            add(1, "nhs_number", m.start(), m.end())
    for m in _MRN_KEYED.finditer(text):
        if sum(c.isdigit() for c in m.group("id")) >= 5:
            add(0, "mrn", m.start("id"), m.end("id"))
    for m in _MRN_SHAPE.finditer(text):
        if m.group("prefix").lower() not in _MRN_SHAPE_NOT:
            add(1, "mrn", m.start(), m.end())
    for k in _DOB_KEY.finditer(text):
        for pattern in _FULL_DATES + _PARTIAL_DATES:
            if d := pattern.match(text, k.end()):
                add(0, "date_of_birth", d.start(), d.end())
                break
    for pattern in _FULL_DATES:
        for d in pattern.finditer(text):
            if 1880 <= _year(d) <= LATEST_BIRTH_YEAR and _is_date(d):
                add(1, "date_of_birth", d.start(), d.end())
    for t in _TITLE.finditer(text):
        # "miss" and "master" are also ordinary words ("miss a dose"), so they need a capitalised name.
        end = _name_words(text, t.end(), lower_case_words=0 if t.group("title").lower() in ("miss", "master") else 1)
        if end > t.end():
            add(0, "name", t.start(), end)
    for k in _NAME_KEY.finditer(text):
        end = _name_words(text, k.end(), lower_case_words=2)
        if end > k.end():
            start = _NAME_WORD.match(text, k.end()).start("w")
            add(0, "name", start, end)
    return out


# A cheap superset of every detector above: most ward messages hold no identifier, and one
# search ruling that out saves running each detector over the text. Its digit part is one
# branch led by \d, so re can skip to the next digit; its word part is case-sensitive, run on
# the lower-cased text, which for ASCII text is the same test as (?i) (for other text the
# whole pattern runs with (?i), as Unicode case-folding is not lower()).
_MAYBE_DIGITS = r"\d(?:\d{4}|\d\d[ -]\d|[/.-]\d{1,2}[/.-]\d|[/.-]\d{4})"
_MAYBE_WORDS = (
    r"\b(?:nhs|m\.?r\.?n|hosp\w*|unit|case|k|patient|pt|chi|rn|d\.?o\.?b|date|born|mrs|mr|ms|miss|mx|master|name)(?![a-z0-9])"
    r"|\bb\."
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s*\d"
)
_MAYBE = re.compile(f"{_MAYBE_DIGITS}|(?i:{_MAYBE_WORDS})")
_MAYBE_ASCII = (re.compile(_MAYBE_DIGITS), re.compile(_MAYBE_WORDS))


def may_hold_identifier(text: str) -> bool:
    """False only when no detector could find an identifier in text (a quick test, run first)."""
    if not text.isascii():
        return _MAYBE.search(text) is not None
    digits, words = _MAYBE_ASCII
    return digits.search(text) is not None or words.search(text.lower()) is not None


def find_identifiers(text: str) -> tuple[Identifier, ...]:
    """Every patient identifier in text, non-overlapping, in order of position."""
    if not may_hold_identifier(text):
        return ()
    kept: list[Identifier] = []
    for _, ident in sorted(_candidates(text), key=lambda c: (c[0], c[1].start, c[1].start - c[1].end)):
        if all(ident.end <= k.start or ident.start >= k.end for k in kept):
            kept.append(ident)
    return tuple(sorted(kept, key=lambda i: i.start))


def redact(text: str) -> str:
    """text with each identifier replaced by a digit-free placeholder such as '[nhs-number]'."""
    parts, pos = [], 0
    for ident in find_identifiers(text):
        parts += [text[pos : ident.start], PLACEHOLDERS[ident.kind]]
        pos = ident.end
    return "".join(parts) + text[pos:]

"""What the parser hands to the readers: frozen items, each with at most one figure.

Design rules:
- Items are immutable. A reader that links a name to a figure says so in what it returns;
  it never edits an item.
- Converting a token to a number never raises: anything that is not a clean figure (letters
  among the digits, "00,000", a value too long to be a count) becomes a figure of kind
  `unreadable` or `mixed`, which the readers ask about.
"""
from __future__ import annotations

import re
from enum import Enum
from typing import NamedTuple

from lark import Transformer


class Kind(str, Enum):
    """What an item is."""

    COUNT = "count"  # a count name, with its figure when written together
    GRADE = "grade"  # a CTCAE grade, with the cytopenia it grades when written together
    DOSE = "dose"  # a lenalidomide dose shape: a figure with mg or an intro ("on 10", "len 15")
    OTHER_DOSE = "other_dose"  # another drug's dose
    RENAL = "renal"  # CrCl, eGFR or creatinine, with its figure when written together
    PATIENT = "patient"  # age, weight, height, BMI
    FIGURE = "figure"  # a figure on its own, for the readers to name
    TIMING = "timing"  # cycle and day
    KEYWORD = "keyword"  # a word or phrase the readers use
    SEP = "sep"  # a clause break: comma, semicolon, full stop
    WORD = "word"  # anything else, skipped


class NumKind(str, Enum):
    """How a figure was written."""

    PLAIN = "plain"
    GROUPED = "grouped"  # "25,000", "25 000"
    K = "k"  # "25k": thousands per microlitre
    LEADING_ZERO = "leading_zero"  # "03": a slip for 0.3, or 3? never guessed
    WORDS = "words"  # "nought point four"
    MIXED = "mixed"  # letters among the digits: "1OO", "l5"
    UNREADABLE = "unreadable"  # no figure at all: "?", "pending"


class Bound(str, Enum):
    """Which side of its figure a bounded value lies."""

    BELOW = "below"  # strictly below: "<0.5", "under 30"
    AT_MOST = "at_most"  # the figure itself included: "0.5 or less", "<=30", "no more than 30"
    ABOVE = "above"  # at or above: ">0.5", "at least 30"
    APPROX = "approx"
    RANGE = "range"  # between the figure and `upper`: "between 0.5 and 1", "20-25"


READABLE = frozenset({NumKind.PLAIN, NumKind.GROUPED, NumKind.K, NumKind.WORDS})


class Num(NamedTuple):
    """A figure: its value (None when it cannot be read), how it was written, and any bound."""

    value: float | None
    kind: NumKind
    typed: str
    bound: Bound | None = None
    start: int = 0  # span in the normalised text
    end: int = 0
    upper: float | None = None  # the top of a range

    @property
    def readable(self) -> bool:
        """Whether the figure has a value the rules may use."""
        return self.kind in READABLE


class Item(NamedTuple):
    """One parsed item: its kind, the token type that names it, its text and figure, and its tokens."""

    kind: Kind
    type: str
    text: str
    start: int
    end: int
    num: Num | None = None
    unit: str | None = None  # unit token type
    extra: str | None = None  # a dose's schedule token type; a grade's cytopenia token type
    parts: tuple[tuple[str, str], ...] = ()  # (type, text) of every token, for the keyword readers


# ---------------------------------------------------------------- numbers

_GROUPED = re.compile(r"\d{1,3}(,\d{3})+$")
_NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")
# A figure longer than this is no count, dose or renal value (and may be an identifier).
MAX_DIGITS = 9

_UNITS = {"zero": 0, "nought": 0, "naught": 0, "oh": 0, "o": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
          "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
          "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}


def words_value(text: str) -> float | None:
    """The value of a number written in words ("nought point four" -> 0.4), None if it is not one."""
    words = re.split(r"[\s-]+", text.strip())
    if "point" in words:
        cut = words.index("point")
        whole, frac = words[:cut], words[cut + 1 :]
        if len(frac) == 1 and frac[0].isdigit():
            frac = [_DIGIT_WORDS[int(d)] for d in frac[0]]  # "point 5", "nought point 45"
        if not frac or any(w not in _UNITS or _UNITS[w] > 9 for w in frac):
            return None
        base = _cardinal(whole) if whole else 0
        if base is None:
            return None
        return float(f"{int(base)}." + "".join(str(_UNITS[w]) for w in frac))
    value = _cardinal(words)
    return None if value is None else float(value)


def _cardinal(words: list[str]) -> int | None:
    """A whole number in words ("one hundred and five"), or None for a run that is no number ("one two")."""
    total, current, last = 0, 0, None
    for w in words:
        if w == "and":
            if last != "hundred":
                return None
        elif w in _UNITS and _UNITS[w] < 10:
            if last in ("unit", "teen"):
                return None
            current += _UNITS[w]
            w = "unit"
        elif w in _UNITS:
            if last in ("unit", "teen", "tens"):
                return None
            current += _UNITS[w]
            w = "teen"
        elif w in _TENS:
            if last in ("unit", "teen", "tens"):
                return None
            current += _TENS[w]
            w = "tens"
        elif w == "hundred":
            if last not in (None, "unit") or current >= 10:
                return None
            current = (current or 1) * 100
        elif w == "thousand":
            total, current = total + (current or 1) * 1000, 0
        else:
            return None
        last = w
    return total + current


def numbers_in(text: str) -> list[int]:
    """The whole numbers in a timing phrase, in digits or words ("c3d1" -> [3, 1], "day one" -> [1])."""
    found = [int(float(n)) for n in _NUMBER.findall(text)]
    if found:
        return found
    value = words_value(re.sub(r"^(day|d|cycle|cyc|c)\s+", "", text))
    return [int(value)] if value is not None else []


def to_num(kind: str, t: str) -> Num:
    """A figure token's value and how it was written; never raises."""
    if kind == "MIXED":
        return Num(None, NumKind.MIXED, t)
    if kind == "UNREADABLE":
        return Num(None, NumKind.UNREADABLE, t)
    if kind == "MULTI_DOSE":  # "2 x 5mg": capsules times strength
        count, strength = (float(x) for x in _NUMBER.findall(t)[:2])
        return Num(count * strength, NumKind.PLAIN, t)
    if kind == "WORD_NUM":
        value = words_value(t)
        return Num(value, NumKind.WORDS, t) if value is not None else Num(None, NumKind.UNREADABLE, t)
    if sum(c.isdigit() for c in t) > MAX_DIGITS:
        return Num(None, NumKind.UNREADABLE, t)
    try:
        if t.endswith("k"):
            return Num(float(t[:-1].strip()), NumKind.K, t)
        if " " in t:  # "25 000"
            return Num(float(t.replace(" ", "")), NumKind.GROUPED, t)
        if len(t) > 1 and t[0] == "0" and t[1].isdigit():
            return Num(float(t.replace(",", "")), NumKind.LEADING_ZERO, t)
        if "," not in t:
            return Num(float(t), NumKind.PLAIN, t)
        if _GROUPED.match(t):
            return Num(float(t.replace(",", "")), NumKind.GROUPED, t)
        return Num(float(t.replace(",", ".")), NumKind.PLAIN, t)
    except ValueError:
        return Num(None, NumKind.UNREADABLE, t)


_INCLUSIVE = re.compile(r"<=|or\s+(less|lower|below|under|fewer)|at\s+(most|best)|max|no\s+(more|higher|greater)")
_NOT_REACHED = re.compile(r"^(has\s*n.?t|have\s*n.?t|hasnt|havent|not\s+yet|still\s+not|never\s+got|not)\s+\D*\d")
_NEGATED_SIDE = re.compile(r"^(?:not|never(?:\s+(?:been|gone|dropped|fell|fallen|got))?)\s+(below|under|less|lower|above|over|more|greater|higher)")
_BELOW = re.compile(r"below|under|less|lower|fewer|smaller|sub|beneath|nearly|almost|quite|short|<|≤|most|max|best|no\s+(more|higher|greater)")
_APPROX = re.compile(r"~|approx|about|around|roughly|circa|ish|falling|dropping|rising")


# The figure in a bound as the grammar writes it: grouped thousands, "25k", "point 5".
_BOUND_FIGURE = re.compile(r"\d{1,3}(?:,\d{3})+(?![\d.])|(?:\d+(?:\.\d+)?|\.\d+)(?:\s?k(?![a-z]))?|point\s*\d{1,3}")


def to_bound(t: str) -> Num:
    """A BOUND token: its figure and which side of it the value is.

    "not below 30" is at least 30; "hasn't reached 0.5" and "nearly 30" are below.
    """
    figures = [Num(words_value(w), NumKind.WORDS, t) if w.startswith("point") else to_num("NUM", w)
               for w in _BOUND_FIGURE.findall(t)]
    if not figures or any(f.value is None for f in figures):  # the grammar puts a number in every bound
        return Num(None, NumKind.UNREADABLE, t)
    figure, kind = figures[0].value, figures[0].kind
    if t.startswith("between") and len(figures) > 1:
        lo, hi = sorted((figure, figures[1].value))
        return Num(lo, NumKind.PLAIN, t, Bound.RANGE, upper=hi)
    if negated := _NEGATED_SIDE.match(t):
        side = Bound.ABOVE if _BELOW.search(negated.group(1)) else Bound.BELOW
    elif _NOT_REACHED.match(t):
        side = Bound.BELOW
    else:
        words = _NUMBER.sub(" ", t)
        side = Bound.APPROX if _APPROX.search(words) else Bound.BELOW if _BELOW.search(words) else Bound.ABOVE
        if side is Bound.BELOW and _INCLUSIVE.search(words):
            side = Bound.AT_MOST
    return Num(figure, kind, t, side)


def to_range(t: str) -> Num:
    """A NUM_RANGE token ("30-40"): the figures it spans."""
    lo, hi = sorted(float(x) for x in _NUMBER.findall(t)[:2])
    return Num(lo, NumKind.PLAIN, t, Bound.RANGE, upper=hi)


# ---------------------------------------------------------------- building items

_FIGURES = frozenset({"NUM", "WORD_NUM", "MIXED", "UNREADABLE", "MULTI_DOSE"})
_UNIT_TYPES = frozenset({"SI_UNIT", "PER_UL", "UMOL_L", "MG_DL", "ML_MIN", "ML_S", "MG", "OTHER_UNIT", "PER_KG"})
_SCHEDULES = frozenset({"SCHED_21", "SCHED_28", "DAILY"})
TIMING_TYPES = frozenset({"CYCLE_DAY", "DAY_N", "CYCLE_N", "DAY1_PHRASE", "MID_CYCLE", "NEXT_CYCLE"})
_SINGLE = {**{t: Kind.TIMING for t in TIMING_TYPES}, "WORD": Kind.WORD, "OTHER": Kind.WORD, "SEP": Kind.SEP}
_LBS_PER_STONE, _KG_PER_LB, _CM_PER_INCH = 14, 0.45359237, 2.54
_IMPERIAL = re.compile(r"\d+(?:\.\d+)?")


def _imperial(kind: str, text: str) -> Num:
    """A height in feet and inches as cm, or a weight in stone and pounds (or pounds) as kg."""
    parts = [float(x) for x in _IMPERIAL.findall(text)]
    if kind == "HEIGHT_IMPERIAL":
        inches = parts[0] * 12 + (parts[1] if len(parts) > 1 else 0)
        return Num(round(inches * _CM_PER_INCH, 1), NumKind.PLAIN, text)
    pounds = parts[0] if re.search(r"lb|pound", text) and "st" not in text else parts[0] * _LBS_PER_STONE + (parts[1] if len(parts) > 1 else 0)
    return Num(round(pounds * _KG_PER_LB, 1), NumKind.PLAIN, text)


def _span(kind: Kind, type_: str, tokens, **fields) -> Item:
    return Item(kind, type_, " ".join(t.value for t in tokens), tokens[0].start_pos,
                tokens[-1].start_pos + len(tokens[-1].value), parts=tuple((t.kind, t.value) for t in tokens), **fields)


def _single(kind: Kind, tok, num: Num | None = None) -> Item:
    # One token as an item (the common case, so built without the general path).
    value, start = tok.value, tok.start_pos
    return Item(kind, tok.kind, value, start, start + len(value), num, None, None, ((tok.kind, value),))


def _placed(num: Num, tok) -> Num:
    start = tok.start_pos
    return Num(num.value, num.kind, num.typed, num.bound, start, start + len(tok.value), num.upper)


def _figure(tokens) -> Num | None:
    return next((_placed(to_num(t.type, t.value), t) for t in tokens if t.type in _FIGURES), None)


def _unit(tokens) -> str | None:
    return next((t.type for t in tokens[1:] if t.type in _UNIT_TYPES), None)


def _tokens(children):
    # A TOKEN the parser saw stands for a run of plain tokens: each becomes an item of its own.
    for c in children:
        if getattr(c, "run", None):
            yield from c.run
        else:
            yield c


class ItemBuilder(Transformer):
    """Builds the flat list of items while lark's LALR parser runs (no tree is kept)."""

    def start(self, children):
        """The message's items, single tokens turned into items."""
        out = []
        for c in _tokens(children):
            if isinstance(c, Item):
                out.append(c)
                continue
            t = c.kind  # the terminal that matched (the parser may have seen it as TOKEN)
            kind = _SINGLE.get(t)
            if kind is not None:
                out.append(_single(kind, c))
            elif t == "UNREADABLE":  # on their own, "?" ends a sentence and "pending" marks a question
                out.append(_single(Kind.SEP if c.value.startswith("?") else Kind.KEYWORD, c))
            elif t in _FIGURES:
                out.append(_single(Kind.FIGURE, c, _placed(to_num(t, c.value), c)))
            elif t == "BOUND":
                out.append(_single(Kind.FIGURE, c, _placed(to_bound(c.value), c)))
            elif t == "NUM_RANGE":
                out.append(_single(Kind.FIGURE, c, _placed(to_range(c.value), c)))
            elif t in ("AGE_SEX", "HEIGHT_M"):
                out.append(_single(Kind.PATIENT, c))
            else:
                out.append(_single(Kind.KEYWORD, c))
        return tuple(out)

    def count(self, c):
        """A count name with its figure and unit, when written together."""
        return _span(Kind.COUNT, c[0].type, c, num=_figure(c), unit=_unit(c))

    def grade(self, c):
        """A CTCAE grade and the cytopenia it grades."""
        grade = next(t for t in c if t.type == "GRADE")
        named = next((t.type for t in c if t.type != "GRADE"), None)
        return _span(Kind.GRADE, "GRADE", c, num=_placed(Num(None, NumKind.PLAIN, grade.value), grade), extra=named)

    def dose(self, c):
        """A lenalidomide dose with its schedule."""
        types = [t.type for t in c]
        intro = types[0] if types[0] in ("LEN", "ON", "DOSING") else ""
        sched = types[-1] if types[-1] in _SCHEDULES else None
        return _span(Kind.DOSE, "MG" if "MG" in types or "MULTI_DOSE" in types else intro, c, num=_figure(c), extra=sched)

    def measure(self, c):
        """A figure in a unit no rule here uses ("4.5 x10^6/kg"): set aside."""
        return _span(Kind.KEYWORD, "MEASURE", c, num=_figure(c), unit=_unit(c))

    def other_dose(self, c):
        """Another drug's dose: the drug token names it."""
        return _span(Kind.OTHER_DOSE, c[0].type, c, num=_figure(c), unit=_unit(c))

    def renal_value(self, c):
        """CrCl, eGFR or creatinine with its figure and unit."""
        return _span(Kind.RENAL, c[0].type, c, num=_figure(c), unit=_unit(c))

    def patient(self, c):
        """Age, weight, height or BMI with its figure."""
        kinds = {t.type for t in c}
        imperial = next((t for t in c if t.type in ("HEIGHT_IMPERIAL", "WEIGHT_IMPERIAL")), None)
        num = _imperial(imperial.type, imperial.value) if imperial else _figure(c)
        if "STONE" in kinds and num is not None and num.value is not None:  # "nine stone"
            num = num._replace(value=round(num.value * _LBS_PER_STONE * _KG_PER_LB, 1))
        if kinds & {"AGE_KW", "AGE_UNIT"}:
            kind = "AGE"
        elif kinds & {"WEIGHT_KW", "KG", "WEIGHT_IMPERIAL", "STONE"}:
            kind = "WEIGHT"
        elif kinds & {"HEIGHT_KW", "CM", "HEIGHT_IMPERIAL"}:
            kind = "HEIGHT"
        else:
            kind = "BMI"
        return _span(Kind.PATIENT, kind, c, num=num)

"""What the readers share: token types and words, claims on figures, and the walk from a name to its figure.

Design rules:
- A reader claims the figures it reads and returns the claims; it never marks an item.
  A later reader is handed the figures already taken and leaves them alone, so the order
  the readers run in is written where they are called (bot/reading/__init__.py), once.
"""
from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from enum import Enum
from typing import NamedTuple

from ..parsing import Item, Kind, Parsed


class Role(str, Enum):
    """What a claimed figure is."""

    COUNT = "count"  # a blood count's figure, now or earlier
    DOSE = "dose"  # a lenalidomide dose
    RENAL = "renal"  # CrCl, eGFR or creatinine
    PATIENT = "patient"  # age, weight, height
    ASIDE = "aside"  # set aside: not a fact these rules use
    WHAT_IF = "what_if"  # a bound in a what-if ("if plt drops below 30")


class Claim(NamedTuple):
    """A reader's reading of one figure."""

    role: Role
    label: str = ""  # for set-aside figures, how the card names them ("aciclovir dose")


Claims = Mapping[int, Claim]


def merged(*parts: Claims) -> dict[int, Claim]:
    """The union of several readers' claims; two readers never claim one figure."""
    out: dict[int, Claim] = {}
    for part in parts:
        if not out.keys().isdisjoint(part):
            twice = min(out.keys() & part.keys())
            raise AssertionError(f"figure {twice} claimed twice: {out[twice]} and {part[twice]}")
        out.update(part)
    return out


COUNT_NAMES = {"NEUT": "neutrophils", "PLT": "platelets", "T_NEUTROPENIA": "neutrophils", "T_THROMBOCYTOPENIA": "platelets"}
NOW_KW = frozenset({"NOW", "RECOVERED"})
# Periods a "last" or "previous" dates ("last cycle", "previous week").
PERIODS = frozenset({"cycle", "week", "month", "time", "wk"})
# A fall said as a noun ("after the drop", "a mid-cycle dip").
FALL_NOUNS = frozenset({"drop", "drops", "fall", "falls", "dip", "dips"})
# Words that put a figure in the past when they stand just before it ("was 1.2", "previously 60")
# or just after it ("0.3 yesterday", "60 earlier").
PAST_BEFORE = frozenset({"was", "were", "previously", "previous", "had", "last", "prior", "earlier", "originally", "from", "formerly",
                         "nadir", "yesterday", "yday", "hx", "history", "historically"})
PAST_AFTER = frozenset({"yesterday", "yday", "ystday", "yest", "yesterdays", "yesterday's", "ago", "before", "previously", "earlier", "last",
                        "prior", "admission", "admitted", "clinic", "baseline", "previous", "monday", "tuesday",
                        "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "wed", "thu", "fri"})
# A bound after these is a what-if or a definition, not a reading ("if plt drops below 30",
# "does 0.5 count as <0.5?").
HYPOTHETICAL = frozenset({"if", "whether", "unless", "suppose", "supposing", "hypothetically", "should", "as", "means",
                          "mean", "meaning", "defined"})
# Between a name and its figure ("anc back to 0.7", "crcl is 35", "platelets on day 9 were 24").
BRIDGE_KW = frozenset({"RECOVERED", "NOW", "DROP", "ON", "HELD", "HELD_WORD", "CLOCK", "DATE", "DATE_WORDS", "DATE_DASHED", "PLACE", "FIGURE_DOUBT",
                       "SUBSEQUENT", "FIRST_EPISODE"})
BRIDGE_WORDS = 10
_BREAK = re.compile(r"[,;:()\[\].!?&]")


def name_of(it: Item) -> str | None:
    """The Table 2 count an item names, if any."""
    if it.kind in (Kind.COUNT, Kind.KEYWORD) and it.type in COUNT_NAMES:
        return COUNT_NAMES[it.type]
    return None


def is_word(it: Item, words: Collection[str]) -> bool:
    """Whether the item is a plain word from `words`."""
    return it.kind is Kind.WORD and it.text in words


def is_kw(it: Item, *types: str) -> bool:
    """Whether the item is a keyword of one of these types."""
    return it.kind is Kind.KEYWORD and it.type in types


_DOSE_IS = frozenset({"was", "is", "of", "now", "="})


def relatives_in(msg: Parsed) -> list[int]:
    """Where another person (a relative, a carer) is named."""
    return [b for b, it in enumerate(msg.items) if is_kw(it, "RELATIVE")] if msg.has("RELATIVE") else []


def someone_else(items: tuple[Item, ...], i: int, relatives: list[int]) -> bool:
    """ "her sister's on 15mg", "her daughter had plt 22": another person is named earlier in item i's clause.

    Not when that person only reports the patient's figure ("husband says her neut 0.3").
    """
    start = clause(items, i).start
    return any(start <= b < i and not any(items[k].text in _REPORTS for k in range(b + 1, i)) for b in relatives)


_REPORTS = frozenset({"says", "said", "say", "reports", "reported", "report", "told", "tells", "mentions", "mentioned",
                      "rang", "called", "phoned", "asking", "asks", "asked", "confirms", "confirmed", "her", "his"})


def framed_as_dose(items: tuple[Item, ...], j: int) -> bool:
    """Whether the figure at j follows the word "dose" or the drug's name: "dose 10", "dose was 15", "len was 15"."""
    if j < 1:
        return False
    prev = items[j - 1]
    return is_kw(prev, "DOSING") or (prev.text in _DOSE_IS and j >= 2 and is_kw(items[j - 2], "DOSING", "LEN"))


def free(items: tuple[Item, ...], j: int, taken: Claims, grades: bool = False) -> bool:
    """Whether item j is a figure on its own that no reader has claimed (with `grades`, a grade naming no count too)."""
    it = items[j]
    return j not in taken and (it.kind is Kind.FIGURE or (grades and it.kind is Kind.GRADE and it.extra is None))


def _passable(items: tuple[Item, ...], j: int, taken: Claims) -> bool:
    # A plain word, or a what-if figure, which reads like words between a name and its figure.
    it = items[j]
    return (it.kind is Kind.WORD and it.type == "WORD") or (j in taken and taken[j].role is Role.WHAT_IF)


def _punctuation(it: Item) -> bool:
    # "neut was low, now 0.9": a comma does not part a name from its figure (the readers'
    # marks and `broken` decide what the comma changes).
    return it.kind is Kind.SEP


def broken(msg: Parsed, a: int, b: int) -> bool:
    """Whether a clause break separates items a and b (a < b)."""
    return any(msg.items[k].kind is Kind.SEP for k in range(a + 1, b)) or bool(
        _BREAK.search(msg.text[msg.items[a].end : msg.items[b].start]))


def clause(items: tuple[Item, ...], i: int) -> range:
    """The indices of the clause (between clause breaks) that item i stands in."""
    return _clauses(items)[i]


# Readers ask for the clause of many items of one message; working them out once per
# message keeps a long unbroken message linear. One entry, swapped whole, so threads that
# answer different messages at once only ever recompute.
_last_clauses: tuple[tuple[Item, ...] | None, tuple[range, ...]] = (None, ())


def _clauses(items: tuple[Item, ...]) -> tuple[range, ...]:
    global _last_clauses
    seen, spans = _last_clauses
    if seen is items:
        return spans
    n = len(items)
    starts, ends = [0] * n, [n] * n  # a break's own clause runs from the one before to the one after
    for k in range(1, n):
        starts[k] = k if items[k - 1].kind is Kind.SEP else starts[k - 1]
    for k in range(n - 2, -1, -1):
        ends[k] = k + 1 if items[k + 1].kind is Kind.SEP else ends[k + 1]
    spans = tuple(map(range, starts, ends))
    _last_clauses = (items, spans)
    return spans


def next_value(items: tuple[Item, ...], i: int, taken: Claims, grades: bool = False) -> int | None:
    """Index of the free figure the name at i refers to, over a few bridging words (with `grades`, or a grade)."""
    words = 0
    for j in range(i + 1, min(len(items), i + 1 + BRIDGE_WORDS + 3)):
        it = items[j]
        if free(items, j, taken, grades):
            return j
        if _punctuation(it):
            continue
        if _passable(items, j, taken) and words < BRIDGE_WORDS:
            words += 1
            continue
        if (it.kind is Kind.KEYWORD and it.type in BRIDGE_KW) or it.kind is Kind.TIMING:
            continue
        return None
    return None


_BEFORE_A_NAME = frozenset({"for", "the", "of", "her", "his", "their", "are", "is", "were", "was", "in", "on"})


def prev_value(items: tuple[Item, ...], i: int, taken: Claims) -> int | None:
    """Index of a free figure written before its name ("0.45 for the neutrophils", "25 platelets")."""
    for j in range(i - 1, max(-1, i - 5), -1):
        if free(items, j, taken):
            return j
        if not is_word(items[j], _BEFORE_A_NAME):
            return None
    return None


def named_count(it: Item) -> str | None:
    """The Table 2 count an item names, a grade's count included."""
    if it.kind is Kind.GRADE:
        return COUNT_NAMES.get(it.extra or "")
    return name_of(it)


def what_ifs(msg: Parsed) -> dict[int, Claim]:
    """Bounds in a what-if ("if plt drops below 30, ...") are no reading: claimed so nothing reads them.

    A plain figure after "if" ("if neut is 0.3, what dose?") is still a scenario to answer.
    """
    if not msg.has("BOUND"):
        return {}
    items = msg.items
    return {
        j: Claim(Role.WHAT_IF, "a what-if")
        for j, it in enumerate(items)
        if it.kind is Kind.FIGURE and it.num.bound and any(is_word(items[k], HYPOTHETICAL) for k in range(max(0, j - 4), j))
    }

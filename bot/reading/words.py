"""Token types and words the readers share, and the walk from a name to its figure."""
from __future__ import annotations

from ..parse import Item, Parsed

COUNT_NAMES = {"NEUT": "neutrophils", "PLT": "platelets", "T_NEUTROPENIA": "neutrophils", "T_THROMBOCYTOPENIA": "platelets"}
NOW_KW = frozenset({"NOW", "RECOVERED"})
# Words that put a figure in the past when they stand just before it ("was 1.2", "previously 60")
# or just after it ("0.3 yesterday", "60 earlier").
PAST_BEFORE = frozenset({"was", "were", "previously", "previous", "had", "last", "prior", "earlier", "originally", "from", "formerly",
                         "nadir", "yesterday", "yday"})
PAST_AFTER = frozenset({"yesterday", "yday", "ystday", "yest", "ago", "before", "previously", "earlier", "last",
                        "prior", "admission", "admitted", "clinic", "baseline", "previous", "monday", "tuesday",
                        "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "wed", "thu", "fri"})
# A figure after these is a what-if, not a reading ("if plt drops below 30").
HYPOTHETICAL = frozenset({"if", "whether", "unless", "suppose", "supposing", "hypothetically", "should"})
# Between a name and its figure ("anc back to 0.7", "crcl is 35", "platelets on day 9 were 24").
BRIDGE_KW = frozenset({"RECOVERED", "NOW", "DROP", "ON", "HELD", "HELD_WORD", "CLOCK", "DATE", "DATE_WORDS", "PLACE",
                       "SUBSEQUENT", "FIRST_EPISODE"})
BRIDGE_WORDS = 10


def name_of(it: Item) -> str | None:
    """The Table 2 count an item names, if any."""
    if it.kind in ("count", "kw") and it.type in COUNT_NAMES:
        return COUNT_NAMES[it.type]
    return None


def is_word(it: Item, words: frozenset[str]) -> bool:
    """Whether the item is a plain word from `words`."""
    return it.kind == "skip" and it.text in words


def next_value(items: list[Item], i: int) -> int | None:
    """Index of the free figure the name at i refers to, over a few bridging words."""
    words = 0
    for j in range(i + 1, min(len(items), i + 1 + BRIDGE_WORDS + 3)):
        it = items[j]
        if it.kind == "num" and not it.used:
            return j
        if it.kind == "skip" and it.type == "WORD" and words < BRIDGE_WORDS:
            words += 1
            continue
        if (it.kind == "kw" and it.type in BRIDGE_KW) or it.kind == "timing":
            continue
        return None
    return None


def prev_value(items: list[Item], i: int) -> int | None:
    """Index of a free figure written before its name ("0.45 for the neutrophils", "25 platelets")."""
    for j in range(i - 1, max(-1, i - 5), -1):
        it = items[j]
        if it.kind == "num" and not it.used:
            return j
        if not (it.kind == "skip" and it.type == "WORD"):
            return None
    return None


def drop_hypotheticals(msg: Parsed) -> None:
    """Mark bounds in a what-if ("if plt drops below 30, ...") as used, so nothing reads them.

    A plain figure after "if" ("if neut is 0.3, what dose?") is still a scenario to answer.
    """
    items = msg.items
    for j, it in enumerate(items):
        if it.kind == "num" and it.num.bound and any(is_word(items[k], HYPOTHETICAL) for k in range(max(0, j - 4), j)):
            # Left in place as a word, so a name can still reach its real figure past it.
            items[j] = Item("skip", "WORD", it.text, start=it.start, end=it.end)

"""Falls, holds and restarts: which count the history words are about, and whether the drug is held now.

Design rules:
- A fall or recovery word belongs to the count it names, or to the count its clause is
  about; never to every count in the message. Where nothing ties it to a count, the
  counts reader decides which count it can be (the only one named, the one low now) or
  leaves that open for the rules to ask about.
- A restart already made ("already restarted at 5mg", "restarted last cycle") ends the
  episode: the counts now are plain readings, not recoveries.
- A hold now ("held since Monday", "when can we restart?") makes a count that fell, and is
  back at or above its threshold, a recovery. A hold for another reason ("held for surgery")
  says nothing about a fall.
"""
from __future__ import annotations

from typing import NamedTuple

from ..parsing import Item, Kind, Parsed
from .words import COUNT_NAMES, FALL_NOUNS, clause, is_kw, is_word, name_of

# "was neutropenic", "neutropenic last week", "had a thrombocytopenic episode": a fall before now.
_PAST_NEAR = frozenset({"was", "were", "had", "recent", "recently", "previous", "previously", "prior",
                        "last", "before", "earlier", "episode", "ago"})
# "on 5 mg after a neutropenia episode": the episode is over and the dose may already have changed.
_OVER = frozenset({"after", "post", "since", "following"})
_OTHER_REASONS = frozenset({"surgery", "operation", "procedure", "holiday", "biopsy", "dental", "admission", "scan"})
_EVENT_WORDS = ("drop", "fall", "dip", "episode", "interruption")
# "after last week's drop", "since the mid-cycle dip": a fall before now, said as an event.
_AFTER = frozenset({"after", "since", "following", "post"})
_HOLDS = ("HELD", "HELD_WORD")
_RECHECK = frozenset({"repeat", "repeated", "recheck", "rechecked", "re-check", "follow-up", "f/u"})
# A recount planned, not taken: "repeat FBC next week", "recheck in a week".
_LATER = frozenset({"next", "tomorrow", "due", "planned", "in", "later"})
_REPEATS = frozenset({"second", "third", "fourth", "fifth", "2nd", "3rd", "4th", "5th", "another", "repeat"})
_STARTED = frozenset({"started", "commenced", "began", "begun"})


class History(NamedTuple):
    """What the message says about earlier falls and the drug's state now."""

    episode: str | None  # "first", "subsequent" or None (not said, or said both ways)
    held: bool  # lenalidomide is held now, for the counts
    restarted: bool  # lenalidomide was given again after a hold
    fallen: frozenset[str]  # counts said by name to have fallen before now
    over: frozenset[str]  # counts whose fall is said to be over, without saying whether the drug was restarted
    unnamed_fall: bool  # a fall is mentioned without saying which count fell
    rechecked: bool = False  # "repeat neut 0.62", "follow up": an earlier count is implied, its story not told


def _is_hold(it: Item) -> bool:
    return is_kw(it, *_HOLDS) or (is_kw(it, "SUBSEQUENT") and "interruption" in it.text)


def _dose_switched(items: tuple[Item, ...], i: int) -> bool:
    # "stopped 15mg, now on 10mg": one dose stopped for another is a change of dose, not a hold.
    return i + 1 < len(items) and items[i + 1].kind is Kind.DOSE and any(
        it.kind is Kind.DOSE for it in items[i + 2 :])


def _other_reason(items: tuple[Item, ...]) -> bool:
    return any(is_word(it, _OTHER_REASONS) or is_kw(it, "T_INFECTION", "SURGERY") for it in items)


_NONE = History(None, False, False, frozenset(), frozenset(), False)
_RECHECKED = _NONE._replace(rechecked=True)
_WORDS = ("FIRST_EPISODE", "SUBSEQUENT", "HELD", "HELD_WORD", "RESTARTED", "DROP", "T_NEUTROPENIA", "T_THROMBOCYTOPENIA")


def read_history(msg: Parsed, taken_at: int | None = None) -> History:
    """The episode, holds and restarts, and which counts the message says fell before.

    `taken_at` is where the dose reader found today's dose said to be given ("now on 10mg"):
    a restart there.
    """
    if not msg.has(*_WORDS) and taken_at is None:
        return _RECHECKED if _rechecked(msg.items) else _NONE
    items = msg.items
    types = msg.types
    first, later = "FIRST_EPISODE" in types, "SUBSEQUENT" in types or _repeat_named_fall(items)
    holds = [i for i, it in enumerate(items) if _is_hold(it) and not _dose_switched(items, i)]
    if taken_at is not None and holds and holds[-1] > taken_at:
        taken_at = None  # "now on 10mg ..., ok to restart?": held since
    # "delayed a wk, then started at 5mg": a start after a hold is a restart.
    restarts = [i for i, it in enumerate(items) if is_kw(it, "RESTARTED") or i == taken_at
                or (holds and holds[0] < i and is_word(it, _STARTED) and _the_drug_follows(items, i))]
    # "after the first drop she was restarted ... now 0.35 again": the first fall is over, this one is a repeat.
    episode = ("subsequent" if restarts else None) if first and later else "first" if first else "subsequent" if later else None
    held = bool(holds) and not _other_reason(items) and (not restarts or holds[-1] > restarts[-1])
    # "restarted 5mg, second drop C4 ...": a fall after the restart opens a new episode.
    # ("restarted at 5mg after the 2nd drop" names the fall that led to the restart: no new one.)
    falls = [i for i, it in enumerate(items) if ((is_kw(it, "DROP") and it.text in FALL_NOUNS)
             or (is_kw(it, "SUBSEQUENT", "FIRST_EPISODE") and any(w in it.text for w in _EVENT_WORDS)))
             and it.text.split()[0] not in _AFTER
             and not any(is_word(x, _AFTER) for x in items[max(0, i - 3) : i])]
    if restarts and falls and falls[-1] > restarts[-1]:
        restarts = []
    fallen: set[str] = set()
    over: set[str] = set()
    unnamed = False
    for i, it in enumerate(items):
        if is_kw(it, "FIRST_EPISODE", "SUBSEQUENT") and any(w in it.text for w in _EVENT_WORDS):
            # "after the 2nd drop": a fall happened; of the count named beside it, if any.
            named = {name_of(items[k]) for k in clause(items, i)} - {None}
            if named:
                fallen |= named
            else:
                unnamed = True
        if is_kw(it, "DROP") and it.text in FALL_NOUNS and any(
                is_word(x, _AFTER) for x in items[max(clause(items, i).start, i - 4) : i]):
            named = {name_of(items[k]) for k in clause(items, i)} - {None}
            if named:
                fallen |= named
            else:
                unnamed = True
        for kind, name in _cytopenia_words(it):
            before, after = items[max(0, i - 3) : i], items[i + 1 : i + 3]
            if any(is_word(x, _OVER) for x in before):
                over.add(name)  # over, but held or already restarted is not said
            elif any(is_word(x, _PAST_NEAR) for x in before + after):
                fallen.add(name)
    rechecked = _rechecked(items) and not restarts
    return History(episode, held, bool(restarts), frozenset(fallen), frozenset(over), unnamed, rechecked)


def _rechecked(items: tuple[Item, ...]) -> bool:
    """ "repeat NEUT 0.62 today", "recheck plts 40": a count taken again now (not "repeat FBC next week")."""
    for i, it in enumerate(items[:-1]):
        if is_word(it, _RECHECK) and (name_of(items[i + 1]) or items[i + 1].kind is Kind.COUNT) and not any(
                is_word(x, _LATER) or is_kw(x, "NEXT_CYCLE") for x in items[i + 2 : i + 5]):
            return True
    return False


def _the_drug_follows(items: tuple[Item, ...], i: int) -> bool:
    """ "then started at 5mg", "started len again": what was started is lenalidomide, not "antibiotics"."""
    nxt = items[i + 1 : i + 3]
    if nxt and (nxt[0].kind is Kind.DOSE or is_kw(nxt[0], "LEN")):
        return True
    return len(nxt) == 2 and nxt[0].text in ("on", "at", "back") and (nxt[1].kind is Kind.DOSE or is_kw(nxt[1], "LEN"))


def _repeat_named_fall(items: tuple[Item, ...]) -> bool:
    """ "2nd plt drop: 23 on D9": an ordinal, a count's name and a fall noun say this fall is a repeat one."""
    return any(items[i].text in _REPEATS and name_of(items[i + 1]) and items[i + 1].num is None
               and is_kw(items[i + 2], "DROP") and items[i + 2].text in FALL_NOUNS for i in range(len(items) - 2))


def _cytopenia_words(it: Item):
    # "neutropenia" on its own, or inside a grade ("grade 4 neutropenia last cycle").
    if it.kind is Kind.KEYWORD and it.type in ("T_NEUTROPENIA", "T_THROMBOCYTOPENIA"):
        yield it.type, COUNT_NAMES[it.type]
    elif it.kind is Kind.GRADE and it.extra in COUNT_NAMES:
        yield it.extra, COUNT_NAMES[it.extra]

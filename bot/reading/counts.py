"""Blood counts: each count name paired with its figures, and which figure is the count now.

A name takes the free figure after it (over a few words: "anc back to 0.7"), or just before
it ("0.45 for the neutrophils"). Later figures belong to the same count only when a word
says when they were taken ("was 20 now 45", "0.9 today (0.3 yesterday)", "25 -> 40").
A CTCAE grade of a named cytopenia ("grade 4 neutropenia", "plts G2") stands for the range
the grade covers, taken from the protocol; a figure given beside it wins, if they agree.

Design rules:
- A value whose side of the threshold is not settled (a grade or range that spans it,
  "0.5 or less", "under 50" for platelets, "about 30") is read as such (`straddles`): the
  rules try both sides and ask only if the answer differs.
- Where the words do not settle which figure is the count now, the reading is ambiguous
  and the engine asks. A figure that cannot be read ("plt 1OO", "neut ?") is reported.
- The reader runs in two steps around the dose reader: names take their figures first;
  figures still free afterwards that are said to be earlier ("nadir 0.3", "dropped to 0.4
  in C2") become earlier values of the count they fit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from ..facts import Reading, Unreadable
from ..parsing import Bound, Item, Kind, Num, NumKind, Parsed
from ..protocol import CountRule, Protocol
from .history import History
from .words import (
    NOW_KW,
    PAST_AFTER,
    PAST_BEFORE,
    PERIODS,
    Claim,
    Claims,
    Role,
    broken,
    clause,
    framed_as_dose,
    free,
    is_kw,
    is_word,
    named_count,
    next_value,
    prev_value,
    relatives_in,
    someone_else,
)

# Items that end the run of figures belonging to one count.
_ENDS_RUN = frozenset({Kind.COUNT, Kind.GRADE, Kind.DOSE, Kind.OTHER_DOSE, Kind.RENAL, Kind.PATIENT})
_RUN_LENGTH = 12
_ARROWS = frozenset({"->", "=>", "→", "⇒"})
# Markers that always introduce the figure after them ("25 -> 40", "0.3 now 1.1").
_FORWARD = _ARROWS | {"now"}
# "neut 0.3, dose 15 now 10mg": a figure after a dose word is a dose, not the count.
_DOSE_WORDS = frozenset({"DOSING", "START_Q", "T_DOSE_LEVELS"})
# "platelets fine", "neuts ok": a count reported normal without a figure.
_OK_WORDS = frozenset({"fine", "ok", "okay", "normal", "good", "satisfactory", "unremarkable", "adequate"})
_CHANGE = frozenset({"down", "up", "fell", "rose", "risen", "dropped", "gone", "went", "come", "came", "again"})
_FALLEN = frozenset({"dropped", "fell", "fallen", "dipped", "low", "lower"})
_WAS = frozenset({"was", "were", "had", "been"})
_AGO_AHEAD = 4  # items after a figure searched for "ago", "last week" within its clause
_EARLIER_CYCLE = frozenset({"in", "during", "back"})
# "how common is grade 3/4 neutropenia", "the incidence of grade 4": a rate asked about, not a patient's count.
_RATE_WORDS = frozenset({"incidence", "rate", "rates", "proportion", "percentage", "frequency"})
_HOW_RATE = frozenset({"common", "frequent", "likely", "often"})
_RATE_WINDOW = 8
# Words that may stand between a correction and the figure it gives ("sorry typo, it's 0.08").
_FILLER = frozenset({"it's", "its", "actually"})
_CLAUSE_PAST = frozenset({"was", "were", "had"})
_SINCE = frozenset({"after", "when", "since"})
# "approx 30" near a threshold does not say which side of it the count is on.
_APPROX_MARGIN = 0.25
_GRADE_NUMBER = re.compile(r"iv|v|i{1,3}|[0-5]")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}
_TABLE2_TYPES = {"NEUT": "neutrophils", "PLT": "platelets"}
# Labs Table 2 never uses: named without a figure ("bili normal", "ALT up"), they raise no question.
_NEVER_ASKED = frozenset({"LAB", "MAGNESIUM", "HB"})
_REASON = frozenset({"for", "with", "because", "due", "over"})


class _Figure(NamedTuple):
    num: Num
    unit: str | None
    mark: str  # "now", "past", "unclear" or ""
    grade: str | None = None  # the grade as typed, when the figure is a grade or stands beside one
    grade_range: tuple[float, float | None] | None = None  # when the figure is a grade: the values it covers


@dataclass
class _Mention:
    name: str
    figures: list[_Figure] = field(default_factory=list)
    recovered: bool = False  # a recovery word stands with this count
    prior_fall: bool = False  # words say this count fell before the figure now
    normal: bool = False
    clauses: set[int] = field(default_factory=set)  # first item index of each clause the count is named in

    def current(self) -> tuple[_Figure | None, list[_Figure]]:
        """The figure that is the count now (None when the words leave it open), and the others."""
        figures = self.figures
        # A grade said at the same time as a figure stands beside it: the figure is the count.
        if any(f.grade_range is None for f in figures):
            figures = [f for f in figures if f.grade_range is None or f.mark == "past"]
        now = [f for f in figures if f.mark == "now"]
        plain = [f for f in figures if f.mark == ""]
        if any(f.mark == "unclear" for f in figures):
            return None, figures
        if len(figures) == 1:
            chosen = figures[0]
        elif now and len({f.num.value for f in now}) == 1:
            chosen = now[0]  # "35 today ... 110 -> 70 -> 35": the same figure twice
        elif not now and len(plain) == 1:
            chosen = plain[0]
        else:
            return None, figures
        return chosen, [f for f in figures if f is not chosen]


class CountMentions(NamedTuple):
    """The first step: each count's mention with its figures, and what was named without one."""

    mentions: tuple[_Mention, ...]
    valueless: tuple[str, ...]  # count names given without a figure
    unnamed: tuple[str, ...]  # generic "counts" given a figure: which count is open
    other_counts: tuple[str, ...]  # WBC, Hb and other laboratory values, with their figures
    claims: dict[int, Claim]


class CountsRead(NamedTuple):
    """What the counts reader found, and the figures it claimed."""

    readings: tuple[Reading, ...]
    valueless: tuple[str, ...]
    unnamed: tuple[str, ...]
    other_counts: tuple[str, ...]
    unreadable: tuple[Unreadable, ...]
    implausible: tuple[str, ...]
    claims: dict[int, Claim]
    repeat_fall: bool = False  # a count is low now after an earlier fall and a restart: a subsequent drop


def _marker(it: Item, words: frozenset[str]) -> str | None:
    if it.kind is Kind.KEYWORD and it.type in NOW_KW:
        return "now"
    if is_word(it, words):
        return "past"
    return None


class _Reader:
    """One pass over a message's counts; holds what it has claimed so far."""

    def __init__(self, msg: Parsed, taken: Claims, current_cycle: int | None):
        self.msg, self.items, self.taken = msg, msg.items, dict(taken)
        self.current_cycle = current_cycle
        self.claims: dict[int, Claim] = {}
        self.markers_used: set[int] = set()

    def claim(self, j: int, label: str) -> None:
        self.claims[j] = self.taken[j] = Claim(Role.COUNT, label)

    def mark(self, lo: int, j: int) -> tuple[str, bool]:
        """(mark, recovered) of the figure at j: from the marker just after it, else the nearest before it.

        A marker after a figure belongs to it unless it introduces the next figure: "was 0.3 now
        1.1" and "0.3, previously 1.1" hand it on; "0.9 today (0.3 yesterday)" keeps it. An
        arrow between two figures puts the first in the past ("110 -> 70 -> 35").
        """
        msg, items = self.msg, self.items
        if j + 2 < len(items) and items[j + 1].kind is Kind.SEP and items[j + 1].text.startswith("?") \
                and items[j + 1].start == items[j].end and (items[j + 2].kind in (Kind.COUNT, Kind.FIGURE)
                                                            or named_count(items[j + 2]) is not None):
            return "unclear", False  # "Neut 0,5? PLT 200": a figure the writer queries, with more to come
        if self._hold_reason(j):
            return "past", False  # "held for 0.3", "stopped because of plt 20": the fall that led to the hold
        k = j + 1
        if k + 1 < len(items) and is_kw(items[k], "ON") and _marker(items[k + 1], PAST_AFTER) == "past":
            k += 1  # "0.8 on Monday"
        if k < len(items) and (kind := _marker(items[k], PAST_AFTER)) is not None:
            nxt = next((f for f in range(k + 1, min(len(items), k + 4))
                        if free(items, f, self.taken) and not self._hold_reason(f)), None)
            between = nxt is not None and not broken(msg, k, nxt) and not broken(msg, j, k)
            if between and kind == "now" and any(is_word(items[b], PAST_BEFORE) for b in range(k + 1, nxt)):
                between = False  # "0.9 today up from 0.3": "from" marks 0.3, so "today" is 0.9's
                nxt = None
            if between and kind == "now" and items[k].text not in _FORWARD and not self._marked_past(lo, j):
                # "0.4 today 1.1 ...": "today" could be either figure's; only a past word before the
                # first ("was 0.3 now 1.1") settles it.
                return "unclear", False
            forward = nxt is not None and not broken(msg, k, nxt) and (broken(msg, j, k) or kind == "now")
            if forward and items[k].text in _ARROWS:
                return "past", False  # "25 -> 40": 25 came first
            if not forward and items[k].text not in _ARROWS:
                self.markers_used.add(k)
                if kind == "now" and self._or_earlier(k):
                    return "unclear", False  # "today's plts 28, or was that yesterday's?"
                return kind, items[k].type == "RECOVERED"
        if self._past_ahead(j) or self._past_in_clause(j):
            return "past", False  # "dropped to 0.4 two cycles ago", "restarted after neuts dropped to 0.4"
        recovered = False
        if j >= 2 and is_word(items[j - 1], ("to",)) and (
                items[j - 2].kind in (Kind.FIGURE, Kind.COUNT) or is_kw(items[j - 2], "DROP", "RECOVERED", "SUBSEQUENT")
                or is_word(items[j - 2], _CHANGE)):
            if self._told_as_past(j):
                return "past", False  # "was on 15mg when it dropped to 22": the fall before now
            return "now", items[j - 2].type == "RECOVERED"  # "fell from 1.5 to 0.4", "80 down to 20"
        for b in range(j - 1, lo - 1, -1):
            if b in self.markers_used:
                continue
            kind = _marker(items[b], PAST_BEFORE)
            recovered |= is_kw(items[b], "RECOVERED")
            if kind is not None:
                if kind == "now" and self._or_earlier(j):
                    return "unclear", False
                return kind, recovered
        return "", recovered

    def _series_reaches_now(self, k: int, end: int) -> bool:
        """Whether later figures, with nothing but time words between, end in one said to be today's."""
        items = self.items
        for f in range(k + 1, min(len(items), end)):
            it = items[f]
            if _ends_run(it):
                return False
            if it.kind is Kind.FIGURE and free(items, f, self.taken):
                if _marker(items[f - 1], PAST_AFTER) == "now" or (f + 1 < len(items) and _marker(items[f + 1], PAST_AFTER) == "now"):
                    return True
        return False

    def _hold_reason(self, j: int) -> bool:
        """Whether the figure (or named count) at j is given as the reason for a hold: "held for 0.3"."""
        items = self.items
        if j >= 1 and is_kw(items[j - 1], "HELD") and items[j - 1].text.endswith(" for"):
            return True  # "held for plt 19"
        # "held for 0.3", "held C3 for neut 0.3": the hold, perhaps with its timing, then the reason word.
        return j >= 2 and is_word(items[j - 1], _REASON) and (
            is_kw(items[j - 2], "HELD", "HELD_WORD")
            or (j >= 3 and items[j - 2].kind is Kind.TIMING and is_kw(items[j - 3], "HELD", "HELD_WORD")))

    def _told_as_past(self, j: int) -> bool:
        """Whether j's clause opens in the past ("was on 15mg when ...") and says nothing of now."""
        items = self.items
        span = clause(items, j)
        before = items[span.start : j]
        return (bool(before) and is_word(before[0], _CLAUSE_PAST) and any(is_word(x, ("when", "until")) for x in before)
                and not any(is_kw(x, *NOW_KW) for x in items[span.start : span.stop]))

    def _marked_past(self, lo: int, j: int) -> bool:
        return any(is_word(self.items[b], PAST_BEFORE) for b in range(max(lo, j - 3), j))

    def _or_earlier(self, j: int) -> bool:
        """ "... 28 or was that yesterday's": an "or" after the figure offers an earlier time instead."""
        items = self.items
        span = clause(items, j)
        after = [b for b in range(j + 1, span.stop) if is_word(items[b], ("or",))]
        return any(is_word(items[c], PAST_AFTER | PAST_BEFORE) for b in after for c in range(b + 1, min(span.stop, b + 4)))

    def _past_ahead(self, j: int) -> bool:
        """ "0.4 two cycles ago", "24 back in C3", "25 last cycle": a time word soon after the figure, in its clause."""
        items = self.items
        for b in range(j + 1, min(len(items), j + 1 + _AGO_AHEAD)):
            it = items[b]
            if it.kind in (Kind.SEP, Kind.FIGURE, Kind.COUNT, Kind.GRADE, Kind.DOSE) or named_count(it):
                return False
            if is_word(it, ("ago", "previously", "earlier")) or (
                    is_word(it, ("last", "previous", "prior")) and b + 1 < len(items)
                    and is_word(items[b + 1], ("week", "cycle", "month", "time", "wk"))):
                return True
            if is_word(it, _EARLIER_CYCLE) and b + 1 < len(items) and items[b + 1].kind is Kind.TIMING:
                cycle = _cycle_of(items[b + 1])
                if it.text == "back" or (cycle is not None and self.current_cycle is not None and cycle < self.current_cycle):
                    return True
        return False

    def _past_in_clause(self, j: int) -> bool:
        """A figure after an event said to be over in its own clause: "restarted last cycle after neuts dropped to 0.4"."""
        items = self.items
        span = clause(items, j)
        before = items[span.start : j]
        if (any(is_word(it, _SINCE) for it in before) and any(is_kw(it, "RESTARTED") for it in before)):
            return True
        # "last cycle ... 0.4", unless "now" comes between.
        for b in range(j - 1, max(span.start, j - 6) - 1, -1):
            if is_kw(items[b], "NOW"):
                return False
            if is_word(items[b], ("last",)) and b + 1 < len(items) and is_word(items[b + 1], PERIODS):
                return True
        return False

    def fell_before(self, lo: int, hi: int) -> bool:
        """A fall in words before the current figure: "fell last week, today 0.9", "was low, now 0.9"."""
        seg = self.items[lo:hi]
        for n, it in enumerate(seg):
            fallen = (is_kw(it, "DROP") and it.text in _FALLEN) or is_word(it, ("neutropenic", "thrombocytopenic"))
            if fallen and (any(is_word(x, _WAS) for x in seg[max(0, n - 2) : n])
                           or any(is_word(x, PAST_AFTER) for x in seg[n + 1 : n + 3])
                           or any(x.kind is Kind.KEYWORD and x.type in NOW_KW for x in seg[n + 1 :])):
                return True
        return False

    def unit_after(self, j: int) -> str | None:
        items = self.items
        if j + 1 < len(items) and is_kw(items[j + 1], "SI_UNIT", "PER_UL"):
            return items[j + 1].type
        return None

    def figure_at(self, j: int, lo: int, rule: CountRule) -> tuple[_Figure, bool]:
        """The figure at j (a number or a grade) with its mark, and whether a recovery word stands with it."""
        it = self.items[j]
        mark, recovered = self.mark(lo, j)
        if it.kind is Kind.GRADE:
            return _grade_figure(it, rule, mark), recovered
        return _Figure(it.num, self.unit_after(j), mark), recovered

    def mention(self, i: int, name: str, protocol: Protocol) -> _Mention | None:
        items = self.items
        it = items[i]
        rule = protocol.counts[name]
        m = _Mention(name, clauses={clause(items, i).start})
        if it.kind is Kind.GRADE:
            j = next_value(items, i, self.taken)
            if j is None or broken(self.msg, i, j):
                m.figures.append(_grade_figure(it, rule, self.mark(max(0, i - 4), i)[0]))
                first = i
            else:  # "grade 4 neut 0.3": the figure is the count, the grade stands beside it
                self.claim(j, name)
                m.figures.append(_Figure(items[j].num, self.unit_after(j), self.mark(i + 1, j)[0], grade=it.num.typed))
                first = j
        elif it.num is not None:
            first = i
            mark, recovered = self.mark(max(0, i - 4), i)
            m.figures.append(_Figure(it.num, it.unit, mark))
            m.recovered |= recovered
        else:
            j = next_value(items, i, self.taken, grades=True)
            if j is None:
                j = prev_value(items, i, self.taken)
            if j is None:
                after = items[i + 1 : i + 4]
                if (any(is_word(x, _OK_WORDS) for x in after[:2]) and not any(is_kw(x, "DROP") for x in after)
                        and not any(x.text == "ish" for x in after)):
                    m.normal = True
                    return m
                return None
            self.claim(j, name)
            lo = i + 1 if j > i else max(0, j - 2)
            figure, recovered = self.figure_at(j, lo, rule)
            m.figures.append(figure)
            m.recovered |= recovered
            m.prior_fall |= j > i and self.fell_before(i + 1, j)
            first = max(i, j)
        prev = first
        for k in range(first + 1, min(len(items), first + 1 + _RUN_LENGTH)):
            nxt = items[k]
            if _ends_run(nxt):
                break
            if not free(items, k, self.taken):
                continue
            if framed_as_dose(items, k):
                break  # "..., len was 15": the drug's dose, not the count's
            mark, recovered = self.mark(prev + 1, k)
            if not mark and m.figures[-1].num.bound and m.figures[-1].mark != "past":
                mark = "now"  # "not below 30 - they are 31", "below 0.5 again - 0.38": the figure after a bound
            if not mark and self._series_reaches_now(k, first + 1 + _RUN_LENGTH):
                mark = "past"  # "trend 45, 38, 33, today 28": a series up to today's figure
            if not mark:
                break  # nothing says when this figure was taken: it stays unexplained
            self.claim(k, name)
            m.figures.append(_Figure(nxt.num, self.unit_after(k), mark))
            m.recovered |= recovered
            m.prior_fall |= self.fell_before(prev + 1, k)
            prev = k
        # "plt 45, recovered" / "recovered: plt 45"
        for k in (prev + 1, i - 1):
            if 0 <= k < len(items) and is_kw(items[k], "RECOVERED") and k not in self.markers_used:
                m.recovered = True
                self.markers_used.add(k)
        return m


def _ends_run(it: Item) -> bool:
    """Whether an item ends a count's run of figures: another named value, or a dose word."""
    return it.kind in _ENDS_RUN or named_count(it) is not None or (it.kind is Kind.KEYWORD and it.type in _DOSE_WORDS)


def _cycle_of(it: Item) -> int | None:
    digits = re.findall(r"\d+", it.text)
    return int(digits[0]) if it.type in ("CYCLE_N", "CYCLE_DAY") and digits else None


def _grade_figure(it: Item, rule: CountRule, mark: str) -> _Figure:
    """A grade as a figure: the range of values it covers, from the protocol's CTCAE table."""
    typed = it.num.typed
    numbers = [_ROMAN.get(g) or int(g) for g in _GRADE_NUMBER.findall(re.sub(r"^(ctcae\s+(v\s*5\s+)?)?(grades?|gr\.?|g)", "", typed))]
    ranges = [rule.grades.get(str(n)) for n in numbers]
    if not numbers or any(r is None for r in ranges):
        return _Figure(Num(None, NumKind.UNREADABLE, typed), None, mark, grade=typed)
    tops = [r[1] for r in ranges]
    span = (min(r[0] for r in ranges), None if "lln" in tops else max(tops))
    return _Figure(Num(span[0], NumKind.PLAIN, typed, Bound.RANGE, upper=span[1]), "SI_UNIT", mark, grade=typed,
                   grade_range=span)


def _generic_as(msg: Parsed, taken: Claims) -> dict[int, str]:
    """ "held for low platelets; her count is now 64", "G4 neutropenia last cycle; bloods today grade 3": with
    one count named, and no figure given to it, a generic "count" given a figure or a grade is that count."""
    if not msg.has("COUNT_GENERIC"):
        return {}
    items = msg.items
    named = {named_count(it) for it in items} - {None}
    if len(named) != 1 or any(it.kind is Kind.COUNT and named_count(it) and it.num is not None for it in items):
        return {}
    kind = "NEUT" if named == {"neutrophils"} else "PLT"
    return {i: kind for i, it in enumerate(items) if it.kind is Kind.COUNT and it.type == "COUNT_GENERIC"
            and (it.num is not None or next_value(items, i, taken, grades=True) is not None)}


def _statistic(items: tuple[Item, ...], i: int) -> bool:
    """ "grade 3/4 neutropenia 51% vs 18%", "how common is grade 3/4 neutropenia?": a grade quoted with a
    percentage, or asked about as a rate, is a trial statistic."""
    span = clause(items, i)
    if any(is_kw(items[b], "PERCENT") for b in range(i + 1, min(span.stop, i + 4))):
        return True
    near = range(max(span.start, i - _RATE_WINDOW), min(span.stop, i + _RATE_WINDOW))  # bounded: a long clause stays linear
    words = [items[b].text for b in near if items[b].kind is Kind.WORD]
    return not _RATE_WORDS.isdisjoint(words) or any(
        a == "how" and b in _HOW_RATE for a, b in zip(words, words[1:]))


def _corrected(reader: _Reader, mentions: list[_Mention], protocol: Protocol) -> None:
    """ "neut 0.3 on 10mg - sorry meant 0.8": a figure right after a correction replaces the count written before it.

    Only words such as "it's" may stand between, and the figure must be plausible for that count;
    the figure replaced stays on the card, set aside as corrected.
    """
    items = reader.items
    for c, it in enumerate(items):
        if not is_kw(it, "CORRECTION"):
            continue
        f = next((k for k in range(c + 1, min(len(items), c + 4)) if items[k].kind is not Kind.SEP
                  and not (items[k].kind is Kind.WORD and items[k].text in _FILLER)), None)
        if f is None or not free(items, f, reader.taken) or not items[f].num.readable:
            continue
        before = [m for m in mentions if m.figures and m.figures[-1].num.start is not None
                  and m.figures[-1].num.start < it.start]
        if not before:
            continue
        m = max(before, key=lambda m: m.figures[-1].num.start)
        if not to_si(protocol.counts[m.name], items[f].num, reader.unit_after(f))[3]:
            continue  # "sorry, 2 questions": no figure of this count
        old = m.figures[-1].num.start
        reader.claim(f, m.name)
        for k, x in enumerate(items):
            if k != f and x.num is not None and x.num.start == old and k not in reader.claims:
                reader.claims[k] = Claim(Role.ASIDE, "a figure the writer corrected")
        m.figures = [_Figure(items[f].num, reader.unit_after(f), "")]


def _episode_names(it: Item) -> str | None:
    """ "2nd neutropenic dip - 0.38 today": an episode named by its cytopenia names the count."""
    if it.kind is Kind.KEYWORD and it.type in ("SUBSEQUENT", "FIRST_EPISODE"):
        if "neutropeni" in it.text:
            return "neutrophils"
        if "thrombocytopeni" in it.text:
            return "platelets"
    return None


def find_counts(msg: Parsed, protocol: Protocol, taken: Claims, current_cycle: int | None = None) -> CountMentions:
    """The first step: each count name with the figures (or grade) written for it."""
    if not msg.has(Kind.COUNT, Kind.GRADE, "T_NEUTROPENIA", "T_THROMBOCYTOPENIA", "SUBSEQUENT", "FIRST_EPISODE"):
        return CountMentions((), (), (), (), {})
    items = msg.items
    reader = _Reader(msg, taken, current_cycle)
    generic = _generic_as(msg, taken)
    relatives = relatives_in(msg)
    mentions: list[_Mention] = []
    valueless: list[str] = []
    unnamed: list[str] = []
    other: list[str] = []
    for i, it in enumerate(items):
        if i in reader.taken:
            continue  # a bare grade a name before it took ("plts are G2")
        if it.kind is Kind.GRADE and _statistic(items, i):
            reader.claims[i] = Claim(Role.ASIDE, "a grade in a trial statistic")
            continue
        name = _TABLE2_TYPES.get(generic.get(i, "")) or named_count(it) or _episode_names(it)
        if name is None:
            if it.kind is Kind.COUNT:  # "counts", "WBC", "Hb", "IgG": not Table 2's counts
                num = it.num
                if num is None:
                    j = next_value(items, i, reader.taken)
                    if j is not None:
                        reader.claim(j, it.type.lower())
                        num = items[j].num
                if num is None:
                    if it.type not in _NEVER_ASKED:
                        valueless.append(it.type)
                elif it.type == "COUNT_GENERIC":
                    unnamed.append(msg.typed(num))
                else:
                    other.append(it.text if it.num is not None else f"{it.text} {num.typed}")
            elif it.kind is Kind.GRADE:
                reader.claims[i] = Claim(Role.ASIDE, "a grade of another side effect")
            continue
        if relatives and someone_else(items, i, relatives):
            j = i if it.num is not None else next_value(items, i, reader.taken)
            if j is not None:
                reader.claims[j] = reader.taken[j] = Claim(Role.ASIDE, "another person's count")
            continue
        m = reader.mention(i, name, protocol)
        if m is None:
            if it.kind is Kind.COUNT:
                valueless.append(name)
            continue
        same = next((o for o in mentions if o.name == name), None)
        if same is None:
            mentions.append(m)
        elif not m.normal:
            # "neut 1.4 ..., held for neut 0.4 last cycle": one count, its figures over time.
            same.figures += m.figures
            same.recovered |= m.recovered
            same.prior_fall |= m.prior_fall
            same.clauses |= m.clauses
            same.normal = same.normal and not m.figures
    if mentions and msg.has("CORRECTION"):
        _corrected(reader, mentions, protocol)
    # A second mention of a count already read ("with platelets that low") is not a missing figure.
    valueless = [n for n in valueless if n not in {m.name for m in mentions}]
    return CountMentions(tuple(mentions), tuple(dict.fromkeys(valueless)), tuple(unnamed), tuple(other), reader.claims)


def read_counts(msg: Parsed, protocol: Protocol, history: History, found: CountMentions, taken: Claims,
                current_cycle: int | None = None) -> CountsRead:
    """The second step: earlier figures nothing else claimed, then each count's reading with its history.

    The claims returned are this step's only (the first step's are in `found`)."""
    if not found.mentions:
        return CountsRead((), found.valueless, found.unnamed, found.other_counts, (), (), {})
    items = msg.items
    reader = _Reader(msg, taken, current_cycle)
    mentions = found.mentions
    _attach_earlier(reader, mentions, protocol)
    loose = {clause(items, k).start for k in _loose_recovery(items, reader.markers_used)} if msg.has("RECOVERED") else set()
    readings, implausible, unreadable = [], [], []
    repeat = False
    for m in mentions:
        bad = next((f for f in m.figures if not f.num.readable and f.grade_range is None), None)
        if bad is not None:
            unreadable.append(Unreadable(protocol.counts[m.name].label, msg.typed(bad.num), "count"))
            continue
        rule = protocol.counts[m.name]
        fell = _fell(m, history, loose, mentions, protocol)
        r = _reading(rule, m, fell, history)
        if r.implausible:
            implausible.append(f"{r.count} {r.typed}")
        readings.append(r)
        chosen, others = m.current()
        low_now = chosen is not None and chosen.num.value is not None and _side(rule, chosen, r.value) == "below"
        low_before = any(f.num.value is not None and _side(rule, f, to_si(rule, f.num, f.unit)[0]) == "below" for f in others)
        repeat |= history.restarted and low_now and (low_before or m.prior_fall or fell is True)
    return CountsRead(tuple(readings), found.valueless, found.unnamed, found.other_counts, tuple(unreadable),
                      tuple(implausible), reader.claims, repeat)


def _attach_earlier(reader: _Reader, mentions: tuple[_Mention, ...], protocol: Protocol) -> None:
    """Free figures a time word places ("nadir 0.3 two weeks ago", "hx dropped to 0.4", "today 0.7"): a value of
    the one count they fit (the only count named, or the only one whose values can hold them)."""
    items = reader.items
    if not mentions or any(m.normal for m in mentions) or not reader.msg.has(Kind.FIGURE):
        return
    mg_lo, mg_hi = protocol.ladder.plausible_mg
    for j, it in enumerate(items):
        if not free(items, j, reader.taken) or not it.num.readable or it.num.bound or (
                it.num.kind is NumKind.WORDS and "point" not in it.num.typed):
            continue
        mark, _ = reader.mark(max(0, j - 3), j)
        fall = j >= 2 and is_word(items[j - 1], ("to",)) and is_kw(items[j - 2], "DROP")
        if mark not in ("past", "now") and not (fall and _said_earlier(items, j)):
            continue
        value = it.num.value
        fits = [m for m in mentions if _fits(protocol.counts[m.name], it.num)
                # A whole number a dose could be is no neutrophil count: "(was 15)" is the old dose.
                and (protocol.counts[m.name].whole_numbers or value != int(value) or not mg_lo <= value <= mg_hi)]
        if len(fits) == 1:
            reader.claim(j, fits[0].name)
            fits[0].figures.append(_Figure(it.num, reader.unit_after(j), "past" if mark != "now" else "now"))


def _said_earlier(items: tuple[Item, ...], j: int) -> bool:
    # "hx dropped to 0.4 in C2": a history word in the clause before the fall.
    span = clause(items, j)
    return any(is_word(items[b], PAST_BEFORE | {"after", "when"}) for b in range(span.start, j))


def _fits(rule: CountRule, num: Num) -> bool:
    """Whether a figure can be a value of this count: within its plausible range (x10^9/L), and a
    whole number where the count is reported in whole numbers (platelets)."""
    lo, hi = rule.plausible
    return lo <= num.value <= hi and (not rule.whole_numbers or num.value == int(num.value))


def _loose_recovery(items: tuple[Item, ...], used: set[int]) -> list[int]:
    # Recovery words no count took; "back up to 10 mg" is about the dose, not the counts.
    return [k for k, it in enumerate(items)
            if is_kw(it, "RECOVERED") and k not in used
            and not (it.text.endswith("to") and k + 1 < len(items) and items[k + 1].kind is Kind.DOSE)]


def _side(rule: CountRule, f: _Figure, value: float) -> str | None:
    """Which side of the threshold a figure puts the count: "below", "above", or None when it spans both."""
    t, num = rule.threshold, f.num
    bound = num.bound
    if f.grade_range is not None or bound is Bound.RANGE:
        top = num.upper if f.grade_range is None else f.grade_range[1]
        if top is not None and (top <= t if f.grade_range else top < t):
            return "below"
        return "above" if value >= t else None
    if bound is Bound.BELOW:
        return "below" if value <= t else None
    if bound is Bound.AT_MOST:
        return "below" if value < t else None
    if bound is Bound.ABOVE:
        return "above" if value >= t else None
    if bound is Bound.APPROX and abs(value - t) <= _APPROX_MARGIN * t:
        return None
    return "below" if value < t else "above"


def _up_now(rule: CountRule, m: _Mention) -> bool:
    chosen, _ = m.current()
    if chosen is None or chosen.num.value is None:
        return False
    return _side(rule, chosen, to_si(rule, chosen.num, chosen.unit)[0]) == "above"


def _fell(m: _Mention, history: History, loose: set[int], mentions: tuple[_Mention, ...], protocol: Protocol) -> bool | None:
    """Whether words outside this count's own figures say it fell before: True, False, or None (may have).

    A fall, a recovery or a hold said without naming a count is about the count its clause
    names, else the only count given; with several counts, not about those up now if another
    count is low now (that one explains it); otherwise it is open which count it is about.
    """
    if m.name in history.fallen or loose & m.clauses:
        return True
    if history.rechecked and not (history.unnamed_fall or loose or history.held or history.fallen):
        return None  # "repeat NEUT 0.62 today": a count rechecked after something the message does not tell
    if not (history.unnamed_fall or loose or history.held) or history.fallen:
        return False
    if len(mentions) == 1:
        return True
    if not all(_up_now(protocol.counts[o.name], o) for o in mentions):
        return False
    return None


def _reading(rule: CountRule, m: _Mention, fell: bool | None, history: History) -> Reading:
    if m.normal:
        return Reading(count=m.name, value=rule.threshold, typed="reported normal", normal=True,
                       recovered=False if history.restarted else fell)
    chosen, others = m.current()
    flags = {"unit_assumed": False, "converted": False, "implausible": False}

    def convert(f: _Figure) -> float:
        value, assumed, converted, ok = to_si(rule, f.num, f.unit)
        flags["unit_assumed"] |= assumed
        flags["converted"] |= converted
        flags["implausible"] |= not ok and f.grade_range is None  # a grade's range comes from the protocol itself
        return value

    typed = " / ".join(f.num.typed for f in m.figures)
    grade = next((f.grade for f in m.figures if f.grade and f.mark != "past"), None)
    if chosen is None:
        values = [convert(f) for f in m.figures if f.num.value is not None]
        return Reading(count=m.name, value=values[-1] if values else rule.threshold, typed=typed, ambiguous=True,
                       ambiguity=f"which {rule.label} figure is the count now ({typed})", grade=grade, **flags)
    current = convert(chosen)
    side = _side(rule, chosen, current)
    disagree = _disagreeing_grade(rule, m, chosen, current)
    if disagree:
        return Reading(count=m.name, value=current, typed=typed, ambiguous=True, grade=grade,
                       ambiguity=f"{rule.label} {chosen.num.typed} and {disagree} do not agree", **flags)
    earlier_figs = [f for f in others if f.num.value is not None]
    earlier = tuple(convert(f) for f in earlier_figs)
    low_before = any(_side(rule, f, v) == "below" for v, f in zip(earlier, earlier_figs))
    up_now = side == "above"
    fell_here = m.prior_fall or low_before or m.recovered
    if history.restarted:
        recovered: bool | None = False  # given again after the hold: the count now is a plain reading
    elif fell_here or fell:
        recovered = None if side is None else up_now  # a count that fell, if it is up now
    elif fell is None and side != "below":
        recovered = None
    else:
        recovered = False
    if m.name in history.over and up_now and not recovered and not history.held and not history.restarted:
        # "neut 0.9 on 10mg, post neutropenia": restart one level lower, or already restarted?
        return Reading(count=m.name, value=current, typed=typed, earlier=earlier, ambiguous=True, grade=grade,
                       ambiguity=f"whether lenalidomide is still held after the earlier fall in {rule.label}, or was already restarted at this dose",
                       **flags)
    value, bound, upper = current, _bound_name(chosen), chosen.num.upper
    if side == "below":
        value, bound = (rule.threshold, "below") if bound in ("range", "at_most") else (current, bound)
    elif side == "above" and bound == "range":
        value, bound = current, "above"
    return Reading(
        count=m.name, value=value, typed=typed, earlier=earlier, recovered=recovered, bound=bound, upper=upper,
        straddles=side is None, grade=grade, **flags,
    )


def _bound_name(f: _Figure) -> str | None:
    return f.num.bound.value if f.num.bound else None


def _disagreeing_grade(rule: CountRule, m: _Mention, chosen: _Figure, value: float) -> str | None:
    """A grade said for the same time as the figure chosen, whose range does not hold it."""
    for f in m.figures:
        if f.grade_range is not None and f is not chosen and f.mark == chosen.mark:
            lo, hi = f.grade_range
            if value < lo or (hi is not None and value >= hi):
                return f.grade
    return None


def to_si(rule: CountRule, num: Num, unit: str | None) -> tuple[float, bool, bool, bool]:
    """(value in x10^9/L, unit assumed, converted from per-microlitre, plausible)."""
    lo, hi = rule.plausible
    ul_lo, ul_hi = rule.per_microlitre
    raw = num.value
    if num.kind is NumKind.LEADING_ZERO:
        return raw, False, False, False
    if num.kind is NumKind.K:  # "25k" is thousands per microlitre, the same figure as x10^9/L
        return raw, unit is None, False, lo <= raw <= hi
    if unit == "SI_UNIT":
        return raw, False, False, lo <= raw <= hi
    if unit == "PER_UL":
        return raw / 1000, False, True, ul_lo <= raw <= ul_hi
    if num.kind is NumKind.GROUPED:
        return raw / 1000, True, True, ul_lo <= raw <= ul_hi
    if rule.whole_numbers and re.search(r"\.\d\d", num.typed):
        return raw, False, False, False  # "PLT 1.40": platelets are counted in whole numbers, never to two places
    if lo <= raw <= hi:
        return raw, False, False, True
    if ul_lo <= raw <= ul_hi:
        return raw / 1000, True, True, True
    return raw, False, False, False

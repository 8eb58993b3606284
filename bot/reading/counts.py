"""Blood counts: each count name paired with its figures, and which figure is the count now.

A name takes the free figure after it (over a few words: "anc back to 0.7"), or just before
it ("0.45 for the neutrophils"). Later figures belong to the same count only when a word
says when they were taken ("was 20 now 45", "0.9 today (0.3 yesterday)", "25 -> 40").
A CTCAE grade of a named cytopenia ("grade 4 neutropenia") stands for a figure: the range the
grade covers, taken from the protocol. When the words do not settle which figure is the
count now, or a grade straddles the threshold, the reading is marked ambiguous and the
engine asks. A figure that cannot be read ("plt 1OO", "neut ?") is reported as such.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..facts import Reading, Unreadable
from ..parsing import Bound, Item, Kind, Num, NumKind, Parsed
from ..protocol import CountRule, Protocol
from .history import History
from .words import (COUNT_NAMES, NOW_KW, PAST_AFTER, PAST_BEFORE, Claim, Claims, Role, broken, clause, free, is_kw,
                    is_word, name_of, next_value, prev_value)

# Items that end the run of figures belonging to one count.
_ENDS_RUN = frozenset({Kind.COUNT, Kind.GRADE, Kind.DOSE, Kind.OTHER_DOSE, Kind.RENAL, Kind.PATIENT})
_RUN_LENGTH = 12
# Markers that always introduce the figure after them ("25 -> 40", "0.3 now 1.1").
_FORWARD = frozenset({"now", "->", "=>", "→", "⇒"})
# "neut 0.3, dose 15 now 10mg": a figure after a dose word is a dose, not the count.
_DOSE_WORDS = frozenset({"DOSING", "START_Q", "T_DOSE_LEVELS"})
# "platelets fine", "neuts ok": a count reported normal without a figure.
_OK_WORDS = frozenset({"fine", "ok", "okay", "normal", "good", "satisfactory", "unremarkable", "adequate"})
_CHANGE = frozenset({"down", "up", "fell", "rose", "risen", "dropped", "gone", "went", "come", "came", "again"})
_FALLEN = frozenset({"dropped", "fell", "fallen", "dipped", "low", "lower"})
_WAS = frozenset({"was", "were", "had", "been"})
# "approx 30" near a threshold does not say which side of it the count is on.
_APPROX_MARGIN = 0.25
_GRADE_NUMBER = re.compile(r"iv|v|i{1,3}|[0-5]")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}


@dataclass
class _Figure:
    num: Num
    unit: str | None
    mark: str  # "now", "past", "unclear" or ""
    grade: str | None = None  # the grade as typed, when the figure is a grade's range


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
        now = [f for f in self.figures if f.mark == "now"]
        plain = [f for f in self.figures if f.mark == ""]
        if any(f.mark == "unclear" for f in self.figures):
            return None, self.figures
        if len(self.figures) == 1:
            chosen = self.figures[0]
        elif len(now) == 1:
            chosen = now[0]
        elif not now and len(plain) == 1:
            chosen = plain[0]
        else:
            return None, self.figures
        return chosen, [f for f in self.figures if f is not chosen]


@dataclass(frozen=True, slots=True)
class CountsRead:
    """What the counts reader found, and the figures it claimed."""

    readings: tuple[Reading, ...]
    valueless: tuple[str, ...]  # count names given without a figure
    unnamed: tuple[str, ...]  # generic "counts" given a figure: which count is open
    other_counts: tuple[str, ...]  # WBC, Hb and the like, with their figures
    unreadable: tuple[Unreadable, ...]
    implausible: tuple[str, ...]
    claims: dict[int, Claim]


def _marker(it: Item, words: frozenset[str]) -> str | None:
    if it.kind is Kind.KEYWORD and it.type in NOW_KW:
        return "now"
    if is_word(it, words):
        return "past"
    return None


class _Reader:
    """One pass over a message's counts; holds what it has claimed so far."""

    def __init__(self, msg: Parsed, taken: Claims):
        self.msg, self.items, self.taken = msg, msg.items, dict(taken)
        self.claims: dict[int, Claim] = {}
        self.markers_used: set[int] = set()

    def claim(self, j: int, label: str) -> None:
        self.claims[j] = self.taken[j] = Claim(Role.COUNT, label)

    def mark(self, lo: int, j: int) -> tuple[str, bool]:
        """(mark, recovered) of the figure at j: from the marker just after it, else the nearest before it.

        A marker after a figure belongs to it unless it introduces the next figure: "was 0.3 now
        1.1" and "0.3, previously 1.1" hand it on; "0.9 today (0.3 yesterday)" keeps it.
        """
        msg, items = self.msg, self.items
        k = j + 1
        if k + 1 < len(items) and is_kw(items[k], "ON") and _marker(items[k + 1], PAST_AFTER) == "past":
            k += 1  # "0.8 on Monday"
        if k < len(items) and (kind := _marker(items[k], PAST_AFTER)) is not None:
            nxt = next((f for f in range(k + 1, min(len(items), k + 4)) if free(items, f, self.taken)), None)
            between = nxt is not None and not broken(msg, k, nxt) and not broken(msg, j, k)
            if between and kind == "now" and any(is_word(items[b], PAST_BEFORE) for b in range(k + 1, nxt)):
                between = False  # "0.9 today up from 0.3": "from" marks 0.3, so "today" is 0.9's
                nxt = None
            if between and kind == "now" and items[k].text not in _FORWARD and not self._marked_past(lo, j):
                # "0.4 today 1.1 ...": "today" could be either figure's; only a past word before the
                # first ("was 0.3 now 1.1") settles it.
                return "unclear", False
            forward = nxt is not None and not broken(msg, k, nxt) and (broken(msg, j, k) or kind == "now")
            if not forward:
                self.markers_used.add(k)
                return kind, items[k].type == "RECOVERED"
        if self._past_in_clause(j):
            return "past", False  # "restarted last cycle after neuts dropped to 0.4"
        recovered = False
        if j >= 2 and is_word(items[j - 1], ("to",)) and (
                items[j - 2].kind in (Kind.FIGURE, Kind.COUNT) or is_kw(items[j - 2], "DROP", "RECOVERED", "SUBSEQUENT")
                or is_word(items[j - 2], _CHANGE)):
            return "now", items[j - 2].type == "RECOVERED"  # "fell from 1.5 to 0.4", "80 down to 20"
        for b in range(j - 1, lo - 1, -1):
            if b in self.markers_used:
                continue
            kind = _marker(items[b], PAST_BEFORE)
            recovered |= is_kw(items[b], "RECOVERED")
            if kind is not None:
                return kind, recovered
        return "", recovered

    def _marked_past(self, lo: int, j: int) -> bool:
        return any(is_word(self.items[b], PAST_BEFORE) for b in range(max(lo, j - 3), j))

    def _past_in_clause(self, j: int) -> bool:
        """A figure after an event said to be over in its own clause: "restarted last cycle after neuts dropped to 0.4"."""
        items = self.items
        span = clause(items, j)
        before = range(span.start, j)
        return (any(is_word(items[b], ("after", "when", "since")) for b in before)
                and any(is_kw(items[b], "RESTARTED") for b in before)) or any(
            is_word(items[b], ("last",)) and b + 1 < len(items) and is_word(items[b + 1], ("cycle", "week", "month", "time"))
            for b in range(max(span.start, j - 6), j) if not any(is_kw(items[x], "NOW") for x in range(b, j)))

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

    def mention(self, i: int, name: str, protocol: Protocol) -> _Mention | None:
        items = self.items
        it = items[i]
        m = _Mention(name, clauses={clause(items, i).start})
        if it.kind is Kind.GRADE:
            j = next_value(items, i, self.taken)
            if j is None or broken(self.msg, i, j):
                m.figures.append(_grade_figure(it, protocol.counts[name], self.mark(max(0, i - 4), i)[0]))
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
            j = next_value(items, i, self.taken)
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
            mark, recovered = self.mark(lo, j)
            m.figures.append(_Figure(items[j].num, self.unit_after(j), mark))
            m.recovered |= recovered
            m.prior_fall |= j > i and self.fell_before(i + 1, j)
            first = max(i, j)
        prev = first
        for k in range(first + 1, min(len(items), first + 1 + _RUN_LENGTH)):
            nxt = items[k]
            if nxt.kind in _ENDS_RUN or name_of(nxt) is not None or (nxt.kind is Kind.KEYWORD and nxt.type in _DOSE_WORDS):
                break
            if not free(items, k, self.taken):
                continue
            mark, recovered = self.mark(prev + 1, k)
            if not mark and m.figures[-1].num.bound:
                mark = "now"  # "not below 30 - they are 31": the figure after a bound is the count
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


def _grade_figure(it: Item, rule: CountRule, mark: str) -> _Figure:
    """A grade as a figure: a bound on the count when the grade's range lies on one side of the threshold."""
    numbers = [_ROMAN.get(g) or int(g) for g in _GRADE_NUMBER.findall(it.num.typed.replace("grade", "").replace("gr", ""))]
    ranges = [rule.grades.get(str(n)) for n in numbers]
    if not numbers or any(r is None for r in ranges):
        return _Figure(Num(None, NumKind.UNREADABLE, it.num.typed), None, mark, grade=it.num.typed)
    lo = min(r[0] for r in ranges)
    tops = [r[1] for r in ranges]
    hi = None if "lln" in tops else max(tops)  # None: up to the lower limit of normal
    t = rule.threshold
    if hi is not None and hi <= t:
        num = Num(t, NumKind.PLAIN, it.num.typed, Bound.BELOW)
    elif lo >= t:
        num = Num(lo, NumKind.PLAIN, it.num.typed, Bound.ABOVE)
    else:  # the grade covers both sides of the threshold: ask for the figure
        num = Num(None, NumKind.PLAIN, it.num.typed, None)
    return _Figure(num, "SI_UNIT", mark, grade=it.num.typed)


def _generic_as(msg: Parsed, taken: Claims) -> dict[int, str]:
    """ "held for low platelets; her count is now 64": with one count named, and no figure
    given to it, a generic "count" given a figure is that count."""
    items = msg.items
    named = {name_of(it) for it in items} - {None}
    if len(named) != 1 or any(name_of(it) and it.num is not None for it in items):
        return {}
    kind = "NEUT" if named == {"neutrophils"} else "PLT"
    return {i: kind for i, it in enumerate(items) if it.kind is Kind.COUNT and it.type == "COUNT_GENERIC"
            and (it.num is not None or next_value(items, i, taken) is not None)}


_NAME_OF_TYPE = {"NEUT": "neutrophils", "PLT": "platelets"}


def read_counts(msg: Parsed, protocol: Protocol, history: History, taken: Claims) -> CountsRead:
    """The Table 2 counts, with their history; `taken` are figures other readers have claimed."""
    items = msg.items
    reader = _Reader(msg, taken)
    generic = _generic_as(msg, taken)
    mentions: list[_Mention] = []
    valueless: list[str] = []
    unnamed: list[str] = []
    other: list[str] = []
    for i, it in enumerate(items):
        name = _NAME_OF_TYPE.get(generic.get(i, "")) or name_of(it) or (
            COUNT_NAMES.get(it.extra or "") if it.kind is Kind.GRADE else None)
        if name is None:
            if it.kind is Kind.COUNT:  # "counts", "WBC", "Hb": not Table 2's counts
                num = it.num
                if num is None:
                    j = next_value(items, i, reader.taken)
                    if j is not None:
                        reader.claim(j, it.type.lower())
                        num = items[j].num
                if num is None:
                    valueless.append(it.type)
                elif it.type == "COUNT_GENERIC":
                    unnamed.append(num.typed)
                else:
                    other.append(f"{it.text}" if it.num is not None else f"{it.text} {num.typed}")
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
    # A second mention of a count already read ("with platelets that low") is not a missing figure.
    valueless = [n for n in valueless if n not in {m.name for m in mentions}]
    loose = {clause(items, k).start for k in _loose_recovery(items, reader.markers_used)}
    readings, implausible, unreadable = [], [], []
    for m in mentions:
        bad = next((f for f in m.figures if not f.num.readable and f.grade is None), None)
        if bad is not None:
            unreadable.append(Unreadable(protocol.counts[m.name].label, msg.typed(bad.num), "count"))
            continue
        r = _reading(protocol.counts[m.name], m, _fell(m, history, loose, mentions, protocol), history)
        if r.implausible:
            implausible.append(f"{r.count} {r.typed}")
        readings.append(r)
    return CountsRead(tuple(readings), tuple(dict.fromkeys(valueless)), tuple(unnamed), tuple(other),
                      tuple(unreadable), tuple(implausible), reader.claims)


def _loose_recovery(items: tuple[Item, ...], used: set[int]) -> list[int]:
    # Recovery words no count took; "back up to 10 mg" is about the dose, not the counts.
    return [k for k, it in enumerate(items)
            if is_kw(it, "RECOVERED") and k not in used
            and not (it.text.endswith("to") and k + 1 < len(items) and items[k + 1].kind is Kind.DOSE)]


def _up_now(rule: CountRule, m: _Mention) -> bool:
    chosen, _ = m.current()
    if chosen is None or chosen.num.value is None:
        return False
    value = to_si(rule, chosen.num, chosen.unit)[0]
    return value >= rule.threshold and chosen.num.bound != "below"


def _fell(m: _Mention, history: History, loose: set[int], mentions: list[_Mention], protocol: Protocol) -> bool | None:
    """Whether words outside this count's own figures say it fell before: True, False, or None (may have).

    A fall, a recovery or a hold said without naming a count is about the count its clause
    names, else the only count given; with several counts, not about those up now if another
    count is low now (that one explains it); otherwise it is open which count it is about.
    """
    if m.name in history.fallen or loose & m.clauses:
        return True
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
        flags["implausible"] |= not ok
        return value

    typed = " / ".join(f.num.typed for f in m.figures)
    grade = next((f.grade for f in m.figures if f.grade), None)
    if chosen is None:
        values = [convert(f) for f in m.figures if f.num.value is not None]
        return Reading(count=m.name, value=values[-1] if values else rule.threshold, typed=typed, ambiguous=True,
                       ambiguity=f"which {rule.label} figure is the count now ({typed})", grade=grade, **flags)
    if chosen.num.value is None:  # a grade that straddles the threshold
        return Reading(count=m.name, value=rule.threshold, typed=typed, ambiguous=True, grade=chosen.grade,
                       ambiguity=f"{chosen.grade} {rule.label} covers values either side of {rule.threshold:g} x10^9/L")
    current = convert(chosen)
    earlier = tuple(convert(f) for f in others if f.num.value is not None)
    bound = chosen.num.bound.value if chosen.num.bound else None
    ambiguous = (
        (bound == "below" and current > rule.threshold)
        or (bound == "above" and current < rule.threshold)
        or (bound == "approx" and abs(current - rule.threshold) <= _APPROX_MARGIN * rule.threshold)
    )
    low_before = any(v < rule.threshold or (f.num.bound == "below" and v <= rule.threshold)
                     for v, f in zip(earlier, [f for f in others if f.num.value is not None]))
    up_now = current >= rule.threshold and bound != "below"
    fell_here = m.prior_fall or low_before or m.recovered
    if history.restarted:
        recovered: bool | None = False  # given again after the hold: the count now is a plain reading
    elif fell_here or fell:
        recovered = up_now
    elif fell is None and up_now:
        recovered = None
    else:
        recovered = False
    if m.name in history.over and up_now and not recovered and not history.held and not history.restarted:
        # "neut 0.9 on 10mg, post neutropenia": restart one level lower, or already restarted?
        return Reading(count=m.name, value=current, typed=typed, earlier=earlier, ambiguous=True, grade=grade,
                       ambiguity=f"whether lenalidomide is still held after the earlier fall in {rule.label}, or was already restarted at this dose",
                       **flags)
    return Reading(
        count=m.name, value=current, typed=typed, earlier=earlier, recovered=recovered, bound=bound,
        ambiguous=ambiguous, grade=grade,
        ambiguity=f"{rule.label} {chosen.num.typed} does not say which side of {rule.threshold:g} the count is on" if ambiguous else None,
        **flags,
    )


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
    if lo <= raw <= hi:
        return raw, False, False, True
    if ul_lo <= raw <= ul_hi:
        return raw / 1000, True, True, True
    return raw, False, False, False

"""Blood counts: each count name paired with its figures, and which figure is the count now.

A name takes the free figure after it (over a few words: "anc back to 0.7"), or just before
it ("0.45 for the neutrophils"). Later figures belong to the same count only when a word
says when they were taken ("was 20 now 45", "0.9 today (0.3 yesterday)", "25 -> 40").
When the words do not settle which figure is the count now, the reading is marked
ambiguous and the engine asks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..facts import Reading
from ..parse import Item, Num, Parsed
from ..protocol import CountRule, Protocol
from .words import NOW_KW, PAST_AFTER, PAST_BEFORE, is_word, name_of, next_value, prev_value

# Items that end the run of figures belonging to one count.
_ENDS_RUN = frozenset({"count", "dose", "renal", "patient"})
_RUN_LENGTH = 12
# "neut 0.3, dose 15 now 10mg": a figure after a dose word is a dose, not the count.
# Markers that always introduce the figure after them ("25 -> 40", "0.3 now 1.1").
_FORWARD = frozenset({"now", "->", "=>", "→", "⇒"})
_DOSE_WORDS = frozenset({"DOSING", "START_Q", "T_DOSE_LEVELS"})
_BREAK = re.compile(r"[,;:()\[\].!?&]")
# "platelets fine", "neuts ok": a count reported normal without a figure.
_OK_WORDS = frozenset({"fine", "ok", "okay", "normal", "good", "satisfactory", "unremarkable", "adequate"})
_CHANGE = frozenset({"down", "up", "fell", "rose", "risen", "dropped", "gone", "went", "come", "came", "again"})
_FALLEN = frozenset({"dropped", "fell", "fallen", "dipped", "low", "lower"})
_WAS = frozenset({"was", "were", "had", "been"})
# "approx 30" near a threshold does not say which side of it the count is on.
_APPROX_MARGIN = 0.25


@dataclass
class _Figure:
    num: Num
    unit: str | None
    mark: str  # "now", "past" or ""


@dataclass
class _Mention:
    name: str
    figures: list[_Figure] = field(default_factory=list)
    recovered: bool = False
    prior_fall: bool = False
    normal: bool = False

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


def _broken(msg: Parsed, a: int, b: int) -> bool:
    """Whether punctuation separates items a and b."""
    return bool(_BREAK.search(msg.text[msg.items[a].end : msg.items[b].start]))


def _marker(it: Item, words: frozenset[str]) -> str | None:
    if it.kind == "kw" and it.type in NOW_KW:
        return "now"
    if is_word(it, words):
        return "past"
    return None


def _mark(msg: Parsed, lo: int, j: int, taken: set[int]) -> tuple[str, bool]:
    """(mark, recovered) of the figure at j: from the marker just after it, else the nearest before it.

    A marker after a figure belongs to it unless it introduces the next figure: "was 0.3 now
    1.1" and "0.3, previously 1.1" hand it on; "0.9 today (0.3 yesterday)" keeps it.
    """
    items = msg.items
    k = j + 1
    if k + 1 < len(items) and items[k].kind == "kw" and items[k].type == "ON" and _marker(items[k + 1], PAST_AFTER) == "past":
        k += 1  # "0.8 on Monday"
    if k < len(items) and (kind := _marker(items[k], PAST_AFTER)) is not None:
        nxt = next((f for f in range(k + 1, min(len(items), k + 4)) if items[f].kind == "num" and not items[f].used), None)
        between = nxt is not None and not _broken(msg, k, nxt) and not _broken(msg, j, k)
        if between and kind == "now" and any(is_word(items[b], PAST_BEFORE) for b in range(k + 1, nxt)):
            between = False  # "0.9 today up from 0.3": "from" marks 0.3, so "today" is 0.9's
            nxt = None
        if between and kind == "now" and items[k].text not in _FORWARD and not _marked_past(items, lo, j):
            # "0.4 today 1.1 ...": "today" could be either figure's; only a past word before the
            # first ("was 0.3 now 1.1") settles it.
            return "unclear", False
        forward = nxt is not None and not _broken(msg, k, nxt) and (_broken(msg, j, k) or kind == "now")
        if not forward:
            taken.add(k)
            return kind, items[k].type == "RECOVERED"
    recovered = False
    if j >= 2 and is_word(items[j - 1], frozenset({"to"})) and (
            items[j - 2].kind in ("num", "count") or (items[j - 2].kind == "kw" and items[j - 2].type in ("DROP", "RECOVERED", "SUBSEQUENT"))
            or is_word(items[j - 2], _CHANGE)):
        return "now", items[j - 2].type == "RECOVERED"  # "fell from 1.5 to 0.4", "80 down to 20"
    for b in range(j - 1, lo - 1, -1):
        if b in taken:
            continue
        kind = _marker(items[b], PAST_BEFORE)
        recovered |= items[b].kind == "kw" and items[b].type == "RECOVERED"
        if kind is not None:
            return kind, recovered
    return "", recovered


def _marked_past(items: list[Item], lo: int, j: int) -> bool:
    return any(is_word(items[b], PAST_BEFORE) for b in range(max(lo, j - 3), j))


def _fell_before(items: list[Item], lo: int, hi: int) -> bool:
    """A fall in words before the current figure: "fell last week, today 0.9", "was low, now 0.9"."""
    seg = items[lo:hi]
    for n, it in enumerate(seg):
        fallen = (it.kind == "kw" and it.type == "DROP" and it.text in _FALLEN) or is_word(it, frozenset({"neutropenic", "thrombocytopenic"}))
        if fallen and (any(is_word(x, _WAS) for x in seg[max(0, n - 2) : n])
                       or any(is_word(x, PAST_AFTER) for x in seg[n + 1 : n + 3])
                       or any(x.kind == "kw" and x.type in NOW_KW for x in seg[n + 1 :])):
            return True
    return False


def _mention(msg: Parsed, i: int, name: str) -> _Mention | None:
    items = msg.items
    it = items[i]
    m = _Mention(name)
    taken: set[int] = set()
    if it.num is not None:
        first = i
        m.figures.append(_Figure(it.num, it.unit, _mark(msg, max(0, i - 4), i, taken)[0]))
    else:
        j = next_value(items, i)
        if j is None:
            j = prev_value(items, i)
        if j is None:
            after = items[i + 1 : i + 4]
            if (any(is_word(x, _OK_WORDS) for x in after[:2]) and not any(x.kind == "kw" and x.type == "DROP" for x in after)
                    and not any(x.text == "ish" for x in after)):
                m.normal = True
                return m
            return None
        items[j].used = True
        lo = i + 1 if j > i else max(0, j - 2)
        mark, recovered = _mark(msg, lo, j, taken)
        m.figures.append(_Figure(items[j].num, _unit_after(items, j), mark))
        m.recovered |= recovered
        m.prior_fall |= j > i and _fell_before(items, i + 1, j)
        first = max(i, j)
    prev = first
    for k in range(first + 1, min(len(items), first + 1 + _RUN_LENGTH)):
        nxt = items[k]
        if nxt.kind in _ENDS_RUN or name_of(nxt) is not None or (nxt.kind == "kw" and nxt.type in _DOSE_WORDS):
            break
        if nxt.kind != "num" or nxt.used:
            continue
        mark, recovered = _mark(msg, prev + 1, k, taken)
        if not mark and m.figures[-1].num.bound:
            mark = "now"  # "not below 30 - they are 31": the figure after a bound is the count
        if not mark:
            break  # nothing says when this figure was taken: it stays unexplained
        nxt.used = True
        m.figures.append(_Figure(nxt.num, _unit_after(items, k), mark))
        m.recovered |= recovered
        m.prior_fall |= _fell_before(items, prev + 1, k)
        prev = k
    # "plt 45, recovered" / "recovered: plt 45"
    for k in (prev + 1, i - 1):
        if 0 <= k < len(items) and items[k].kind == "kw" and items[k].type == "RECOVERED" and k not in taken:
            m.recovered = True
    return m


def _unit_after(items: list[Item], j: int) -> str | None:
    if j + 1 < len(items) and items[j + 1].kind == "kw" and items[j + 1].type in ("SI_UNIT", "PER_UL"):
        items[j + 1].used = True
        return items[j + 1].type
    return None


def resolve_generic(msg: Parsed) -> None:
    """ "held for low platelets; her count is now 64": with one count named, and no figure
    given to it, a generic "count" is that count."""
    items = msg.items
    named = {name_of(it) for it in items} - {None}
    if len(named) != 1 or any(name_of(it) and it.num is not None for it in items):
        return
    kind = "NEUT" if named == {"neutrophils"} else "PLT"
    for i, it in enumerate(items):
        if it.kind == "count" and it.type == "COUNT_GENERIC" and (it.num is not None or next_value(items, i) is not None):
            it.type = kind


def read_counts(msg: Parsed, protocol: Protocol, *, held: bool, fallen: set[str]) -> tuple[list[Reading], list[str], list[str]]:
    """(readings, names given without a figure, implausible values in words).

    `held`: lenalidomide has been held, so a count at or above its threshold is a recovery.
    `fallen`: counts said elsewhere to have fallen before ("was neutropenic last week").
    """
    items = msg.items
    resolve_generic(msg)
    mentions: list[_Mention] = []
    valueless: list[str] = []
    for i, it in enumerate(items):
        name = name_of(it)
        if name is None:
            if it.kind == "count" and it.num is None:  # "counts", "WBC", "Hb" with a figure further on
                j = next_value(items, i)
                if j is not None:
                    items[j].used = True
                    it.num = items[j].num
                else:
                    valueless.append(it.type)
            continue
        m = _mention(msg, i, name)
        if m is None:
            if it.kind == "count":
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
            same.normal = same.normal and not m.figures
    # A second mention of a count already read ("with platelets that low") is not a missing figure.
    valueless = [n for n in valueless if n not in {m.name for m in mentions}]
    floating = held or (_floating_recovery(items) and not any(m.recovered for m in mentions))
    readings, implausible = [], []
    for m in mentions:
        r = _reading(protocol.counts[m.name], m, floating, m.name in fallen, f"{m.name}?" in fallen and not held)
        if r.implausible:
            implausible.append(f"{r.count} {r.typed}")
        readings.append(r)
    return readings, valueless, implausible


def _floating_recovery(items: list[Item]) -> bool:
    # "back up to 10 mg" is about the dose, not the counts.
    return any(
        it.kind == "kw" and it.type == "RECOVERED"
        and not (it.text.endswith("to") and k + 1 < len(items) and items[k + 1].kind == "dose")
        for k, it in enumerate(items)
    )


def _reading(rule: CountRule, m: _Mention, floating: bool, fallen: bool, after_episode: bool = False) -> Reading:
    if m.normal:
        return Reading(count=m.name, value=rule.threshold, typed="reported normal", normal=True,
                       recovered=floating or fallen)
    chosen, others = m.current()
    flags = {"unit_assumed": False, "converted": False, "implausible": False}

    def convert(f: _Figure) -> float:
        value, assumed, converted, ok = to_si(rule, f.num, f.unit)
        flags["unit_assumed"] |= assumed
        flags["converted"] |= converted
        flags["implausible"] |= not ok
        return value

    typed = " / ".join(f.num.typed for f in m.figures)
    if chosen is None:
        values = [convert(f) for f in m.figures]
        return Reading(count=m.name, value=values[-1], typed=typed, ambiguous=True,
                       ambiguity=f"which {rule.label} figure is the count now ({typed})", **flags)
    current = convert(chosen)
    earlier = tuple(convert(f) for f in others)
    bound = chosen.num.bound
    ambiguous = (
        (bound == "below" and current > rule.threshold)
        or (bound == "above" and current < rule.threshold)
        or (bound == "approx" and abs(current - rule.threshold) <= _APPROX_MARGIN * rule.threshold)
    )
    low_before = any(v < rule.threshold or (f.num.bound == "below" and v <= rule.threshold) for v, f in zip(earlier, others))
    up_now = current >= rule.threshold and bound != "below"
    recovered = m.recovered or ((low_before or m.prior_fall or fallen or floating) and up_now)
    if after_episode and up_now and not recovered:
        # "neut 0.9 on 10mg, post neutropenia": restart one level lower, or already restarted?
        ambiguous = True
        return Reading(count=m.name, value=current, typed=typed, earlier=earlier, ambiguous=True,
                       ambiguity=f"whether lenalidomide is still held after the earlier fall in {rule.label}, or was already restarted at this dose",
                       **flags)
    return Reading(
        count=m.name, value=current, typed=typed, earlier=earlier, recovered=recovered, bound=bound,
        ambiguous=ambiguous,
        ambiguity=f"{rule.label} {chosen.num.typed} does not say which side of {rule.threshold:g} the count is on" if ambiguous else None,
        **flags,
    )


def to_si(rule: CountRule, num: Num, unit: str | None) -> tuple[float, bool, bool, bool]:
    """(value in x10^9/L, unit assumed, converted from per-microlitre, plausible)."""
    lo, hi = rule.plausible
    ul_lo, ul_hi = rule.per_microlitre
    raw = num.value
    if num.kind == "leading_zero":
        return raw, False, False, False
    if num.kind == "k":  # "25k" is thousands per microlitre, the same figure as x10^9/L
        return raw, unit is None, False, lo <= raw <= hi
    if unit == "SI_UNIT":
        return raw, False, False, lo <= raw <= hi
    if unit == "PER_UL":
        return raw / 1000, False, True, ul_lo <= raw <= ul_hi
    if num.kind == "grouped":
        return raw / 1000, True, True, ul_lo <= raw <= ul_hi
    if lo <= raw <= hi:
        return raw, False, False, True
    if ul_lo <= raw <= ul_hi:
        return raw / 1000, True, True, True
    return raw, False, False, False

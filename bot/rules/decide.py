"""Dosing decisions that never guess: every unknown fact is tried both ways.

A fact the message left out (day 1 or mid-cycle, first or repeat fall, the current dose,
renal function) is given each value it could have. If the action or the dose differs
between them, the answer is a question naming the facts that decide it; if only a flag
differs (G-CSF after a repeat fall, giving after dialysis), the answer stands without that
flag and names the fact that would sharpen it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations, product

from ..answer import Dose, Statement
from ..facts import Facts, Reading
from ..protocol import Protocol
from . import cytopenia, renal
from .outcome import Outcome, combine

SHARPEN_TEXT = {
    "episode": "Not said whether this is the first fall or a repeat one; after a repeat fall Table 2 also suggests considering G-CSF.",
    "dialysis": "Not said whether the patient is on dialysis; if so, give each dose after the dialysis session.",
    "current_dose": "The current dose was not given; the count alone calls for no change.",
}


@dataclass(frozen=True)
class Decision:
    """An outcome to answer with, or None with the facts to ask for."""

    outcome: Outcome | None
    missing: tuple[str, ...]
    either_way: str | None = None  # what holds whatever the missing facts are


def current_dose(facts: Facts) -> Dose | None:
    """The current dose as a ladder dose; a dose typed without a schedule is read as days 1-28."""
    if facts.dose is None or (facts.dose.starting and facts.episode == "subsequent"):
        return None  # after a repeat fall, the dose started on may since have been lowered: not known
    return Dose(mg=facts.dose.mg, days=facts.dose.days or "1-28", irregular=facts.dose.non_daily)


def decide(facts: Facts, protocol: Protocol, *, crcl_options: tuple[float | None, ...] = (None,),
           renal_flags: frozenset[str] = frozenset()) -> Decision:
    """The dosing decision for the counts and renal facts in `facts`."""
    readings = facts.readings or (normal_readings(protocol) if facts.counts_normal else ())
    # A value either side of its threshold, and a hold without saying which count fell: tried every way.
    side_options = _side_options(readings, protocol)
    fell_options = _fell_options(readings)
    events = [(r.count, cytopenia.event_of(r, protocol)) for option in side_options for fell in fell_options
              for r in _as_fallen(option, fell)]
    # A fact no matching Table 2 row depends on is not varied (neutrophils ignore the cycle day).
    timing_matters = any(protocol.depends_on(c, e, "timing") for c, e in events if e != "recovered")
    recovery_timing = any(protocol.depends_on(c, e, "timing") for c, e in events if e == "recovered")
    episode_matters = any(protocol.depends_on(c, e, "episode", facts.timing) for c, e in events)
    dims: dict[str, list] = {
        "cycle_day": ([facts.timing] if facts.timing else ["day1", "mid_cycle"] if timing_matters
                      else [protocol.recovery_timing] if recovery_timing else [None]),
        "episode": [facts.episode] if facts.episode or not episode_matters else ["first", "subsequent"],
        "crcl": list(crcl_options),
        "dialysis": [facts.dialysis],
        "count_side": side_options,
        "which_fell": fell_options,
    }
    if facts.dialysis is None and any(c is not None and c < protocol.lowest_renal_band for c in crcl_options):
        dims["dialysis"] = [False, True]
    current = current_dose(facts)
    names = list(dims)
    open_dims = [(i, n) for i, n in enumerate(names) if len(dims[n]) > 1]
    if not open_dims:  # every fact known: one evaluation settles it
        only = _evaluate(_as_fallen(side_options[0], fell_options[0]), protocol, current, {n: v[0] for n, v in dims.items()},
                         renal_flags)
        if only.dose_unknown:
            return Decision(None, ("current_dose",), _either_way([only]))
        if current is None and only.action == "continue" and readings:
            note = Statement(text=SHARPEN_TEXT["current_dose"], cite=_sharpen_cite("current_dose", protocol))
            return Decision(only.but(reasons=only.reasons + (note,)), ("current_dose",))
        return Decision(only, ())
    results: dict[tuple, Outcome] = {}
    for combo in product(*dims.values()):
        a = dict(zip(names, combo))
        results[combo] = _evaluate(_as_fallen(a["count_side"], a["which_fell"]), protocol, current, a, renal_flags)

    key_of = {combo: o.key() for combo, o in results.items()}
    keys = set(key_of.values())
    varying = [n for i, n in open_dims if _changes(key_of, i)]
    if len(keys) > 1 or any(o.dose_unknown for o in results.values()):
        missing = list(varying)
        if any(o.dose_unknown for o in results.values()):
            missing.append("current_dose")
        return Decision(None, tuple(dict.fromkeys(missing)), _either_way(results.values()))

    base = next(iter(results.values()))
    if "episode" in (n for _, n in open_dims):
        base = _either_episode(base, results, names.index("episode"), protocol)
    flags_of = {combo: o.flags for combo, o in results.items()}
    sharpen = [n for i, n in open_dims if _changes(flags_of, i)]
    if current is None and base.action == "continue" and readings:
        sharpen.append("current_dose")
    if not sharpen:
        return Decision(base, ())
    flags = frozenset.intersection(*(o.flags for o in results.values()))
    reasons = base.reasons + tuple(Statement(text=SHARPEN_TEXT[s], cite=_sharpen_cite(s, protocol)) for s in sharpen if s in SHARPEN_TEXT)
    return Decision(base.but(flags=flags, reasons=reasons), tuple(sharpen))


def neutrophils_cannot_matter(facts: Facts, protocol: Protocol, renal) -> bool:
    """Whether the answer is the same with the neutrophils (not given) on either side of their threshold."""
    unknown = Reading(count="neutrophils", value=protocol.counts["neutrophils"].threshold, typed="not given", straddles=True)
    probe = facts._replace(readings=facts.readings + (unknown,))
    return decide(probe, protocol, crcl_options=renal.options, renal_flags=renal.flags).outcome is not None


def _either_episode(base: Outcome, results: dict[tuple, Outcome], i: int, protocol: Protocol) -> Outcome:
    """With the episode not said, but the same step either way: words that fit a first and a repeat fall."""
    repeat = next(o for combo, o in results.items() if combo[i] == "subsequent")
    return _in_either_words(base, repeat.when, protocol)


@lru_cache(maxsize=1024)  # bounded: an outcome may carry a figure as typed
def _in_either_words(base: Outcome, repeat_when: str | None, protocol: Protocol) -> Outcome:
    either = protocol.either_episode
    reasons = tuple(either.get(r, r) for r in base.reasons)
    condition = base.condition
    if repeat_when and repeat_when != base.when:
        condition = f"{condition}; after a repeat fall, {repeat_when}" if condition else f"after a repeat fall, {repeat_when}"
    return base.but(reasons=reasons, condition=condition)


def _side_options(readings: tuple[Reading, ...], protocol: Protocol) -> list[tuple[Reading, ...]]:
    """The readings with each value that straddles its threshold taken below it, and at it."""
    options = [readings]
    for r in readings:
        if r.straddles:
            t = protocol.counts[r.count].threshold
            below = r._replace(value=t, bound="below", straddles=False)
            at = r._replace(value=t, bound=None, straddles=False)
            options = [tuple(below if x is r else x for x in o) for o in options] + \
                      [tuple(at if x is r else x for x in o) for o in options]
    return options


def _fell_options(readings: tuple[Reading, ...]) -> list[frozenset[str] | None]:
    """With lenalidomide held and no count said to have fallen: each set of counts that may have (one at least)."""
    unsure = [r.count for r in readings if r.recovered is None]
    if not unsure:
        return [None]
    return [frozenset(c) for size in range(1, len(unsure) + 1) for c in combinations(unsure, size)]


def _as_fallen(readings: tuple[Reading, ...], fell: frozenset[str] | None) -> tuple[Reading, ...]:
    if fell is None:
        return readings
    return tuple(r._replace(recovered=r.count in fell) if r.recovered is None else r for r in readings)


def _sharpen_cite(dim: str, protocol: Protocol) -> str:
    return "6.2" if dim == "dialysis" else protocol.ladder.cite


def _changes(values: dict[tuple, object], i: int) -> bool:
    """Whether varying dimension i alone, the others held, changes the value."""
    seen: dict[tuple, object] = {}
    for combo, v in values.items():
        rest = combo[:i] + combo[i + 1 :]
        if seen.setdefault(rest, v) != v:
            return True
    return False


def _either_way(outcomes) -> str | None:
    actions = {o.action for o in outcomes}
    if actions <= {"interrupt", "delay_cycle"}:
        return "Whatever the answer, do not give lenalidomide today."
    if actions == {"continue"}:
        return "The counts themselves call for no change."
    return None


def normal_readings(protocol: Protocol) -> tuple[Reading, ...]:
    """"Counts fine": each count at its threshold, which triggers no step."""
    return tuple(Reading(count=name, value=rule.threshold, typed="reported normal") for name, rule in protocol.counts.items())


def _evaluate(readings, protocol: Protocol, current: Dose | None, a: dict, renal_flags: frozenset[str]) -> Outcome:
    outs = [cytopenia.outcome(r, a["cycle_day"], a["episode"], current, protocol) for r in readings]
    ren = renal.outcome(a["crcl"], a["dialysis"], current, protocol, extra_flags=renal_flags)
    if not outs:
        return ren if ren is not None else Outcome(action="refer")
    if ren is not None and "dose_above_renal" in ren.flags:
        outs.append(ren)  # the renal dose is itself a change: it competes as an action
    result = cytopenia.with_gcsf_footnote(combine(outs, protocol), readings, protocol)
    if ren is None or result is ren:
        return result
    dose = result.dose
    limit = renal.cap(a["crcl"], a["dialysis"], protocol)
    if limit is not None and dose is not None:
        dose = protocol.ladder.lower(dose, limit)
    return result.but(
        dose=dose,
        flags=result.flags | ren.flags,
        topics=result.topics + tuple(t for t in ren.topics if t not in result.topics),
        citations=result.citations + tuple(c for c in ren.citations if c not in result.citations),
        reasons=result.reasons + tuple(r for r in ren.reasons if r not in result.reasons),
    )

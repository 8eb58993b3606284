"""What to ask about the counts before any Table 2 row may run, and the question's key.

Design rules:
- Never guess: a count named without a figure, figures the writer doubts or says are old, an
  episode or a current figure the words leave open, and a figure nothing explains are each
  asked about before a dose is given.
- The question's wording lives in bot/render.py (QUESTIONS); this module names which one.
"""
from __future__ import annotations

from typing import NamedTuple

from ..facts import Facts


class CountQuestion(NamedTuple):
    """The facts missing, the lead saying why (None: no lead), and the question to ask (None: by `missing`)."""

    missing: tuple[str, ...]
    lead: str | None
    asks: str | None  # a key of bot/render.py QUESTIONS


def count_question(facts: Facts) -> CountQuestion | None:
    """What to ask about the counts before any Table 2 rule may run; None: nothing."""
    named = [n for n in facts.count_names_without_value if n in ("neutrophils", "platelets")]
    if named:
        return CountQuestion(("count",), f"{' and '.join(named).capitalize()} named without a figure.", None)
    if facts.counts_doubted and (facts.readings or facts.other_counts):
        return CountQuestion(("count",), f'The message doubts the figures ("{facts.counts_doubted}").', "counts_today")
    if facts.counts_not_current and (facts.readings or facts.other_counts):
        return CountQuestion(("count",), f'The counts given are not today\'s ("{facts.counts_not_current}").', "counts_today")
    held_open = [r for r in facts.readings if r.ambiguous and r.ambiguity and r.ambiguity.startswith("whether")]
    if held_open:
        return CountQuestion(("episode",), ("An earlier fall is mentioned; Table 2 restarts one level lower only after a hold."), "held")
    vague = [r.ambiguity for r in facts.readings if r.ambiguous]
    if vague:
        return CountQuestion(("count",), f"Not clear {'; '.join(vague)}.", "count_now")
    if facts.readings and facts.unnamed_values:
        # A figure nothing claimed may be a count misread: ask rather than ignore it.
        return CountQuestion(("count_type",), f"I could not tell what {', '.join(facts.unnamed_values)} refers to.", None)
    if facts.transfused and any(r.count == "platelets" for r in facts.readings):
        return CountQuestion(("count",), "A platelet count taken around a transfusion does not show recovery.", None)
    if facts.readings or facts.counts_normal:
        return None
    if facts.unnamed_values and (facts.dose or facts.timing):
        return CountQuestion(("count_type",), None, None)
    if first_start(facts):
        # "about to start len, CrCl 44 - dose?": the starting dose turns on the kidneys; a word such
        # as "bloods" or a first cycle's day 1 does not make it a question about the counts.
        return CountQuestion(("count_type",), None, None) if facts.unnamed_values else None
    if facts.count_names_without_value or facts.other_counts or facts.unnamed_values:
        return CountQuestion(("count",), None, None)
    if facts.timing or facts.held:
        # Starting a cycle or restarting after a hold turns on the counts, whatever the kidneys allow.
        return CountQuestion(("count",), "Starting a cycle or restarting after a hold depends on the counts.", None)
    return None


def first_start(facts: Facts) -> bool:
    """A question about the starting dose before the first cycle, with the renal facts it needs."""
    renal_known = facts.crcl is not None or facts.creatinine is not None or facts.dialysis is not None
    return (facts.start_question and renal_known and facts.cycle in (None, 1) and not facts.held
            and (facts.cycle_day in (None, 1)))

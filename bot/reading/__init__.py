"""Message -> Facts: the parsed items read into counts, dose, timing, renal function and context."""
from __future__ import annotations

from ..facts import Facts
from ..parse import parse
from ..protocol import Protocol
from .context import fallen_before, read_context, read_timing, vte_factors
from .counts import read_counts
from .dose import read_dose
from .renal import read_renal
from .words import COUNT_NAMES, drop_hypotheticals

__all__ = ["read_facts"]


def read_facts(text: str, protocol: Protocol) -> Facts:
    """Read the facts from an already-redacted message."""
    msg = parse(text)
    items = msg.items
    if msg.has("num"):
        drop_hypotheticals(msg)
    context = read_context(msg)
    implausible: list[str] = []
    # Counts take their figures first, then doses, renal and patient values theirs.
    fallen = fallen_before(items) if msg.has("T_NEUTROPENIA", "T_THROMBOCYTOPENIA", "FIRST_EPISODE", "SUBSEQUENT") else set()
    readings, valueless, bad = read_counts(msg, protocol, held=context["held"], fallen=fallen)
    implausible += bad
    out: dict = {**context, **read_timing(msg, implausible)}
    if msg.has("dose"):
        out.update(read_dose(msg, protocol, implausible))
    if msg.has("renal", "patient", "DIALYSIS", "NOT_DIALYSIS", "FEMALE", "MALE"):
        out.update(read_renal(msg, implausible))
    out["readings"] = tuple(readings)
    out["other_counts"] = tuple(it.text for it in items if it.kind == "count" and it.type in ("WBC", "HB") and it.num)
    # Figures nothing claimed, and generic "counts" given a figure: which count they are is open.
    unnamed = [it.num.typed for it in items if it.kind == "num" and not it.used]
    unnamed += [it.num.typed for it in items if it.kind == "count" and it.type == "COUNT_GENERIC" and it.num]
    out["unnamed_values"] = tuple(unnamed)
    # A count word ("neutropenic", "low platelets") with no figure of that count given.
    read = {r.count for r in readings}
    for it in items:
        if it.kind == "kw" and it.type in ("T_NEUTROPENIA", "T_THROMBOCYTOPENIA") and COUNT_NAMES[it.type] not in read:
            if readings or out.get("dose") or out.get("timing"):
                valueless.append(COUNT_NAMES[it.type])
    out["count_names_without_value"] = tuple(dict.fromkeys(valueless))
    out["vte_factors"] = vte_factors(items, out.get("age"), out.get("bmi")) if "vte" in out["topics"] else {}
    out["implausible"] = tuple(implausible)
    return Facts(**out)

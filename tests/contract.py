"""The answer's JSON object as ../shared/CONTRACT.md fixes it: one check, shared by tests and benchmarks."""
from __future__ import annotations

STATUSES = {"answered", "clarify", "out_of_scope", "rejected"}
ACTIONS = {"interrupt", "delay_cycle", "resume", "continue", "start", "refer", "info"}
FLAGS = {"consider_gcsf", "no_further_reduction", "renal_impairment", "after_dialysis", "dose_above_renal", "source_caution",
         "egfr_used_as_crcl", "crcl_calculated", "unit_assumed", "implausible_value", "phi_detected", "off_ladder_dose"}
TOPICS = {"neutropenia", "thrombocytopenia", "renal", "dose_levels", "spm", "vte", "infection", "gi", "neuropathy", "rash",
          "pregnancy", "pharmacokinetics", "hepatic", "trials", "mechanism", "mtd", "other_agents", "missed_dose", "monitoring"}
CITATIONS = {"2", "3", "4", "5.1", "5.2", "5.3", "5.4", "5.5", "5.6", "5.7", "5.8", "6.1", "6.2", "6.3", "7.1", "7.2", "7.3",
             "8", "9.1", "9.2", "9.3", "9.4", "9.5", "Table 1", "Table 2"}
MISSING = {"count", "count_type", "cycle_day", "current_dose", "episode", "dialysis", "crcl"}
FIELDS = ("status", "action", "dose", "flags", "topics", "citations", "missing", "understood", "protocol", "scores", "text")

def check_contract(got: dict) -> None:
    """The answer's JSON object as CONTRACT.md fixes it."""
    assert tuple(got) == FIELDS
    assert got["status"] in STATUSES
    if got["status"] == "answered":
        assert got["action"] in ACTIONS
    else:
        assert got["action"] is None and got["dose"] is None
    if got["dose"] is not None:
        assert set(got["dose"]) == {"mg", "days", "cycle_days"} and got["dose"]["days"] in ("1-28", "1-21")
        assert isinstance(got["dose"]["mg"], (int, float)) and got["dose"]["cycle_days"] == 28
    assert set(got["flags"]) <= FLAGS and set(got["topics"]) <= TOPICS
    assert set(got["citations"]) <= CITATIONS and set(got["missing"]) <= MISSING
    assert isinstance(got["understood"], dict) and isinstance(got["scores"], dict)
    for item in got["understood"].get("set_aside", []):
        assert set(item) == {"typed", "as"}
    assert got["protocol"]["name"] and got["protocol"]["version"] and got["text"]

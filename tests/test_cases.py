"""Realistic ward messages with expected answers (tests/data/*.jsonl), checked in process.

The files use the evaluation's case format (status, action, dose, flags, not_flags, topics,
citations, any_of): every expectation must hold, and an answer is never given where a
question was expected.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.engine import answer

DATA = Path(__file__).parent / "data"
CASES = [json.loads(line) for f in sorted(DATA.glob("ward_messages*.jsonl")) for line in f.read_text().splitlines() if line.strip()]


def allowed(value) -> list:
    return value if isinstance(value, list) else [value]


def problems(want: dict, got: dict) -> list[str]:
    """What in the answer does not meet the expectation (empty: it does)."""
    if "any_of" in want:
        shared = {k: v for k, v in want.items() if k != "any_of"}
        options = [problems({**shared, **alt}, got) for alt in want["any_of"]]
        return [] if any(not p for p in options) else min(options, key=len)
    if got["status"] not in allowed(want.get("status", "answered")):
        return [f"status {got['status']}"]
    if got["status"] != "answered":
        return []
    out = []
    if "action" in want and got["action"] not in allowed(want["action"]):
        out.append(f"action {got['action']}")
    if "dose" in want:
        if want["dose"] == "none":
            if got["dose"] is not None:
                out.append(f"dose {got['dose']}")
        elif got["dose"] is None or (got["dose"]["mg"], got["dose"]["days"]) != (want["dose"]["mg"], want["dose"]["days"]):
            out.append(f"dose {got['dose']}")
    for key in ("flags", "topics", "citations"):
        lacking = set(want.get(key, [])) - set(got[key])
        if lacking:
            out.append(f"{key} lack {sorted(lacking)}")
    if set(want.get("not_flags", [])) & set(got["flags"]):
        out.append(f"flags hold {sorted(set(want['not_flags']) & set(got['flags']))}")
    return out


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case: dict) -> None:
    got = json.loads(answer(case["text"]).to_json())
    assert not problems(case["expect"], got), got["text"]

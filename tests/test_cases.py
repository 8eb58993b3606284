"""Realistic ward messages with expected answers (tests/data/*.jsonl), checked in process.

The files use the evaluation's case format: every expectation must hold, and an answer is
never given where a question was expected.
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


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case: dict) -> None:
    want = case["expect"]
    got = json.loads(answer(case["text"]).to_json())
    assert got["status"] in allowed(want.get("status", "answered")), got["text"]
    if got["status"] != "answered":
        return
    if "action" in want:
        assert got["action"] in allowed(want["action"]), got["text"]
    if "dose" in want:
        if want["dose"] == "none":
            assert got["dose"] is None
        else:
            assert (got["dose"]["mg"], got["dose"]["days"]) == (want["dose"]["mg"], want["dose"]["days"]), got["text"]
    for key in ("flags", "topics", "citations"):
        assert set(want.get(key, [])) <= set(got[key]), (key, got[key])
    assert not set(want.get("not_flags", [])) & set(got["flags"])

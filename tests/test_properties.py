"""Properties over answer(): any text gives a contract-valid answer, and invisible characters change no figure."""
from __future__ import annotations

import json
import random
from pathlib import Path

from contract import check_contract
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import INTERNAL_ERROR_HEADLINE, MAX_CHARS, answer

FORMAT = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f", "\u202a", "\u202c", "\u2066", "\u2069"]
DATA = Path(__file__).parent / "data"
MESSAGES = [json.loads(line)["text"] for f in sorted(DATA.glob("ward_messages*.jsonl")) for line in f.read_text().splitlines()
            if line.strip()]


def ask(text: str) -> dict:
    a = answer(text)
    assert a.detail.headline != INTERNAL_ERROR_HEADLINE, text  # the engine caught an exception
    got = json.loads(a.to_json())
    check_contract(got)
    return got


ward_words = st.sampled_from(["neut", "plt", "anc", "platelets", "on", "len", "mg", "10mg", "15", "day", "d1", "c3d1", "crcl",
                              "egfr", "creat", "was", "now", "again", "second", "held", "restarted", "grade", "g4", "neutropenia",
                              "<", "below", "0.4", "25", "1oo", "?", "pending", "aciclovir", "400mg", "bd", "temp", "38.4", "2019",
                              "(ref", "2.0-7.5)", "day +100", "post auto", "nought point four", "ten", "5ft 6", "11st", "mr",
                              "nhs", "401 023 2137", ",", ".", "-", "->", "x10^9/l", "21/28", "d1-21"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text_gives_a_contract_valid_answer(text: str) -> None:
    ask(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(ward_words, st.text(max_size=6)), max_size=25).map(" ".join))
def test_any_ward_like_text_gives_a_contract_valid_answer(text: str) -> None:
    ask(text)


def test_text_over_the_limit_is_rejected_quickly() -> None:
    assert ask("neut " * (MAX_CHARS // 5 + 1))["status"] == "rejected"


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(MESSAGES), st.randoms(use_true_random=False), st.integers(min_value=1, max_value=6))
def test_format_characters_change_no_figure(message: str, rnd: random.Random, count: int) -> None:
    chars = list(message)
    for _ in range(count):
        chars.insert(rnd.randrange(len(chars) + 1), rnd.choice(FORMAT))
    marked = "".join(chars)
    plain, odd = ask(message), ask(marked)
    assert odd["understood"] == plain["understood"], (marked, odd["text"])
    assert (odd["status"], odd["action"], odd["dose"], odd["flags"]) == (plain["status"], plain["action"], plain["dose"], plain["flags"])

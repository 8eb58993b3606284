"""Characters cannot change a value: invisible, look-alike and other scripts' characters."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.engine import answer
from bot.parsing import normalise, parse
from bot.parsing.characters import fold

PAIRS = [json.loads(line) for line in (Path(__file__).parent / "data" / "lookalike_pairs.jsonl").read_text().splitlines()
         if line.strip()]


def key(text: str) -> tuple:
    got = json.loads(answer(text).to_json())
    dose = got["dose"] and (got["dose"]["mg"], got["dose"]["days"])
    return got["status"], got["action"], dose, tuple(got["flags"])


@pytest.mark.parametrize("pair", PAIRS, ids=[p["id"] for p in PAIRS])
def test_odd_characters_answer_as_the_plain_message_or_ask(pair: dict) -> None:
    odd, plain = key(pair["text"]), key(pair["plain"])
    if pair.get("expect_clarify"):
        assert odd[0] == "clarify", (pair["text"], odd)
    else:
        assert odd == plain or odd[0] == "clarify", (pair["text"], odd, plain)


@pytest.mark.parametrize("typed,folded", [
    ("neut 0.\u200b3", "neut 0.3"),            # zero-width space
    ("neuts 0.\u200c3", "neuts 0.3"),          # zero-width non-joiner
    ("plt 30\u2060 or below", "plt 30 or below"),  # word joiner
    ("\ufeffneut 0.4", "neut 0.4"),            # byte-order mark
    ("plt 2\u00ad6", "plt 26"),                # soft hyphen
    ("neut \u200f0.4\u200e", "neut 0.4"),      # bidi marks
    ("neut 0\u066b4", "neut 0.4"),             # Arabic decimal separator
    ("crcl \u0664\u0660", "crcl 40"),          # Arabic-Indic digits
    ("crcl \u06f4\u06f0", "crcl 40"),          # extended Arabic-Indic digits
    ("plt \u0968\u096b", "plt 25"),            # Devanagari digits
    ("plt \uff12\uff15", "plt 25"),            # fullwidth digits
    ("neut 0\u00b74", "neut 0.4"),             # a middle dot between digits is a decimal point
    ("plt 25 \u00d7 10\u2079/L", "plt 25 x 109/l"),
    ("neut \u22640.5", "neut <=0.5"),
    ("plt 1\u043e\u043e", "plt 1oo"),          # Cyrillic o: letters among digits, asked about
])
def test_fold(typed: str, folded: str) -> None:
    assert fold(typed)[0] == folded


def test_fold_keeps_where_each_character_came_from() -> None:
    text = "neut 0.\u200b3 NOW"
    folded, origin = fold(text)
    assert folded == "neut 0.3 now"
    assert [text[i] for i in origin][-3:] == ["N", "O", "W"]


@pytest.mark.parametrize("message,typed", [("plt 1OO d9 on 10mg", "1OO"), ("CrCl 6O", "6O"), ("on l5mg", "l5"),
                                           ("neuts 0.\u200c3 and plt 1O0", "1O0")])
def test_a_figure_with_letters_among_its_digits_is_asked_about_as_typed(message: str, typed: str) -> None:
    got = json.loads(answer(message).to_json())
    assert got["status"] == "clarify" and typed in got["text"]


@pytest.mark.parametrize("message", ["CrCl ? neut 1.5 plt 100 on 10mg", "creat ??? on 10mg neut 1.5 plt 100",
                                     "eGFR pending, neut 1.5 plt 100 on 10mg", "CrCl xx ml/min, 10mg or 5mg?"])
def test_a_named_value_with_no_readable_figure_is_asked_for(message: str) -> None:
    got = json.loads(answer(message).to_json())
    assert got["status"] == "clarify" and got["missing"] == ["crcl"]


def test_an_impossible_crcl_is_asked_about() -> None:
    got = json.loads(answer("CrCl 0").to_json())
    assert got["status"] == "clarify" and "implausible_value" in got["flags"]


def test_spelling_survives_odd_characters() -> None:
    assert normalise("pl\u200batelts 25") == "platelets 25"
    assert parse("pl\u200batelts 25").typed(parse("pl\u200batelts 25").items[0].num) == "25"

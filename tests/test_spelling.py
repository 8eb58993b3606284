"""Near-miss correction: vocabulary from the grammar, short words only by an adjacent swap."""
from __future__ import annotations

import pytest

from bot.parsing import speller


@pytest.mark.parametrize("typed,meant", [
    ("platelts", "platelets"), ("nuetrophils", "neutrophils"), ("thrombocytopaenia", "thrombocytopenia"),
    ("creatinie", "creatinine"), ("dialisys", "dialysis"), ("nuet", "neut"), ("nuets", "neuts"), ("palts", "plats"),
])
def test_corrected(typed: str, meant: str) -> None:
    assert speller().correct_word(typed) == meant


@pytest.mark.parametrize("word", ["next", "cheat", "creating", "neutral", "patients", "counselling", "there", "fewer"])
def test_real_words_left_alone(word: str) -> None:
    assert speller().correct_word(word) == word

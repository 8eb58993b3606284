"""The VTE score form: built from the scores' own factors, its answers read back strictly."""
from __future__ import annotations

import json

import pytest
from fake_slack import view_submission_payload

from bot import engine
from bot.scores.vte import ALL_FACTORS, FACTORS
from bot.slack.vte_form import FormError, answer_channel, stated_factors, vte_modal


def submitted(values: dict[str, str], channel: str | None = "C0WARD") -> dict:
    return view_submission_payload(vte_modal(channel), values)["view"]


def test_the_form_asks_every_factor_of_either_score_once():
    inputs = [b["block_id"] for b in vte_modal("C0WARD")["blocks"] if b["type"] == "input"]
    assert inputs == [f"vte_{f}" for f in ALL_FACTORS]
    assert set(ALL_FACTORS) == set(FACTORS["impede_vte"]) | set(FACTORS["saved"])


def test_answers_become_the_stated_factors_and_not_known_stays_unstated():
    view = submitted({"vte_vte_history": "yes", "vte_asian": "no", "vte_anticoagulation": "therapeutic", "vte_cvc": "not_known"})
    assert stated_factors(view) == {"asian": False, "vte_history": True, "anticoagulation": "therapeutic"}
    assert stated_factors(submitted({})) == {}


def test_a_value_the_form_never_offered_is_an_error_for_that_field():
    with pytest.raises(FormError) as caught:
        stated_factors(submitted({"vte_dexamethasone": "yes", "vte_esa": "no"}))
    assert caught.value.errors == {"vte_dexamethasone": "Choose one of the options."}


@pytest.mark.parametrize("metadata,channel", [
    (json.dumps({"channel": "C0WARD"}), "C0WARD"),
    (json.dumps({"channel": "D0DM"}), "D0DM"),
    ("", None), ("not json", None), (json.dumps({"channel": "<!here>"}), None), (json.dumps([1]), None),
])
def test_the_answer_channel_is_a_conversation_id_or_none(metadata, channel):
    assert answer_channel({"private_metadata": metadata}) == channel


def test_the_score_card_states_what_was_given_and_leaves_the_rest_as_a_range():
    a = engine.vte_scores({"vte_history": True, "cvc": True})
    impede = a.scores["impede_vte"]
    assert impede["points"] == 4 + 5 + 2 and "cvc" not in impede["unstated"] and "fracture" in impede["unstated"]
    assert "previous VTE, central line" in a.detail.read_as
    assert a.action == "info" and "5.7" in a.citations


def test_the_score_card_refuses_a_value_neither_score_knows():
    for bad in ({"vte_history": 1}, {"dexamethasone": "huge"}, {"height": True}):
        with pytest.raises(ValueError):
            engine.vte_scores(bad)

"""Cards built from Answer fields: structure, Slack's limits, escaping, and every status."""
from __future__ import annotations

import json

import pytest

from bot import engine
from bot.answer import Answer, Detail, Dose, ProtocolRef, Statement
from bot.slack.cards import (
    ACTION_IDS,
    ACTION_LADDER,
    ACTION_SECTION_PATTERN,
    ACTION_SHARE,
    FALLBACK_DISCLAIMER,
    MESSAGE_MAX_BLOCKS,
    Card,
    answer_card,
    apology_card,
    help_card,
    home_view,
    ladder_card,
    section_card,
    too_long_card,
    unavailable_card,
)
from bot.slack.listeners import reply_to

PROTOCOL = ProtocolRef(name="Test protocol", version="9.9")


def make(**fields) -> Answer:
    detail = fields.pop("detail", Detail(headline="Reduce the dose", disclaimer="Decision support only."))
    return Answer(protocol=PROTOCOL, detail=detail, **{"status": "answered", **fields})


def block_texts(card: Card) -> list[str]:
    out: list[str] = []
    for block in card.blocks:
        if "text" in block:
            out.append(block["text"]["text"])
        for element in block.get("elements", []):
            out.append(element["text"]["text"] if isinstance(element.get("text"), dict) else element.get("text", ""))
    return out


def buttons(card: Card) -> list[dict]:
    return [e for b in card.blocks if b["type"] == "actions" for e in b["elements"]]


def test_answered_card_has_every_part_in_order():
    answer = make(
        action="delay_cycle",
        dose=Dose(mg=5, days="1-28"),
        flags=("consider_gcsf", "no_further_reduction"),
        citations=("Table 2", "6.2"),
        text="DELAY\nplain card",
        detail=Detail(
            headline="Delay the cycle by a week",
            read_as="platelets 25, day 1, 10 mg, CrCl 40",
            reasons=(Statement(text="Platelets below 30 on day 1.", cite="Table 2"), Statement(text="CrCl 30-49.", cite="6.2")),
            warnings=(Statement(text="Renal doses come from the EU label.", cite="6.2"),),
            disclaimer="Decision support only.",
        ),
    )
    card = answer_card(answer, share_text="plt 25 day 1 on 10mg CrCl 40")
    kinds = [b["type"] for b in card.blocks]
    assert kinds == ["header", "section", "section", "section", "section", "actions", "context"]
    texts = block_texts(card)
    header, read_as, dose, why, warnings = texts[:5]
    context = texts[-1]
    assert header == "Delay the cycle by a week"
    assert read_as == "*Read as:* platelets 25, day 1, 10 mg, CrCl 40"
    assert dose == "*Dose to give next:* 5 mg once daily, days 1-28 of 28"
    assert why.startswith("*Why*\n") and "Platelets below 30 on day 1. _(Table 2)_" in why and "_(review 6.2)_" in why
    assert ":warning: Renal doses come from the EU label. _(review 6.2)_" in warnings
    assert "consider G-CSF" in warnings and "no further reduction" in warnings
    assert context == "Test protocol v9.9 \u00b7 Decision support only."
    ids = [b["action_id"] for b in buttons(card)]
    assert ids == [ACTION_SHARE, ACTION_LADDER, "wardbot_section_0", "wardbot_section_1"]
    assert [b["value"] for b in buttons(card)][2:] == ["Table 2", "6.2"]
    assert card.text == "DELAY\nplain card"


def test_dose_text_wins_over_the_dose_label():
    card = answer_card(make(dose=Dose(mg=5, days="1-21"), detail=Detail(headline="h", dose_text="5 mg, days 1-21, once plt >= 50")))
    assert "*Dose to give next:* 5 mg, days 1-21, once plt &gt;= 50" in block_texts(card)


def test_clarify_card_asks_and_shows_what_is_missing():
    answer = make(status="clarify", missing=("count_type", "crcl"), detail=Detail(headline="One more fact needed", question="Which count is 0.4?"))
    texts = block_texts(answer_card(answer))
    assert "*Which count is 0.4?*" in texts
    assert "*Missing:* count type, crcl" in texts


@pytest.mark.parametrize("status", ["out_of_scope", "rejected"])
def test_out_of_scope_and_rejected_cards_show_their_text(status):
    answer = make(status=status, text="wardbot covers lenalidomide maintenance only.", detail=Detail(headline=""))
    card = answer_card(answer)
    assert card.blocks[0]["text"]["text"]  # a default headline when the engine gave none
    assert "wardbot covers lenalidomide maintenance only." in block_texts(card)
    if status == "rejected":
        assert not any(b["action_id"] == ACTION_LADDER for b in buttons(card))


def test_identifier_flag_asks_for_deletion_when_no_warning_says_so():
    card = answer_card(make(flags=("phi_detected",)))
    joined = "\n".join(block_texts(card))
    assert "please delete the identifiers from your message" in joined
    assert "identifiers seen" in joined


def test_shared_card_says_who_shared_and_has_no_share_button():
    card = answer_card(make(), shared_by="U0SHARER")
    assert card.blocks[0] == {"type": "context", "elements": [{"type": "mrkdwn", "text": "Shared by <@U0SHARER>"}]}
    assert ACTION_SHARE not in [b["action_id"] for b in buttons(card)]


def test_shared_by_that_is_not_a_user_id_cannot_inject_markup():
    card = answer_card(make(), shared_by="<!channel>")
    assert card.blocks[0]["elements"][0]["text"] == "Shared by someone"


def test_engine_text_is_escaped_and_cannot_ping():
    detail = Detail(
        headline="<!channel> headline",
        read_as="<!here> & <@U123> @channel <script>",
        reasons=(Statement(text="a < b > c & d", cite="<#C1>"),),
    )
    card = answer_card(make(detail=detail, text="<!channel> fallback @here"))
    # plain_text (header, button labels) is never parsed as markup; only mrkdwn and the fallback can ping.
    mrkdwn_texts = [b["text"]["text"] for b in card.blocks if b.get("text", {}).get("type") == "mrkdwn"]
    mrkdwn_texts += [e["text"] for b in card.blocks if b["type"] == "context" for e in b["elements"]]
    flat = json.dumps(mrkdwn_texts, ensure_ascii=False) + card.text
    for live in ("<!here>", "<@U123>", "<script>", "<#C1>", "@channel", "@here", "<!channel>"):
        assert live not in flat
    assert "&lt;!here&gt; &amp; &lt;@\u200bU123&gt;" in block_texts(card)[1]


def test_share_button_only_when_the_question_fits_a_button_value():
    assert ACTION_SHARE in [b["action_id"] for b in buttons(answer_card(make(), share_text="q" * 2000))]
    assert ACTION_SHARE not in [b["action_id"] for b in buttons(answer_card(make(), share_text="q" * 2001))]


def test_huge_fields_are_clipped_to_slack_limits():
    many = tuple(Statement(text="r" * 2900, cite="5.1") for _ in range(200))
    detail = Detail(headline="h" * 400, read_as="x" * 10_000, reasons=many, warnings=many, dose_text="d" * 5000, question="q" * 5000)
    answer = make(status="clarify", detail=detail, citations=tuple(f"{i}.1" for i in range(20)), text="t" * 100_000, missing=("m",) * 500)
    card = answer_card(answer, share_text="s")
    assert len(card.blocks) <= MESSAGE_MAX_BLOCKS
    assert len(card.blocks[0]["text"]["text"]) <= 150
    assert all(len(t) <= 3000 for t in block_texts(card))
    assert len(card.text) <= 3000
    assert sum(1 for b in buttons(card) if ACTION_SECTION_PATTERN.match(b["action_id"])) == 3


def test_card_rejects_more_than_fifty_blocks():
    with pytest.raises(ValueError):
        Card(text="x", blocks=tuple({"type": "divider"} for _ in range(51)))


def test_help_card_has_worked_examples():
    texts = "\n".join(block_texts(help_card(PROTOCOL)))
    for example in ("/wardbot plt 25 day 1 on 10mg CrCl 40", "/wardbot neut 0.4 on 10mg", "/wardbot spm", "/wardbot vte"):
        assert example in texts
    assert "Test protocol v9.9" in texts


def test_home_view_says_what_it_does_and_does_not():
    view = home_view(PROTOCOL)
    assert view["type"] == "home"
    flat = json.dumps(view)
    assert "What it does" in flat and "What it does not do" in flat
    assert "Test protocol, version 9.9" in flat and FALLBACK_DISCLAIMER in flat


def test_reference_cards():
    ladder = ladder_card(("10 mg -> 5 mg", "5 mg days 1-21 <lowest>"), PROTOCOL)
    assert ladder.blocks[0]["text"]["text"] == "Dose ladder"
    assert "5 mg days 1-21 &lt;lowest&gt;" in block_texts(ladder)[1]
    section = section_card("5.2", (Statement(text="SPM rate.", cite="5.2"), Statement(text="Other.", cite="8")), PROTOCOL)
    assert section.blocks[0]["text"]["text"] == "What the review says: review 5.2"
    assert block_texts(section)[1] == "\u2022 SPM rate.\n\u2022 Other. _(review 8)_"
    assert "No summary is recorded" in block_texts(section_card("9.9", (), PROTOCOL))[1]
    for card in (apology_card(), too_long_card(), unavailable_card("dose ladder")):
        assert card.blocks[0]["type"] == "header" and card.text


def test_action_ids_cover_every_button_a_card_can_carry():
    answer = make(citations=("1", "2", "3", "4"))
    ids = {b["action_id"] for b in buttons(answer_card(answer, share_text="q"))}
    assert ids <= set(ACTION_IDS)


@pytest.mark.parametrize(
    "question",
    ["plt 25 day 1 on 10mg CrCl 40", "neut 0.4 on 10mg", "spm", "vte", "x", "\x00\x01", "<script>", "`plt`", "\U0001F48A"],
)
def test_every_engine_answer_makes_a_valid_card(question):
    card = reply_to(question, share=True).card
    assert card.blocks[0]["type"] == "header" and card.text
    assert card.blocks == answer_card(engine.answer(question), share_text=question).blocks


def test_usage_and_too_long_replies_skip_the_engine():
    assert reply_to("").answer is None and reply_to("  help ").answer is None
    assert reply_to("plt 25 " * 1000).card == too_long_card()


def test_share_button_never_carries_identifiers():
    reply = reply_to("NHS number 401 023 2137 neut 0.3 on 10mg", share=True)
    share = next(e for b in reply.card.blocks if b["type"] == "actions" for e in b["elements"] if e["action_id"] == ACTION_SHARE)
    assert "401" not in share["value"] and "neut 0.3 on 10mg" in share["value"]

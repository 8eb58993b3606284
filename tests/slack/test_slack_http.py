"""End to end over HTTP on loopback: `wardbot serve --http` as a subprocess against the fake Slack.

Requests are signed exactly as Slack signs them. Assertions are on the acknowledgement and on the
Web API / response_url calls the fake recorded. To show that something got *no* reply, a sentinel
request is sent afterwards and its reply awaited: replies are produced in arrival order, so by then
an unwanted reply would have been recorded too. Nothing here asserts on timing.
"""
from __future__ import annotations

import json
import sqlite3
import time
import uuid
from typing import Any

import pytest
from fake_slack import (
    BOT_ID,
    BOT_TOKEN,
    BOT_USER_ID,
    FORM,
    JSON,
    SIGNING_SECRET,
    block_action_payload,
    event_body,
    interactive_body,
    message_shortcut_payload,
    slash_command_body,
    view_submission_payload,
)

from bot import engine
from bot.phi import redact
from bot.slack.cards import (
    ACTION_LADDER,
    ACTION_SHARE,
    ACTION_VTE_SCORES,
    answer_card,
    help_card,
    home_view,
    ladder_card,
    unavailable_card,
)
from bot.slack.lookups import ladder_lines, protocol_ref

QUESTION = "plt 25 day 1 on 10mg CrCl 40"
# Distinctive strings that must never reach the log or the audit store.
PATIENT_NAME = "Zebedee Quux"
PATIENT_MRN = "MRN 7654321"


def channel_id(prefix: str = "C") -> str:
    return prefix + uuid.uuid4().hex[:10].upper()


def new_ts() -> str:
    return f"{time.time():.6f}"


def event_id() -> str:
    return "Ev" + uuid.uuid4().hex[:12].upper()


def in_channel(channel: str):
    return lambda call: call.body.get("channel") == channel


def send_event(wardbot, event: dict[str, Any], *, eid: str | None = None, headers: dict[str, str] | None = None) -> int:
    status, _ = wardbot.post(event_body(event, event_id=eid or event_id()), content_type=JSON, extra_headers=headers)
    return status


def mention(channel: str, text: str, *, ts: str | None = None, user: str = "U0NURSE1") -> dict[str, Any]:
    return {"type": "app_mention", "user": user, "text": f"<@{BOT_USER_ID}> {text}", "ts": ts or new_ts(), "channel": channel}


def sentinel(wardbot) -> None:
    """Send one more mention and wait for its reply, so anything sent before it has been handled."""
    channel = channel_id()
    assert send_event(wardbot, mention(channel, "neut 0.4 on 10mg")) == 200
    wardbot.fake.wait_for("chat.postMessage", in_channel(channel))


def ack_json(status: int, body: bytes) -> dict[str, Any]:
    assert status == 200, body
    return json.loads(body)


def texts(blocks: Any) -> str:
    """Every text Slack would render in a block list, joined (button values are data, not shown)."""
    if isinstance(blocks, dict):
        return "\n".join(v if k == "text" and isinstance(v, str) else texts(v) for k, v in blocks.items() if k != "value")
    if isinstance(blocks, list):
        return "\n".join(texts(b) for b in blocks)
    return ""


# -- plumbing ----------------------------------------------------------------------------------


def test_healthz(wardbot):
    from slack_harness import http_request

    assert http_request(wardbot.port, "GET", "/healthz") == (200, b'{"ok":true}')


def test_url_verification_challenge_is_echoed(wardbot):
    body = json.dumps({"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"}).encode()
    status, reply = wardbot.post(body, content_type=JSON)
    assert status == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in reply.decode()


def test_auth_test_is_answered_by_the_fake(wardbot):
    # Start-up checks the token with auth.test; Bolt's own authorisation uses it too.
    calls = wardbot.fake.wait_for("auth.test")
    assert all(c.ok for c in calls)


# -- slash command -----------------------------------------------------------------------------


def test_slash_command_card_comes_back_in_the_ack(wardbot):
    channel = channel_id()
    body = slash_command_body(QUESTION, channel=channel, response_url=wardbot.fake.response_url("slash"))
    reply = ack_json(*wardbot.post(body, content_type=FORM))

    expected = answer_card(engine.answer(QUESTION), share_text=QUESTION).message()
    assert reply["response_type"] == "ephemeral"
    assert reply["blocks"] == expected["blocks"]
    assert reply["text"] == expected["text"] and reply["text"]
    assert reply["blocks"][0]["type"] == "header"
    assert reply["blocks"][0]["text"]["text"] == engine.answer(QUESTION).detail.headline
    actions = [e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert {"action_id": ACTION_SHARE, "value": QUESTION}.items() <= actions[0].items()
    assert any(e["action_id"] == ACTION_LADDER for e in actions)
    assert reply["blocks"][-1]["type"] == "context"
    # No round trip: the card travelled in the acknowledgement, nothing was posted.
    assert not wardbot.fake.calls(where=in_channel(channel))


@pytest.mark.parametrize("text", ["", "help", "  HELP  "])
def test_slash_command_usage_card(wardbot, text):
    reply = ack_json(*wardbot.post(slash_command_body(text, channel=channel_id()), content_type=FORM))
    assert reply["blocks"] == help_card(protocol_ref()).message()["blocks"]
    assert "/wardbot plt 25 day 1 on 10mg CrCl 40" in texts(reply["blocks"])


@pytest.mark.parametrize("topic", ["spm", "vte"])
def test_slash_command_topic_cards(wardbot, topic):
    reply = ack_json(*wardbot.post(slash_command_body(topic, channel=channel_id()), content_type=FORM))
    assert reply["blocks"] == answer_card(engine.answer(topic), share_text=topic).message()["blocks"]


@pytest.mark.parametrize(
    "text",
    [
        "x" * 40_000,
        "\x00\x01\x02\ufffd\udcff junk \x7f\x1b[31m",
        "<script>alert('x')</script> plt 25",
        "<@U0ABC123> <!channel> <!here> @channel @here neut 0.4 on 10mg",
        "```plt 25``` `day 1` on 10mg & CrCl > 40 < 50",
        "\U0001F48A" * 500,
    ],
    ids=["40KB", "binary", "script", "pings", "backticks", "emoji"],
)
def test_slash_command_odd_input_gives_a_clear_card(wardbot, text):
    body = slash_command_body(text.encode("utf-8", "replace").decode("utf-8"), channel=channel_id())
    reply = ack_json(*wardbot.post(body, content_type=FORM))
    assert reply["response_type"] == "ephemeral"
    assert reply["blocks"][0]["type"] == "header" and reply["text"]
    flat = texts(reply["blocks"]) + reply["text"]
    # Echoed text can neither ping nor inject markup.
    for live in ("<!channel>", "<!here>", "<@U0ABC123>", "<script>", "@channel", "@here"):
        assert live not in flat


def test_too_long_question_has_its_own_card(wardbot):
    reply = ack_json(*wardbot.post(slash_command_body("plt 25 " * 1000, channel=channel_id()), content_type=FORM))
    assert reply["blocks"][0]["text"]["text"] == "That message is too long"


# -- mentions and DMs --------------------------------------------------------------------------


def test_channel_mention_is_answered_in_a_thread(wardbot):
    channel, ts = channel_id(), new_ts()
    assert send_event(wardbot, mention(channel, "neut 0.4 on 10mg", ts=ts)) == 200
    (call,) = wardbot.fake.wait_for("chat.postMessage", in_channel(channel))
    assert call.body["thread_ts"] == ts
    # Our mention was stripped before the engine saw the text.
    assert call.body["blocks"] == answer_card(engine.answer("neut 0.4 on 10mg")).message()["blocks"]
    assert call.body["text"]
    assert not any(e.get("action_id") == ACTION_SHARE for b in call.body["blocks"] for e in b.get("elements", []))


def test_mention_inside_a_thread_replies_in_that_thread(wardbot):
    channel, parent = channel_id(), new_ts()
    event = {**mention(channel, "vte"), "thread_ts": parent}
    assert send_event(wardbot, event) == 200
    (call,) = wardbot.fake.wait_for("chat.postMessage", in_channel(channel))
    assert call.body["thread_ts"] == parent


def test_direct_message_is_answered_in_the_dm(wardbot):
    channel = channel_id("D")
    event = {"type": "message", "channel_type": "im", "user": "U0NURSE1", "text": "neut 0.4 on 10mg", "ts": new_ts(), "channel": channel}
    assert send_event(wardbot, event) == 200
    (call,) = wardbot.fake.wait_for("chat.postMessage", in_channel(channel))
    assert "thread_ts" not in call.body
    assert call.body["blocks"] == answer_card(engine.answer("neut 0.4 on 10mg")).message()["blocks"]


def test_bare_mention_gives_the_usage_card(wardbot):
    channel = channel_id()
    assert send_event(wardbot, mention(channel, "")) == 200
    (call,) = wardbot.fake.wait_for("chat.postMessage", in_channel(channel))
    assert call.body["blocks"] == help_card(protocol_ref()).message()["blocks"]


def test_dm_that_mentions_the_bot_is_answered_once(wardbot):
    channel, ts = channel_id("D"), new_ts()
    text = f"<@{BOT_USER_ID}> neut 0.4 on 10mg"
    as_mention = {"type": "app_mention", "user": "U0NURSE1", "text": text, "ts": ts, "channel": channel}
    as_message = {"type": "message", "channel_type": "im", "user": "U0NURSE1", "text": text, "ts": ts, "channel": channel}
    assert send_event(wardbot, as_mention) == 200
    assert send_event(wardbot, as_message) == 200
    wardbot.fake.wait_for("chat.postMessage", in_channel(channel))
    sentinel(wardbot)
    assert len(wardbot.fake.calls("chat.postMessage", in_channel(channel))) == 1


def test_retried_and_duplicate_deliveries_get_one_reply(wardbot):
    channel, eid = channel_id(), event_id()
    event = mention(channel, "neut 0.4 on 10mg")
    assert send_event(wardbot, event, eid=eid) == 200
    wardbot.fake.wait_for("chat.postMessage", in_channel(channel))
    for attempt in ("1", "2"):
        retry = {"X-Slack-Retry-Num": attempt, "X-Slack-Retry-Reason": "http_timeout"}
        assert send_event(wardbot, event, eid=eid, headers=retry) == 200
    assert send_event(wardbot, event, eid=eid) == 200  # a plain duplicate delivery
    sentinel(wardbot)
    assert len(wardbot.fake.calls("chat.postMessage", in_channel(channel))) == 1


@pytest.mark.parametrize(
    "extra",
    [
        {"bot_id": "B0OTHER"},
        {"bot_id": BOT_ID, "user": BOT_USER_ID},
        {"user": BOT_USER_ID},
        {"subtype": "message_changed"},
        {"subtype": "channel_join"},
        {"subtype": "bot_message", "bot_id": "B0OTHER"},
    ],
    ids=["other-bot", "self-bot", "self-user", "edit", "join", "bot-message"],
)
def test_bots_self_and_subtypes_are_never_answered(wardbot, extra):
    channel = channel_id("D")
    event = {"type": "message", "channel_type": "im", "user": "U0NURSE1", "text": "neut 0.4 on 10mg", "ts": new_ts(), "channel": channel, **extra}
    assert send_event(wardbot, event) == 200
    assert send_event(wardbot, {**mention(channel_id(), "neut 0.4 on 10mg"), **extra, "channel": channel}) == 200
    sentinel(wardbot)
    assert not wardbot.fake.calls("chat.postMessage", in_channel(channel))


def test_channel_message_events_are_not_answered(wardbot):
    # Only DMs arrive as message events; a stray channel message (another subscription) is ignored.
    channel = channel_id()
    event = {"type": "message", "channel_type": "channel", "user": "U0NURSE1", "text": "neut 0.4 on 10mg", "ts": new_ts(), "channel": channel}
    assert send_event(wardbot, event) == 200
    sentinel(wardbot)
    assert not wardbot.fake.calls("chat.postMessage", in_channel(channel))


# -- request verification ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "how",
    ["wrong-secret", "stale", "future", "unsigned", "tampered"],
)
def test_forged_stale_and_unsigned_requests_get_401_and_no_reply(wardbot, how):
    channel = channel_id()
    body = event_body(mention(channel, "neut 0.4 on 10mg"), event_id=event_id())
    if how == "wrong-secret":
        status, _ = wardbot.post(body, content_type=JSON, secret="0" * 32)
    elif how == "stale":
        status, _ = wardbot.post(body, content_type=JSON, timestamp=int(time.time()) - 10 * 60)
    elif how == "future":
        status, _ = wardbot.post(body, content_type=JSON, timestamp=int(time.time()) + 10 * 60)
    elif how == "unsigned":
        status, _ = wardbot.post(body, content_type=JSON, signed=False)
    else:
        from fake_slack import signed_headers

        headers = signed_headers(body, content_type=JSON)
        from slack_harness import http_request

        status, _ = http_request(wardbot.port, "POST", "/slack/events", body.replace(b"neut 0.4", b"neut 0.1"), headers)
    assert status == 401
    sentinel(wardbot)
    assert not wardbot.fake.calls(where=in_channel(channel))


def test_forged_slash_command_gets_401_and_no_card(wardbot):
    status, body = wardbot.post(slash_command_body(QUESTION, channel=channel_id()), content_type=FORM, secret="f" * 32)
    assert status == 401
    assert b"blocks" not in body


def test_non_utf8_body_is_rejected(wardbot):
    status, _ = wardbot.post(b"\xff\xfe\xfa not utf-8", content_type=FORM)
    assert status == 401


# -- buttons, shortcut, Home -------------------------------------------------------------------


def test_share_posts_the_same_card_in_the_channel_with_who_shared(wardbot):
    channel = channel_id()
    payload = block_action_payload(ACTION_SHARE, QUESTION, channel=channel, user="U0SHARER", response_url=wardbot.fake.response_url("share"))
    status, _ = wardbot.post(interactive_body(payload), content_type=FORM)
    assert status == 200
    (call,) = wardbot.fake.wait_for("chat.postMessage", in_channel(channel))
    assert call.body["blocks"] == answer_card(engine.answer(QUESTION), shared_by="U0SHARER").message()["blocks"]
    assert call.body["blocks"][0]["elements"][0]["text"] == "Shared by <@U0SHARER>"


def test_share_where_the_bot_cannot_post_uses_the_response_url(wardbot):
    channel = channel_id("G")
    wardbot.fake.fail("chat.postMessage", where=lambda body: body.get("channel") == channel, error="not_in_channel")
    name = f"share-{channel}"
    payload = block_action_payload(ACTION_SHARE, QUESTION, channel=channel, user="U0SHARER", response_url=wardbot.fake.response_url(name))
    assert wardbot.post(interactive_body(payload), content_type=FORM)[0] == 200
    (call,) = wardbot.fake.wait_for("response_url", lambda c: c.path == name)
    assert call.body["response_type"] == "in_channel"
    assert call.body["replace_original"] is False
    assert call.body["blocks"] == answer_card(engine.answer(QUESTION), shared_by="U0SHARER").message()["blocks"]


def test_dose_ladder_button(wardbot):
    name = "ladder-" + uuid.uuid4().hex
    payload = block_action_payload(ACTION_LADDER, "ladder", channel=channel_id(), response_url=wardbot.fake.response_url(name))
    assert wardbot.post(interactive_body(payload), content_type=FORM)[0] == 200
    (call,) = wardbot.fake.wait_for("response_url", lambda c: c.path == name)
    lines = ladder_lines()
    expected = unavailable_card("dose ladder") if lines is None else ladder_card(lines, protocol_ref())
    assert call.body["response_type"] == "ephemeral"
    assert call.body["blocks"] == expected.message()["blocks"]


def test_section_summary_button(wardbot):
    answer = engine.answer(QUESTION)
    card = answer_card(answer, share_text=QUESTION).message()
    buttons = [e for b in card["blocks"] if b["type"] == "actions" for e in b["elements"] if e["action_id"].startswith("wardbot_section_")]
    if not buttons:
        pytest.skip("the engine cites no section for this question")
    button = buttons[0]
    name = "section-" + uuid.uuid4().hex
    payload = block_action_payload(button["action_id"], button["value"], channel=channel_id(), response_url=wardbot.fake.response_url(name))
    assert wardbot.post(interactive_body(payload), content_type=FORM)[0] == 200
    (call,) = wardbot.fake.wait_for("response_url", lambda c: c.path == name)
    assert call.body["response_type"] == "ephemeral"
    assert call.body["blocks"][0]["type"] == "header"
    assert "went wrong" not in texts(call.body["blocks"])


def test_message_shortcut_answers_ephemerally_about_that_message(wardbot):
    name = "shortcut-" + uuid.uuid4().hex
    payload = message_shortcut_payload(f"<@{BOT_USER_ID}> neut 0.4 on 10mg", channel=channel_id(), response_url=wardbot.fake.response_url(name))
    assert wardbot.post(interactive_body(payload), content_type=FORM)[0] == 200
    (call,) = wardbot.fake.wait_for("response_url", lambda c: c.path == name)
    assert call.body["response_type"] == "ephemeral"
    expected = answer_card(engine.answer("neut 0.4 on 10mg"), share_text="neut 0.4 on 10mg").message()
    assert call.body["blocks"] == expected["blocks"]


def test_app_home_is_published(wardbot):
    user = "U" + uuid.uuid4().hex[:10].upper()
    event = {"type": "app_home_opened", "user": user, "channel": channel_id("D"), "tab": "home", "event_ts": new_ts()}
    assert send_event(wardbot, event) == 200
    (call,) = wardbot.fake.wait_for("views.publish", lambda c: c.body.get("user_id") == user)
    view = call.body["view"]
    assert view == home_view(protocol_ref())
    flat = texts(view["blocks"])
    assert protocol_ref().name in flat and protocol_ref().version in flat
    assert "does not" in flat and "Decision support" in flat


def test_messages_tab_open_publishes_nothing(wardbot):
    user = "U" + uuid.uuid4().hex[:10].upper()
    event = {"type": "app_home_opened", "user": user, "channel": channel_id("D"), "tab": "messages", "event_ts": new_ts()}
    assert send_event(wardbot, event) == 200
    sentinel(wardbot)
    assert not wardbot.fake.calls("views.publish", lambda c: c.body.get("user_id") == user)


# -- failure paths -----------------------------------------------------------------------------


def test_rate_limited_post_is_retried_after_retry_after(wardbot):
    channel = channel_id()
    wardbot.fake.fail("chat.postMessage", where=lambda body: body.get("channel") == channel, status=429, retry_after=1)
    assert send_event(wardbot, mention(channel, "neut 0.4 on 10mg")) == 200
    first, second = wardbot.fake.wait_for("chat.postMessage", in_channel(channel), count=2)
    assert (first.status, second.status) == (429, 200)
    assert second.body["blocks"] == first.body["blocks"]


def test_failure_inside_a_listener_gives_an_apology_card(wardbot):
    channel = channel_id()
    wardbot.fake.fail("chat.postMessage", where=lambda body: body.get("channel") == channel, error="fatal_error")
    assert send_event(wardbot, mention(channel, f"{PATIENT_NAME} {PATIENT_MRN} neut 0.4 on 10mg")) == 200
    failed, apology = wardbot.fake.wait_for("chat.postMessage", in_channel(channel), count=2)
    assert not failed.ok and apology.ok
    assert apology.body["blocks"][0]["text"]["text"] == "Sorry, something went wrong"
    wardbot.process.wait_for_line(r"app_mention failed .*error=SlackApiError")


def test_identifiers_are_flagged_on_the_card(wardbot):
    text = f"Mr {PATIENT_NAME} {PATIENT_MRN} plt 25 day 1 on 10mg"
    reply = ack_json(*wardbot.post(slash_command_body(text, channel=channel_id()), content_type=FORM))
    answer = engine.answer(text)
    assert "phi_detected" in answer.flags
    assert reply["blocks"] == answer_card(answer, share_text=redact(text)).message()["blocks"]
    assert "identifier" in texts(reply["blocks"]).lower()
    assert PATIENT_MRN not in json.dumps(reply) and PATIENT_NAME not in json.dumps(reply)


# -- what is kept: audit rows and logs -----------------------------------------------------------


def one_of_each_surface(wardbot) -> None:
    """A question over every surface, each carrying made-up identifiers, each reply awaited."""
    text = f"{PATIENT_NAME} {PATIENT_MRN} plt 25 day 1 on 10mg"
    ack_json(*wardbot.post(slash_command_body(text, channel=channel_id()), content_type=FORM))
    channel = channel_id()
    send_event(wardbot, mention(channel, text))
    wardbot.fake.wait_for("chat.postMessage", in_channel(channel))
    dm = channel_id("D")
    send_event(wardbot, {"type": "message", "channel_type": "im", "user": "U0NURSE1", "text": text, "ts": new_ts(), "channel": dm})
    wardbot.fake.wait_for("chat.postMessage", in_channel(dm))
    name = "audit-" + uuid.uuid4().hex
    wardbot.post(interactive_body(message_shortcut_payload(text, channel=channel_id(), response_url=wardbot.fake.response_url(name))), content_type=FORM)
    wardbot.fake.wait_for("response_url", lambda c: c.path == name)
    shared = channel_id()
    payload = block_action_payload(ACTION_SHARE, text, channel=shared, user="U0SHARER", response_url=wardbot.fake.response_url("x"))
    wardbot.post(interactive_body(payload), content_type=FORM)
    wardbot.fake.wait_for("chat.postMessage", in_channel(shared))
    wardbot.post(event_body(mention(channel_id(), text), event_id=event_id()), content_type=JSON, secret="0" * 32)


def test_audit_rows_hold_outcomes_and_never_text_or_raw_ids(wardbot):
    one_of_each_surface(wardbot)
    wanted = {"slash", "mention", "dm", "shortcut", "share"}
    deadline = time.monotonic() + 15
    surfaces: set[str] = set()
    while time.monotonic() < deadline and not wanted <= surfaces:
        time.sleep(0.2)
        with sqlite3.connect(wardbot.audit_db) as db:
            surfaces = {row[0] for row in db.execute("SELECT surface FROM answers")}
    assert wanted <= surfaces
    with sqlite3.connect(wardbot.audit_db) as db:
        columns = [d[0] for d in db.execute("SELECT * FROM answers").description]
        rows = db.execute("SELECT * FROM answers").fetchall()
    assert "text" not in columns and "understood" not in columns
    dump = json.dumps(rows)
    for secret in ("U0NURSE1", "U0SHARER", PATIENT_NAME, PATIENT_MRN, "neut 0.4", "plt 25"):
        assert secret not in dump
    raw = b"".join(p.read_bytes() for p in wardbot.audit_db.parent.iterdir() if p.is_file())
    for secret in (b"U0NURSE1", PATIENT_NAME.encode(), PATIENT_MRN.encode()):
        assert secret not in raw


def test_logs_never_carry_tokens_or_patient_text(wardbot):
    one_of_each_surface(wardbot)
    wardbot.process.wait_for_line("answered surface=share")
    wardbot.process.wait_for_line("request rejected status=401")
    logs = wardbot.process.output()
    for surface in ("slash", "mention", "dm", "shortcut"):
        assert f"answered surface={surface}" in logs
    for secret in (BOT_TOKEN, SIGNING_SECRET, PATIENT_NAME, PATIENT_MRN, "neut 0.4", "plt 25", "<script>"):
        assert secret not in logs


def test_vte_card_offers_the_score_form_and_its_answer_is_the_score_card(wardbot):
    # The look-up card carries the button ...
    card = answer_card(engine.answer("vte prophylaxis on len")).message()
    buttons = [e["action_id"] for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert ACTION_VTE_SCORES in buttons
    # ... clicking it opens the form, one question per factor of either score ...
    channel, user = channel_id(), "U" + uuid.uuid4().hex[:10].upper()
    name = "vte-" + uuid.uuid4().hex
    click = block_action_payload(ACTION_VTE_SCORES, "vte", channel=channel, user=user, response_url=wardbot.fake.response_url(name))
    click["trigger_id"] = trigger = "1337." + uuid.uuid4().hex
    assert wardbot.post(interactive_body(click), content_type=FORM)[0] == 200
    (opened,) = wardbot.fake.wait_for("views.open", lambda c: c.body.get("trigger_id") == trigger)
    view = opened.body["view"]
    view = json.loads(view) if isinstance(view, str) else view
    asked = {b["block_id"] for b in view["blocks"] if b["type"] == "input"}
    assert asked == {f"vte_{f}" for f in ("bmi_25", "fracture", "esa", "dexamethasone", "doxorubicin", "asian", "vte_history",
                                          "cvc", "anticoagulation", "surgery_90d", "age_80")}
    # ... and submitting it closes the form and sends the score card to that user in that channel.
    answers = {"vte_vte_history": "yes", "vte_bmi_25": "no", "vte_dexamethasone": "low", "vte_fracture": "not_known"}
    status, body = wardbot.post(interactive_body(view_submission_payload(view, answers, user=user)), content_type=FORM)
    assert status == 200 and not body.strip()
    (posted,) = wardbot.fake.wait_for("chat.postEphemeral", lambda c: c.body.get("user") == user)
    assert posted.body["channel"] == channel
    expected = engine.vte_scores({"vte_history": True, "bmi_25": False, "dexamethasone": "low"})
    assert posted.body["blocks"] == json.loads(json.dumps(answer_card(expected).message()["blocks"]))
    assert expected.scores["impede_vte"]["points"] == 4 + 5 + 2


def test_a_score_form_value_it_never_offered_is_refused_with_a_field_error(wardbot):
    from bot.slack.vte_form import vte_modal

    view = vte_modal(channel_id())
    status, body = wardbot.post(interactive_body(view_submission_payload(view, {"vte_vte_history": "maybe"})), content_type=FORM)
    assert status == 200
    assert json.loads(body) == {"response_action": "errors", "errors": {"vte_vte_history": "Choose one of the options."}}

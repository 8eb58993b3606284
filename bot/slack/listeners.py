"""Bolt listeners: each Slack surface becomes one engine question, and the Answer becomes one card.

The app runs with process_before_response, so Slack's acknowledgement goes back as soon as a listener
returns: the slash command's card is built inline (the engine is fast) and returned in the ack, and
anything that waits on the network (posting, responding, publishing) runs as a background task.
Every listener catches its own failures and shows the user the apology card, because Bolt's default
for an exception is silence (events) or an opaque error (commands). Logs carry the event kind, ids and
the error class, never message text.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, NamedTuple

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot import engine
from bot.answer import Answer
from bot.audit import NullAudit, Surface
from bot.phi import redact

from .cards import (
    ACTION_LADDER,
    ACTION_SECTION_PATTERN,
    ACTION_SHARE,
    ACTION_VTE_SCORES,
    MAX_QUESTION_CHARS,
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
from .dedup import SeenCache
from .logs import error_class
from .lookups import internal_error_answer, ladder_lines, protocol_ref, section_summary
from .text import clean_event_text
from .vte_form import CALLBACK_ID as VTE_FORM
from .vte_form import FormError, answer_channel, stated_factors, vte_modal

COMMAND = "/wardbot"
SHORTCUT_CALLBACK_ID = "ask_wardbot"
VIEW_CALLBACK_IDS = (VTE_FORM,)  # every modal whose submission a listener answers
HELP_WORDS = frozenset({"help", "?", "-h", "--help", "usage"})
# chat.postMessage refusals that mean "not allowed to post here"; the response_url can still post.
_CANNOT_POST = frozenset({"not_in_channel", "channel_not_found", "restricted_action", "is_archived"})

log = logging.getLogger("wardbot.slack")


class Reply(NamedTuple):
    """A card to send and, when the engine answered, the Answer behind it (for the audit trail)."""

    card: Card
    answer: Answer | None


def reply_to(question: str, *, share: bool = False, shared_by: str | None = None) -> Reply:
    """The card for one question: usage for an empty or help request, else the engine's answer."""
    question = question.strip()
    if not question or question.lower() in HELP_WORDS:
        return Reply(help_card(protocol_ref()), None)
    if len(question) > MAX_QUESTION_CHARS:
        return Reply(too_long_card(), None)
    try:
        answer = engine.answer(question)
    except Exception as error:  # noqa: BLE001 - the engine promises not to raise; if it does, the user still hears back
        log.error("engine failed error=%s", error_class(error))
        fallback = internal_error_answer()
        return Reply(apology_card() if fallback is None else answer_card(fallback), fallback)
    # The Share button carries the question back to us; identifiers are left out of it.
    share_text = (redact(question) if "phi_detected" in answer.flags else question) if share else None
    return Reply(answer_card(answer, share_text=share_text, shared_by=shared_by), answer)


class Listeners:
    """The wardbot listeners, sharing one audit store and one memory of deliveries already answered."""

    def __init__(self, audit: Any = None, seen: SeenCache | None = None) -> None:
        self.audit = audit if audit is not None else NullAudit()
        self.seen = seen if seen is not None else SeenCache()
        # Strong references: the event loop keeps only weak ones to running tasks.
        self._tasks: set[asyncio.Task[None]] = set()

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self, timeout: float = 10.0) -> None:
        """Let replies already under way finish (at shutdown), up to `timeout` seconds."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    def register(self, app: AsyncApp) -> None:
        """Attach every listener to the app; app_manifest.yml must declare each of them."""
        app.command(COMMAND)(self.on_command)
        app.event("app_mention")(self.on_mention)
        app.event("message")(self.on_message)
        app.event("app_home_opened")(self.on_home_opened)
        app.shortcut(SHORTCUT_CALLBACK_ID)(self.on_shortcut)
        app.action(ACTION_SHARE)(self.on_share)
        app.action(ACTION_LADDER)(self.on_ladder)
        app.action(ACTION_SECTION_PATTERN)(self.on_section)
        app.action(ACTION_VTE_SCORES)(self.on_vte_button)
        app.view(VTE_FORM)(self.on_vte_form)
        app.error(self.on_error)

    # -- slash command -------------------------------------------------------------------------

    async def on_command(self, ack, command: dict[str, Any]) -> None:
        """`/wardbot ...`: the ephemeral card goes back in the acknowledgement itself."""
        try:
            reply = reply_to(command.get("text") or "", share=True)
            await ack(response_type="ephemeral", **reply.card.message())
        except Exception as error:  # noqa: BLE001
            log.error("command failed channel=%s error=%s", command.get("channel_id"), error_class(error))
            await ack(response_type="ephemeral", **apology_card().message())
            return
        # After ack(): Bolt has already answered Slack, so the audit write is off the ack path.
        self._answered("slash", reply, command.get("user_id"), channel=command.get("channel_id"))

    # -- mentions and direct messages ----------------------------------------------------------

    async def on_mention(self, event: dict[str, Any], body: dict[str, Any], context, client) -> None:
        """`@wardbot ...` in a channel (reply in a thread) or in a DM (reply in the DM)."""
        if self._first_delivery("app_mention", event, body, context.get("bot_user_id")):
            self._spawn(self._answer_message("app_mention", event, body, client))

    async def on_message(self, event: dict[str, Any], body: dict[str, Any], context, client) -> None:
        """A direct message to the bot; any other message event is not ours to answer."""
        if event.get("channel_type") != "im":
            return
        if self._first_delivery("message.im", event, body, context.get("bot_user_id")):
            self._spawn(self._answer_message("message.im", event, body, client))

    def _first_delivery(self, kind: str, event: dict[str, Any], body: dict[str, Any], bot_user_id: str | None) -> bool:
        if _not_for_us(event, bot_user_id):
            return False
        channel, ts = event.get("channel"), event.get("ts")
        if not channel or not ts:
            return False
        # A retry repeats the event_id; a DM mention arrives as app_mention and message.im with
        # different event_ids but the same channel and ts. Either key seen means already answered.
        keys = [f"message:{channel}:{ts}"]
        if body.get("event_id"):
            keys.append(f"event:{body['event_id']}")
        if self.seen.first(*keys):
            return True
        log.info("duplicate delivery skipped kind=%s event_id=%s", kind, body.get("event_id"))
        return False

    async def _answer_message(self, kind: str, event: dict[str, Any], body: dict[str, Any], client) -> None:
        channel, ts = event["channel"], event["ts"]
        is_dm = event.get("channel_type") == "im" or str(channel).startswith("D")
        thread_ts = event.get("thread_ts") or (None if is_dm else ts)
        surface: Surface = "dm" if is_dm else "mention"
        try:
            reply = reply_to(clean_event_text(event.get("text") or ""))
            await client.chat_postMessage(channel=channel, thread_ts=thread_ts, **reply.card.message())
        except Exception as error:  # noqa: BLE001
            log.error("%s failed event_id=%s channel=%s error=%s", kind, body.get("event_id"), channel, error_class(error))
            await self._post_apology(client, channel, thread_ts)
            return
        self._answered(surface, reply, event.get("user"), channel=channel, event_id=body.get("event_id"))

    async def _post_apology(self, client, channel: str, thread_ts: str | None) -> None:
        try:
            await client.chat_postMessage(channel=channel, thread_ts=thread_ts, **apology_card().message())
        except Exception as error:  # noqa: BLE001 - nothing more can reach the user; the log must
            log.error("apology failed channel=%s error=%s", channel, error_class(error))

    # -- App Home ------------------------------------------------------------------------------

    async def on_home_opened(self, event: dict[str, Any], client) -> None:
        """Publish the Home tab whenever a user opens it."""
        user = event.get("user")
        if event.get("tab") == "home" and user:
            self._spawn(self._publish_home(user, client))

    async def _publish_home(self, user: str, client) -> None:
        try:
            view = home_view(protocol_ref())
        except Exception as error:  # noqa: BLE001
            log.error("home view failed error=%s", error_class(error))
            view = {"type": "home", "blocks": list(apology_card().blocks)}
        try:
            await client.views_publish(user_id=user, view=view)
        except Exception as error:  # noqa: BLE001
            log.error("views.publish failed error=%s", error_class(error))
            return
        log.debug("home published")

    # -- message shortcut ----------------------------------------------------------------------

    async def on_shortcut(self, ack, shortcut: dict[str, Any], respond) -> None:
        """"Ask wardbot" on a message: answer about that message, visible only to the asker."""
        await ack()
        self._spawn(self._answer_shortcut(shortcut, respond))

    async def _answer_shortcut(self, shortcut: dict[str, Any], respond) -> None:
        try:
            message = shortcut.get("message") or {}
            reply = reply_to(clean_event_text(message.get("text") or ""), share=True)
            await respond(response_type="ephemeral", replace_original=False, **reply.card.message())
        except Exception as error:  # noqa: BLE001
            log.error("shortcut failed error=%s", error_class(error))
            await self._respond_apology(respond)
            return
        self._answered("shortcut", reply, (shortcut.get("user") or {}).get("id"), channel=_channel_id(shortcut))

    # -- buttons -------------------------------------------------------------------------------

    async def on_share(self, ack, body: dict[str, Any], action: dict[str, Any], client, respond) -> None:
        """"Share in channel": post the same card for everyone, saying who shared it."""
        await ack()
        self._spawn(self._share(body, action, client, respond))

    async def _share(self, body: dict[str, Any], action: dict[str, Any], client, respond) -> None:
        user = (body.get("user") or {}).get("id") or ""
        channel = _channel_id(body)
        try:
            reply = reply_to(action.get("value") or "", shared_by=user)
            thread_ts = (body.get("container") or {}).get("thread_ts")
            try:
                await client.chat_postMessage(channel=channel, thread_ts=thread_ts, **reply.card.message())
            except SlackApiError as error:
                if error.response.get("error") not in _CANNOT_POST:
                    raise
                # The bot is not a member (private channel, group DM): the response_url may still post.
                await respond(response_type="in_channel", replace_original=False, **reply.card.message())
        except Exception as error:  # noqa: BLE001
            log.error("share failed channel=%s error=%s", channel, error_class(error))
            await self._respond_apology(respond)
            return
        self._answered("share", reply, user, channel=channel)

    async def on_ladder(self, ack, respond) -> None:
        """"Dose ladder": the protocol's full ladder, to the clicking user only."""
        await ack()
        self._spawn(self._show_ladder(respond))

    async def _show_ladder(self, respond) -> None:
        try:
            lines = ladder_lines()
            card = unavailable_card("dose ladder") if lines is None else ladder_card(lines, protocol_ref())
            await respond(response_type="ephemeral", replace_original=False, **card.message())
        except Exception as error:  # noqa: BLE001
            log.error("ladder failed error=%s", error_class(error))
            await self._respond_apology(respond)

    async def on_section(self, ack, action: dict[str, Any], respond) -> None:
        """"Summary: ...": what the review says in that section, to the clicking user only."""
        await ack()
        self._spawn(self._show_section(action, respond))

    async def _show_section(self, action: dict[str, Any], respond) -> None:
        try:
            section = action.get("value") or ""
            statements = section_summary(section)
            card = (
                unavailable_card("section summary")
                if statements is None
                else section_card(section, statements, protocol_ref())
            )
            await respond(response_type="ephemeral", replace_original=False, **card.message())
        except Exception as error:  # noqa: BLE001
            log.error("section summary failed error=%s", error_class(error))
            await self._respond_apology(respond)

    # -- the VTE score form ---------------------------------------------------------------------

    async def on_vte_button(self, ack, body: dict[str, Any], client, respond) -> None:
        """"Calculate VTE scores": open the score form (the trigger id lasts 3 s, so at once)."""
        await ack()
        try:
            await client.views_open(trigger_id=body.get("trigger_id"), view=vte_modal(_channel_id(body)))
        except Exception as error:  # noqa: BLE001
            log.error("vte form failed error=%s", error_class(error))
            self._spawn(self._respond_apology(respond))

    async def on_vte_form(self, ack, body: dict[str, Any], view: dict[str, Any], client) -> None:
        """The score form submitted: close it (or show what to fix), then send the score card to the user."""
        try:
            stated = stated_factors(view)
        except FormError as error:
            await ack(response_action="errors", errors=error.errors)
            return
        await ack()
        user = (body.get("user") or {}).get("id") or ""
        self._spawn(self._send_scores(stated, user, answer_channel(view), client))

    async def _send_scores(self, stated: dict[str, object], user: str, channel: str | None, client) -> None:
        try:
            answer = engine.vte_scores(stated)
            card = answer_card(answer)
        except Exception as error:  # noqa: BLE001
            log.error("vte scores failed error=%s", error_class(error))
            answer, card = None, apology_card()
        try:
            if channel:
                try:
                    await client.chat_postEphemeral(channel=channel, user=user, **card.message())
                except SlackApiError as error:
                    if error.response.get("error") not in _CANNOT_POST:
                        raise
                    channel = None
            if not channel:  # no channel to answer in, or not allowed there: the app's DM with the user
                await client.chat_postMessage(channel=user, **card.message())
        except Exception as error:  # noqa: BLE001 - nothing more can reach the user; the log must
            log.error("vte scores post failed error=%s", error_class(error))
            return
        if answer is not None:
            self._answered("button", Reply(card, answer), user, channel=channel)

    async def _respond_apology(self, respond) -> None:
        try:
            await respond(response_type="ephemeral", replace_original=False, **apology_card().message())
        except Exception as error:  # noqa: BLE001
            log.error("apology failed error=%s", error_class(error))

    # -- last resort ---------------------------------------------------------------------------

    async def on_error(self, error: Exception, body: dict[str, Any]) -> None:
        """Anything that escaped a listener: log its class and the request kind, nothing else."""
        log.error("unhandled error kind=%s error=%s", _kind(body), error_class(error))

    def _answered(self, surface: Surface, reply: Reply, user_id: str | None, **ids: Any) -> None:
        # DEBUG, not INFO: under load a log line per answer cost about 100 us of CPU each (more than
        # the rest of this layer), and the audit store already keeps one row per answer.
        # WARDBOT_LOG_LEVEL=DEBUG turns these lines on.
        if log.isEnabledFor(logging.DEBUG):
            status = reply.answer.status if reply.answer is not None else "usage"
            log.debug("answered surface=%s status=%s %s", surface, status, " ".join(f"{k}={v}" for k, v in ids.items()))
        if reply.answer is not None and user_id:
            self.audit.record(reply.answer, surface=surface, user_id=user_id)


def _not_for_us(event: dict[str, Any], bot_user_id: str | None) -> bool:
    # Bots (ourselves included) are never answered, and subtypes are edits, joins, bot posts and the like.
    if event.get("bot_id") or event.get("bot_profile") or event.get("subtype"):
        return True
    user = event.get("user")
    return not user or user == bot_user_id


def _channel_id(payload: dict[str, Any]) -> str | None:
    return (payload.get("channel") or {}).get("id") or (payload.get("container") or {}).get("channel_id")


def _kind(body: dict[str, Any]) -> str:
    if not isinstance(body, dict):
        return "unknown"
    if "command" in body:
        return "command"
    event = body.get("event")
    if isinstance(event, dict):
        return str(event.get("type"))
    return str(body.get("type"))

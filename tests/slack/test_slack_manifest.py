"""app_manifest.yml and the registered Bolt listeners must agree, in both directions.

Bodies are built from the manifest (one per slash command, bot event and shortcut, and one per card
action id when interactivity is on) and run through Bolt's own listener matchers, so the check is what
Bolt would route, not a list kept by hand.
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml  # PyYAML: the test extra must list it
from fake_slack import BOT_TOKEN, SIGNING_SECRET
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.slack.app import build_app
from bot.slack.cards import ACTION_IDS
from bot.slack.config import Settings
from bot.slack.listeners import VIEW_CALLBACK_IDS

MANIFEST = Path(__file__).resolve().parents[2] / "app_manifest.yml"


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def listeners():
    settings = Settings(mode="http", bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url="http://127.0.0.1:9/api/")
    return build_app(settings)._async_listeners  # Bolt offers no public listing


def event_body(event_type: str) -> dict[str, Any]:
    # message.im in the manifest is a "message" event with channel_type im on the wire.
    if event_type.startswith("message."):
        event = {"type": "message", "channel_type": event_type.split(".", 1)[1], "user": "U1", "text": "x", "ts": "1.1", "channel": "D1"}
    else:
        event = {"type": event_type, "user": "U1", "channel": "C1", "ts": "1.1", "tab": "home", "text": "x"}
    return {"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": "Ev1", "event": event}


def manifest_bodies(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """One request body per thing the manifest declares, keyed by a readable name."""
    features, settings = manifest.get("features", {}), manifest.get("settings", {})
    bodies: dict[str, dict[str, Any]] = {}
    for command in features.get("slash_commands", []):
        bodies[f"command {command['command']}"] = {"command": command["command"], "text": "", "team_id": "T1", "user_id": "U1", "channel_id": "C1"}
    for event_type in settings.get("event_subscriptions", {}).get("bot_events", []):
        bodies[f"event {event_type}"] = event_body(event_type)
    for shortcut in features.get("shortcuts", []):
        kind = "message_action" if shortcut["type"] == "message" else "shortcut"
        bodies[f"shortcut {shortcut['callback_id']}"] = {"type": kind, "callback_id": shortcut["callback_id"], "team": {"id": "T1"}, "user": {"id": "U1"}}
    if settings.get("interactivity", {}).get("is_enabled"):
        for action_id in ACTION_IDS:
            bodies[f"action {action_id}"] = {
                "type": "block_actions",
                "team": {"id": "T1"},
                "user": {"id": "U1"},
                "actions": [{"action_id": action_id, "block_id": "b", "type": "button", "value": "v"}],
            }
        # Modals need no manifest entry of their own: interactivity delivers their submissions.
        for callback_id in VIEW_CALLBACK_IDS:
            bodies[f"view {callback_id}"] = {"type": "view_submission", "team": {"id": "T1"}, "user": {"id": "U1"},
                                             "view": {"type": "modal", "callback_id": callback_id, "state": {"values": {}}}}
    return bodies


def matches(listener, body: dict[str, Any]) -> bool:
    request = AsyncBoltRequest(body=body, mode="socket_mode")
    return asyncio.run(listener.async_matches(req=request, resp=BoltResponse(status=404)))


def test_every_manifest_entry_has_a_listener(manifest, listeners):
    bodies = manifest_bodies(manifest)
    unrouted = [name for name, body in bodies.items() if not any(matches(listener, body) for listener in listeners)]
    assert not unrouted, f"declared in app_manifest.yml but no listener: {unrouted}"


def test_every_listener_has_a_manifest_entry(manifest, listeners):
    bodies = list(manifest_bodies(manifest).values())
    orphans = [listener.ack_function.__name__ for listener in listeners if not any(matches(listener, b) for b in bodies)]
    assert not orphans, f"listeners with no app_manifest.yml entry (or action id missing from cards.ACTION_IDS): {orphans}"


def test_features_scopes_and_socket_mode_follow_the_listeners(manifest):
    features, settings = manifest["features"], manifest["settings"]
    events = set(settings["event_subscriptions"]["bot_events"])
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert features["app_home"]["home_tab_enabled"] is ("app_home_opened" in events)
    assert features["app_home"]["messages_tab_enabled"] is ("message.im" in events)
    assert ("app_mention" in events) is ("app_mentions:read" in scopes)
    assert ("message.im" in events) is ("im:history" in scopes)
    assert "commands" in scopes  # slash commands and shortcuts
    assert "chat:write" in scopes
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert len(manifest["display_information"]["long_description"]) >= 174  # Slack's minimum
    assert all(c["command"] == "/wardbot" and c.get("should_escape") is False for c in features["slash_commands"])

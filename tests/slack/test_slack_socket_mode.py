"""Socket Mode end to end: `wardbot serve` (no --http) against a fake Socket Mode WebSocket on loopback.

The fake Web API answers apps.connections.open with the fake WebSocket's ws:// URL; the fake sends
`hello`, then envelopes as Slack would, and records the app's acknowledgements.
"""
from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import WSMsgType, web
from fake_slack import (
    APP_TOKEN,
    BOT_TOKEN,
    BOT_USER_ID,
    FakeSlack,
    block_action_payload,
    event_envelope,
    slash_command_body,
)
from slack_harness import WardbotProcess, clean_env

from bot import engine
from bot.slack.cards import ACTION_SHARE, answer_card

QUESTION = "plt 25 day 1 on 10mg CrCl 40"


class FakeSocketMode:
    """A Socket Mode endpoint: one WebSocket at a time, every frame from the app recorded."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.connections = 0
        self._changed = threading.Condition()
        self._ws: web.WebSocketResponse | None = None
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self.port = 0
        threading.Thread(target=self._run, name="fake-socket-mode", daemon=True).start()
        assert self._ready.wait(timeout=15), "fake Socket Mode server did not start"

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link/?ticket=fake-ticket&app_id=A0WARD"

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start())
        self._ready.set()
        self._loop.run_forever()

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/link/", self._socket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        with self._changed:
            self._ws = ws
            self.connections += 1
            self._changed.notify_all()
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"}, "connection_info": {"app_id": "A0WARD"}})
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                with self._changed:
                    self.received.append(json.loads(message.data))
                    self._changed.notify_all()
        return ws

    def wait_connected(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._ws is None and time.monotonic() < deadline:
                self._changed.wait(timeout=0.5)
        assert self._ws is not None, "the app never opened the Socket Mode WebSocket"

    def send(self, envelope: dict[str, Any]) -> None:
        assert self._ws is not None
        asyncio.run_coroutine_threadsafe(self._ws.send_json(envelope), self._loop).result(timeout=15)

    def wait_ack(self, envelope_id: str, timeout: float = 15.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for frame in self.received:
                    if frame.get("envelope_id") == envelope_id:
                        return frame
                remaining = deadline - time.monotonic()
                assert remaining > 0, f"no ack for {envelope_id}; received {self.received!r}"
                self._changed.wait(timeout=min(remaining, 0.5))

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=15)
        self._loop.call_soon_threadsafe(self._loop.stop)


@pytest.fixture(scope="module")
def socket_mode() -> Iterator[tuple[FakeSocketMode, FakeSlack, WardbotProcess]]:
    sockets = FakeSocketMode()
    fake = FakeSlack(socket_mode_url=sockets.url).start()
    # No SLACK_SIGNING_SECRET: Socket Mode must not need it.
    env = clean_env(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN, SLACK_API_URL=fake.api_url, WARDBOT_LOG_LEVEL="DEBUG")
    process = WardbotProcess(["--host", "127.0.0.1", "--port", "0"], env)
    try:
        sockets.wait_connected()
        yield sockets, fake, process
    finally:
        process.stop()
        fake.stop()
        sockets.stop()


def test_connection_is_opened_with_the_app_token(socket_mode):
    sockets, fake, process = socket_mode
    (call, *_) = fake.wait_for("apps.connections.open")
    assert call.ok
    assert sockets.connections >= 1
    process.wait_for_line("socket mode connected")


def test_slash_command_card_comes_back_in_the_envelope_ack(socket_mode):
    sockets, fake, _ = socket_mode
    command = {k: v[-1] for k, v in urllib.parse.parse_qs(slash_command_body(QUESTION, channel="C0SOCKET1").decode(), keep_blank_values=True).items()}
    envelope_id = str(uuid.uuid4())
    sockets.send({"envelope_id": envelope_id, "type": "slash_commands", "accepts_response_payload": True, "payload": command})
    ack = sockets.wait_ack(envelope_id)
    expected = answer_card(engine.answer(QUESTION), share_text=QUESTION).message()
    assert ack["payload"]["response_type"] == "ephemeral"
    assert ack["payload"]["blocks"] == expected["blocks"]
    assert ack["payload"]["text"] == expected["text"]


def test_mention_event_is_acked_then_answered_in_a_thread(socket_mode):
    sockets, fake, _ = socket_mode
    ts = f"{time.time():.6f}"
    event = {"type": "app_mention", "user": "U0NURSE1", "text": f"<@{BOT_USER_ID}> neut 0.4 on 10mg", "ts": ts, "channel": "C0SOCKET2"}
    envelope_id = str(uuid.uuid4())
    sockets.send(
        {
            "envelope_id": envelope_id,
            "type": "events_api",
            "accepts_response_payload": False,
            "retry_attempt": 0,
            "retry_reason": "",
            "payload": event_envelope(event, event_id="EvSOCKET1"),
        }
    )
    assert sockets.wait_ack(envelope_id) == {"envelope_id": envelope_id}
    (call,) = fake.wait_for("chat.postMessage", lambda c: c.body.get("channel") == "C0SOCKET2")
    assert call.body["thread_ts"] == ts
    assert call.body["blocks"] == answer_card(engine.answer("neut 0.4 on 10mg")).message()["blocks"]


def test_share_button_over_socket_mode(socket_mode):
    sockets, fake, _ = socket_mode
    payload = block_action_payload(ACTION_SHARE, QUESTION, channel="C0SOCKET3", user="U0SHARER", response_url=fake.response_url("socket-share"))
    envelope_id = str(uuid.uuid4())
    sockets.send({"envelope_id": envelope_id, "type": "interactive", "accepts_response_payload": False, "payload": payload})
    assert sockets.wait_ack(envelope_id)["envelope_id"] == envelope_id
    (call,) = fake.wait_for("chat.postMessage", lambda c: c.body.get("channel") == "C0SOCKET3")
    assert call.body["blocks"] == answer_card(engine.answer(QUESTION), shared_by="U0SHARER").message()["blocks"]


def test_socket_mode_logs_carry_no_tokens(socket_mode):
    _, _, process = socket_mode
    process.wait_for_line("answered surface=share")
    assert APP_TOKEN not in process.output() and BOT_TOKEN not in process.output()
    assert "neut 0.4" not in process.output()

"""Acknowledgements never wait on the Web API, and a stopped server still delivers replies under way.

Each test runs its own `wardbot serve --http`. The fake Slack holds chosen calls unanswered, which
shows ordering without measuring time: the acknowledgement arrives while the reply is still held.
"""
from __future__ import annotations

import signal
import sqlite3
import time

import pytest
from fake_slack import BOT_USER_ID, JSON, FakeSlack, event_body
from slack_harness import serve_http


@pytest.fixture
def server(tmp_path):
    fake = FakeSlack().start()
    try:
        with serve_http(fake, tmp_path / "audit.sqlite3") as running:
            yield running
    finally:
        fake.stop()


def mention(channel: str) -> bytes:
    event = {"type": "app_mention", "user": "U0NURSE1", "text": f"<@{BOT_USER_ID}> neut 0.4 on 10mg", "ts": f"{time.time():.6f}", "channel": channel}
    return event_body(event, event_id="Ev" + channel)


def test_event_is_acknowledged_while_the_reply_is_still_held(server):
    gate = server.fake.hold("chat.postMessage", lambda body: body.get("channel") == "C0HELD")
    try:
        status, _ = server.post(mention("C0HELD"), content_type=JSON)
        assert status == 200
        server.fake.wait_arrival("chat.postMessage", lambda body: body.get("channel") == "C0HELD")
        assert not server.fake.calls("chat.postMessage")  # acknowledged; the reply is still waiting
    finally:
        gate.set()
    server.fake.wait_for("chat.postMessage", lambda c: c.body.get("channel") == "C0HELD")


def test_sigterm_lets_replies_under_way_finish_and_commits_the_audit(server):
    gate = server.fake.hold("chat.postMessage", lambda body: body.get("channel") == "C0DRAIN")
    assert server.post(mention("C0DRAIN"), content_type=JSON)[0] == 200
    server.fake.wait_arrival("chat.postMessage", lambda body: body.get("channel") == "C0DRAIN")
    server.process.proc.send_signal(signal.SIGTERM)
    server.process.wait_for_line("Shutting down")
    gate.set()
    assert server.process.wait_exit() == 0
    (call,) = server.fake.wait_for("chat.postMessage", lambda c: c.body.get("channel") == "C0DRAIN")
    assert call.ok
    server.process.wait_for_line("wardbot.server stopped")
    with sqlite3.connect(server.audit_db) as db:
        assert db.execute("SELECT surface FROM answers").fetchall() == [("mention",)]

"""A fake Slack for end-to-end tests on loopback: the Web API (threaded http.server), signing, payloads.

The fake records every Web API call and response_url post with its parsed body, answers the way Slack
does (HTTP 200 with {"ok": ...}), and can be told to fail chosen calls (429 with Retry-After, or an
API error) to exercise the app's retry and apology paths.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BOT_TOKEN = "xoxb-1111-2222-fakebottoken"
APP_TOKEN = "xapp-1-A0WARD-3333-fakeapptoken"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_USER_ID = "U0WARDBOT"
BOT_ID = "B0WARDBOT"
TEAM_ID = "T0WARD"
APP_ID = "A0WARD"


@dataclass(frozen=True)
class Call:
    """One request the app made: a Web API method (e.g. chat.postMessage) or "response_url"."""

    method: str
    body: dict[str, Any]
    path: str
    status: int
    ok: bool


@dataclass
class _Failure:
    method: str
    where: Callable[[dict[str, Any]], bool]
    status: int
    error: str
    retry_after: int | None
    times: int


@dataclass
class _Hold:
    method: str
    where: Callable[[dict[str, Any]], bool]
    gate: threading.Event


@dataclass
class FakeSlack:
    """The fake Web API. start() it, point SLACK_API_URL at `api_url`, then inspect `calls`."""

    bot_token: str = BOT_TOKEN
    app_token: str = APP_TOKEN
    socket_mode_url: str | None = None
    _calls: list[Call] = field(default_factory=list)
    _failures: list[_Failure] = field(default_factory=list)
    _holds: list[_Hold] = field(default_factory=list)
    _arrivals: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    _lock: threading.Condition = field(default_factory=threading.Condition)
    _server: ThreadingHTTPServer | None = None

    def start(self) -> FakeSlack:
        """Listen on an ephemeral loopback port in a background thread."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                fake._handle(self)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="fake-slack", daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        """What SLACK_API_URL should be."""
        return f"{self.base_url}/api/"

    def response_url(self, name: str) -> str:
        """A response_url for a payload; posts to it are recorded as method "response_url" with this path."""
        return f"{self.base_url}/response/{name}"

    def fail(
        self,
        method: str,
        *,
        where: Callable[[dict[str, Any]], bool] = lambda body: True,
        status: int = 200,
        error: str = "fatal_error",
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` matching calls fail (status 429 + Retry-After, or ok:false with `error`)."""
        with self._lock:
            self._failures.append(_Failure(method, where, status, error, retry_after, times))

    def hold(self, method: str, where: Callable[[dict[str, Any]], bool] = lambda body: True) -> threading.Event:
        """Keep matching calls waiting (unanswered) until the returned event is set."""
        gate = threading.Event()
        with self._lock:
            self._holds.append(_Hold(method, where, gate))
        return gate

    def wait_arrival(self, method: str, where: Callable[[dict[str, Any]], bool] = lambda body: True, timeout: float = 15.0) -> None:
        """Block until a matching call has arrived, answered or not (for calls being held)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not any(m == method and where(b) for m, b in self._arrivals):
                remaining = deadline - time.monotonic()
                assert remaining > 0, f"no {method} call arrived"
                self._lock.wait(timeout=min(remaining, 0.5))

    def calls(self, method: str | None = None, where: Callable[[Call], bool] = lambda c: True) -> list[Call]:
        """Recorded calls, oldest first, optionally of one method and matching a predicate."""
        with self._lock:
            return [c for c in self._calls if (method is None or c.method == method) and where(c)]

    def wait_for(
        self,
        method: str,
        where: Callable[[Call], bool] = lambda c: True,
        count: int = 1,
        timeout: float = 15.0,
    ) -> list[Call]:
        """Block until at least `count` matching calls were recorded (generous timeout for loaded machines)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [c for c in self._calls if c.method == method and where(c)]
                remaining = deadline - time.monotonic()
                if len(found) >= count or remaining <= 0:
                    break
                self._lock.wait(timeout=min(remaining, 0.5))
        assert len(found) >= count, f"expected {count} {method} call(s), saw {len(found)}: {self.calls()!r}"[:4000]
        return found

    # -- request handling ----------------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        body = _parse_body(raw, request.headers.get("Content-Type") or "")
        path = urllib.parse.urlsplit(request.path).path
        if path.startswith("/response/"):
            self._record(Call("response_url", body, path.removeprefix("/response/"), 200, True))
            _reply(request, 200, {"ok": True})
            return
        if not path.startswith("/api/"):
            _reply(request, 404, {"ok": False, "error": "not_found"})
            return
        method = path.removeprefix("/api/")
        with self._lock:
            self._arrivals.append((method, body))
            self._lock.notify_all()
            gates = [h.gate for h in self._holds if h.method == method and h.where(body)]
        for gate in gates:
            gate.wait(timeout=60)
        status, payload, headers = self._answer(method, body, _token(request, body))
        self._record(Call(method, body, path, status, bool(payload.get("ok"))))
        _reply(request, status, payload, headers)

    def _answer(self, method: str, body: dict[str, Any], token: str | None) -> tuple[int, dict[str, Any], dict[str, str]]:
        failure = self._take_failure(method, body)
        if failure is not None:
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            error = "ratelimited" if failure.status == 429 else failure.error
            return failure.status, {"ok": False, "error": error}, headers
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if token != expected:
            return 200, {"ok": False, "error": "invalid_auth" if token else "not_authed"}, {}
        return 200, self._success(method, body), {}

    def _success(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        now = f"{time.time():.6f}"
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://ward.slack.com/",
                "team": "Ward",
                "user": "wardbot",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            }
        if method == "chat.postMessage":
            message = {k: body.get(k) for k in ("text", "blocks", "thread_ts") if k in body}
            return {"ok": True, "channel": body.get("channel"), "ts": now, "message": {"type": "message", "ts": now, **message}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": now}
        if method == "views.open":
            view = body.get("view") or {}
            view = json.loads(view) if isinstance(view, str) else view
            if not body.get("trigger_id"):
                return {"ok": False, "error": "invalid_trigger_id"}
            return {"ok": True, "view": {"id": "V0MODAL", **view}}
        if method == "views.publish":
            return {"ok": True, "view": {"id": "V0HOME", **(body.get("view") or {})}}
        if method == "apps.connections.open":
            if not self.socket_mode_url:
                return {"ok": False, "error": "socket_mode_not_configured"}
            return {"ok": True, "url": self.socket_mode_url}
        return {"ok": False, "error": "unknown_method"}

    def _take_failure(self, method: str, body: dict[str, Any]) -> _Failure | None:
        with self._lock:
            for failure in self._failures:
                if failure.method == method and failure.times > 0 and failure.where(body):
                    failure.times -= 1
                    return failure
        return None

    def _record(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)
            self._lock.notify_all()


def _parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
    text = raw.decode("utf-8", errors="replace")
    if not text:
        return {}
    if "json" in content_type or text.lstrip().startswith("{"):
        try:
            body = json.loads(text)
        except ValueError:
            return {"_raw": text}
    else:
        body = {k: v[-1] for k, v in urllib.parse.parse_qs(text, keep_blank_values=True).items()}
    # Form-encoded Web API calls send blocks/view as JSON strings; decode so tests see one shape.
    for key in ("blocks", "view"):
        if isinstance(body.get(key), str):
            try:
                body[key] = json.loads(body[key])
            except ValueError:
                pass
    return body


def _token(request: BaseHTTPRequestHandler, body: dict[str, Any]) -> str | None:
    auth = request.headers.get("Authorization") or ""
    if auth.startswith("Bearer "):
        return auth.removeprefix("Bearer ")
    return body.get("token")


def _reply(request: BaseHTTPRequestHandler, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
    data = json.dumps(payload).encode("utf-8")
    request.send_response(status)
    request.send_header("Content-Type", "application/json; charset=utf-8")
    request.send_header("Content-Length", str(len(data)))
    for name, value in (headers or {}).items():
        request.send_header(name, value)
    request.end_headers()
    request.wfile.write(data)


# -- requests as Slack sends them ------------------------------------------------------------------


def signed_headers(body: bytes, *, secret: str = SIGNING_SECRET, timestamp: int | None = None, content_type: str) -> dict[str, str]:
    """Headers exactly as Slack signs a request: v0= + HMAC-SHA256 of v0:{timestamp}:{body}."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + ts.encode() + b":" + body
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }


FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def slash_command_body(text: str, *, channel: str, user: str = "U0NURSE1", response_url: str = "") -> bytes:
    """The form body of a `/wardbot` slash command."""
    fields = {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "team_domain": "ward",
        "channel_id": channel,
        "channel_name": "haem-ward",
        "user_id": user,
        "user_name": "nurse",
        "command": "/wardbot",
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": "1337.42.abcd",
    }
    return urllib.parse.urlencode(fields).encode("utf-8")


def event_body(event: dict[str, Any], *, event_id: str) -> bytes:
    """The JSON body of an Events API event_callback."""
    envelope = event_envelope(event, event_id=event_id)
    return json.dumps(envelope).encode("utf-8")


def event_envelope(event: dict[str, Any], *, event_id: str) -> dict[str, Any]:
    """An event_callback wrapper (also the Socket Mode events_api payload)."""
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "event": {"event_ts": event.get("ts"), **event},
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True, "is_enterprise_install": False}],
        "is_ext_shared_channel": False,
    }


def interactive_body(payload: dict[str, Any]) -> bytes:
    """The form body Slack posts for block actions and shortcuts: payload=<json>."""
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode("utf-8")


def block_action_payload(action_id: str, value: str, *, channel: str, user: str = "U0NURSE1", response_url: str) -> dict[str, Any]:
    """A block_actions payload for a button clicked on an ephemeral card."""
    return {
        "type": "block_actions",
        "user": {"id": user, "username": "nurse", "name": "nurse", "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": channel, "is_ephemeral": True},
        "trigger_id": "1337.42.abcd",
        "team": {"id": TEAM_ID, "domain": "ward"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "haem-ward"},
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": "b1",
                "text": {"type": "plain_text", "text": "button", "emoji": True},
                "value": value,
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }


def message_shortcut_payload(text: str, *, channel: str, user: str = "U0NURSE1", response_url: str) -> dict[str, Any]:
    """A message_action payload for the "Ask wardbot" shortcut used on a message."""
    return {
        "type": "message_action",
        "callback_id": "ask_wardbot",
        "trigger_id": "1337.42.abcd",
        "token": "legacy-verification-token",
        "action_ts": f"{time.time():.6f}",
        "team": {"id": TEAM_ID, "domain": "ward"},
        "user": {"id": user, "name": "nurse", "team_id": TEAM_ID},
        "channel": {"id": channel, "name": "haem-ward"},
        "is_enterprise_install": False,
        "enterprise": None,
        "response_url": response_url,
        "message_ts": "1700000000.000200",
        "message": {"type": "message", "user": "U0DOCTOR", "ts": "1700000000.000200", "text": text, "team": TEAM_ID},
    }


def view_submission_payload(view: dict[str, Any], values: dict[str, str], *, user: str = "U0NURSE1") -> dict[str, Any]:
    """A view_submission payload for a modal this app opened, each select answered with the option value given."""
    state = {
        block["block_id"]: {block["element"]["action_id"]: {
            "type": "static_select",
            "selected_option": {"text": {"type": "plain_text", "text": values[block["block_id"]]}, "value": values[block["block_id"]]},
        }}
        for block in view["blocks"] if block.get("type") == "input" and block["block_id"] in values
    }
    return {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "ward"},
        "user": {"id": user, "username": "nurse", "name": "nurse", "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "trigger_id": "1338.42.abcd",
        "view": {
            "id": "V0MODAL", "team_id": TEAM_ID, "type": "modal", "callback_id": view["callback_id"],
            "private_metadata": view.get("private_metadata", ""), "blocks": view["blocks"],
            "state": {"values": state}, "hash": "1700000000.abcdef", "app_id": APP_ID, "bot_id": BOT_ID,
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }

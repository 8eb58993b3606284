"""`wardbot serve`: Socket Mode when an app-level token is set, else HTTP on Starlette under uvicorn."""
from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from typing import Any

import uvicorn
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.adapter.starlette.async_handler import (
    to_async_bolt_request,
    to_starlette_response,
)
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.audit import AuditError, open_audit

from . import logs
from .app import build_app
from .cards import EXAMPLES
from .config import ConfigError, Settings, choose_mode, load_settings
from .listeners import Listeners, reply_to

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# Slack's largest payloads (a 40,000-character message with blocks) are far below this.
MAX_BODY_BYTES = 1 << 20
_REJECTED_TOKEN = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"})

log = logging.getLogger("wardbot.server")


def run(http: bool, host: str, port: int) -> int:
    """Run the Slack app until SIGTERM or SIGINT; 2 and one line on stderr for a bad setting."""
    env = os.environ
    try:
        settings = load_settings(env, choose_mode(env, http))
        audit = open_audit(env)
    except (ConfigError, AuditError) as error:
        print(f"wardbot: {error}", file=sys.stderr)
        return 2
    log_writer = logs.configure(
        secrets=tuple(s for s in (settings.bot_token, settings.signing_secret, settings.app_token) if s),
        level=logs.level_from_env(env.get("WARDBOT_LOG_LEVEL")),
    )
    try:
        return asyncio.run(_serve(settings, audit, host, port))
    except KeyboardInterrupt:
        # Ctrl-C before our handlers were installed (during start-up).
        return 130
    except SystemExit as stop:
        # uvicorn exits 1 when it cannot bind the port.
        return stop.code if isinstance(stop.code, int) else 1
    finally:
        audit.close()
        log.info("stopped")
        log_writer.stop()


async def _serve(settings: Settings, audit: Any, host: str, port: int) -> int:
    stop = _stop_on_signals()
    listeners = Listeners(audit=audit)
    app = build_app(settings, listeners)
    try:
        if not await _token_accepted(app):
            return 2
        _warm_up()
        if settings.mode == "http":
            await serve_http(build_asgi(app), host, port, stop)
        else:
            await serve_socket_mode(app, settings.app_token or "", stop)
    finally:
        # Replies already acknowledged to Slack still go out before the process ends.
        await listeners.drain()
    return 0


def _stop_on_signals() -> asyncio.Event:
    """An event set by the first SIGTERM (docker stop, systemd) or SIGINT (Ctrl-C)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def request_stop(_signum: int, _frame: object) -> None:
        loop.call_soon_threadsafe(stop.set)

    # signal.signal rather than loop.add_signal_handler: uvicorn swaps in its own handlers while it
    # serves and puts these back (and re-raises the signal to them) when it has shut down.
    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    return stop


async def _token_accepted(app: AsyncApp) -> bool:
    """auth.test once at start-up, so a revoked token stops here rather than at the first question."""
    try:
        await app.client.auth_test()
    except SlackApiError as error:
        code = error.response.get("error")
        if code in _REJECTED_TOKEN:
            print(f"wardbot: SLACK_BOT_TOKEN was rejected by Slack ({code})", file=sys.stderr)
            return False
        log.warning("auth.test failed at start-up error=%s code=%s; continuing", type(error).__name__, code)
    except Exception as error:  # noqa: BLE001 - Slack unreachable now may be reachable later; Bolt retries lazily
        log.warning("auth.test failed at start-up error=%s; continuing", type(error).__name__)
    return True


def _warm_up() -> None:
    """Answer the usage examples once so the first real question does not pay for lazy loading."""
    for example in EXAMPLES:
        reply_to(example)


def build_asgi(bolt_app: AsyncApp) -> Starlette:
    """The ASGI app: POST /slack/events for events, commands and interactivity; GET /healthz."""

    async def slack_events(request: Request) -> Response:
        body = await _bounded_body(request)
        if body is None:
            return Response(status_code=413)
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            # Slack signs UTF-8 text only; anything else is not from Slack, so it gets what a forgery gets.
            log.warning("request rejected status=401 (not UTF-8)")
            return Response(status_code=401)
        bolt_response = await bolt_app.async_dispatch(to_async_bolt_request(request, body))
        if bolt_response.status == 401:
            log.warning("request rejected status=401 (unsigned, forged or stale)")
        return to_starlette_response(bolt_response)

    async def healthz(_: Request) -> Response:
        return JSONResponse({"ok": True})

    return Starlette(
        routes=[
            Route(EVENTS_PATH, slack_events, methods=["POST"]),
            Route(HEALTH_PATH, healthz, methods=["GET"]),
        ]
    )


async def serve_http(asgi: Any, host: str, port: int, stop: asyncio.Event | None = None) -> None:
    """Serve the ASGI app with uvicorn until a signal (or `stop`); logs the bound port (useful with port 0)."""
    config = uvicorn.Config(
        asgi,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        lifespan="off",
        server_header=False,
        # Slack's load balancers reuse connections; keep them longer than its idle timeout.
        timeout_keep_alive=75,
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started and not serving.done():
        await asyncio.sleep(0.05)
    if server.started:
        bound = server.servers[0].sockets[0].getsockname()
        log.info("http listening host=%s port=%d paths=%s,%s", bound[0], bound[1], EVENTS_PATH, HEALTH_PATH)
    if stop is not None:
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({serving, stopped}, return_when=asyncio.FIRST_COMPLETED)
        # A signal before uvicorn took over signal handling (start-up) lands here.
        server.should_exit = True
        stopped.cancel()
    await serving


async def serve_socket_mode(app: AsyncApp, app_token: str, stop: asyncio.Event) -> None:
    """Hold a Socket Mode connection open (the SDK reconnects on its own) until `stop` is set."""
    handler = AsyncSocketModeHandler(app, app_token, logger=logging.getLogger("wardbot.socket_mode"))
    try:
        await handler.connect_async()
        log.info("socket mode connected")
        await stop.wait()
    finally:
        await handler.close_async()


async def _bounded_body(request: Request) -> bytes | None:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)

"""Logging for the Slack app: event kinds, ids and error classes only, whoever writes the line.

Our own log calls never include message text. Bolt and the SDK do (Bolt logs the whole request body
when a signature check fails), so their lines are cut to the fixed sentence before any interpolated
detail. Tracebacks are reduced to the error class and the line it came from, since an exception's
message can quote patient text. Tokens and the signing secret are scrubbed from every line.
"""
from __future__ import annotations

import logging
import queue
import re
import sys
import traceback
from logging.handlers import QueueHandler, QueueListener
from pathlib import Path

_TOKEN = re.compile(r"\bx(?:ox[a-z]|app)-[A-Za-z0-9-]+")
# Libraries that may interpolate request bodies, payloads or API responses into their messages.
_THIRD_PARTY = ("slack_bolt", "slack_sdk", "wardbot.bolt", "wardbot.socket_mode", "wardbot.slack_sdk")
# Their fixed wording comes first; whatever follows one of these characters is interpolated detail.
_DETAIL_START = re.compile(r"[(:{\[\n]")
# Bolt warns this because it reads SLACK_BOT_TOKEN itself; we hand it a client deliberately.
_EXPECTED_NOISE = ("As you gave `client` as well",)
_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class SafeLogFilter(logging.Filter):
    """Scrub tokens and secrets, cut third-party detail, reduce tracebacks to class and location."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith(_EXPECTED_NOISE):
            return False
        if record.name.startswith(_THIRD_PARTY):
            message = _DETAIL_START.split(message, maxsplit=1)[0].rstrip(" .,;")
        if record.exc_info and record.exc_info[1] is not None:
            message += f" error={_where(record.exc_info[1])}"
            record.exc_info = None
            record.exc_text = None
        message = _TOKEN.sub("[redacted]", message)
        for secret in self._secrets:
            message = message.replace(secret, "[redacted]")
        record.msg, record.args = message, None
        return True


class _Enqueue(QueueHandler):
    """Hand records to the writer thread as they are: SafeLogFilter has already made them final."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        return record


def configure(secrets: tuple[str, ...] = (), level: str | int = logging.INFO) -> QueueListener:
    """Log to stderr at `level` through SafeLogFilter from a writer thread; stop() the result at exit."""
    # Scrubbing happens on the calling thread, so nothing unsafe ever crosses to the queue; formatting
    # and the write to stderr happen on the writer thread, off the event loop that acknowledges Slack.
    stream = logging.StreamHandler(sys.stderr)
    stream.setFormatter(logging.Formatter(_FORMAT))
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    enqueue = _Enqueue(records)
    enqueue.addFilter(SafeLogFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [enqueue]
    root.setLevel(level)
    # Library loggers never follow a DEBUG root: their DEBUG lines carry request and response bodies.
    for name in ("slack_bolt", "slack_sdk", "aiohttp", "uvicorn", "asyncio", "wardbot.slack_sdk", "wardbot.socket_mode"):
        logging.getLogger(name).setLevel(logging.INFO)
    # Bolt copies this level onto each middleware's logger; its INFO lines are the ones that dump bodies.
    logging.getLogger("wardbot.bolt").setLevel(logging.WARNING)
    # Access lines carry only method and path, but one per request is noise in a ward bot.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    listener = QueueListener(records, stream)
    listener.start()
    return listener


def level_from_env(value: str | None) -> int:
    """WARDBOT_LOG_LEVEL as a logging level (DEBUG adds one line per answer); INFO when unset or unknown."""
    level = logging.getLevelName((value or "INFO").strip().upper())
    return level if isinstance(level, int) else logging.INFO


def error_class(error: BaseException) -> str:
    """The name to log for an error: its class, never its message (messages can quote patient text)."""
    return type(error).__name__


def _where(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return type(error).__name__
    last = frames[-1]
    return f"{type(error).__name__} at {Path(last.filename).name}:{last.lineno}"

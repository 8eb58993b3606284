"""The log filter: tokens scrubbed, third-party detail cut, tracebacks reduced to class and place."""
from __future__ import annotations

import logging

from bot.slack.logs import SafeLogFilter, level_from_env


def record(name: str, message: str, *args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord(name, logging.INFO, __file__, 1, message, args, exc_info)


def passed(rec: logging.LogRecord, secrets: tuple[str, ...] = ()) -> str:
    assert SafeLogFilter(secrets).filter(rec)
    return logging.Formatter("%(message)s").format(rec)


def test_bolt_signature_failure_line_loses_the_body():
    rec = record("slack_bolt.RequestVerification", "Invalid request signature detected (signature: v0=1, timestamp: 1, body: %s)", '{"text": "Mr Quux plt 25"}')
    assert passed(rec) == "Invalid request signature detected"


def test_tokens_and_configured_secrets_are_redacted_everywhere():
    rec = record("wardbot.slack", "token %s secret %s", "xoxb-123-456-abc", "8f742231b10e")
    assert passed(rec, secrets=("8f742231b10e",)) == "token [redacted] secret [redacted]"
    assert passed(record("x", "app xapp-1-A1-2-abc")) == "app [redacted]"


def test_tracebacks_become_class_and_location():
    try:
        raise ValueError("Mr Quux plt 25")
    except ValueError as error:
        rec = record("uvicorn.error", "Exception in ASGI application", exc_info=(type(error), error, error.__traceback__))
    line = passed(rec)
    assert line.startswith("Exception in ASGI application error=ValueError at test_slack_logs.py:")
    assert "Quux" not in line


def test_bolts_expected_client_warning_is_dropped():
    rec = record("wardbot.bolt", "As you gave `client` as well, `token` will be unused.")
    assert not SafeLogFilter().filter(rec)


def test_log_level_from_the_environment():
    assert level_from_env(None) == logging.INFO
    assert level_from_env("debug") == logging.DEBUG
    assert level_from_env(" WARNING ") == logging.WARNING
    assert level_from_env("chatty") == logging.INFO

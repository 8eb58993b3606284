"""Fixtures for the Slack tests: the fake Slack, and `wardbot serve --http` run as a real subprocess."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The helpers sit next to this file; make them importable whatever pytest's import mode.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from fake_slack import FakeSlack  # noqa: E402
from slack_harness import Wardbot, serve_http  # noqa: E402


@pytest.fixture(scope="module")
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def wardbot(fake_slack: FakeSlack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Wardbot]:
    """One HTTP-mode server per test module (start-up costs a second or two on a loaded machine)."""
    audit_db = tmp_path_factory.mktemp("audit") / "audit.sqlite3"
    # The most talkative level, so the log checks see a line per answer and still find no text.
    with serve_http(fake_slack, audit_db, WARDBOT_LOG_LEVEL="DEBUG") as server:
        yield server

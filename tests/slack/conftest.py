"""Fixtures for the Slack tests: the fake Slack, and `wardbot serve --http` run as a real subprocess."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The helpers sit next to this file; make them importable whatever pytest's import mode.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from fake_slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack  # noqa: E402
from slack_harness import LISTENING, Wardbot, WardbotProcess, clean_env  # noqa: E402


@pytest.fixture(scope="module")
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def wardbot(fake_slack: FakeSlack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Wardbot]:
    """One HTTP-mode server per test module (start-up costs a second or two on a loaded machine)."""
    audit_db = tmp_path_factory.mktemp("audit") / "audit.sqlite3"
    env = clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        WARDBOT_AUDIT_DB=str(audit_db),
        # The most talkative level, so the log checks see a line per answer and still find no text.
        WARDBOT_LOG_LEVEL="DEBUG",
    )
    process = WardbotProcess(["--http", "--host", "127.0.0.1", "--port", "0"], env)
    try:
        port = int(process.wait_for_line(LISTENING).group(1))
        yield Wardbot(fake=fake_slack, process=process, port=port, audit_db=audit_db)
    finally:
        process.stop()

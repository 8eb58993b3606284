"""Running `wardbot serve` as a real subprocess on loopback, and talking to it as Slack would."""
from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fake_slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, signed_headers

REPO = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"http listening host=\S+ port=(\d+)")


class ServerProcess:
    """A server subprocess with its combined output collected line by line for assertions."""

    def __init__(self, argv: list[str], env: Mapping[str, str]) -> None:
        self.lines: list[str] = []
        self._eof = False
        self._changed = threading.Condition()
        self.proc = subprocess.Popen(
            argv,
            cwd=REPO,
            env=dict(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._eof = True
            self._changed.notify_all()

    def wait_for_line(self, pattern: re.Pattern[str] | str, timeout: float = 30.0) -> re.Match[str]:
        """The first output line matching `pattern`, waiting for it; fails with the output so far."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for line in self.lines:
                    match = regex.search(line)
                    if match:
                        return match
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._eof:
                    raise AssertionError(f"no line matching {regex.pattern!r}; output:\n{self.output()}")
                self._changed.wait(timeout=min(remaining, 0.5))

    def output(self) -> str:
        """Everything the process printed so far."""
        return "\n".join(self.lines)

    def wait_exit(self, timeout: float = 30.0) -> int:
        """The exit code, once the process ends by itself."""
        return self.proc.wait(timeout=timeout)

    def stop(self) -> None:
        """Terminate (SIGTERM), escalating to kill if it hangs."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)


class WardbotProcess(ServerProcess):
    """`python -m bot.cli serve ...`."""

    def __init__(self, args: list[str], env: Mapping[str, str]) -> None:
        super().__init__([sys.executable, "-m", "bot.cli", "serve", *args], env)


def clean_env(**settings: str) -> dict[str, str]:
    """The test process's environment without any real Slack or audit settings, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "WARDBOT_"))}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(settings)
    return env


@dataclass
class Wardbot:
    """A running `wardbot serve --http` and the fake Slack it talks to."""

    fake: FakeSlack
    process: WardbotProcess
    port: int
    audit_db: Path

    def post(
        self,
        body: bytes,
        *,
        content_type: str,
        signed: bool = True,
        timestamp: int | None = None,
        secret: str = SIGNING_SECRET,
        extra_headers: Mapping[str, str] | None = None,
        path: str = "/slack/events",
    ) -> tuple[int, bytes]:
        """POST to the app over loopback, signed as Slack signs unless told otherwise."""
        headers = (
            signed_headers(body, secret=secret, timestamp=timestamp, content_type=content_type)
            if signed
            else {"Content-Type": content_type}
        )
        headers.update(extra_headers or {})
        return http_request(self.port, "POST", path, body, headers)


@contextmanager
def serve_http(fake: FakeSlack, audit_db: Path, **settings: str) -> Iterator[Wardbot]:
    """Run `wardbot serve --http` on a free loopback port against `fake`, with the audit store at `audit_db`."""
    env = clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.api_url,
        WARDBOT_AUDIT_DB=str(audit_db),
        **settings,
    )
    process = WardbotProcess(["--http", "--host", "127.0.0.1", "--port", "0"], env)
    try:
        port = int(process.wait_for_line(LISTENING).group(1))
        yield Wardbot(fake=fake, process=process, port=port, audit_db=audit_db)
    finally:
        process.stop()


def http_request(port: int, method: str, path: str, body: bytes = b"", headers: Mapping[str, str] | None = None) -> tuple[int, bytes]:
    """One HTTP request to 127.0.0.1:port with a generous timeout; returns status and body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=dict(headers or {}))
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()

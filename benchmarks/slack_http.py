"""Slash-command latency of `wardbot serve --http` against a bare Bolt app on the same server stack.

All servers run as subprocesses on loopback, talking to the fake Slack Web API from the tests (for
auth.test): the bare app as Bolt is usually configured, the same bare app acknowledging as its listener
returns (process_before_response, as wardbot does), and wardbot with its audit store on. Each gets a
warm-up, then the same load: N signed slash commands over C concurrent keep-alive connections,
alternating between servers in chunks. Prints p50, p99 and requests per second, and the ratios.

    python benchmarks/slack_http.py [--requests 2000] [--concurrency 32]

Target: wardbot's p99 within 1.25x of the bare app's, and every reply well under Slack's 3 s.
`--serve-bare --port P` is the bare app itself (used by the benchmark; not for direct use).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "slack"))

from fake_slack import (  # noqa: E402
    BOT_TOKEN,
    FORM,
    SIGNING_SECRET,
    FakeSlack,
    signed_headers,
    slash_command_body,
)
from slack_harness import LISTENING, ServerProcess  # noqa: E402

QUESTIONS = (
    "plt 25 day 1 on 10mg CrCl 40",
    "neut 0.4 on 10mg",
    "neut 0.4 on 5mg d1-21 second time",
    "plt 60 day 15 on 15mg",
    "spm",
    "vte",
    "help",
)
TARGET_P99_RATIO = 1.25
SLACK_DEADLINE_S = 3.0


@dataclass(frozen=True)
class Result:
    name: str
    latencies: tuple[float, ...]
    wall_seconds: float
    errors: int

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.wall_seconds


class Server(ServerProcess):
    """A server subprocess; its port is read from the 'http listening' log line."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        super().__init__(argv, env)
        try:
            self.port = int(self.wait_for_line(LISTENING, timeout=60).group(1))
        except AssertionError as error:
            self.stop()
            raise RuntimeError(f"server did not start: {error}") from None


async def drive(name: str, port: int, total: int, concurrency: int, check_json: bool) -> Result:
    """Send `total` signed slash commands with `concurrency` workers; time each request."""
    bodies = [slash_command_body(q, channel="C0BENCH") for q in QUESTIONS]
    url = f"http://127.0.0.1:{port}/slack/events"
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        for i in counter:  # shared iterator: bounded, each index taken once
            body = bodies[i % len(bodies)]
            headers = signed_headers(body, content_type=FORM)
            start = time.perf_counter()
            async with session.post(url, data=body, headers=headers) as response:
                payload = await response.read()
            latencies.append(time.perf_counter() - start)
            if response.status != 200 or (check_json and b'"blocks"' not in payload):
                errors += 1

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as session:
        began = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        wall = time.perf_counter() - began
    return Result(name, tuple(latencies), wall, errors)


def measure(servers: dict[str, Server], args: argparse.Namespace) -> dict[str, Result]:
    """Warm each server up, then alternate chunks of requests between them."""
    # Alternating means background load on a shared machine lands on every server alike, so the
    # ratios compare the apps rather than the moments they happened to run in.
    results: dict[str, list[Result]] = {name: [] for name in servers}
    for name, server in servers.items():
        assert server.port is not None
        asyncio.run(drive(name, server.port, args.warmup, args.concurrency, check_json=name == "wardbot"))
    chunks = max(1, args.chunks)
    sizes = [args.requests // chunks + (1 if i < args.requests % chunks else 0) for i in range(chunks)]
    for size in sizes:
        for name, server in servers.items():
            assert server.port is not None
            results[name].append(asyncio.run(drive(name, server.port, size, args.concurrency, check_json=name == "wardbot")))
    return {
        name: Result(
            name,
            tuple(lat for r in parts for lat in r.latencies),
            sum(r.wall_seconds for r in parts),
            sum(r.errors for r in parts),
        )
        for name, parts in results.items()
    }


def report(results: dict[str, Result]) -> bool:
    print(f"{'server':<22} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'req/s':>8}")
    for r in results.values():
        print(
            f"{r.name:<22} {len(r.latencies):>8} {r.errors:>6} {r.percentile(0.50) * 1e3:>8.1f} "
            f"{r.percentile(0.99) * 1e3:>8.1f} {max(r.latencies) * 1e3:>8.1f} {r.rps:>8.0f}"
        )
    wardbot = results["wardbot"]
    for name, bare in results.items():
        if name == "wardbot":
            continue
        print(
            f"ratio wardbot/{name}: p50 {wardbot.percentile(0.50) / bare.percentile(0.50):.2f}x, "
            f"p99 {wardbot.percentile(0.99) / bare.percentile(0.99):.2f}x, req/s {wardbot.rps / bare.rps:.2f}x"
        )
    bare = results["bare"]
    p99_ratio = wardbot.percentile(0.99) / bare.percentile(0.99)
    slowest = max(max(r.latencies) for r in results.values())
    met = p99_ratio <= TARGET_P99_RATIO and slowest < SLACK_DEADLINE_S and all(r.errors == 0 for r in results.values())
    print(
        f"target (p99 within {TARGET_P99_RATIO}x of bare, every reply < {SLACK_DEADLINE_S:.0f} s, no errors): "
        f"{'met' if met else 'NOT met'}"
    )
    return met


def serve_bare(host: str, port: int, process_before_response: bool) -> int:
    """A Bolt app that acknowledges /wardbot with a fixed string, on wardbot's own server stack."""
    from slack_bolt.async_app import AsyncApp

    from bot.slack import logs
    from bot.slack.app import build_client
    from bot.slack.config import load_settings
    from bot.slack.server import build_asgi, serve_http

    settings = load_settings(os.environ, "http")
    log_writer = logs.configure(secrets=(settings.bot_token, settings.signing_secret or ""))
    app = AsyncApp(
        client=build_client(settings),
        signing_secret=settings.signing_secret,
        process_before_response=process_before_response,
    )

    @app.command("/wardbot")
    async def _ack(ack) -> None:
        await ack("ok")

    try:
        asyncio.run(serve_http(build_asgi(app), host, port))
    finally:
        log_writer.stop()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--no-audit", dest="audit", action="store_false", help="run wardbot without its audit store")
    parser.add_argument("--chunks", type=int, default=8, help="alternate the servers this many times")
    parser.add_argument("--serve-bare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--pbr", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--host", default="127.0.0.1", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        return serve_bare(args.host, args.port, args.pbr)

    fake = FakeSlack().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "WARDBOT_"))}
            env.update(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake.api_url)
            bare_argv = [sys.executable, str(Path(__file__).resolve()), "--serve-bare", "--port", "0"]
            # wardbot runs as deployed, audit trail included, to show the write stays off the ack path.
            wardbot_env = {**env, "WARDBOT_AUDIT_DB": str(Path(tmp) / "audit.sqlite3")} if args.audit else env
            wardbot_argv = [sys.executable, "-m", "bot.cli", "serve", "--http", "--host", "127.0.0.1", "--port", "0"]
            print(
                f"{args.requests} signed slash commands per server, {args.concurrency} concurrent connections, "
                f"{args.warmup} warm-up requests each, alternating in {args.chunks} chunks, loopback; {os.cpu_count()} CPUs"
            )
            servers: dict[str, Server] = {}
            try:
                servers["bare"] = Server(bare_argv, env)
                # Bolt's default polls every 10 ms for ack(); wardbot acknowledges as its listener returns
                # (process_before_response). This bare twin does too, so the gap left is wardbot's own work.
                servers["bare+process_before"] = Server([*bare_argv, "--pbr"], env)
                servers["wardbot"] = Server(wardbot_argv, wardbot_env)
                results = measure(servers, args)
            finally:
                for server in servers.values():
                    server.stop()
    finally:
        fake.stop()
    met = report(results)
    summary = {
        "p99_ratio_vs_bare": round(results["wardbot"].percentile(0.99) / results["bare"].percentile(0.99), 3),
        "p99_ratio_vs_bare_process_before": round(
            results["wardbot"].percentile(0.99) / results["bare+process_before"].percentile(0.99), 3
        ),
        "target_met": met,
    }
    print(json.dumps(summary))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

"""Engine speed, run by hand: per-message latency, grammar load, one `wardbot ask` process against a bare import.

    python benchmarks/engine.py [CASES.jsonl ...] [--rounds N]

Prints figures; asserts nothing (speed is measured here, never in tests).

- Latency: answer() in process, warm, over every message of the case files (the sample cases
  and tests/data by default), p50 and p99 of several repeats; this machine's noise moves a
  single run by a good fraction, so the median of the repeats is the figure to quote. The
  sample cases alone are measured too: they are the set the 200 us p50 target was set on.
- Start-up: `python -m bot.cli ask ...` against `python -c "import lark, pydantic"`, the same
  interpreter, interleaved run by run so both see the same load, with bytecode caching on
  (as after `pip install .`, which compiles the package) and the grammar cache warm.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CASES = [ROOT.parent / "shared" / "eval" / "sample_cases.jsonl", *sorted((ROOT / "tests" / "data").glob("*.jsonl"))]
ASK = "plt 25 day 1 on 10mg CrCl 40"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def messages(paths: list[Path]) -> list[str]:
    out = []
    for path in paths:
        if path.is_file():
            out += [json.loads(line)["text"] for line in path.read_text().splitlines() if line.strip()]
    return out


def latency(msgs: list[str], rounds: int, repeats: int = 3) -> None:
    from bot.engine import answer

    for m in msgs:  # warm: parser built, scanners compiled, word caches filled
        answer(m)
    runs = []
    for _ in range(repeats):
        samples = []
        for _ in range(rounds):
            for m in msgs:
                t = time.perf_counter_ns()
                answer(m)
                samples.append((time.perf_counter_ns() - t) / 1000)
        runs.append((percentile(samples, 0.5), percentile(samples, 0.99), max(samples)))
    shown = "; ".join(f"p50 {p50:.0f} us, p99 {p99:.0f} us" for p50, p99, _ in runs)
    print(f"answer(), {len(msgs)} messages x {rounds} rounds, {repeats} repeats: {shown}")
    print(f"  median of repeats: p50 {statistics.median(r[0] for r in runs):.0f} us, "
          f"p99 {statistics.median(r[1] for r in runs):.0f} us, slowest {max(r[2] for r in runs) / 1000:.1f} ms")


def _env(cache: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode compiled
    if cache:
        env["XDG_CACHE_HOME"] = cache
    return env


def grammar_load() -> None:
    # In a fresh process each time: import first (not counted), then build the parser, with an
    # empty cache (cold) and with the cache the first run wrote (cached).
    code = "import time; import bot.parsing as p; t = time.perf_counter(); p.parser(); print(time.perf_counter() - t)"
    cache = tempfile.mkdtemp()
    try:
        cold = float(subprocess.check_output([sys.executable, "-c", code], env=_env(cache), text=True))
        cached = statistics.median(float(subprocess.check_output([sys.executable, "-c", code], env=_env(cache), text=True))
                                   for _ in range(5))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    print(f"grammar load (parser, lexer analysis; after imports): cold {cold * 1000:.0f} ms, cached {cached * 1000:.0f} ms")


def ask_process(runs: int = 40) -> None:
    commands = {
        "bare import": [sys.executable, "-c", "import lark, pydantic"],
        "wardbot ask": [sys.executable, "-m", "bot.cli", "ask", ASK],
    }
    env = _env()
    for cmd in commands.values():  # warm: bytecode written, grammar cache filled
        subprocess.run(cmd, capture_output=True, env=env, check=True)
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(cmd, capture_output=True, env=env, check=True)
            walls[name].append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    # CPU time is the steadier figure on a shared machine: waiting for a core does not count.
    for label, series in (("wall", walls), ("CPU", cpus)):
        median = {name: statistics.median(w) for name, w in series.items()}
        print(f"one process, {label} time, median of {runs} interleaved runs: "
              + ", ".join(f"{name} {m * 1000:.0f} ms" for name, m in median.items())
              + f"; ratio {median['wardbot ask'] / median['bare import']:.2f}x (target at most 2x)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("cases", nargs="*", type=Path, default=DEFAULT_CASES)
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    if args.cases == DEFAULT_CASES:
        print("sample cases only (the set the p50 target was set on):")
        latency(messages(DEFAULT_CASES[:1]), args.rounds * 5)
        print("all case files:")
    latency(messages(args.cases), args.rounds)
    grammar_load()
    ask_process()


if __name__ == "__main__":
    main()

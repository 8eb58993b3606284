"""Engine speed, run by hand: per-message latency, grammar load time, one `wardbot ask` process.

    python benchmarks/engine.py [CASES.jsonl] [--rounds N]

Prints figures; asserts nothing (speed is measured here, never in tests).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CASES = ROOT.parent / "shared" / "eval" / "sample_cases.jsonl"
FALLBACK = ["plt 25 day 1 on 10mg CrCl 40", "neutrophils 0.3 on 10mg", "anc 0.42 len 15mg day 8", "spm risk",
            "creatinine 110 umol/L, 75 year old woman, 58kg", "NHS number 401 023 2137 neut 0.3 on 10mg"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def messages(path: Path) -> list[str]:
    if path.is_file():
        return [json.loads(line)["text"] for line in path.read_text().splitlines() if line.strip()]
    return FALLBACK


def latency(msgs: list[str], rounds: int, repeats: int = 3) -> None:
    from bot.engine import answer

    for m in msgs:  # warm: parser built, word caches filled
        answer(m)
    # Several repeats, because a shared VM's noise moves a single run by +-15%.
    runs = []
    for _ in range(repeats):
        samples = []
        for _ in range(rounds):
            for m in msgs:
                t = time.perf_counter_ns()
                answer(m)
                samples.append((time.perf_counter_ns() - t) / 1000)
        runs.append((percentile(samples, 0.5), percentile(samples, 0.99), statistics.fmean(samples)))
    shown = "; ".join(f"p50 {p50:.0f} us, p99 {p99:.0f} us" for p50, p99, _ in runs)
    best = min(runs)
    print(f"answer(), {len(msgs)} messages x {rounds} rounds, {repeats} repeats: {shown}")
    print(f"  median of repeats: p50 {statistics.median(r[0] for r in runs):.0f} us, "
          f"p99 {statistics.median(r[1] for r in runs):.0f} us; best repeat p50 {best[0]:.0f} us")


def grammar_load() -> None:
    # In a fresh process each time: import first (not counted), then build the parser and
    # the lexer/driver, with an empty lark cache (cold) and with the cache lark wrote (cached).
    code = ("import time; import bot.parse as p; t = time.perf_counter(); p.parser(); p._driver(); "
            "print(time.perf_counter() - t)")
    cache = tempfile.mkdtemp()
    env = dict(os.environ, XDG_CACHE_HOME=cache)
    try:
        cold = float(subprocess.check_output([sys.executable, "-c", code], env=env, text=True))
        cached = statistics.median(float(subprocess.check_output([sys.executable, "-c", code], env=env, text=True)) for _ in range(5))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    print(f"grammar load (parser + lexer tables, after imports): cold {cold * 1000:.0f} ms, cached {cached * 1000:.0f} ms")


def ask_process(runs: int = 10) -> None:
    exe = shutil.which("wardbot")
    cmd = [exe] if exe else [sys.executable, "-m", "bot.cli"]
    subprocess.run([*cmd, "ask", "warm"], capture_output=True)
    walls = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([*cmd, "ask", "plt 25 day 1 on 10mg CrCl 40"], capture_output=True, check=True)
        walls.append(time.perf_counter() - t)
    print(f"`{' '.join(cmd[-1:])} ask` process wall time over {runs} runs: median {statistics.median(walls):.3f} s, "
          f"max {max(walls):.3f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("cases", nargs="?", default=str(DEFAULT_CASES))
    ap.add_argument("--rounds", type=int, default=200)
    args = ap.parse_args()
    latency(messages(Path(args.cases)), args.rounds)
    grammar_load()
    ask_process()


if __name__ == "__main__":
    main()

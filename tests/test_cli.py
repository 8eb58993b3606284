"""`wardbot ask` exactly as CONTRACT.md says, run as a real process."""
from __future__ import annotations

import json
import subprocess
import sys

CMD = [sys.executable, "-m", "bot.cli"]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*CMD, *args], input=stdin, capture_output=True, text=True, timeout=60)


def test_ask_prints_the_card() -> None:
    p = run("ask", "plt 25 day 1 on 10mg CrCl 40")
    assert p.returncode == 0
    assert "Read as:" in p.stdout and "Protocol:" in p.stdout and "Decision support" in p.stdout


def test_ask_unquoted_words_are_one_message() -> None:
    p = run("ask", "--json", "neut", "0.3", "on", "10mg")
    assert json.loads(p.stdout)["action"] == "interrupt"


def test_ask_json_is_one_object() -> None:
    p = run("ask", "--json", "neut 0.3 on 10mg")
    lines = p.stdout.strip().splitlines()
    assert len(lines) == 1
    got = json.loads(lines[0])
    assert (got["status"], got["action"], got["dose"]["mg"], got["dose"]["days"]) == ("answered", "interrupt", 5, "1-28")


def test_batch_one_line_per_message_in_order_and_bad_lines_do_not_stop_it() -> None:
    messages = ["neut 0.3 on 10mg", "", "\x00\x01garbage", "x" * 5000, "spm", "plt 30 d1 on 15mg"]
    p = run("ask", "--json", "-", stdin="\n".join(messages) + "\n")
    assert p.returncode == 0
    out = [json.loads(line) for line in p.stdout.splitlines()]
    assert [o["status"] for o in out] == ["answered", "rejected", "rejected", "rejected", "answered", "answered"]
    assert out[4]["topics"] == ["spm"] and out[5]["action"] == "continue"


def test_batch_survives_invalid_utf8() -> None:
    p = subprocess.run([*CMD, "ask", "--json", "-"], input=b"\xff\xfe\xfa neut\nneut 0.3 on 10mg\n", capture_output=True, timeout=60)
    lines = p.stdout.decode().splitlines()
    assert len(lines) == 2 and json.loads(lines[1])["action"] == "interrupt"


def test_help_and_bad_usage() -> None:
    assert run("--help").returncode == 0
    assert run("ask").returncode == 2


def test_a_dosing_answer_does_not_load_the_guidance_file() -> None:
    # Start-up time: the guidance file (and its validating models) loads only for a look-up.
    code = ("import sys; from bot.engine import answer; answer('plt 25 day 1 on 10mg CrCl 40'); "
            "print('bot.guidance' in sys.modules); answer('spm risk'); print('bot.guidance' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]


def test_a_closed_pipe_ends_quietly() -> None:
    # "wardbot ask ... | head -1": the reader leaves early; no traceback, exit 0.
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "ask", "--json", "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # nobody reads the answers
    _, err = proc.communicate(("neut 0.3 on 10mg\n" * 2000).encode())
    assert proc.returncode == 0 and b"Traceback" not in err, err.decode()[-300:]

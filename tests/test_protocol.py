"""The protocol file: packaged default, validation, and a hospital's own file."""
from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from importlib import resources

import pytest

from bot.answer import Dose
from bot.engine import answer
from bot.protocol import DEFAULT_FILE, Protocol, load_protocol
from bot.schema import SchemaError, build


def packaged() -> str:
    return resources.files("bot.protocols").joinpath(DEFAULT_FILE).read_text(encoding="utf-8")


def test_default_protocol_has_name_version_and_the_review_figures() -> None:
    p = load_protocol()
    assert p.name and p.version
    assert p.counts["neutrophils"].threshold == 0.5 and p.counts["platelets"].threshold == 30
    assert [(d.mg, d.days) for d in p.ladder.steps] == [(15, "1-28"), (10, "1-28"), (5, "1-28"), (5, "1-21")]
    assert p.ladder.start == Dose(mg=10, days="1-28")


def test_ladder_lines_show_both_columns() -> None:
    lines = load_protocol().ladder_lines()
    assert any("Started at 10 mg" in line for line in lines)
    assert any("15 mg" in line and "no further level" in line for line in lines)


def test_hospital_file_changes_the_answer_and_its_name(tmp_path) -> None:
    text = packaged().replace('version = "2026.11-1"', 'version = "local-7"').replace("threshold = 30", "threshold = 50")
    path = tmp_path / "local.toml"
    path.write_text(text)
    local = load_protocol(path)
    a = answer("plt 40 d9 on 10mg", protocol=local)
    assert a.action == "interrupt" and a.protocol.version == "local-7"
    assert answer("plt 40 d9 on 10mg").action == "continue"


@pytest.mark.parametrize("breakage", [
    lambda d: d["ladder"].update(steps=[]),
    lambda d: d["ladder"].update(start={"mg": 12.5, "days": "1-28"}),
    lambda d: d["counts"].pop("platelets"),
    lambda d: d.update(cytopenia=[r for r in d["cytopenia"] if not (r["count"] == "platelets" and r["event"] == "drop")]),
    lambda d: d["cytopenia"][0].update(action="give_more"),
    lambda d: d.update(renal=d["renal"][:-1]),
    lambda d: d.update(unexpected=True),
    lambda d: d["renal"][1].update(setting="no-such-setting"),
    lambda d: d.pop("settings"),
])
def test_malformed_protocol_is_rejected(breakage) -> None:
    data = tomllib.loads(packaged())
    breakage(data)
    with pytest.raises(SchemaError) as err:
        build(Protocol, data, "protocol")
    assert str(err.value).startswith("protocol")  # the message names the field


@pytest.mark.parametrize("breakage,where", [
    (lambda d: d["ladder"]["steps"][1].update(days="1-14"), "protocol.ladder.steps[1].days"),
    (lambda d: d["counts"]["platelets"].update(threshold="thirty"), "protocol.counts.platelets.threshold"),
    (lambda d: d["cytopenia"][2].pop("says"), "protocol.cytopenia[2].says"),
    (lambda d: d["renal"][0].update(typo=1), "protocol.renal[0]"),
])
def test_errors_name_the_field_and_the_fix(breakage, where) -> None:
    data = tomllib.loads(packaged())
    breakage(data)
    with pytest.raises(SchemaError) as err:
        build(Protocol, data, "protocol")
    assert str(err.value).startswith(where + ":") and ("use" in str(err.value) or "add" in str(err.value))


def test_cli_rejects_a_broken_protocol_file_with_one_line(tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n')
    p = subprocess.run([sys.executable, "-m", "bot.cli", "ask", "--protocol", str(bad), "neut 0.3 on 10mg"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and "cannot use protocol file" in p.stderr and "Traceback" not in p.stderr


def test_cli_uses_the_protocol_file(tmp_path) -> None:
    path = tmp_path / "local.toml"
    path.write_text(packaged().replace('version = "2026.11-1"', 'version = "ward-9"'))
    p = subprocess.run([sys.executable, "-m", "bot.cli", "ask", "--json", "--protocol", str(path), "neut 0.3 on 10mg"],
                       capture_output=True, text=True, timeout=60)
    assert json.loads(p.stdout)["protocol"]["version"] == "ward-9"


@pytest.mark.parametrize("message,setting", [
    ("plt 25 day 1 on 10mg", "day1-delay-dose"),
    ("CrCl 25, not on dialysis, what dose", "renal-below-30-without-dialysis"),
    ("CrCl 40 on 15mg", "renal-cap-below-50"),
    ("neut 0.3 second time, plt 25, day 10 on 10mg", "gcsf-significant-cytopenia"),
])
def test_a_reading_the_review_leaves_open_is_shown_as_the_protocols_choice(message: str, setting: str) -> None:
    a = answer(message)
    shown = [r for r in a.detail.reasons if r.cite.startswith(f"protocol setting {setting},")]
    assert len(shown) == 1, [r.cite for r in a.detail.reasons]
    assert shown[0].text.startswith("This protocol's choice") and f"protocol setting {setting}" in a.text


def test_the_review_alone_shows_no_setting() -> None:
    a = answer("neut 0.3 on 10mg")
    assert not [r for r in a.detail.reasons if r.cite.startswith("protocol setting")]


def test_a_hospital_rewords_a_setting(tmp_path) -> None:
    text = packaged().replace("after a day-1 delay the cycle starts one dose level lower",
                              "after a day-1 delay the cycle starts one level lower (local policy 12)")
    path = tmp_path / "local.toml"
    path.write_text(text)
    assert "(local policy 12)" in answer("plt 25 day 1 on 10mg", protocol=load_protocol(path)).text


def _local_50_and_5mg(tmp_path):
    text = packaged().replace("threshold = 30", "threshold = 50").replace(
        'start = { mg = 10, days = "1-28" }', 'start = { mg = 5, days = "1-28" }')
    path = tmp_path / "local.toml"
    path.write_text(text)
    return load_protocol(path)


@pytest.mark.parametrize("message", [
    "plt 25 on 10mg",  # asks for the cycle day
    "plt 40 d9 on 10mg",  # interrupt
    "plt 40 day 1 on 10mg",  # delay the cycle
    "plt 45 C4D1 after a week's delay for plt 40, on 10mg",  # back after a delay
    "neut 0.3 plt 40 d9 on 10mg",  # both low
    "plt 120 neut 1.2 on 10mg",  # continue
])
def test_every_dosing_card_prints_the_protocols_own_figures(tmp_path, message: str) -> None:
    local = _local_50_and_5mg(tmp_path)
    text = answer(message, protocol=local).text
    assert "50" in text, text
    for stale in ("below 30", "30 x10^9/L", "30 or more"):
        assert stale not in text, text


def test_the_starting_dose_is_the_protocols(tmp_path) -> None:
    text = answer("starting len maintenance, counts fine", protocol=_local_50_and_5mg(tmp_path)).text
    assert "The usual start is 5 mg daily days 1-28" in text and "10 mg" not in text

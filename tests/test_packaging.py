"""The wheel carries what a plain `pip install .` needs: grammar, protocol and guidance files."""
from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(out)],
                   check=True, capture_output=True, timeout=300)
    return zipfile.ZipFile(next(out.glob("wardbot-*.whl")))


def test_wheel_ships_the_data_files(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for needed in ("bot/_grammar/message.lark", "bot/protocols/review-table2.toml", "bot/knowledge/guidance.toml"):
        assert needed in names


def test_wheel_grammar_is_the_repository_grammar(wheel: zipfile.ZipFile) -> None:
    assert wheel.read("bot/_grammar/message.lark").decode() == (ROOT / "grammar" / "message.lark").read_text()


def test_wheel_declares_the_console_script(wheel: zipfile.ZipFile) -> None:
    entry = next(n for n in wheel.namelist() if n.endswith("entry_points.txt"))
    assert "wardbot = bot.cli:main" in wheel.read(entry).decode()


def test_every_repository_path_the_readme_names_exists() -> None:
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"(?<![\w./-])((?:bot|grammar|tests|benchmarks|examples|docs|\.ci)/[\w./*-]*\w)", readme))
    named |= {f"bot/parsing/{m}" for m in re.findall(r"^\s{6}(\w+\.py)\s", readme, re.M)}
    assert named and not [p for p in sorted(named) if not list(root.glob(p))]

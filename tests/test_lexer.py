"""The first-character lexer gives exactly the tokens lark's own lexer gives."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from lark import Lark

from bot.lexer import ANY, first_chars
from bot.parse import grammar_text, normalise, parser

try:
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

DATA = Path(__file__).parent / "data" / "ward_messages.jsonl"
EXTRA = ["plt 25 x10^9/L d1 on 10mg", "neut: .4 (was 1.2)", "C3D1 plts 20 on 10 21/28", "  spaced   out  ",
         "creatinine clearance 35 ml/min", "x 10*9/l", "<@U1> :pray: 🙏 neut 0.4", "\ttabs\tand\nnewlines",
         "25,000/ul 25k 0,4 .5", "second primary malignancy", "start of cycle 2 mid-cycle next cycle"]


def messages() -> list[str]:
    rows = [json.loads(line)["text"] for line in DATA.read_text().splitlines() if line.strip()]
    return [normalise(m) for m in rows + EXTRA]


@pytest.fixture(scope="module")
def lark_lexer() -> Lark:
    return Lark(grammar_text(), parser="lalr", lexer="basic")


def test_same_tokens_as_lark(lark_lexer: Lark) -> None:
    ours = parser().parser.lexer.lexer
    for m in messages():
        expected = [(t.type, t.value) for t in lark_lexer.lex(m)]
        got = [(t.type, t.value) for t in ours.lex(m)]
        assert got == expected, m


@pytest.mark.parametrize("pattern,chars,nullable", [
    ("abc", {"a"}, False), ("(?:x|y)z", {"x", "y"}, False), ("a?b", {"a", "b"}, False),
    (r"\d+", set("0123456789"), False), ("[a-c]", {"a", "b", "c"}, False), ("(?!q)r", {"r"}, False),
    ("a*", {"a"}, True), (".", ANY, False), ("[^a]", ANY, False),
])
def test_first_chars(pattern: str, chars, nullable: bool) -> None:
    first, can_be_empty = first_chars(sre_parse.parse(pattern))
    assert (first if first is ANY else set(first)) == chars
    assert can_be_empty == nullable


def test_table_driver_builds_what_lark_builds() -> None:
    from bot.parse import _driver

    lark = parser()
    lexer, table = _driver()

    def signature(items):
        return [(i.kind, i.type, i.text, i.num, i.unit, i.extra) for i in items]

    for m in messages():
        assert signature(table.parse(lexer.lex(m))) == signature(lark.parse(m)), m

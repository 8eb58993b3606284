"""The first-character lexer gives exactly the tokens lark's own lexer gives, on every message we have and on fuzzed text."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Lark

from bot.parsing import grammar_text, normalise, parser
from bot.parsing.grammar import AsToken
from bot.parsing.lexer import ANY, FirstCharLexer, first_chars, may_start_with

try:
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

DATA = Path(__file__).parent / "data"
EXTRA = ["plt 25 x10^9/L d1 on 10mg", "neut: .4 (was 1.2)", "C3D1 plts 20 on 10 21/28", "  spaced   out  ",
         "creatinine clearance 35 ml/min", "x 10*9/l", "<@U1> :pray: 🙏 neut 0.4", "\ttabs\tand\nnewlines",
         "25,000/ul 25k 0,4 .5", "second primary malignancy", "start of cycle 2 mid-cycle next cycle",
         "grade 4 neutropenia", "plt 1oo", "crcl ?? neut nought point four", "temp 38.4c (ref 2.0-7.5)", "5'6\" 11st 4lb"]
WORDS = ["neut", "plt", "plts", "len", "on", "mg", "day", "d1", "c3d1", "crcl", "egfr", "creat", "grade", "g3", "was",
         "now", "held", "restarted", "again", "second", "first", "drop", "recovered", "back", "up", "to", "below", "<",
         "not", "yet", "x10^9/l", "21/28", "d1-21", "od", "bd", "aspirin", "aciclovir", "dex", "temp", "ref", "year",
         "day +100", "post", "auto", "ten", "point", "four", "nought", "?", ",", ".", "(", ")", "-", "/", "1oo", "l5"]


def messages() -> list[str]:
    rows = [json.loads(line)["text"] for f in sorted(DATA.glob("*.jsonl")) for line in f.read_text().splitlines() if line.strip()]
    return [normalise(m) for m in rows + EXTRA]


@pytest.fixture(scope="module")
def lark_lexer() -> Lark:
    return Lark(grammar_text(), parser="lalr", lexer="basic", postlex=AsToken(grammar_text(), rename=False))


def _tokens(lexer, text: str) -> list[tuple[str, str]]:
    return [(t.type, t.value) for t in lexer.lex(text)]


def ours():
    lark = parser()
    return FirstCharLexer.from_terminals(lark.terminals, lark.lexer_conf.ignore)


def test_same_tokens_as_lark(lark_lexer: Lark) -> None:
    ours_ = ours()
    for m in messages():
        assert _tokens(ours_, m) == _tokens(lark_lexer, m), m


_lark_basic = Lark(grammar_text(), parser="lalr", lexer="basic", postlex=AsToken(grammar_text(), rename=False))
_OURS = ours()
fragments = st.lists(st.one_of(st.sampled_from(WORDS), st.from_regex(r"[0-9]{1,5}(\.[0-9]{1,2})?", fullmatch=True),
                               st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789 .,;:?!()/<>~+-'\"%^*=", max_size=8)),
                     max_size=12)


@settings(max_examples=300, deadline=None)
@given(fragments, st.sampled_from([" ", "", ", "]))
def test_same_tokens_as_lark_on_fuzzed_text(parts: list[str], glue: str) -> None:
    text = normalise(glue.join(parts))
    assert _tokens(_OURS, text) == _tokens(_lark_basic, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), max_size=12).map(" ".join))
def test_same_tokens_as_lark_on_any_characters(text: str) -> None:
    for variant in (text, normalise(text)):  # as typed too: other scripts' digits and spaces unfolded
        assert _tokens(_OURS, variant) == _tokens(_lark_basic, variant)


def test_scanners_do_not_grow_with_the_characters_seen() -> None:
    lexer = ours()
    _tokens(lexer, normalise("neut 0.4 on 10mg (d15) ~ * & 中 ж"))
    before = len(lexer._scanners_at)
    _tokens(lexer, normalise(" ".join(chr(c) for c in range(0x4E00, 0x4E00 + 2000))))
    assert len(lexer._scanners_at) == before


@pytest.mark.parametrize("pattern,chars,nullable", [
    ("abc", {"a"}, False), ("(?:x|y)z", {"x", "y"}, False), ("a?b", {"a", "b"}, False),
    (r"\d+", "re", False), (r"\s", "re", False), ("[a-c]", {"a", "b", "c"}, False), ("(?!q)r", {"r"}, False),
    ("a*", {"a"}, True), (".", ANY, False), ("[^a]", ANY, False),
])
def test_first_chars(pattern: str, chars, nullable: bool) -> None:
    first, can_be_empty = first_chars(sre_parse.parse(pattern))
    if chars == "re":  # a class: exactly what Python's re matches with it, over all of Unicode
        single = re.compile(pattern).fullmatch
        assert [c for c in map(chr, range(sys.maxunicode + 1)) if bool(single(c)) != may_start_with(first, c)] == []
    else:
        assert (first if first is ANY else set(first)) == chars
    assert can_be_empty == nullable

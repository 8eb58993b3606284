"""A lark lexer that tries only the terminals able to start with the next character.

lark's own lexer joins every terminal into one alternation and Python's `re` tries each
alternative in turn, so with the grammar's hundred-odd keyword terminals a plain word
costs tens of microseconds. Here each terminal's possible first characters are worked out
once from its parsed regex, and the text's next character picks a small alternation
(built on first use and kept). The order within it is lark's own (priority, then longest
possible match), so the tokens are the same as lark's basic lexer would give.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from lark.lexer import Lexer

try:  # Python 3.11+
    from re import _constants as sre_c
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as sre_c  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

ANY = None  # "could start with any character"
_DIGITS = frozenset("0123456789")
_SPACE = frozenset(" \t\n\r\f\v")


def _union(a, b):
    return ANY if a is ANY or b is ANY else a | b


def _in_set(items) -> frozenset | None:
    chars: set[str] = set()
    for op, arg in items:
        if op is sre_c.LITERAL:
            chars.add(chr(arg))
        elif op is sre_c.RANGE:
            lo, hi = arg
            if hi - lo > 512:
                return ANY
            chars.update(chr(c) for c in range(lo, hi + 1))
        elif op is sre_c.CATEGORY and arg is sre_c.CATEGORY_DIGIT:
            chars |= _DIGITS
        elif op is sre_c.CATEGORY and arg is sre_c.CATEGORY_SPACE:
            chars |= _SPACE
        else:  # NEGATE, word categories and the like
            return ANY
    return frozenset(chars)


def first_chars(seq) -> tuple[frozenset | None, bool]:
    """(characters a match can start with, or ANY; whether the sequence can match empty)."""
    out: frozenset | None = frozenset()
    for op, arg in seq:
        if op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
            continue  # zero-width
        if op is sre_c.LITERAL:
            return _union(out, frozenset(chr(arg))), False
        if op is sre_c.IN:
            return _union(out, _in_set(arg)), False
        if op is sre_c.SUBPATTERN:
            first, nullable = first_chars(arg[-1])
        elif op is sre_c.BRANCH:
            first, nullable = frozenset(), False
            for alt in arg[1]:
                f, n = first_chars(alt)
                first, nullable = _union(first, f), nullable or n
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
            lo, _hi, sub = arg
            first, nullable = first_chars(sub)
            nullable = nullable or lo == 0
        else:  # ANY, NOT_LITERAL, back-references, anything unusual
            return ANY, False
        out = _union(out, first)
        if not nullable:
            return out, False
    return out, True


class Tok:
    """A token: what lark's parser reads of one (lark's Token costs more to make).

    `type` is what the parser sees; `kind` is the terminal that matched, kept for the readers
    when the parser is shown a more general type.
    """

    __slots__ = ("type", "value", "start_pos", "kind")
    # Read by lark when it borrows a position for its end-of-input token.
    line = column = end_line = end_column = end_pos = None

    def __init__(self, type: str, value: str, start_pos: int):
        self.type, self.value, self.start_pos, self.kind = type, value, start_pos, type

    def __repr__(self) -> str:
        return f"Tok({self.type!r}, {self.value!r})"


class FirstCharLexer(Lexer):
    """Drop-in lark lexer (interface 0: `lex(text)`) dispatching on the next character."""

    def __init__(self, lexer_conf):
        self._build(lexer_conf.terminals, lexer_conf.ignore, lexer_conf.g_regex_flags)

    @classmethod
    def from_terminals(cls, terminals, ignore, flags: int = 0) -> "FirstCharLexer":
        """The lexer for a set of lark TerminalDefs (what lark hands over in its lexer_conf)."""
        lexer = cls.__new__(cls)
        lexer._build(terminals, ignore, flags)
        return lexer

    def _build(self, terminals, ignore, flags: int) -> None:
        terminals = sorted(terminals, key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name))
        self.ignore = frozenset(ignore)
        self.flags = flags
        self._terminals = []  # (name, prefix, [(alternative, first chars)], suffix), in lark's order
        for t in terminals:
            prefix, alts, suffix = split_alternatives(t.pattern.to_regexp())
            firsts = [(a, first_chars(sre_parse.parse(a, self.flags))[0]) for a in alts]
            self._terminals.append((t.name, prefix, firsts, suffix))
        self._by_char: dict[str, list[re.Pattern]] = {}
        # A space may be skipped outright when no terminal that could outrank the ignored
        # whitespace starts with one (a one-character catch-all cannot: it is narrower).
        widths = {t.name: t.pattern.max_width for t in terminals}
        self.skip_spaces = all(
            first is not ANY and " " not in first
            for name, _p, firsts, _s in self._terminals
            if name not in self.ignore and widths[name] > 1
            for _a, first in firsts
        )

    def _scanners(self, ch: str) -> list[re.Pattern]:
        found = self._by_char.get(ch)
        if found is None:
            # Each terminal keeps only the alternatives that can start with ch, in their
            # order, so the first match is the one the whole terminal would give.
            wanted = []
            for name, prefix, firsts, suffix in self._terminals:
                alts = [a for a, first in firsts if first is ANY or ch in first]
                if alts:
                    wanted.append((name, prefix + "|".join(alts) + suffix))
            found = self._by_char[ch] = _compile(wanted, self.flags)
        return found

    def lex(self, text: str) -> Iterator[Tok]:
        """The tokens of text, ignored ones left out."""
        pos, end = 0, len(text)
        by_char, ignore, skip_spaces = self._by_char, self.ignore, self.skip_spaces
        while pos < end:
            ch = text[pos]
            if ch == " " and skip_spaces:  # the commonest ignored token, without a regex
                pos += 1
                continue
            for scanner in by_char.get(ch) or self._scanners(ch):
                m = scanner.match(text, pos)
                if m:
                    break
            else:
                raise ValueError(f"no terminal matches at {pos}")  # the grammar's OTHER makes this unreachable
            kind = m.lastgroup
            if kind not in ignore:
                yield Tok(kind, m.group(), pos)
            pos = m.end()


def _compile(terminals: list[tuple[str, str]], flags, size: int = 90) -> list[re.Pattern]:
    # Python's re allows only so many named groups in one pattern.
    return [
        re.compile("|".join(f"(?P<{name}>{regex})" for name, regex in terminals[i : i + size]), flags)
        for i in range(0, len(terminals), size)
    ]


def split_alternatives(regex: str) -> tuple[str, list[str], str]:
    """(prefix, alternatives, suffix) of a regex's outermost alternation.

    "a|b" -> ("", ["a", "b"], ""); "(?:a|b)(?!x)" -> ("(?:", ["a", "b"], ")(?!x)");
    anything else is one alternative. prefix + "|".join(alternatives) + suffix == regex.
    """
    top = _top_level_bars(regex, 0)
    if top:
        return "", _cut(regex, top), ""
    if regex.startswith("(?:"):
        close = _closing_paren(regex, 0)
        if close is not None and not _top_level_bars(regex[close + 1 :], 0):
            inner = regex[3:close]
            bars = _top_level_bars(inner, 0)
            if bars:
                return "(?:", _cut(inner, bars), regex[close:]
    return "", [regex], ""


def _scan(regex: str):
    """(index, char, depth) of each unescaped character outside character classes."""
    depth, i, in_class = 0, 0, False
    while i < len(regex):
        c = regex[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
            i += 1
            continue
        if c == "[":
            in_class = True
            if regex[i + 1 : i + 2] == "]" or regex[i + 1 : i + 3] == "^]":
                i += 2 if regex[i + 1] == "]" else 3  # a literal ] first in the class
                continue
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        yield i, c, depth
        i += 1


def _top_level_bars(regex: str, depth: int) -> list[int]:
    return [i for i, c, d in _scan(regex) if c == "|" and d == depth]


def _closing_paren(regex: str, start: int) -> int | None:
    for i, c, d in _scan(regex):
        if i > start and c == ")" and d == 0:
            return i
    return None


def _cut(regex: str, bars: list[int]) -> list[str]:
    edges = [-1, *bars, len(regex)]
    return [regex[a + 1 : b] for a, b in zip(edges, edges[1:])]

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

from lark.lexer import Lexer, Token

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


class FirstCharLexer(Lexer):
    """Drop-in lark lexer (interface 0: `lex(text)`) dispatching on the next character."""

    def __init__(self, lexer_conf):
        terminals = sorted(lexer_conf.terminals, key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name))
        self.ignore = frozenset(lexer_conf.ignore)
        self.flags = lexer_conf.g_regex_flags
        self._terminals = [(t, first_chars(sre_parse.parse(t.pattern.to_regexp(), self.flags))[0]) for t in terminals]
        self._by_char: dict[str, list[re.Pattern]] = {}
        # A space may be skipped outright when no terminal that could outrank the ignored
        # whitespace starts with one (a one-character catch-all cannot: it is narrower).
        self.skip_spaces = all(
            first is not ANY and " " not in first
            for t, first in self._terminals
            if t.name not in self.ignore and t.pattern.max_width > 1
        )

    def _scanners(self, ch: str) -> list[re.Pattern]:
        found = self._by_char.get(ch)
        if found is None:
            wanted = [t for t, first in self._terminals if first is ANY or ch in first]
            found = self._by_char[ch] = _compile(wanted, self.flags)
        return found

    def lex(self, text: str) -> Iterator[Token]:
        pos, end = 0, len(text)
        while pos < end:
            ch = text[pos]
            if ch == " " and self.skip_spaces:  # the commonest ignored token, without a regex
                pos += 1
                continue
            for scanner in self._scanners(ch):
                m = scanner.match(text, pos)
                if m:
                    break
            else:
                raise ValueError(f"no terminal matches at {pos}")  # the grammar's OTHER makes this unreachable
            kind, value = m.lastgroup, m.group()
            if kind not in self.ignore:
                yield Token(kind, value, pos)
            pos = m.end()


def _compile(terminals, flags, size: int = 90) -> list[re.Pattern]:
    # Python's re allows only so many named groups in one pattern.
    return [
        re.compile("|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in terminals[i : i + size]), flags)
        for i in range(0, len(terminals), size)
    ]

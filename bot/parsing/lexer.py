"""A lark lexer that tries only the terminals able to start with the next character.

lark's own lexer joins every terminal into one alternation and Python's `re` tries each
alternative in turn, so with the grammar's hundred-odd keyword terminals a plain word
costs tens of microseconds. Here each terminal's possible first characters are worked out
once from its parsed regex, and the text's next character picks a small alternation
(built on first use and kept). The order within it is lark's own (priority, then longest
possible match), so the tokens are the same as lark's basic lexer would give.

A plain word is cheaper still: each alternative's literal letters at its start are known,
so a word that starts with none of them can only be the word terminal, and is taken
without compiling or running the alternation for its letter.
"""
from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterator
from typing import Any, Protocol

from lark.lexer import Lexer

try:  # Python 3.11+
    from re import _constants as sre_c
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as sre_c  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

ANY = None  # "could start with any character"
# Bump when the analysis below changes, so that a kept copy of an older one is not used.
ANALYSIS_VERSION = 3


class Store(Protocol):
    """Keeps a JSON-shaped value under a key between processes (bot/parsing/grammar.py has the file one)."""

    def load(self, key: str) -> Any | None:
        """The value kept under key, or None."""

    def save(self, key: str, value: Any) -> None:
        """Keep value under key (best effort)."""

# The grammar's catch-all word (grammar/message.lark: WORD.1).
WORD_TERMINAL = "WORD"
_LETTERS = re.compile(r"[a-z]+")
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
# Keys of the scanners: a character, a letter and the next character, or this for any digit.
# (A scanner may hold alternatives that cannot match at a position; they fail, and the order
# of the rest is kept, so joining keys changes no token, only how much is compiled.)
_ANY_DIGIT = "#digit"
# ... and this for any other character no alternative names as a first character: only the
# alternatives that may start anywhere apply there, so one scanner serves them all, however
# many different characters a message brings (a key per character would grow without end).
_ANY_OTHER = "#other"
_DIGITS = frozenset("0123456789")
_ASCII_SPACE = frozenset(c for c in map(chr, range(128)) if c.isspace())
# \d and \s in a str pattern match every Unicode decimal digit and space, not only the ASCII
# ones. A first-character set names the rest by these two marks rather than listing them (the
# analysis stays small to keep, and a scanner serves every such character at once).
_OTHER_DIGIT, _OTHER_SPACE = "#other-digit", "#other-space"


def _mark(ch: str) -> str:
    """The mark a character that is not ASCII falls under: another script's digit, a space, or neither."""
    return _OTHER_DIGIT if ch.isdecimal() else _OTHER_SPACE if ch.isspace() else _ANY_OTHER


def may_start_with(first: frozenset | None, ch: str) -> bool:
    """Whether a match whose first characters are `first` (from `first_chars`) can start with ch."""
    return first is ANY or ch in first or (not ch.isascii() and _mark(ch) in first)


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
            chars |= _DIGITS | {_OTHER_DIGIT}
        elif op is sre_c.CATEGORY and arg is sre_c.CATEGORY_SPACE:
            chars |= _ASCII_SPACE | {_OTHER_SPACE}
        else:  # NEGATE, word categories and the like
            return ANY
    return frozenset(chars)


_REPEATS = (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None))


def literal_prefixes(seq) -> set[str] | None:
    """The letters a match that starts with a letter must start with (one run of them per way in).

    None: some match starting with a letter need not start with a known run (a letter class).
    An empty set: no match starts with a letter. A run is kept short where the pattern branches
    after it, which only makes the shortcut in `lex` taken less often, never wrongly.
    """
    acc = ""
    for i, (op, arg) in enumerate(seq):
        if op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
            continue  # zero-width
        if op is sre_c.LITERAL and chr(arg).isalpha():
            acc += chr(arg)
            continue
        if acc:
            return {acc}
        if op is sre_c.LITERAL:
            return set()  # starts with a non-letter
        if op is sre_c.IN:
            chars = _in_set(arg)
            return None if chars is ANY or any(c.isalpha() for c in chars) else set()
        if op is sre_c.SUBPATTERN:
            return literal_prefixes(arg[-1])
        if op is sre_c.BRANCH:
            subs = [literal_prefixes(alt) for alt in arg[1]]
            return None if any(s is None for s in subs) else set().union(*subs)
        if op in _REPEATS:
            lo, _hi, sub = arg
            here = literal_prefixes(sub)
            if lo:
                return here
            rest = literal_prefixes(seq[i + 1 :])  # an optional part: the match may start with either
            return None if here is None or rest is None else here | rest
        return None
    return {acc} if acc else set()


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

    __slots__ = ("type", "value", "start_pos", "kind", "run")
    # Read by lark when it borrows a position for its end-of-input token.
    line = column = end_line = end_column = end_pos = None

    def __init__(self, type: str, value: str, start_pos: int):
        self.type, self.value, self.start_pos, self.kind, self.run = type, value, start_pos, type, None

    def __repr__(self) -> str:
        return f"Tok({self.type!r}, {self.value!r})"


class FirstCharLexer(Lexer):
    """Drop-in lark lexer (interface 0: `lex(text)`) dispatching on the next one or two characters."""

    def __init__(self, lexer_conf):
        self._build(lexer_conf.terminals, lexer_conf.ignore, lexer_conf.g_regex_flags)

    @classmethod
    def from_terminals(cls, terminals, ignore, flags: int = 0) -> "FirstCharLexer":
        """The lexer for a set of lark TerminalDefs (what lark hands over in its lexer_conf)."""
        lexer = cls.__new__(cls)
        lexer._build(terminals, ignore, flags)
        return lexer

    # Where the analysis of the terminals may be kept between processes (see `Store`); None: nowhere.
    store: "Store | None" = None

    def _build(self, terminals, ignore, flags: int) -> None:
        self.ignore = frozenset(ignore)
        self.flags = flags
        # (name, prefix, [(alternative, first chars, leading letter runs)], suffix), in lark's order;
        # whether a space may be skipped without a regex.
        self._terminals, self.skip_spaces = self._analysis(terminals)
        self._scanners_at: dict[str, list[re.Pattern]] = {}
        self._named_first = frozenset().union(*(first for _n, _p, parts, _s in self._terminals
                                                for _a, first, _r in parts if first is not ANY))
        self._plain_words = self._word_filter(terminals)

    def _analysis(self, terminals) -> tuple[list, bool]:
        """Each terminal split into alternatives, in lark's order, with the characters and letter runs each
        can start with; kept in `store` when there is one (working it out parses every pattern)."""
        key = hashlib.sha256(repr((sorted((t.name, t.priority, t.pattern.to_regexp()) for t in terminals), self.flags,
                                   sorted(self.ignore), ANALYSIS_VERSION)).encode()).hexdigest()
        kept = self.store.load(key) if self.store is not None else None
        if kept is not None:
            order, skip_spaces = kept
            return [(name, prefix, [(a, None if f is None else frozenset(f), None if r is None else set(r)) for a, f, r in parts],
                     suffix) for name, prefix, parts, suffix in order], skip_spaces
        terminals = sorted(terminals, key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name))
        out = []
        for t in terminals:
            prefix, alts, suffix = split_alternatives(t.pattern.to_regexp())
            parts = []
            for a in alts:
                parsed = sre_parse.parse(a, self.flags)
                parts.append((a, first_chars(parsed)[0], literal_prefixes(parsed)))
            out.append((t.name, prefix, parts, suffix))
        # A space may be skipped outright when no terminal that could outrank the ignored
        # whitespace starts with one (a one-character catch-all cannot: it is narrower).
        widths = {t.name: t.pattern.max_width for t in terminals}
        skip_spaces = all(
            first is not ANY and " " not in first
            for name, _p, parts, _s in out
            if name not in self.ignore and widths[name] > 1
            for _a, first, _runs in parts
        )
        if self.store is not None:
            self.store.save(key, [[(name, prefix, [(a, None if f is None else sorted(f), None if r is None else sorted(r))
                                                   for a, f, r in parts], suffix) for name, prefix, parts, suffix in out],
                                  skip_spaces])
        return out, skip_spaces

    def _word_filter(self, terminals) -> dict[str, tuple[frozenset[str], tuple[int, ...]]]:
        """Per letter: the letter runs some terminal other than WORD can start with there, and their lengths.

        A letter is left out (no shortcut) when an alternative that could outrank WORD there
        need not start with a run of letters.
        """
        word = next((t for t in terminals if t.name == WORD_TERMINAL), None)
        if word is None or WORD_TERMINAL in self.ignore:
            return {}
        self._word_pattern = word.pattern.to_regexp()
        below = {t.name for t in terminals if t.priority < word.priority}
        prefixes: dict[str, set[str]] = {}
        generic: set[str] = set()
        for name, _p, parts, _s in self._terminals:
            if name == WORD_TERMINAL or name in below:
                continue  # a lower terminal (the one-character catch-all) never beats a word
            for _a, first, runs in parts:
                for ch in _LOWER if first is ANY else first:
                    if not ch.isalpha():
                        continue
                    if runs is None:
                        generic.add(ch)
                    else:
                        prefixes.setdefault(ch, set()).update(r for r in runs if r[0] == ch)
        return {ch: (frozenset(runs), tuple(sorted({len(r) for r in runs})))
                for ch in _LOWER if ch not in generic for runs in [prefixes.get(ch, set())]}

    @functools.cached_property
    def _word(self) -> re.Pattern:
        return re.compile(self._word_pattern, self.flags)

    def _scanners(self, key: str) -> list[re.Pattern]:
        found = self._scanners_at.get(key)
        if found is None:
            # Each terminal keeps only the alternatives that can start with `key` (one character,
            # or a letter and the character after it), in their order, so the first match is
            # the one the whole terminal would give.
            ch, nxt = key[0], key[1:]
            if key == _ANY_DIGIT:
                starts = lambda first: first is ANY or not _DIGITS.isdisjoint(first)  # noqa: E731
            elif key in (_OTHER_DIGIT, _OTHER_SPACE, _ANY_OTHER):
                starts = lambda first: first is ANY or key in first  # noqa: E731
            else:
                starts = lambda first: may_start_with(first, ch)  # noqa: E731
            wanted = []
            for name, prefix, parts, suffix in self._terminals:
                alts = [a for a, first, runs in parts if starts(first) and _may_start(runs, ch, nxt)]
                if alts:
                    wanted.append((name, prefix + "|".join(alts) + suffix))
            found = self._scanners_at[key] = _compile(wanted, self.flags)
        return found

    def lex(self, text: str) -> Iterator[Tok]:
        """The tokens of text, ignored ones left out."""
        pos, end = 0, len(text)
        scanners_at, ignore, skip_spaces, plain = self._scanners_at, self.ignore, self.skip_spaces, self._plain_words
        named_first = self._named_first
        while pos < end:
            ch = text[pos]
            if ch == " " and skip_spaces:  # the commonest ignored token, without a regex
                pos += 1
                continue
            if ch in _LOWER:
                if ch in plain:
                    letters = _LETTERS.match(text, pos).group()
                    runs, lengths = plain[ch]
                    if not any(letters[:n] in runs for n in lengths if n <= len(letters)):
                        m = self._word.match(text, pos)  # no other terminal can start here
                        yield Tok(WORD_TERMINAL, m.group(), pos)
                        pos = m.end()
                        continue
                key = text[pos : pos + 2]
                if len(key) == 2 and key[1] not in _LOWER:
                    key = ch + " "  # any non-letter after the first letter
            elif ch in _DIGITS:
                key = _ANY_DIGIT  # one alternation for every digit: most of what starts with one starts with any
            else:
                key = ch if ch in named_first else _ANY_OTHER if ch.isascii() else _mark(ch)
            for scanner in scanners_at.get(key) or self._scanners(key):
                m = scanner.match(text, pos)
                if m:
                    break
            else:
                raise ValueError(f"no terminal matches at {pos}")  # the grammar's OTHER makes this unreachable
            kind = m.lastgroup
            if kind not in ignore:
                yield Tok(kind, m.group(), pos)
            pos = m.end()


def _may_start(runs: set[str] | None, ch: str, nxt: str) -> bool:
    """Whether an alternative with these leading letter runs can match where `ch` is followed by `nxt`.

    `nxt` is the next letter, " " for any non-letter, or "" at the end of the text (or when
    `ch` is not a letter, where the runs do not decide).
    """
    if runs is None or not nxt or not ch.isalpha():
        return True
    if nxt == " ":
        return any(r == ch for r in runs)  # only a one-letter run can stop before a non-letter
    return any(r == ch or (r[0] == ch and r[1] == nxt) for r in runs)


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

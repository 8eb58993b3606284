"""Free-text ward message -> frozen items: fold the characters, correct slips, lex and parse.

The stages run in that order, each in its own module: characters.py (what a character
means), spelling.py (near-misses of the grammar's words), lexer.py and grammar.py (lark's
LALR parser over grammar/message.lark), items.py (what the parser hands on).
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from .characters import fold
from .grammar import grammar_text, parser, set_aside_labels
from .items import Bound, Item, Kind, Num, NumKind, numbers_in
from .spelling import Speller

__all__ = ["Bound", "Item", "Kind", "Num", "NumKind", "Parsed", "grammar_text", "normalise", "numbers_in", "parse",
           "parser", "set_aside_labels", "speller"]


@lru_cache(maxsize=1)
def speller() -> Speller:
    """Corrects near-misses of the grammar's own vocabulary ("platelts" -> "platelets")."""
    return Speller.from_grammar(grammar_text())


def _normalise(text: str) -> tuple[str, tuple[int, ...] | None]:
    folded, origin = fold(text)
    edits = speller().edits(folded)
    if not edits:
        return folded, origin
    out, new_origin, pos = [], [], 0
    base = origin if origin is not None else range(len(folded))
    for start, end, word in edits:
        out.append(folded[pos:start])
        new_origin.extend(base[pos:start])
        out.append(word)
        # The corrected word points at the letters it replaced, its last letter at their last.
        new_origin.extend(base[min(start + k, end - 1)] for k in range(len(word)))
        pos = end
    out.append(folded[pos:])
    new_origin.extend(base[pos:])
    return "".join(out), tuple(new_origin)


def normalise(text: str) -> str:
    """Fold look-alike and invisible characters, lower-case, and correct misspelt key words."""
    return _normalise(text)[0]


class Parsed(NamedTuple):
    """A message as items, with the normalised text they index into and the text as typed."""

    text: str
    items: tuple[Item, ...]
    source: str  # the message the items were read from
    origin: tuple[int, ...] | None  # index in `source` of each character of `text`; None: the same
    types: frozenset[str]  # every item kind and token type present, so readers can skip early

    def has(self, *names: str) -> bool:
        """Whether any of these item kinds or token types occurs."""
        return not self.types.isdisjoint(names)

    def typed(self, span: Item | Num) -> str:
        """An item or figure as it was typed (case and characters kept)."""
        if span.end <= span.start:
            return getattr(span, "typed", "") or getattr(span, "text", "")
        if self.origin is None:
            return self.source[span.start : span.end]
        return self.source[self.origin[span.start] : self.origin[span.end - 1] + 1]


def parse(text: str) -> Parsed:
    """Normalise and parse one message."""
    norm, origin = _normalise(text)
    items = parser().parse(norm)
    types = {it.kind for it in items} | {it.type for it in items} | {t for it in items for t, _ in it.parts}
    return Parsed(norm, items, text, origin, frozenset(types))

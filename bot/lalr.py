"""A tight LALR(1) driver over the parse table lark builds for the grammar.

lark's own loop spends most of a short message's time in generic bookkeeping (tree
builder wrappers, assertions comparing rule objects). This driver walks the same table
with the same shift/reduce actions and hands each reduced rule's children to a callback
by rule name; tests check it builds exactly what lark's parser builds.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from lark import Lark
from lark.parsers.lalr_analysis import Shift

from .lexer import Tok

Reducer = Callable[[list[Any]], Any]


class TableParser:
    """Parses token streams with lark's LALR table; `reducers` maps rule names to callbacks."""

    def __init__(self, lark: Lark, reducers: dict[str, Reducer], start: str = "start"):
        table = lark.parser.parser._parse_table
        self.states = table.states
        self.start_state = table.start_states[start]
        self.end_state = table.end_states[start]
        self.reducers = reducers
        # Per rule: how many values it pops, its name, and its callback (None for `x*` helpers).
        self._rules = {
            arg: (len(arg.expansion), arg.origin.name, reducers.get(arg.origin.name))
            for actions in table.states.values() for action, arg in actions.values() if action is not Shift
        }

    def parse(self, tokens: Iterable[Tok]) -> Any:
        """The value of the start rule for the tokens."""
        states, rules, end_state = self.states, self._rules, self.end_state
        stack = [self.start_state]
        values: list[Any] = []
        stream = list(tokens)
        stream.append(Tok("$END", "", -1))
        last = len(stream) - 1
        for n, tok in enumerate(stream):
            kind = tok.type
            while True:
                action, arg = states[stack[-1]][kind]
                if action is Shift:
                    stack.append(arg)
                    values.append(tok)
                    break
                size, name, reducer = rules[arg]
                if size:
                    children = values[-size:]
                    del stack[-size:]
                    del values[-size:]
                else:
                    children = []
                if reducer is None:
                    value = _repeat(children)
                else:
                    if children and type(children[0]) is _Repeated:
                        children = children[0] + children[1:]
                    value = reducer(children)
                stack.append(states[stack[-1]][name][1])
                values.append(value)
                if n == last and stack[-1] == end_state:
                    return values[-1]
        raise AssertionError("unreachable: $END always reduces to the start rule")


class _Repeated(list):
    """The items of one of lark's helper rules for `x*`, spliced into the parent's children."""


def _repeat(children: list[Any]) -> "_Repeated":
    # lark's helper rules for `x*` read "__start_star_0: item | __start_star_0 item"; its tree
    # builder inlines them, so the rule using `x*` sees the items as its own children.
    if children and type(children[0]) is _Repeated:
        children[0].extend(children[1:])
        return children[0]
    return _Repeated(children)

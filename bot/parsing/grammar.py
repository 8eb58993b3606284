"""The message grammar and lark's LALR parser built from it, with the first-character lexer."""
from __future__ import annotations

import os
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

from lark import Lark
from lark.lark import PostLex

from .items import ItemBuilder
from .lexer import FirstCharLexer

GRAMMAR_FILE = "message.lark"


def grammar_text() -> str:
    """The grammar source: packaged copy in a wheel, the repository's grammar/ when run from source."""
    packaged = resources.files("bot").joinpath("_grammar", GRAMMAR_FILE)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (Path(__file__).resolve().parents[2] / "grammar" / GRAMMAR_FILE).read_text(encoding="utf-8")


_TERMINAL = re.compile(r"^([A-Z][A-Z0-9_]*)(?:\.\d+)?\s*:", re.M)
_RULE = re.compile(r"^[?_a-z][a-z0-9_]*\s*:.*?(?=^\S)", re.M | re.S)
_NAME = re.compile(r"\b[A-Z][A-Z0-9_]*\b")
_IGNORED = re.compile(r"^%ignore\s+([A-Z][A-Z0-9_]*)", re.M)


def plain_terminals(grammar: str) -> frozenset[str]:
    """Terminals no rule names: lexed, then handed to the parser as TOKEN."""
    defined = set(_TERMINAL.findall(grammar))
    used = {n for rule in _RULE.findall(grammar) for n in _NAME.findall(rule)}
    return frozenset(defined - used - set(_IGNORED.findall(grammar)))


class AsToken(PostLex):
    """lark's post-lexer hook: shows the parser a run of terminals no rule names as one TOKEN.

    `always_accept` keeps those terminals in the lexer although no rule uses them. No rule
    can hold a TOKEN, so a run of them only has to part the rule tokens around it: it reaches
    the parser as one token carrying the run (`run`), each with its own terminal as `kind`.
    With `rename=False` it only keeps the terminals (for comparing lexers).
    """

    def __init__(self, grammar: str, rename: bool = True):
        self.always_accept = tuple(sorted(plain_terminals(grammar)))
        self._plain = frozenset(self.always_accept) if rename else frozenset()

    def process(self, stream):
        """The tokens, each run of plain ones as one TOKEN."""
        plain = self._plain
        run: list = []
        for tok in stream:
            if tok.type in plain:
                run.append(tok)
                continue
            if run:
                yield _run_token(run)
                run = []
            yield tok
        if run:
            yield _run_token(run)


def _run_token(run: list):
    tok = run[0]
    joined = type(tok)("TOKEN", tok.value, tok.start_pos)
    joined.run = run
    return joined


@lru_cache(maxsize=1)
def parser() -> Lark:
    """lark's LALR parser for the grammar, building items as it reduces; built once per process."""
    text = grammar_text()
    return Lark(text, parser="lalr", lexer=FirstCharLexer, postlex=AsToken(text), transformer=ItemBuilder(),
                cache=_cache_path())


def _cache_path() -> str | bool:
    # lark pickles the LALR tables; a writable per-user cache makes a cold `wardbot ask`
    # cheaper. Where no cache directory is writable, build in memory.
    import tempfile

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    for folder in (os.path.join(base, "wardbot"), os.path.join(tempfile.gettempdir(), "wardbot-cache")):
        try:
            os.makedirs(folder, exist_ok=True)
            if os.access(folder, os.W_OK):
                return os.path.join(folder, "grammar.lark.cache")
        except OSError:
            continue
    return False


_SET_ASIDE_LINE = re.compile(r"^//\s*set-aside\s+([A-Z_ ]+):\s*(.+?)\s*$", re.M)


@lru_cache(maxsize=1)
def set_aside_labels() -> dict[str, str]:
    """Terminal name -> how the card labels its figures, from the grammar's `set-aside` lines."""
    return {name: label for m in _SET_ASIDE_LINE.finditer(grammar_text()) for name in m.group(1).split() for label in [m.group(2)]}

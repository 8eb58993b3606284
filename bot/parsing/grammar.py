"""The message grammar and lark's LALR parser built from it, with the first-character lexer."""
from __future__ import annotations

import json
import os
import re
import stat
from functools import lru_cache
from pathlib import Path

from lark import Lark
from lark.lark import PostLex

from .items import ItemBuilder
from .lexer import FirstCharLexer

GRAMMAR_FILE = "message.lark"


def grammar_text() -> str:
    """The grammar source: packaged copy in a wheel, the repository's grammar/ when run from source."""
    package = Path(__file__).resolve().parents[1]  # bot/
    packaged = package / "_grammar" / GRAMMAR_FILE
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (package.parent / "grammar" / GRAMMAR_FILE).read_text(encoding="utf-8")


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
    folder = _cache_dir()
    CachedLexer.store = _FileStore(os.path.join(folder, "lexer.json") if folder else None)
    return Lark(text, parser="lalr", lexer=CachedLexer, postlex=AsToken(text), transformer=ItemBuilder(),
                cache=os.path.join(folder, "grammar.lark.cache") if folder else False)


class CachedLexer(FirstCharLexer):
    """The first-character lexer, its analysis kept in the cache directory (set by `parser`)."""


def _cache_dir() -> str | None:
    """The user's own cache directory for the parser's tables, or None (then nothing is kept).

    lark unpickles what it finds there, so the directory must be the user's alone (created
    0700, owned by the user, writable by no one else); a shared directory such as /tmp is
    never used.
    """
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "wardbot")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.lstat(folder)
        if info.st_uid != os.getuid() or not stat.S_ISDIR(info.st_mode):
            return None
        if info.st_mode & 0o077:
            os.chmod(folder, 0o700)  # ours, but made by something less careful
    except OSError:
        return None
    return folder


class _FileStore:
    """The lexer's analysis kept as JSON in the cache directory (JSON: nothing in it can run)."""

    def __init__(self, path: str | None):
        self.path = path

    def load(self, key: str):
        """The value kept under key, or None."""
        if self.path is None:
            return None
        try:
            with open(self.path, encoding="utf-8") as f:
                kept = json.load(f)
        except (OSError, ValueError):
            return None
        return kept.get("value") if isinstance(kept, dict) and kept.get("key") == key else None

    def save(self, key: str, value) -> None:
        """Keep value under key; a failure only means the analysis is redone next time."""
        if self.path is None:
            return
        tmp = f"{self.path}.{os.getpid()}.tmp"
        try:
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump({"key": key, "value": value}, f)
            os.replace(tmp, self.path)
        except OSError:
            pass


_SET_ASIDE_LINE = re.compile(r"^//\s*set-aside\s+([A-Z_ ]+):\s*(.+?)\s*$", re.M)


@lru_cache(maxsize=1)
def set_aside_labels() -> dict[str, str]:
    """Terminal name -> how the card labels its figures, from the grammar's `set-aside` lines."""
    return {name: label for m in _SET_ASIDE_LINE.finditer(grammar_text()) for name in m.group(1).split() for label in [m.group(2)]}

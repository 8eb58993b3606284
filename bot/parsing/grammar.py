"""The message grammar and lark's LALR parser built from it, with the first-character lexer."""
from __future__ import annotations

import os
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

from lark import Lark

from .items import ItemBuilder
from .lexer import FirstCharLexer

GRAMMAR_FILE = "message.lark"


def grammar_text() -> str:
    """The grammar source: packaged copy in a wheel, the repository's grammar/ when run from source."""
    packaged = resources.files("bot").joinpath("_grammar", GRAMMAR_FILE)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (Path(__file__).resolve().parents[2] / "grammar" / GRAMMAR_FILE).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def parser() -> Lark:
    """lark's LALR parser for the grammar, building items as it reduces; built once per process."""
    return Lark(grammar_text(), parser="lalr", lexer=FirstCharLexer, transformer=ItemBuilder(), cache=_cache_path())


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

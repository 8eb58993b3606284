"""Free-text ward message -> a flat list of items: normalise, lex and parse with the lark grammar."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from lark import Lark, Transformer

from .lalr import TableParser
from .lexer import FirstCharLexer, Tok
from .spelling import Speller

GRAMMAR_FILE = "message.lark"


def grammar_text() -> str:
    """The grammar source: packaged copy in a wheel, the repository's grammar/ when run from source."""
    packaged = resources.files("bot").joinpath("_grammar", GRAMMAR_FILE)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (Path(__file__).resolve().parent.parent / "grammar" / GRAMMAR_FILE).read_text(encoding="utf-8")


# ---------------------------------------------------------------- parse-time items

@dataclass(frozen=True, slots=True)
class Num:
    value: float
    kind: str  # plain | grouped | k
    typed: str
    bound: str | None = None  # "below", "above" or "approx" for "<30", "over 50", "~30"; None for a figure


@dataclass(slots=True)
class Item:
    kind: str  # count | num | dose | renal | patient | timing | kw | skip
    type: str = ""  # the token type that names the item
    text: str = ""
    num: Num | None = None
    unit: str | None = None  # unit token type
    extra: str | None = None  # schedule token type for doses, intro token for doses
    used: bool = False
    start: int = 0  # character span in the normalised text
    end: int = 0


_GROUPED = re.compile(r"\d{1,3}(,\d{3})+$")
_UNITS = frozenset({"SI_UNIT", "PER_UL", "UMOL_L", "MG_DL", "ML_MIN", "ML_S"})
_SCHEDULES = frozenset({"SCHED_21", "SCHED_28", "DAILY"})


def to_num(tok: Tok) -> Num:
    """A NUM token's value and how it was written."""
    t = tok.value
    if t.endswith("k"):
        return Num(float(t[:-1].strip()), "k", t)
    if " " in t:  # "25 000"
        return Num(float(t.replace(" ", "")), "grouped", t)
    if len(t) > 1 and t[0] == "0" and t[1].isdigit():
        return Num(float(t), "leading_zero", t)  # "03": a slip for 0.3, or 3? never guessed
    if "," not in t:
        return Num(float(t), "plain", t)
    if _GROUPED.match(t):
        return Num(float(t.replace(",", "")), "grouped", t)
    return Num(float(t.replace(",", ".")), "plain", t)


_NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_NOT_REACHED = re.compile(r"^(has\s*n.?t|have\s*n.?t|hasnt|havent|not\s+yet|still\s+not|never\s+got|not)\s+\D*\d")
_NEGATED_SIDE = re.compile(r"^not\s+(below|under|less|lower|above|over|more|greater|higher)")
_BELOW = re.compile(r"below|under|less|lower|fewer|smaller|sub|beneath|nearly|almost|quite|short|<|≤|most|max|best|no\s+(more|higher|greater)")
_APPROX = re.compile(r"~|approx|about|around|roughly|circa|ish|falling|dropping|rising")


def to_bound(tok: Tok) -> Num:
    """A BOUND token: its figure and which side of it the count is.

    "not below 30" is at least 30; "hasn't reached 0.5" and "nearly 30" are below.
    """
    text = tok.value
    figure = float(_NUMBER.search(text).group())
    if _NEGATED_SIDE.match(text):
        side = "above" if _BELOW.search(text.split(None, 2)[1]) else "below"
    elif _NOT_REACHED.match(text):
        side = "below"
    else:
        words = _NUMBER.sub(" ", text)
        side = "approx" if _APPROX.search(words) else "below" if _BELOW.search(words) else "above"
    return Num(figure, "plain", text, side)


def _text(tokens: list[Tok]) -> str:
    return " ".join(t.value for t in tokens)


def _span(item: Item, tokens: list[Tok]) -> Item:
    item.start, item.end = tokens[0].start_pos, tokens[-1].start_pos + len(tokens[-1].value)
    return item


class _Items(Transformer):
    """Builds a flat list of items while the LALR parser runs (no tree is kept)."""

    def start(self, children):
        """The message's items, single tokens turned into items."""
        out = []
        for c in children:
            if isinstance(c, Item):
                out.append(c)
                continue
            if c.type == "NUM":
                item = Item("num", num=to_num(c))
            elif c.type == "BOUND":
                item = Item("num", num=to_bound(c))
            elif c.type in _TIMING:
                item = Item("timing", c.type, c.value)
            elif c.type in ("AGE_SEX", "HEIGHT_M"):
                item = Item("patient", c.type, c.value)
            elif c.type in ("WORD", "OTHER"):
                item = Item("skip", c.type, c.value)
            else:
                item = Item("kw", c.type, c.value)
            out.append(_span(item, [c]))
        return out

    def count(self, c):
        """A count name with its figure and unit, when written together."""
        name = c[0]
        if len(c) == 1:
            return _span(Item("count", name.type, name.value), c)
        unit = c[2] if len(c) > 2 else None
        return _span(Item("count", name.type, _text(c), num=to_num(c[1]), unit=unit.type if unit else None), c)

    def dose(self, c):
        """A lenalidomide dose with its schedule."""
        types = [t.type for t in c]
        intro = types[0] if types[0] in ("LEN", "ON", "DOSING") else ""
        num = to_num(c[1] if intro else c[0])
        sched = types[-1] if types[-1] in _SCHEDULES else None
        return _span(Item("dose", "MG" if "MG" in types else intro, _text(c), num=num, extra=sched), c)

    def renal_value(self, c):
        """CrCl, eGFR or creatinine with its figure and unit."""
        num = next((to_num(t) for t in c if t.type == "NUM"), None)
        unit = next((t.type for t in c[1:] if t.type in _UNITS), None)
        return _span(Item("renal", c[0].type, c[0].value, num=num, unit=unit), c)

    def patient(self, c):
        """Age, weight, height or BMI with its figure."""
        kinds = {t.type for t in c}
        num = next((to_num(t) for t in c if t.type == "NUM"), None)
        if kinds & {"AGE_KW", "AGE_UNIT"}:
            kind = "AGE"
        elif kinds & {"WEIGHT_KW", "KG"}:
            kind = "WEIGHT"
        elif kinds & {"HEIGHT_KW", "CM"}:
            kind = "HEIGHT"
        else:
            kind = "BMI"
        return _span(Item("patient", kind, _text(c), num=num), c)


_TIMING = frozenset({"CYCLE_DAY", "DAY_N", "CYCLE_N", "DAY1_PHRASE", "MID_CYCLE", "NEXT_CYCLE"})


@lru_cache(maxsize=1)
def parser() -> Lark:
    """The lark LALR parser for the grammar, built once per process (tables cached on disk)."""
    return Lark(grammar_text(), parser="lalr", lexer=FirstCharLexer, transformer=_Items(), cache=_cache_path())


@lru_cache(maxsize=1)
def _driver() -> tuple[FirstCharLexer, TableParser]:
    lark = parser()
    items = _Items()
    reducers = {name: getattr(items, name) for name in ("start", "count", "dose", "renal_value", "patient")}
    return lark.parser.lexer.lexer, TableParser(lark, reducers)


def _cache_path() -> str | bool:
    # lark pickles the LALR tables; a writable per-user cache makes a cold `wardbot ask`
    # cheaper. Where no cache directory is writable, build in memory.
    import os
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


# ---------------------------------------------------------------- normalising the text

_TRANSLATE = str.maketrans({"×": "x", "–": "-", "—": "-", "≥": ">", "≤": "<", "’": "'", "‘": "'", "µ": "u", "μ": "u"})


@lru_cache(maxsize=1)
def speller() -> Speller:
    """Corrects near-misses of the grammar's own vocabulary ("platelts" -> "platelets")."""
    return Speller.from_grammar(grammar_text())


def normalise(text: str) -> str:
    """Lower-case, fold look-alike characters, and correct misspelt key words."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE).lower()
    return speller().correct(text)


@dataclass
class Parsed:
    """A message as items, with the normalised text they index into."""

    text: str
    items: list[Item]
    kinds: frozenset[str] = frozenset()  # item kinds and keyword types present, so readers can skip early

    def has(self, *names: str) -> bool:
        """Whether any of these item kinds or keyword types occurs."""
        return not self.kinds.isdisjoint(names)


def parse(text: str) -> Parsed:
    """Normalise and parse one message."""
    norm = normalise(text)
    lexer, table = _driver()
    items = table.parse(lexer.lex(norm))
    return Parsed(norm, items, frozenset({it.kind for it in items} | {it.type for it in items if it.kind == "kw"}))

"""Free-text ward message -> Facts: normalise, parse with the lark grammar, link names to values."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from lark import Lark, Transformer

from .facts import DoseRead, Facts, Reading
from .lalr import TableParser
from .lexer import FirstCharLexer, Tok
from .protocol import Protocol
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
    bound: str | None = None  # "below" or "above" for "<30", "over 50"; None for a figure


@dataclass(slots=True)
class Item:
    kind: str  # count | num | dose | renal | patient | timing | kw | skip
    type: str = ""  # the token type that names the item
    text: str = ""
    num: Num | None = None
    unit: str | None = None  # unit token type
    extra: str | None = None  # schedule token type for doses, intro token for doses
    used: bool = False


_GROUPED = re.compile(r"\d{1,3}(,\d{3})+$")
_UNITS = frozenset({"SI_UNIT", "PER_UL", "UMOL_L", "MG_DL", "ML_MIN"})
_SCHEDULES = frozenset({"SCHED_21", "SCHED_28", "DAILY"})


def to_num(tok: Tok) -> Num:
    """A NUM token's value and how it was written."""
    t = tok.value
    if t.endswith("k"):
        return Num(float(t[:-1].strip()), "k", t)
    if _GROUPED.match(t):
        return Num(float(t.replace(",", "")), "grouped", t)
    return Num(float(t.replace(",", ".")), "plain", t)


_BOUND = re.compile(r"(not\s+)?(.*?)\s*(\d+(?:\.\d+)?|\.\d+)$")
_BELOW_WORDS = ("below", "under", "less", "lower", "<", "≤")


def to_bound(tok: Tok) -> Num:
    """A BOUND token: the figure and its direction ("not below 30" is at least 30)."""
    m = _BOUND.match(tok.value)
    below = m.group(2).startswith(_BELOW_WORDS)
    if m.group(1):
        below = not below
    return Num(float(m.group(3)), "plain", tok.value, "below" if below else "above")


def _text(tokens: list[Tok]) -> str:
    return " ".join(t.value for t in tokens)


class _Items(Transformer):
    """Builds a flat list of items while the LALR parser runs (no tree is kept)."""

    def start(self, children):
        out = []
        for c in children:
            if isinstance(c, Item):
                out.append(c)
            elif c.type == "NUM":
                out.append(Item("num", num=to_num(c)))
            elif c.type == "BOUND":
                out.append(Item("num", num=to_bound(c)))
            elif c.type in _TIMING:
                out.append(Item("timing", c.type, c.value))
            elif c.type in ("AGE_SEX", "HEIGHT_M"):
                out.append(Item("patient", c.type, c.value))
            elif c.type in ("WORD", "OTHER"):
                out.append(Item("skip", c.type, c.value))
            else:
                out.append(Item("kw", c.type, c.value))
        return out

    def count(self, c):
        name = c[0]
        if len(c) == 1:
            return Item("count", name.type, name.value)
        unit = c[2] if len(c) > 2 else None
        return Item("count", name.type, _text(c), num=to_num(c[1]), unit=unit.type if unit else None)

    def dose(self, c):
        intro = c[0].type if c[0].type in ("LEN", "ON") else None
        num = next(to_num(t) for t in c if t.type == "NUM")
        has_mg = any(t.type == "MG" for t in c)
        sched = next((t.type for t in c if t.type in _SCHEDULES), None)
        return Item("dose", "MG" if has_mg else (intro or ""), _text(c), num=num, extra=sched)

    def renal_value(self, c):
        num = next((to_num(t) for t in c if t.type == "NUM"), None)
        unit = next((t.type for t in c[1:] if t.type in _UNITS), None)
        return Item("renal", c[0].type, c[0].value, num=num, unit=unit)

    def patient(self, c):
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
        return Item("patient", kind, _text(c), num=num)


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


# ---------------------------------------------------------------- linking and reading facts

COUNT_NAMES = {"NEUT": "neutrophils", "PLT": "platelets", "T_NEUTROPENIA": "neutrophils", "T_THROMBOCYTOPENIA": "platelets"}
TOPIC_OF = {
    "T_SPM": "spm", "T_VTE": "vte", "T_INFECTION": "infection", "T_GI": "gi", "T_NEUROPATHY": "neuropathy",
    "T_RASH": "rash", "T_PREGNANCY": "pregnancy", "T_PK": "pharmacokinetics", "T_HEPATIC": "hepatic",
    "T_TRIAL": "trials", "T_TRIALS": "trials", "T_MECHANISM": "mechanism", "T_MTD": "mtd",
    "T_OTHER_AGENT": "other_agents", "T_DOSE_LEVELS": "dose_levels", "T_RENAL": "renal", "T_GCSF": "neutropenia",
    "T_NEUTROPENIA": "neutropenia", "T_THROMBOCYTOPENIA": "thrombocytopenia",
    "VTE_HISTORY": "vte", "NO_VTE_HISTORY": "vte", "ANTICOAG_THERAPEUTIC": "vte", "ANTICOAG_PROPHYLACTIC": "vte",
    "NO_ANTICOAG": "vte", "ANTICOAG_DRUG": "vte",
}
# Words that may stand between a name and its value ("anc back to 0.7", "crcl is 35").
_BRIDGE_KW = {"RECOVERED", "NOW", "DROP", "ON", "HELD", "CLOCK", "DATE", "PLACE"}
_BRIDGE_WORDS = 10
_VTE_FLAGS = {
    "VTE_HISTORY": ("vte_history", True), "NO_VTE_HISTORY": ("vte_history", False), "OBESE": ("bmi_25", True),
    "FRACTURE": ("fracture", True), "ESA": ("esa", True), "DOXORUBICIN": ("doxorubicin", True),
    "ASIAN": ("asian", True), "CVC": ("cvc", True), "SURGERY": ("surgery_90d", True),
    "ANTICOAG_THERAPEUTIC": ("anticoagulation", "therapeutic"),
    "ANTICOAG_PROPHYLACTIC": ("anticoagulation", "prophylactic"), "NO_ANTICOAG": ("anticoagulation", "none"),
}
_INT = re.compile(r"\d+")


def _tokens(text: str) -> list[Item]:
    lexer, table = _driver()
    return table.parse(lexer.lex(text))


def _next_value(items: list[Item], i: int) -> int | None:
    """Index of the lone number a name at i refers to, over a few bridging words ("anc back to 0.7")."""
    words = 0
    for j in range(i + 1, min(len(items), i + 1 + _BRIDGE_WORDS + 3)):
        it = items[j]
        if it.kind == "num" and not it.used:
            return j
        if it.kind == "skip" and it.type == "WORD" and words < _BRIDGE_WORDS:
            words += 1
            continue
        if (it.kind == "kw" and it.type in _BRIDGE_KW) or it.kind == "timing":
            continue
        return None
    return None


def _prev_value(items: list[Item], i: int) -> int | None:
    """Index of a lone number written before its name ("0.45 for the neutrophils", "25 platelets")."""
    for j in range(i - 1, max(-1, i - 5), -1):
        it = items[j]
        if it.kind == "num" and not it.used:
            return j
        if not (it.kind == "skip" and it.type == "WORD"):
            return None
    return None


def _unit_after(items: list[Item], j: int) -> str | None:
    if j + 1 < len(items) and items[j + 1].kind == "kw" and items[j + 1].type in ("SI_UNIT", "PER_UL"):
        items[j + 1].used = True
        return items[j + 1].type
    return None


@dataclass
class _Value:
    num: Num
    unit: str | None
    mark: str  # "now", "past" or ""


@dataclass
class _CountMention:
    name: str
    values: list[_Value] = field(default_factory=list)
    recovered: bool = False

    def current(self) -> tuple[_Value, list[_Value]]:
        """The value that is the count now, and the earlier ones.

        A value marked as now ("now 0.9", "58 now", "today") wins; else the last one not
        marked as past ("was 1.2 last week", "0.3 yesterday"); else the last one.
        """
        now = [v for v in self.values if v.mark == "now"]
        not_past = [v for v in self.values if v.mark != "past"]
        chosen = now[-1] if now else not_past[-1] if not_past else self.values[-1]
        return chosen, [v for v in self.values if v is not chosen]


# Words that put a figure in the past, before it ("was 1.2") or after it ("0.3 yesterday").
_PAST_BEFORE = frozenset({"was", "were", "previously", "had", "last", "prior", "earlier", "originally"})
_PAST_AFTER = frozenset({"yesterday", "ago", "before", "previously", "earlier", "last", "prior"})
_MARK_KW = frozenset({"NOW", "RECOVERED"})
# Items that end the run of figures belonging to one count.
_ENDS_RUN = frozenset({"count", "dose", "renal", "patient"})
_RUN_LENGTH = 12


def _mark(items: list[Item], before: range, j: int, taken: set[int]) -> tuple[str, bool]:
    """(mark, recovered) of the figure at j, from the words just after it, then those before it.

    A marker right after a figure ("0.9 today") is that figure's, and is `taken` so the next
    figure does not claim it too.
    """
    segment = [items[k] for k in before if k not in taken]
    after = items[j + 1 : j + 3]
    recovered = any(it.kind == "kw" and it.type == "RECOVERED" for it in segment)
    if after and after[0].kind == "kw" and after[0].type in _MARK_KW and not (
        len(after) > 1 and after[1].kind == "num" and not after[1].used
    ):
        # "58 now": the marker is this figure's; in "0.3 now 1.1" it belongs to the next one.
        taken.add(j + 1)
        return "now", recovered or after[0].type == "RECOVERED"
    if any(it.kind == "skip" and it.text in _PAST_AFTER for it in after):
        return "past", recovered
    if any(it.kind == "kw" and it.type in _MARK_KW for it in segment):
        return "now", recovered
    if any(it.kind == "skip" and it.text in _PAST_BEFORE for it in segment[-3:]):
        return "past", recovered
    return "", recovered


def _name_of(it: Item) -> str | None:
    if it.kind == "count" and it.type in COUNT_NAMES:
        return COUNT_NAMES[it.type]
    if it.kind == "kw" and it.type in ("T_NEUTROPENIA", "T_THROMBOCYTOPENIA"):
        return COUNT_NAMES[it.type]
    return None


def _resolve_generic_counts(items: list[Item]) -> None:
    """ "held for low platelets; her count is now 64": with one count named, and no figure
    given to it, a generic "count" is that count."""
    named = {_name_of(it) for it in items} - {None}
    if len(named) != 1 or any(_name_of(it) and it.num is not None for it in items):
        return
    kind = "NEUT" if named == {"neutrophils"} else "PLT"
    for it in items:
        if it.kind == "count" and it.type == "COUNT_GENERIC":
            it.type = kind


def _link(items: list[Item]) -> tuple[list[_CountMention], list[str]]:
    """Pair count names with their figures; returns the mentions and the names left without one."""
    mentions: list[_CountMention] = []
    valueless: list[str] = []
    for i, it in enumerate(items):
        name = _name_of(it)
        if name is None:
            if it.kind == "count" and it.num is None:  # generic "counts", "WBC", "Hb"
                j = _next_value(items, i)
                if j is not None:
                    items[j].used = True
                    it.num = items[j].num
                else:
                    valueless.append(it.type)
            continue
        m = _CountMention(name)
        taken: set[int] = set()
        if it.num is not None:
            first = i
            m.values.append(_Value(it.num, it.unit, _mark(items, range(max(0, i - 2), i), i, taken)[0]))
        else:
            j = _next_value(items, i)
            if j is None:
                j = _prev_value(items, i)
            if j is None:
                if it.kind == "count":
                    valueless.append(name)
                continue
            items[j].used = True
            lo, hi = (i + 1, j) if j > i else (max(0, j - 2), j)
            mark, recovered = _mark(items, range(lo, hi), j, taken)
            m.values.append(_Value(items[j].num, _unit_after(items, j), mark))
            m.recovered |= recovered
            first = max(i, j)
        # Later figures of the same count, up to the next name, dose or other value.
        prev = first
        for k in range(first + 1, min(len(items), first + 1 + _RUN_LENGTH)):
            nxt = items[k]
            if nxt.kind in _ENDS_RUN or _name_of(nxt) is not None:
                break
            if nxt.kind == "num" and not nxt.used:
                mark, recovered = _mark(items, range(prev + 1, k), k, taken)
                if not mark and m.values[-1].num.bound:
                    mark = "now"  # "not below 30 - they are 31": the figure after a bound is the count
                if not mark:
                    # A later figure joins the count only when something says when it was
                    # ("now", "was", "yesterday", "->"); otherwise it stays unexplained.
                    break
                nxt.used = True
                m.values.append(_Value(nxt.num, _unit_after(items, k), mark))
                m.recovered |= recovered
                prev = k
        # "plt 45, recovered" / "recovered: plt 45"
        for k in (prev + 1, i - 1):
            if 0 <= k < len(items) and items[k].kind == "kw" and items[k].type == "RECOVERED":
                m.recovered = True
        mentions.append(m)
    return mentions, valueless


def _reading(protocol: Protocol, m: _CountMention, floating_recovery: bool) -> Reading:
    rule = protocol.counts[m.name]
    chosen, others = m.current()
    flags = {"unit_assumed": False, "converted": False, "implausible": False}

    def convert(v: _Value) -> float:
        value, assumed, converted, ok = _to_si(rule, v.num, v.unit)
        flags["unit_assumed"] |= assumed
        flags["converted"] |= converted
        flags["implausible"] |= not ok
        return value

    current = convert(chosen)
    earlier = tuple(convert(v) for v in others)
    # A bound says which side of the threshold the count is on only if it is on the right side of it.
    bound = chosen.num.bound
    ambiguous = (bound == "below" and current > rule.threshold) or (bound == "above" and current < rule.threshold)
    low_before = any(v < rule.threshold or (o.num.bound == "below" and v <= rule.threshold) for v, o in zip(earlier, others))
    dipped_then_up = low_before and current >= rule.threshold and bound != "below"
    recovered = m.recovered or dipped_then_up or (floating_recovery and current >= rule.threshold)
    typed = " -> ".join(v.num.typed for v in m.values)
    return Reading(count=m.name, value=current, typed=typed, earlier=earlier, recovered=recovered,
                   bound=bound, ambiguous=ambiguous, **flags)


def _to_si(rule, num: Num, unit: str | None) -> tuple[float, bool, bool, bool]:
    """(value in x10^9/L, unit assumed, converted from per-microlitre, plausible)."""
    lo, hi = rule.plausible
    ul_lo, ul_hi = rule.per_microlitre
    raw = num.value
    if num.kind == "k":  # "25k" is thousands per microlitre, the same figure as x10^9/L
        return raw, unit is None, False, lo <= raw <= hi
    if unit == "SI_UNIT":
        return raw, False, False, lo <= raw <= hi
    if unit == "PER_UL":
        return raw / 1000, False, True, ul_lo <= raw <= ul_hi
    if num.kind == "grouped":
        return raw / 1000, True, True, ul_lo <= raw <= ul_hi
    if lo <= raw <= hi:
        return raw, False, False, True
    if ul_lo <= raw <= ul_hi:
        return raw / 1000, True, True, True
    return raw, False, False, False


_SCHED_DAYS = {"SCHED_21": "1-21", "SCHEDULE_ALONE": "1-21", "SCHED_28": "1-28", "DAILY": None}


def read_facts(text: str, protocol: Protocol) -> Facts:
    """Read the facts from an already-redacted message."""
    items = _tokens(normalise(text))
    kw_types = [it.type for it in items if it.kind == "kw"]
    # "after being held", "when to restart", "following the last interruption": the drug is held,
    # so a count back at or above its threshold is a recovery.
    held = any(it.kind == "kw" and (it.type == "HELD" or (it.type == "SUBSEQUENT" and "interruption" in it.text))
               for it in items)
    # "back up to 10 mg" is about the dose, not the counts.
    floating_recovery = held or any(
        it.kind == "kw" and it.type == "RECOVERED" and not (k + 1 < len(items) and items[k + 1].kind == "dose")
        for k, it in enumerate(items)
    )
    _resolve_generic_counts(items)
    mentions, valueless = _link(items)
    floating_recovery = held or (floating_recovery and not any(m.recovered for m in mentions))
    implausible: list[str] = []
    readings = []
    for m in mentions:
        r = _reading(protocol, m, floating_recovery)
        if r.implausible:
            implausible.append(f"{r.count} {r.typed}")
        readings.append(r)

    out: dict = {"readings": tuple(readings), "count_names_without_value": tuple(dict.fromkeys(valueless))}
    out["other_counts"] = tuple(it.text for it in items if it.kind == "count" and it.type in ("WBC", "HB") and it.num)
    _read_timing(items, out, implausible)
    _read_dose(items, out, implausible, protocol)
    _read_renal_and_patient(items, out, implausible)
    _read_history(kw_types, out)
    out["counts_normal"] = "COUNTS_OK" in kw_types

    # Figures nothing claimed: after counts, doses, renal and patient values took theirs.
    generic = [it for it in items if it.kind == "count" and it.type == "COUNT_GENERIC" and it.num]
    unnamed = [it.num for it in items if it.kind == "num" and not it.used]
    out["unnamed_values"] = tuple(n.typed for n in unnamed) + tuple(it.num.typed for it in generic)
    # "neutropenic on 10mg day 8": a patient's count named without its figure.
    if not readings and (out.get("dose") or out.get("timing")):
        for it in items:
            if it.kind == "kw" and it.type in ("T_NEUTROPENIA", "T_THROMBOCYTOPENIA"):
                valueless.append(COUNT_NAMES[it.type])
        out["count_names_without_value"] = tuple(dict.fromkeys(valueless))

    topics = []
    for it in items:
        if it.kind == "kw" and it.type in TOPIC_OF:
            topics.append(TOPIC_OF[it.type])
        if it.kind == "kw" and it.type == "T_TRIAL" and "trial" not in out:
            out["trial"] = it.text
    out["topics"] = tuple(dict.fromkeys(topics))
    out["lenalidomide_named"] = "LEN" in kw_types or any(it.kind == "dose" for it in items)
    out["start_question"] = "START_Q" in kw_types
    out["dosing_words"] = "DOSING" in kw_types or "START_Q" in kw_types
    out["help"] = "HELP" in kw_types
    # Dexamethasone is read as a VTE risk factor too, but a dose question about it is about another drug.
    out["other_drugs"] = tuple(dict.fromkeys(
        "dexamethasone" if it.type == "DEX" else it.text
        for it in items if it.kind == "kw" and it.type in ("OTHER_DRUG", "DEX", "ANTICOAG_DRUG")
    ))
    out["not_maintenance"] = "NOT_MAINTENANCE" in kw_types
    out["vte_factors"] = _vte_factors(items, out)
    out["implausible"] = tuple(implausible)
    return Facts(**out)


def _read_timing(items: list[Item], out: dict, implausible: list[str]) -> None:
    day = cycle = None
    phrase = None
    for it in items:
        if it.kind != "timing":
            continue
        nums = [int(n) for n in _INT.findall(it.text)]
        if it.type == "CYCLE_DAY":
            cycle, d = nums[0], nums[1]
            day = d if day is None else day
        elif it.type == "DAY_N":
            day = nums[0] if day is None else day
        elif it.type == "CYCLE_N":
            cycle = nums[0] if cycle is None else cycle
        elif it.type == "DAY1_PHRASE":
            phrase = phrase or "day1"
            if nums and cycle is None:
                cycle = nums[0]
        elif it.type == "MID_CYCLE":
            phrase = "mid_cycle" if phrase is None else phrase
            if nums and cycle is None:
                cycle = nums[0]
        elif it.type == "NEXT_CYCLE":
            phrase = phrase or "day1"
    if day is not None and not 1 <= day <= 28:
        implausible.append(f"day {day} of a 28-day cycle")
        day = None
    out["cycle"], out["cycle_day"] = cycle, day
    out["timing"] = ("day1" if day == 1 else "mid_cycle") if day is not None else phrase


def _read_dose(items: list[Item], out: dict, implausible: list[str], protocol: Protocol) -> None:
    doses = [it for it in items if it.kind == "dose"]
    lone_sched = [it.type for it in items if it.kind == "kw" and it.type in _SCHED_DAYS]
    chosen = None
    distinct = {it.num.value for it in doses}
    if len(distinct) == 1:
        chosen = doses[-1]
    elif len(distinct) > 1:
        # Several doses: only one marked as current ("now on 10mg"), or the only one not
        # marked as past ("on 10mg, was 15mg"), can be taken as current.
        # A dose asked about ("go up to 15mg", "reduce from 15 to 10mg") is not the current one.
        doses = [d for d in doses if not _preceded_by(items, d, _TARGET_WORDS)] or doses
        now_marked = [d for d in doses if _preceded_by(items, d, _NOW_WORDS)]
        not_past = [d for d in doses if not _preceded_by(items, d, _PAST_WORDS)]
        if len({d.num.value for d in doses}) == 1:
            chosen = doses[-1]
        else:
            chosen = now_marked[-1] if len(now_marked) == 1 else not_past[0] if len(not_past) == 1 else None
    out["doses_seen"] = len(distinct)
    if chosen is None:
        return
    mg = chosen.num.value
    lo, hi = protocol.ladder.plausible_mg
    if not lo <= mg <= hi:
        implausible.append(f"dose {chosen.num.typed} mg")
        return
    sched = chosen.extra or next((s for s in lone_sched if _SCHED_DAYS[s]), None)
    if any(it.extra in ("SCHED_21", "SCHEDULE_ALONE") for it in doses) or "SCHED_21" in lone_sched:
        sched = "SCHED_21"
    days = _SCHED_DAYS.get(sched) if sched else None
    out["dose"] = DoseRead(mg=mg, days=days, typed=chosen.text)


_NOW_WORDS = frozenset({"NOW"})
_PAST_WORDS = frozenset({"was", "previously", "had", "before", "prior", "formerly", "originally"})
_TARGET_WORDS = frozenset({"to", "into", "T_DOSE_LEVELS", "RECOVERED"})


def _preceded_by(items: list[Item], dose: Item, marks: frozenset[str]) -> bool:
    """Whether one of the two items before the dose is a marker (a keyword type or a word)."""
    i = items.index(dose)
    return any(items[k].type in marks or items[k].text in marks for k in range(max(0, i - 2), i))


def _read_renal_and_patient(items: list[Item], out: dict, implausible: list[str]) -> None:
    for i, it in enumerate(items):
        if it.kind in ("renal", "patient") and it.num is None and it.type not in ("AGE_SEX", "HEIGHT_M"):
            j = _next_value(items, i)
            if j is not None:
                items[j].used = True
                it.num = items[j].num
    crcl = egfr = None
    for it in items:
        if it.kind == "renal" and it.num is not None:
            v = it.num.value
            if it.type == "CRCL" and crcl is None:
                crcl = v
                out["crcl_bound"] = it.num.bound
            elif it.type == "EGFR" and egfr is None:
                egfr = v
                out.setdefault("crcl_bound", it.num.bound)
            elif it.type == "CREAT" and "creatinine" not in out:
                _read_creatinine(it, out, implausible)
        elif it.kind == "kw" and it.type == "DIALYSIS":
            out.setdefault("dialysis", True)
        elif it.kind == "kw" and it.type == "NOT_DIALYSIS":
            out["dialysis"] = False
        elif it.kind == "patient":
            _read_patient(it, out, implausible)
        elif it.kind == "kw" and it.type in ("FEMALE", "MALE"):
            sex = "female" if it.type == "FEMALE" else "male"
            if out.get("sex") not in (None, sex):
                out["sex_conflict"] = True
            out.setdefault("sex", sex)
    if out.pop("sex_conflict", False):
        out["sex"] = None
    for value, source in ((crcl, "stated"), (egfr, "egfr")):
        if value is not None:
            if not 0 <= value <= 250:
                implausible.append(f"{'CrCl' if source == 'stated' else 'eGFR'} {value:g} mL/min")
            else:
                out["crcl"], out["crcl_source"] = value, source
            break
    if out.get("crcl") is None:
        out.pop("crcl_bound", None)


def _read_creatinine(it: Item, out: dict, implausible: list[str]) -> None:
    v = it.num.value
    if it.unit == "UMOL_L":
        unit, assumed = "umol/L", False
    elif it.unit == "MG_DL":
        unit, assumed = "mg/dL", False
    else:
        # Below 20 only makes sense as mg/dL; above it only as micromol/L.
        unit, assumed = ("mg/dL", True) if v < 20 else ("umol/L", True)
    plausible = (20 <= v <= 2000) if unit == "umol/L" else (0.2 <= v <= 20)
    if not plausible:
        implausible.append(f"creatinine {it.num.typed} {unit}")
        return
    out["creatinine"], out["creatinine_unit"], out["creatinine_unit_assumed"] = v, unit, assumed


def _read_patient(it: Item, out: dict, implausible: list[str]) -> None:
    if it.type == "AGE_SEX":
        m = re.match(r"(\d+)\s?([mf])", it.text)
        age = float(m.group(1))
        if 16 <= age <= 110:
            out.setdefault("age", age)
            out.setdefault("sex", "female" if m.group(2) == "f" else "male")
        return
    if it.type == "HEIGHT_M":
        out.setdefault("height_cm", round(float(re.match(r"[\d.]+", it.text).group()) * 100, 1))
        return
    if it.num is None:
        return
    v = it.num.value
    key, lo, hi, label = {
        "AGE": ("age", 16, 110, "age"), "WEIGHT": ("weight_kg", 25, 300, "weight (kg)"),
        "HEIGHT": ("height_cm", 100, 230, "height (cm)"), "BMI": ("bmi", 10, 80, "BMI"),
    }[it.type]
    if lo <= v <= hi:
        out.setdefault(key, v)
    else:
        implausible.append(f"{label} {it.num.typed}")


def _read_history(kw_types: list[str], out: dict) -> None:
    first, later = "FIRST_EPISODE" in kw_types, "SUBSEQUENT" in kw_types
    out["episode"] = None if first and later else "first" if first else "subsequent" if later else None


def _vte_factors(items: list[Item], out: dict) -> dict[str, object]:
    stated: dict[str, object] = {}
    for it in items:
        if it.kind == "kw" and it.type in _VTE_FLAGS:
            key, value = _VTE_FLAGS[it.type]
            stated.setdefault(key, value)
        elif it.kind == "kw" and it.type == "DEX":
            # Plain "dex" says nothing of the dose, so it stays unstated.
            if "high" in it.text or "low" in it.text:
                stated["dexamethasone"] = "high" if "high" in it.text else "low"
    if out.get("bmi") is not None:
        stated["bmi_25"] = out["bmi"] >= 25
    if out.get("age") is not None:
        stated["age_80"] = out["age"] >= 80
    return stated

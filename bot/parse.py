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
    "NO_ANTICOAG": "vte",
}
# Words that may stand between a name and its value ("anc back to 0.7", "crcl is 35").
_BRIDGE_KW = {"RECOVERED", "NOW", "DROP", "ON"}
_BRIDGE_WORDS = 3
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
    """Index of the lone number a name at i refers to, skipping a few bridging words."""
    words = 0
    for j in range(i + 1, min(len(items), i + 6)):
        it = items[j]
        if it.kind == "num" and not it.used:
            return j
        if it.kind == "skip" and it.type == "WORD" and words < _BRIDGE_WORDS:
            words += 1
            continue
        if it.kind == "kw" and it.type in _BRIDGE_KW:
            continue
        return None
    return None


def _skip_words(items: list[Item], k: int) -> int:
    """The index after a few filler words or dates ("0.3 last week, now 0.9")."""
    start = k
    while k < len(items) and k - start < _BRIDGE_WORDS and (
        items[k].kind == "skip" or (items[k].kind == "kw" and items[k].type in ("DATE", "CLOCK"))
    ):
        k += 1
    return k if k < len(items) and items[k].kind == "kw" and items[k].type in ("NOW", "RECOVERED") else start


def _unit_after(items: list[Item], j: int) -> str | None:
    if j + 1 < len(items) and items[j + 1].kind == "kw" and items[j + 1].type in ("SI_UNIT", "PER_UL"):
        items[j + 1].used = True
        return items[j + 1].type
    return None


@dataclass
class _CountMention:
    name: str
    values: list[tuple[Num, str | None]] = field(default_factory=list)
    recovered: bool = False
    at: int = 0


def _link(items: list[Item]) -> tuple[list[_CountMention], list[str]]:
    """Pair count names with their values; returns the mentions and the names left without a value."""
    mentions: list[_CountMention] = []
    valueless: list[str] = []
    for i, it in enumerate(items):
        name = None
        if it.kind == "count" and it.type in COUNT_NAMES:
            name = COUNT_NAMES[it.type]
        elif it.kind == "kw" and it.type in ("T_NEUTROPENIA", "T_THROMBOCYTOPENIA"):
            name = COUNT_NAMES[it.type]
        if name is None:
            if it.kind == "count":  # generic "counts", "WBC", "Hb"
                if it.num is None:
                    j = _next_value(items, i)
                    if j is not None:
                        items[j].used = True
                        it.num = items[j].num
                valueless.append(it.type) if it.num is None else None
            continue
        m = _CountMention(name, at=i)
        between = items[i + 1 : i + 1]
        if it.num is not None:
            m.values.append((it.num, it.unit))
            last = i
        else:
            j = _next_value(items, i)
            if j is None:
                # value written first: "25 platelets"
                if i > 0 and items[i - 1].kind == "num" and not items[i - 1].used:
                    items[i - 1].used = True
                    m.values.append((items[i - 1].num, None))
                    last = i
                else:
                    if it.kind == "count":
                        valueless.append(name)
                    continue
            else:
                between = items[i + 1 : j]
                items[j].used = True
                m.values.append((items[j].num, _unit_after(items, j)))
                last = j
        m.recovered = any(b.kind == "kw" and b.type == "RECOVERED" for b in between)
        # "plt was 20 now 45": later values of the same count, after "now" or a recovery word.
        k = _skip_words(items, last + 1)
        while k + 1 < len(items) and items[k].kind == "kw" and items[k].type in ("NOW", "RECOVERED"):
            if items[k].type == "RECOVERED":
                m.recovered = True
            if items[k + 1].kind == "num" and not items[k + 1].used:
                items[k + 1].used = True
                m.values.append((items[k + 1].num, _unit_after(items, k + 1)))
                k += 2
            else:
                break
        # "plt 45, recovered"
        if k < len(items) and items[k].kind == "kw" and items[k].type == "RECOVERED":
            items[k].used = True
            m.recovered = True
        if i > 0 and items[i - 1].kind == "kw" and items[i - 1].type == "RECOVERED":
            m.recovered = True
        mentions.append(m)
    return mentions, valueless


def _reading(protocol: Protocol, m: _CountMention, floating_recovery: bool) -> Reading:
    rule = protocol.counts[m.name]
    values: list[float] = []
    flags = {"unit_assumed": False, "converted": False, "implausible": False}
    typed = []
    for num, unit in m.values:
        value, assumed, converted, ok = _to_si(rule, num, unit)
        values.append(value)
        flags["unit_assumed"] |= assumed
        flags["converted"] |= converted
        flags["implausible"] |= not ok
        typed.append(num.typed)
    current = values[-1]
    earlier = tuple(values[:-1])
    dipped_then_up = any(v < rule.threshold for v in earlier) and current >= rule.threshold
    recovered = m.recovered or dipped_then_up or (floating_recovery and current >= rule.threshold)
    return Reading(
        count=m.name, value=current, typed=" -> ".join(typed), earlier=earlier, recovered=recovered, **flags
    )


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
    floating_recovery = held or any(
        it.kind == "kw" and it.type == "RECOVERED" and not it.used for it in items
    )
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
    out["start_question"] = "START_Q" in kw_types
    out["dosing_words"] = "DOSING" in kw_types or "START_Q" in kw_types
    out["help"] = "HELP" in kw_types
    # Dexamethasone is read as a VTE risk factor too, but a dose question about it is about another drug.
    out["other_drugs"] = tuple(dict.fromkeys(
        "dexamethasone" if it.type == "DEX" else it.text
        for it in items if it.kind == "kw" and (it.type == "OTHER_DRUG" or it.type == "DEX")
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
        now_marked = [d for d in doses if _preceded_by(items, d, _NOW_WORDS)]
        not_past = [d for d in doses if not _preceded_by(items, d, _PAST_WORDS)]
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
            elif it.type == "EGFR" and egfr is None:
                egfr = v
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

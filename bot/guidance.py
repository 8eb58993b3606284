"""The guidance knowledge base behind look-up (`info`) answers.

The facts live in `bot/knowledge/guidance.toml` (one table per contract topic, one
`[trials_rows.KEY]` table per row of the review's Table 1). This module reads that file,
validates it with pydantic and serves it as frozen models:

    load_guidance(path=None) -> Guidance     the default file, or a hospital's own file
    topic(key) -> Topic                      a topic of the default guidance
    trial_for(name) -> TrialRow | None       a Table 1 row by any of its names
    section_summary(section) -> tuple[Statement, ...]
                                             every statement citing one review section

Statements are `bot.answer.Statement`s. Review statements cite a review section
("5.2", "Table 2" ...); outside facts become `Statement(text, cite="External: <source>")`.

A file is rejected (pydantic `ValidationError`, its title naming the file) when a contract
topic is missing or unknown, a cite is not a review section, a topic's `citations` and its
statements' cites disagree, a statement is empty or 300 characters or longer, or two
Table 1 rows share a name.
"""
from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from .answer import Statement
from .asked import content_words

__all__ = [
    "SECTIONS",
    "TOPIC_KEYS",
    "EXTERNAL_PREFIX",
    "MAX_STATEMENT_CHARS",
    "Topic",
    "TrialRow",
    "Guidance",
    "load_guidance",
    "clear_cache",
    "topic",
    "trial_for",
    "section_summary",
    "normalise_trial_name",
]

# The review sections an answer may cite (CONTRACT.md, `citations`).
SECTIONS: tuple[str, ...] = (
    "2", "3",
    "5.1", "5.2", "5.3", "5.4", "5.5", "5.6", "5.7", "5.8",
    "6.1", "6.2", "6.3",
    "7.1", "7.2", "7.3",
    "8",
    "9.1", "9.2", "9.3", "9.4", "9.5",
    "Table 1", "Table 2",
)

# The contract's topics, in the contract's order; the file must hold exactly these.
TOPIC_KEYS: tuple[str, ...] = (
    "neutropenia", "thrombocytopenia", "renal", "dose_levels", "spm", "vte", "infection", "gi",
    "neuropathy", "rash", "pregnancy", "pharmacokinetics", "hepatic", "trials", "mechanism",
    "mtd", "other_agents", "missed_dose", "monitoring",
)

EXTERNAL_PREFIX = "External: "
MAX_STATEMENT_CHARS = 300  # statements must be shorter than this

_PACKAGE = "bot.knowledge"
_RESOURCE = "guidance.toml"
_TRIALS_TABLE = "trials_rows"
_ROW_KEY = re.compile(r"^[a-z0-9_]+$")
# Ignored when matching a trial name: whitespace, hyphens and dashes, dots, underscores.
_NAME_NOISE = re.compile(r"[\s\-\u2010-\u2015\u2212._]+")


def telling_words(texts: list[str], keys: list[tuple[str, ...]], title: str) -> tuple[frozenset[str], ...]:
    """Per statement: its keys, and its own words that few of its topic's statements share (they tell it apart);
    the topic's own name tells nothing apart."""
    named = content_words(title)
    words = [content_words(t) - named for t in texts]
    shared: dict[str, int] = {}
    for ws in words:
        for w in ws:
            shared[w] = shared.get(w, 0) + 1
    rare = max(2, len(texts) // 4)
    return tuple(frozenset(k) | {w for w in ws if shared[w] <= rare} for ws, k in zip(words, keys))


def normalise_trial_name(name: str) -> str:
    """The form trial names are compared in: case-folded, without spaces, hyphens or dots."""
    return _NAME_NOISE.sub("", name).casefold()


def _section(value: str) -> str:
    if value not in SECTIONS:
        raise ValueError(f"{value!r} is not a review section; use one of: {', '.join(SECTIONS)}")
    return value


def _text(value: str, what: str = "text") -> str:
    if not value.strip():
        raise ValueError(f"{what} must not be empty")
    if value != value.strip():
        raise ValueError(f"{what} has leading or trailing whitespace: {value!r}")
    return value


# --- the file's schema ----------------------------------------------------------------


class _In(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _TextIn(_In):
    text: str

    @field_validator("text")
    @classmethod
    def _check_text(cls, v: str) -> str:
        _text(v)
        if len(v) >= MAX_STATEMENT_CHARS:
            raise ValueError(f"statement is {len(v)} characters; keep it under {MAX_STATEMENT_CHARS}: {v[:60]!r}...")
        return v


class _StatementIn(_TextIn):
    cite: str
    keys: tuple[str, ...] = ()  # words a question about this statement's point would use ("dvt", "vasectomy")
    always: bool = False  # shown whenever the topic is, whatever was asked

    @field_validator("cite")
    @classmethod
    def _check_cite(cls, v: str) -> str:
        return _section(v)

    def statement(self) -> Statement:
        """The card statement this entry stands for."""
        return Statement(text=self.text, cite=self.cite)


class _ExternalIn(_TextIn):
    source: str
    keys: tuple[str, ...] = ()  # words a question about this fact would use

    @field_validator("source")
    @classmethod
    def _check_source(cls, v: str) -> str:
        return _text(v, "source")

    def statement(self) -> Statement:
        """The card statement this entry stands for, cited to its outside source."""
        return Statement(text=self.text, cite=EXTERNAL_PREFIX + self.source)


def _no_repeats(texts: list[str], where: str) -> None:
    seen: set[str] = set()
    for t in texts:
        if t in seen:
            raise ValueError(f"{where} repeats a statement: {t!r}")
        seen.add(t)


class _TopicIn(_In):
    title: str
    citations: tuple[str, ...] = Field(min_length=1)
    statements: tuple[_StatementIn, ...] = Field(min_length=1)
    external: tuple[_ExternalIn, ...] = ()
    shown: int | None = Field(default=None, ge=1, le=16)

    @field_validator("title")
    @classmethod
    def _check_title(cls, v: str) -> str:
        return _text(v, "title")

    @field_validator("citations")
    @classmethod
    def _check_citations(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for c in v:
            _section(c)
        if len(set(v)) != len(v):
            raise ValueError(f"citations repeat a section: {list(v)}")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> "_TopicIn":
        cited = {s.cite for s in self.statements}
        unlisted = sorted(cited - set(self.citations), key=SECTIONS.index)
        if unlisted:
            raise ValueError(f"statements cite {unlisted}, which are missing from citations {list(self.citations)}")
        unused = [c for c in self.citations if c not in cited]
        if unused:
            raise ValueError(f"citations list {unused}, but no statement cites them")
        _no_repeats([s.text for s in self.statements], "statements")
        _no_repeats([e.text for e in self.external], "external")
        return self


class _TrialRowIn(_In):
    name: str
    aliases: tuple[str, ...] = Field(min_length=1)
    statements: tuple[_StatementIn, ...] = Field(min_length=1)

    @field_validator("name")
    @classmethod
    def _check_name(cls, v: str) -> str:
        _text(v, "name")
        if not normalise_trial_name(v):
            raise ValueError(f"name {v!r} has no letters or digits")
        return v

    @field_validator("aliases")
    @classmethod
    def _check_aliases(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for a in v:
            _text(a, "alias")
            if not normalise_trial_name(a):
                raise ValueError(f"alias {a!r} has no letters or digits")
        return v

    @model_validator(mode="after")
    def _no_repeated_statements(self) -> "_TrialRowIn":
        _no_repeats([s.text for s in self.statements], "statements")
        return self


class _MetaIn(_In):
    name: str
    version: str
    source: str

    @field_validator("name", "version", "source")
    @classmethod
    def _check(cls, v: str) -> str:
        return _text(v, "meta value")


# Every contract topic is a required field, so a missing topic ("Field required") and an
# unknown one ("Extra inputs are not permitted") are reported with the other errors.
_TopicsIn = create_model(
    "topics",
    __base__=_In,
    **{key: (_TopicIn, ...) for key in TOPIC_KEYS},
)


class _FileIn(_In):
    meta: _MetaIn
    topics: _TopicsIn  # type: ignore[valid-type]
    trials_rows: dict[str, _TrialRowIn] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _trial_names_unique(self) -> "_FileIn":
        owner: dict[str, str] = {}
        for key, row in self.trials_rows.items():
            if not _ROW_KEY.match(key):
                raise ValueError(f"trials_rows key {key!r}: use lower-case letters, digits and underscores")
            for name in {normalise_trial_name(n) for n in (key, row.name, *row.aliases)}:
                if owner.get(name, key) != key:
                    raise ValueError(f"trial name {name!r} belongs to both trials_rows.{owner[name]} and trials_rows.{key}")
                owner[name] = key
        return self


# --- the public models ----------------------------------------------------------------


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Topic(Frozen):
    """One contract topic: its card title, the review sections it rests on, its statements."""

    key: str
    title: str
    citations: tuple[str, ...]
    statements: tuple[Statement, ...]
    external: tuple[Statement, ...] = ()
    keys: tuple[frozenset[str], ...] = ()  # per statement: the words that ask for it (its own and its keys)
    always: frozenset[int] = frozenset()  # statements shown whatever was asked
    external_keys: tuple[frozenset[str], ...] = ()  # per external fact, as `keys`
    shown: int | None = None  # statements on a card about this topic alone; None: the look-up's default


class TrialRow(Frozen):
    """One row of the review's Table 1."""

    key: str
    name: str
    aliases: tuple[str, ...]
    statements: tuple[Statement, ...]


class Guidance(Frozen):
    """A validated guidance file. Treat `topics` and `trials` as read-only: the default is shared."""

    name: str
    version: str
    source: str
    topics: dict[str, Topic]
    trials: dict[str, TrialRow]
    _names: dict[str, str] = PrivateAttr(default_factory=dict)

    def model_post_init(self, __context: Any) -> None:
        for key, row in self.trials.items():
            for n in (key, row.name, *row.aliases):
                self._names.setdefault(normalise_trial_name(n), key)

    def topic(self, key: str) -> Topic:
        """A topic by key; a KeyError names the known topics."""
        try:
            return self.topics[key]
        except KeyError:
            raise KeyError(f"unknown topic {key!r}; topics are: {', '.join(self.topics)}") from None

    def trial_for(self, name: str) -> TrialRow | None:
        """The Table 1 row a trial name or alias refers to."""
        key = self._names.get(normalise_trial_name(name)) if name else None
        return self.trials[key] if key else None

    def section_summary(self, section: str) -> tuple[Statement, ...]:
        """Every statement citing one review section, once each, in file order."""
        wanted = _canonical_section(section)
        out: list[Statement] = []
        seen: set[str] = set()
        groups = [t.statements for t in self.topics.values()] + [r.statements for r in self.trials.values()]
        for statements in groups:
            for s in statements:
                if s.cite == wanted and s.text not in seen:
                    seen.add(s.text)
                    out.append(s)
        return tuple(out)


def _canonical_section(section: str) -> str:
    s = " ".join(section.split())
    for known in SECTIONS:
        if s.casefold() == known.casefold():
            return known
    raise ValueError(f"{section!r} is not a review section; use one of: {', '.join(SECTIONS)}")


# --- loading --------------------------------------------------------------------------


def _parse(text: str, origin: str) -> Guidance:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise tomllib.TOMLDecodeError(f"guidance file {origin}: {e}") from e
    raw = dict(raw)
    data: dict[str, Any] = {key: raw.pop(key) for key in ("meta", _TRIALS_TABLE) if key in raw}
    data["topics"] = raw  # every other top-level table is a topic
    try:
        parsed = _FileIn.model_validate(data)
    except ValidationError as e:
        # Same errors, with the file named in the title.
        raise ValidationError.from_exception_data(f"guidance file {origin}", e.errors()) from None
    topics = {
        key: Topic(
            key=key,
            title=t.title,
            citations=t.citations,
            statements=tuple(s.statement() for s in t.statements),
            external=tuple(x.statement() for x in t.external),
            keys=telling_words([s.text for s in t.statements], [s.keys for s in t.statements], t.title),
            always=frozenset(i for i, s in enumerate(t.statements) if s.always),
            external_keys=telling_words([x.text for x in t.external], [x.keys for x in t.external], t.title),
            shown=t.shown,
        )
        for key in raw  # file order
        for t in [getattr(parsed.topics, key)]
    }
    trials = {
        key: TrialRow(
            key=key,
            name=r.name,
            aliases=r.aliases,
            statements=tuple(s.statement() for s in r.statements),
        )
        for key, r in parsed.trials_rows.items()
    }
    return Guidance(
        name=parsed.meta.name, version=parsed.meta.version, source=parsed.meta.source, topics=topics, trials=trials
    )


@functools.lru_cache(maxsize=16)
def _load(path: str | None) -> Guidance:
    if path is None:
        text = resources.files(_PACKAGE).joinpath(_RESOURCE).read_text(encoding="utf-8")
        return _parse(text, f"{_PACKAGE}/{_RESOURCE}")
    return _parse(Path(path).read_text(encoding="utf-8"), path)


def load_guidance(path: str | Path | None = None) -> Guidance:
    """The packaged guidance, or the file at `path` (a hospital's own). Cached per file."""
    if path is None:
        return _load(None)
    return _load(str(Path(path).expanduser().resolve()))


def clear_cache() -> None:
    """Forget loaded files (e.g. after a hospital file has been edited)."""
    _load.cache_clear()


def topic(key: str) -> Topic:
    """A topic of the packaged guidance; KeyError names the known topics."""
    return load_guidance().topic(key)


def trial_for(name: str) -> TrialRow | None:
    """The Table 1 row a trial name refers to, matching its key, name or an alias while
    ignoring case, spaces, hyphens and dots ("ifm2005-002" finds IFM 2005-02); else None."""
    return load_guidance().trial_for(name)


def section_summary(section: str) -> tuple[Statement, ...]:
    """Every statement of the packaged guidance (topics, then Table 1 rows) that cites
    `section`, each text once, in file order. ValueError if `section` is not a review section."""
    return load_guidance().section_summary(section)

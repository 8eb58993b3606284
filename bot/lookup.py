"""Look-up (`info`) answers: guidance topics and Table 1 rows, with VTE scores where asked."""
from __future__ import annotations

from typing import Callable

from .answer import DOSING_TOPICS, Answer, Statement
from .facts import Facts
from .guidance import topic, trial_for
from .protocol import Protocol
from .render import factor_label
from .scores.vte import impede, saved

IMPEDE_SOURCE = "External: Sanfilippo et al., Am J Hematol 2019"
SAVED_SOURCE = "External: Li et al., JNCCN 2019"
SCORE_NAMES = {"impede_vte": "IMPEDE VTE", "saved": "SAVED"}
SCORE_WORDS = frozenset({"score", "scores", "scoring", "impede", "saved", "calculate", "calculator"})
SCORE_INVITATION = ("For IMPEDE VTE and SAVED scores, give the risk factors: previous VTE, BMI, fracture, ESA, "
                    "dexamethasone, doxorubicin, ethnicity, central line, surgery within 90 days, age 80 or over, "
                    "anticoagulation.")

# Enough statements to answer on a ward without the card becoming a page.
PER_TOPIC = 6


def chosen(t, asked: frozenset[str], limit: int) -> tuple[Statement, ...]:
    """A topic's statements for a question: those it must always show, then those the question's words ask for,
    best first, then the rest in the file's order, up to `limit`."""
    return _pick(t.statements, t.keys, t.always, asked, limit)


def chosen_external(t, asked: frozenset[str], limit: int) -> tuple[Statement, ...]:
    """A topic's outside facts for a question, chosen as `chosen` chooses its statements."""
    return _pick(t.external, t.external_keys, frozenset(), asked, limit)


def _pick(items, keys, always, asked: frozenset[str], limit: int) -> tuple[Statement, ...]:
    keys = keys or tuple(frozenset() for _ in items)
    hits = [(-len(asked & k), i) for i, k in enumerate(keys) if asked & k and i not in always]
    order = sorted(always) + [i for _, i in sorted(hits)]
    order += [i for i in range(len(items)) if i not in order]
    return tuple(items[i] for i in order[: max(limit, len(always))])


def info_answer(facts: Facts, protocol: Protocol, *, flags: set[str], common: dict,
                build: Callable[..., Answer], asked: frozenset[str] = frozenset()) -> Answer:
    """An info answer for every topic the message names, with the statements its words ask for."""
    reasons, warnings, citations, titles = [], list(common.pop("warnings", [])), [], []
    row = trial_for(facts.trial) if facts.trial else None
    if row is not None:
        titles.append(row.name)
        reasons += row.statements
        citations.append("Table 1")
    limit = PER_TOPIC if len(facts.topics) == 1 else max(3, PER_TOPIC // len(facts.topics))
    for key in facts.topics:
        if key == "trials" and row is not None:
            continue
        t = topic(key)
        titles.append(t.title)
        reasons += chosen(t, asked, (t.shown or limit) if len(facts.topics) == 1 else limit)
        warnings += chosen_external(t, asked, 2)
        citations += t.citations
    scores = dict(common.pop("scores", {}) or {})
    flags = set(flags)
    if "vte" in facts.topics and not (facts.vte_factors or asked & SCORE_WORDS):
        # Scores from no stated factor would only restate the drug's own points.
        warnings.append(Statement(text=SCORE_INVITATION, cite=f"{IMPEDE_SOURCE}; {SAVED_SOURCE}"))
    elif "vte" in facts.topics:
        for key, score, source in (("impede_vte", impede(facts.vte_factors), IMPEDE_SOURCE),
                                   ("saved", saved(facts.vte_factors), SAVED_SOURCE)):
            scores[key] = score.as_json()
            warnings.append(Statement(text=score_text(key, score), cite=source))
    if "renal" in facts.topics:
        flags.add("source_caution")
        warnings.append(protocol_caution(protocol))
    return build(
        protocol, status="answered", action="info", headline=" / ".join(dict.fromkeys(titles)),
        flags=flags, topics=facts.topics, citations=tuple(dict.fromkeys(citations)),
        reasons=tuple(dict.fromkeys(reasons)), warnings=tuple(dict.fromkeys(warnings)), scores=scores, **common,
    )

def protocol_caution(protocol: Protocol) -> Statement:
    """The renal source caution as a card statement."""
    return Statement(text=protocol.renal_caution.says, cite=protocol.renal_caution.cite)


def score_text(key: str, score) -> str:
    """One line for a VTE score: points, the range unstated factors allow, and the band if settled."""
    lo, hi = score.range
    band = f"{score.band} risk" if score.band else "band not settled"
    text = f"{SCORE_NAMES[key]}: {score.points} points from what was said"
    if lo != hi:
        text += f" (could be {lo} to {hi}: {band}; not stated: {', '.join(factor_label(f) for f in score.unstated)})"
    else:
        text += f" ({band})"
    return text + ". Derived in patients starting myeloma therapy, not in maintenance."


SIDE_NOTES = 2


def with_side_topics(outcome, topics: tuple[str, ...], asked: frozenset[str] = frozenset()):
    """A dosing outcome with a short, cited note for each other topic the message raised (what it asks, first)."""
    extra = [t for t in topics if t not in DOSING_TOPICS and t not in outcome.topics]
    if not extra:
        return outcome
    notes = tuple(s for t in extra for s in chosen(topic(t), asked, SIDE_NOTES))
    cites = tuple(c for t in extra for c in topic(t).citations[:1] if c not in outcome.citations)
    return outcome.but(topics=outcome.topics + tuple(extra), citations=outcome.citations + cites,
                       reasons=outcome.reasons + notes)

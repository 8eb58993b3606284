"""Block Kit cards built from an Answer's fields only; slack_sdk's block models check Slack's limits."""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, field_validator
from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.answer import Answer, Detail, Dose, ProtocolRef, Statement
from bot.render import cite_label, headline_for

from .text import clip, mrkdwn

ACTION_SHARE = "wardbot_share"
ACTION_LADDER = "wardbot_ladder"
ACTION_VTE_SCORES = "wardbot_vte_scores"  # opens the score form (bot/slack/vte_form.py)
ACTION_SECTION_PREFIX = "wardbot_section_"
ACTION_SECTION_PATTERN = re.compile(rf"^{ACTION_SECTION_PREFIX}\d+$")
MAX_SECTION_BUTTONS = 3
# Every action id a card can carry; the manifest test checks each has a listener and nothing else does.
ACTION_IDS: tuple[str, ...] = (
    ACTION_SHARE,
    ACTION_LADDER,
    ACTION_VTE_SCORES,
    *(f"{ACTION_SECTION_PREFIX}{i}" for i in range(MAX_SECTION_BUTTONS)),
)

MESSAGE_MAX_BLOCKS = 50
# Slack's limits, as slack_sdk's block models enforce them.
SECTION_MAX = SectionBlock.text_max_length
HEADER_MAX = HeaderBlock.text_max_length
BUTTON_TEXT_MAX = ButtonElement.text_max_length
BUTTON_VALUE_MAX = ButtonElement.value_max_length
CONTEXT_MAX = 2000
FALLBACK_MAX = 3000
# Enough for any ward question, and it still fits a button value so "Share" can replay it.
MAX_QUESTION_CHARS = BUTTON_VALUE_MAX
_LIST_SECTIONS_MAX = 8

FALLBACK_DISCLAIMER = "Decision support only: check against the patient and your local protocol."
# Flag names are snake_case identifiers; only the casing of abbreviations is fixed for display.
_FLAG_WORDS = {"gcsf": "G-CSF", "egfr": "eGFR", "crcl": "CrCl", "vte": "VTE", "spm": "SPM", "asct": "ASCT"}
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
EXAMPLES: tuple[str, ...] = (
    "plt 25 day 1 on 10mg CrCl 40",
    "neut 0.4 on 10mg",
    "spm",
    "vte",
)


_SHARE_BUTTON = ButtonElement(text="Share in channel", action_id=ACTION_SHARE, value="-", style="primary").to_dict()


class Card(BaseModel):
    """A message ready for Slack: Block Kit blocks plus the plain-text fallback every surface must send."""

    model_config = ConfigDict(frozen=True)

    text: str
    blocks: tuple[dict[str, Any], ...]

    @field_validator("blocks")
    @classmethod
    def _within_message_limit(cls, blocks: tuple[dict[str, Any], ...]) -> tuple[dict[str, Any], ...]:
        if not 0 < len(blocks) <= MESSAGE_MAX_BLOCKS:
            raise ValueError(f"a message holds 1 to {MESSAGE_MAX_BLOCKS} blocks, got {len(blocks)}")
        return blocks

    def message(self) -> dict[str, Any]:
        """Keyword arguments for chat.postMessage, respond() or ack()."""
        return {"text": self.text, "blocks": [dict(b) for b in self.blocks]}


def answer_card(answer: Answer, *, share_text: str | None = None, shared_by: str | None = None) -> Card:
    """The recommendation card for one engine answer; `share_text` adds the Share button, `shared_by` the credit."""
    parts = _answer_parts(
        answer.status,
        answer.dose,
        answer.missing,
        answer.flags,
        answer.citations,
        answer.protocol,
        answer.text,
        answer.detail,
        "vte" in answer.topics,
    )
    blocks: list[dict[str, Any]] = []
    if shared_by is not None:
        blocks.append(_context(f"Shared by {_user_ref(shared_by)}").to_dict())
    blocks += parts.body
    buttons = list(parts.buttons)
    if share_text is not None and 0 < len(share_text) <= BUTTON_VALUE_MAX:
        # Only the value changes per question; its limit is slack_sdk's, checked just above.
        buttons.insert(0, {**_SHARE_BUTTON, "value": share_text})
    if buttons:
        # Every button came from ButtonElement; the container holds at most 6 of Slack's 25.
        blocks.append({"type": "actions", "elements": buttons})
    blocks.append(parts.footer)
    return Card(text=parts.text, blocks=tuple(blocks))


class _AnswerParts(NamedTuple):
    text: str
    body: tuple[dict[str, Any], ...]
    buttons: tuple[dict[str, Any], ...]
    footer: dict[str, Any]


# A card is a pure function of the answer, and validating Block Kit models is most of the cost of a
# reply, so the parts common to every surface are built once per distinct answer. The key holds only
# what the card shows (never the question), and the cache is bounded.
@functools.lru_cache(maxsize=1024)
def _answer_parts(
    status: str,
    dose: Dose | None,
    missing: tuple[str, ...],
    flags: tuple[str, ...],
    citations: tuple[str, ...],
    protocol: ProtocolRef,
    text: str,
    detail: Detail,
    vte: bool = False,
) -> _AnswerParts:
    body: list[Block] = [_header(detail.headline or headline_for(status, None))]
    if detail.read_as:
        body.append(_section(f"*Read as:* {mrkdwn(detail.read_as)}"))
    shown_dose = detail.dose_text or (dose.label() if dose is not None else None)
    if shown_dose:
        body.append(_section(f"*Dose to give next:* {mrkdwn(shown_dose)}"))
    if detail.recheck:
        body.append(_section(f"*Recheck* {_statement(detail.recheck)}"))
    if detail.question:
        body.append(_section(f"*{mrkdwn(detail.question)}*"))
    if missing and (status == "clarify" or detail.question):
        body.append(_section("*Missing:* " + ", ".join(mrkdwn(_humanise(m)) for m in missing)))
    body += _list_sections("*Why*", [f"\u2022 {_statement(s)}" for s in detail.reasons])
    body += _list_sections(None, _warning_lines(flags, detail.warnings))
    if len(body) == 1 and text:
        body.append(_section(mrkdwn(text)))
    buttons = _reference_buttons(status, citations, detail)
    if vte:
        buttons.insert(0, ButtonElement(text="Calculate VTE scores", action_id=ACTION_VTE_SCORES, value="vte"))
    # Room for the optional "Shared by" line, the actions block and the footer.
    body = body[: MESSAGE_MAX_BLOCKS - 3]
    return _AnswerParts(
        text=clip(mrkdwn(text or detail.headline), FALLBACK_MAX),
        body=tuple(b.to_dict() for b in body),
        buttons=tuple(b.to_dict() for b in buttons),
        footer=_footer(protocol, detail.disclaimer).to_dict(),
    )


@functools.lru_cache(maxsize=8)
def help_card(protocol: ProtocolRef) -> Card:
    """Usage card for `/wardbot`, `/wardbot help` and bare mentions, with worked examples."""
    examples = _examples()
    blocks = [
        _header("How to ask wardbot"),
        _section(
            "Ask about lenalidomide maintenance after autologous stem cell transplant: give the counts, "
            "the day of the cycle, the current dose and the renal function. I answer with the dose to "
            "give next and the review sections behind it."
        ),
        _section(f"*Examples*\n{examples}"),
        _section(
            "In a channel, mention me (`@wardbot neut 0.4 on 10mg`) and I reply in a thread. "
            "In a direct message, just type the question. Topics such as `spm` and `vte` give look-up cards."
        ),
        _section(":no_entry: Never include names, hospital numbers or dates of birth."),
        _footer(protocol, ""),
    ]
    return _card("How to ask wardbot: " + "; ".join(f"/wardbot {e}" for e in EXAMPLES), blocks)


@functools.lru_cache(maxsize=8)
def apology_card() -> Card:
    """What the user sees when something inside wardbot failed: short, and never silence."""
    blocks = [
        _header("Sorry, something went wrong"),
        _section("wardbot could not answer this time. Please try again; if it keeps failing, use your local protocol."),
    ]
    return _card("Sorry, wardbot could not answer this time. Please try again.", blocks)


@functools.lru_cache(maxsize=8)
def too_long_card() -> Card:
    """Reply to a message longer than any ward question, without asking the engine."""
    blocks = [
        _header("That message is too long"),
        _section(
            f"Please send just the question (at most {MAX_QUESTION_CHARS:,} characters): "
            "the counts, the day of the cycle, the current dose and the renal function."
        ),
    ]
    return _card("That message is too long for wardbot; please send just the question.", blocks)


def ladder_card(lines: Sequence[str], protocol: ProtocolRef) -> Card:
    """The full dose ladder of the protocol, one line each as the protocol words it."""
    blocks: list[Block] = [_header("Dose ladder")]
    blocks += _list_sections(None, [mrkdwn(line) for line in lines])
    blocks.append(_footer(protocol, ""))
    return _card("Dose ladder: " + "; ".join(lines), blocks)


def section_card(section: str, statements: Sequence[Statement], protocol: ProtocolRef) -> Card:
    """What the review says in one section, each statement with its source."""
    blocks: list[Block] = [_header(f"What the review says: {cite_label(section)}")]
    # The header names the section, so only statements citing something else repeat their source.
    lines = [f"\u2022 {mrkdwn(s.text) if s.cite == section else _statement(s)}" for s in statements]
    blocks += _list_sections(None, lines or [f"No summary is recorded for {mrkdwn(cite_label(section))}."])
    blocks.append(_footer(protocol, ""))
    return _card(f"{cite_label(section)}: " + " ".join(s.text for s in statements), blocks)


@functools.lru_cache(maxsize=8)
def unavailable_card(what: str) -> Card:
    """A reference card whose source could not be loaded."""
    return _card(f"The {what} is not available right now.", [_header(f"The {what} is not available right now")])


def home_view(protocol: ProtocolRef) -> dict[str, Any]:
    """The App Home tab: what wardbot does and does not do, examples, protocol and disclaimer."""
    examples = _examples()
    blocks = [
        _header("wardbot"),
        _section(
            "*What it does*\nAnswers ward dosing questions about lenalidomide maintenance after autologous "
            "stem cell transplant in myeloma: the dose to give next, why, and the review section for each reason."
        ),
        _section(
            "*What it does not do*\nIt does not see patient records, does not cover other drugs or treatment "
            "phases, does not keep your messages, and does not replace clinical judgement."
        ),
        _section(f"*Examples*\n{examples}\nOr mention `@wardbot` in a channel, or send it a direct message."),
        DividerBlock(),
        _section(f"*Protocol:* {mrkdwn(protocol.name)}, version {mrkdwn(protocol.version)}"),
        _context(FALLBACK_DISCLAIMER + " Never include patient identifiers in a message."),
    ]
    view = View(type="home", blocks=blocks)
    return view.to_dict()


def _examples() -> str:
    return "\n".join(f"\u2022 `/wardbot {mrkdwn(e)}`" for e in EXAMPLES)


def _card(text: str, blocks: Iterable[Block]) -> Card:
    # to_dict() runs slack_sdk's validators, so an over-long field fails here, not at Slack.
    return Card(text=clip(mrkdwn(text), FALLBACK_MAX), blocks=tuple(b.to_dict() for b in blocks))


def _header(text: str) -> HeaderBlock:
    return HeaderBlock(text=clip(" ".join(text.split()) or "wardbot", HEADER_MAX))


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_MAX)))


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text, CONTEXT_MAX))])


def _footer(protocol: ProtocolRef, disclaimer: str) -> ContextBlock:
    version = f"{mrkdwn(protocol.name)} v{mrkdwn(protocol.version)}"
    return _context(f"{version} \u00b7 {mrkdwn(disclaimer or FALLBACK_DISCLAIMER)}")


def _statement(statement: Statement) -> str:
    if not statement.cite:
        return mrkdwn(statement.text)
    return f"{mrkdwn(statement.text)} _({mrkdwn(cite_label(statement.cite))})_"


def _warning_lines(flags: tuple[str, ...], warnings: tuple[Statement, ...]) -> list[str]:
    lines = [f":warning: {_statement(s)}" for s in warnings]
    said = " ".join(s.text.lower() for s in warnings)
    if any(_is_identifier_flag(f) for f in flags) and "identifier" not in said:
        lines.insert(0, ":no_entry: *Identifiers seen:* please delete the identifiers from your message.")
    if flags:
        # Every flag stays visible, including those the engine words only inside a reason.
        lines.append(":triangular_flag_on_post: *Flags:* " + ", ".join(mrkdwn(_flag_label(f)) for f in flags))
    return lines


def _is_identifier_flag(flag: str) -> bool:
    return "identifier" in flag.lower() or flag.lower().startswith("phi")


def _flag_label(flag: str) -> str:
    if _is_identifier_flag(flag):
        return "identifiers seen"
    words = _humanise(flag).split()
    return " ".join(_FLAG_WORDS.get(w.lower(), w) for w in words)


def _list_sections(title: str | None, lines: Sequence[str]) -> list[Block]:
    """Lines packed into as few sections as fit Slack's 3,000 characters each, bounded in number."""
    if not lines:
        return []
    chunks: list[str] = []
    current = title or ""
    for line in lines:
        line = clip(line, SECTION_MAX - len(title or "") - 1)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > SECTION_MAX:
            chunks.append(current)
            current = line
        else:
            current = candidate
    chunks.append(current)
    if len(chunks) > _LIST_SECTIONS_MAX:
        chunks = chunks[: _LIST_SECTIONS_MAX - 1] + ["_\u2026more than fits in one message._"]
    return [_section(c) for c in chunks]


def _reference_buttons(status: str, citations: tuple[str, ...], detail: Detail) -> list[ButtonElement]:
    buttons: list[ButtonElement] = []
    if status != "rejected":
        buttons.append(ButtonElement(text="Dose ladder", action_id=ACTION_LADDER, value="ladder"))
    for i, cite in enumerate(_cited_sections(citations, detail)[:MAX_SECTION_BUTTONS]):
        buttons.append(
            ButtonElement(
                text=clip(f"Summary: {cite_label(cite)}", BUTTON_TEXT_MAX),
                action_id=f"{ACTION_SECTION_PREFIX}{i}",
                value=cite,
            )
        )
    return buttons


def _cited_sections(citations: tuple[str, ...], detail: Detail) -> list[str]:
    cites = list(citations) or [s.cite for s in (*detail.reasons, *detail.warnings)]
    seen: dict[str, None] = {}
    for cite in cites:
        if cite and len(cite) <= BUTTON_VALUE_MAX:
            seen.setdefault(cite, None)
    return list(seen)


def _humanise(name: str) -> str:
    return name.replace("_", " ").strip()


def _user_ref(user_id: str) -> str:
    # Only a well-formed id becomes a mention; anything else could smuggle markup into the card.
    return f"<@{user_id}>" if _USER_ID.fullmatch(user_id) else "someone"

"""The "Calculate VTE scores" form: a modal with one question per score factor, and its answers read back.

Design rules:
- The form is built from the scores' own factor table (bot/scores/vte.py), so a factor added
  there is asked here, and nothing is asked that the scores do not use.
- Every question may be left at "not known": the factor then stays unstated and the card
  gives the range it could span, as it does for a message.
- A submitted value that is not one of the form's own options is refused with a field error,
  never guessed or dropped.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.render import factor_label
from bot.scores.vte import ALL_FACTORS, VALUE_LABELS, factor_values

CALLBACK_ID = "wardbot_vte_scores"
BLOCK_PREFIX = "vte_"
ACTION_ID = "value"
NOT_KNOWN = "not_known"
_BOOL = {True: "yes", False: "no"}
_MAX_METADATA = 3000  # Slack's limit on private_metadata


def _option_value(value: object) -> str:
    return _BOOL[value] if isinstance(value, bool) else str(value)


def _option_text(factor: str, value: object) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return VALUE_LABELS.get(factor, {}).get(str(value), str(value)).capitalize()


def vte_modal(channel_id: str | None) -> dict[str, Any]:
    """The modal view: one optional select per factor, the channel to answer in kept in private_metadata."""
    blocks: list[Any] = [
        ContextBlock(elements=[MarkdownTextObject(
            text="IMPEDE VTE and SAVED were derived in patients starting myeloma therapy, not in maintenance. "
                 "Leave a factor at _Not known_ and the card shows the range it could give. No patient identifiers.")]),
    ]
    for factor in ALL_FACTORS:
        options = [Option(value=_option_value(v), text=_option_text(factor, v)) for v in factor_values(factor)]
        not_known = Option(value=NOT_KNOWN, text="Not known")
        blocks.append(InputBlock(
            block_id=BLOCK_PREFIX + factor,
            label=PlainTextObject(text=factor_label(factor)[:1].upper() + factor_label(factor)[1:]),
            element=StaticSelectElement(action_id=ACTION_ID, options=[*options, not_known], initial_option=not_known),
            optional=True,
        ))
    metadata = json.dumps({"channel": channel_id}) if channel_id else ""
    view = View(
        type="modal", callback_id=CALLBACK_ID, title="VTE risk scores", submit="Calculate", close="Cancel",
        blocks=blocks, private_metadata=metadata[:_MAX_METADATA],
    )
    return view.to_dict()


class FormError(ValueError):
    """Submitted values the form never offered: block id -> what to tell the user."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(errors))
        self.errors = errors


def stated_factors(view: Mapping[str, Any]) -> dict[str, object]:
    """The factors the form's answers state (those left "not known" are left out). Raises FormError."""
    values = ((view.get("state") or {}).get("values") or {}) if isinstance(view, Mapping) else {}
    stated: dict[str, object] = {}
    errors: dict[str, str] = {}
    for factor in ALL_FACTORS:
        block = values.get(BLOCK_PREFIX + factor) or {}
        chosen = ((block.get(ACTION_ID) or {}).get("selected_option") or {}).get("value") if isinstance(block, Mapping) else None
        if chosen in (None, NOT_KNOWN):
            continue
        known = {_option_value(v): v for v in factor_values(factor)}
        if chosen not in known:
            errors[BLOCK_PREFIX + factor] = "Choose one of the options."
            continue
        stated[factor] = known[chosen]
    if errors:
        raise FormError(errors)
    return stated


def answer_channel(view: Mapping[str, Any]) -> str | None:
    """The channel the form was opened from, if it said (a conversation id, nothing else)."""
    try:
        channel = json.loads(view.get("private_metadata") or "{}").get("channel")
    except (ValueError, AttributeError):
        return None
    return channel if isinstance(channel, str) and channel[:1] in "CDG" and channel.isalnum() and len(channel) < 30 else None

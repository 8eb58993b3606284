"""Slack text in and out: message markup flattened for the engine, engine text made inert for mrkdwn."""
from __future__ import annotations

import re

# Slack wraps mentions, channel links, special commands and URLs in <...>; a literal < or > typed
# by the user arrives entity-escaped, so every remaining angle bracket pair is markup.
_MARKUP = re.compile(r"<([^<>]*)>")
_BROKEN_ENTITY = re.compile(r"&[a-z]{0,4}$")
ZERO_WIDTH_SPACE = "\u200b"
ELLIPSIS = "\u2026"


def clean_event_text(text: str) -> str:
    """Plain text of a message event or shortcut: mentions (ours included) dropped, markup flattened, entities decoded."""

    def flatten(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            # Our own mention is only the address line, and other people are not facts the engine can use.
            return " "
        if target.startswith("!"):
            # <!here>, <!channel>, <!subteam^..>: never forwarded; dates keep their readable fallback.
            return label if target.startswith("!date") else " "
        if target.startswith("#"):
            return f"#{label}" if label else " "
        return label or target

    flat = _MARKUP.sub(flatten, text)
    return flat.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()


def mrkdwn(text: str) -> str:
    """Text made safe for a mrkdwn field: Slack's three escapes, and @ broken so nothing can ping."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("@", "@" + ZERO_WIDTH_SPACE)


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, marking the cut and never leaving half an escape entity behind."""
    if len(text) <= limit:
        return text
    head = _BROKEN_ENTITY.sub("", text[: limit - 1])
    return head + ELLIPSIS

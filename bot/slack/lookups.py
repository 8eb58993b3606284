"""Reference look-ups for the card buttons and the Home tab, tolerant of modules that are not wired in yet."""
from __future__ import annotations

import functools
import logging

from bot.answer import ProtocolRef, Statement

log = logging.getLogger("wardbot.slack")

# ImportError: the module does not exist yet; AttributeError: it exists without the function yet.
_NOT_WIRED = (ImportError, AttributeError)


@functools.lru_cache(maxsize=1)
def protocol_ref() -> ProtocolRef:
    """The protocol the engine answers from, by name and version."""
    try:
        from bot.protocol import default_protocol

        protocol = default_protocol()
        return ProtocolRef(name=protocol.name, version=protocol.version)
    except _NOT_WIRED:
        # Every engine answer names its protocol, so ask it with an empty message.
        from bot.engine import answer

        return answer("").protocol


def ladder_lines() -> tuple[str, ...] | None:
    """The full dose ladder as display lines, or None when the protocol module cannot provide it."""
    try:
        from bot.protocol import default_protocol

        return tuple(default_protocol().ladder_lines())
    except _NOT_WIRED as error:
        log.warning("dose ladder unavailable error=%s", type(error).__name__)
        return None


def section_summary(section: str) -> tuple[Statement, ...] | None:
    """Statements citing one review section, or None when the guidance module cannot provide them."""
    try:
        from bot.guidance import section_summary as summary

        return tuple(summary(section))
    except _NOT_WIRED as error:
        log.warning("section summary unavailable error=%s", type(error).__name__)
        return None
    except (LookupError, ValueError):
        # A section the guidance does not know (the button value comes back from Slack) has nothing to show.
        return ()


def internal_error_answer():
    """The engine's own apology answer, or None when the engine does not offer one yet."""
    try:
        from bot.engine import internal_error

        return internal_error()
    except _NOT_WIRED:
        return None

"""Message in, cited Answer out: the one entry point every surface uses (pure, no I/O)."""
from __future__ import annotations

from .answer import Answer, Detail, ProtocolRef

DISCLAIMER = "Decision support only: check against the patient, the current SmPC and your local protocol."


def answer(text: str) -> Answer:
    """Answer one free-text ward message (placeholder until the rules core lands)."""
    return Answer(
        status="clarify",
        protocol=ProtocolRef(name="placeholder", version="0"),
        missing=("count",),
        text="Which count? (placeholder)",
        detail=Detail(headline="Need one more fact", question="Which count?", disclaimer=DISCLAIMER),
    )

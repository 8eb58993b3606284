"""The words of a question that can say what it asks: matched against guidance statements to choose them.

Kept apart from the guidance file's loader so that a dosing answer, which only needs these
words, does not load and validate the guidance file.
"""
from __future__ import annotations

import re

_WORD = re.compile(r"[a-z0-9]+")
# Words too common in questions and statements to say what is asked.
_COMMON = frozenset("""the and for with are was were this that what when which who how does did can could should
would will may might must not any all our his her she him they them their there then than from into onto over
under about after before also only just very much more most less least some such each other patient patients
lenalidomide len maintenance dose doses dosing give given need needs needed take taken risk risks
is on to of in at be it an or if me my we he us up so no do as by go am mg pt""".split())


def content_words(text: str) -> frozenset[str]:
    """The words of a text that can say what it is about: lower case, two letters or more, a plural's s dropped."""
    out = set()
    for w in _WORD.findall(text.lower()):
        if len(w) >= 2 and w not in _COMMON:
            out.add(w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w)
    return frozenset(out)

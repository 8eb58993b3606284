"""Near-miss correction of key words, with the vocabulary taken from the grammar itself."""
from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[a-z]{4,}")
# Literal letter runs inside the grammar's terminal patterns are its vocabulary.
_TERMINAL_LINE = re.compile(r"^[A-Z_0-9]+(\.\d+)?:\s*/(.*)/\s*$", re.M)
_VOCAB_LINE = re.compile(r"^//\s*vocabulary:(.*)$", re.M)
_VOCAB_SHORT_LINE = re.compile(r"^//\s*vocabulary-short:(.*)$", re.M)
_RUN = re.compile(r"(?<![\\a-z])[a-z]{6,}(?![a-z?*+{(])")


def _deletes(word: str, depth: int) -> set[str]:
    out, frontier = set(), {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def _osa(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein plus adjacent transpositions)."""
    prev2, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _is_swap(a: str, b: str) -> bool:
    """Whether b is a with two adjacent letters swapped."""
    if len(a) != len(b):
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def max_distance(word: str) -> int:
    """Edits allowed: one for words of up to 7 letters, two from 8 letters on."""
    return 2 if len(word) >= 8 else 1


class Speller:
    """Maps a misspelt word to the one vocabulary word within reach, or leaves it alone."""

    def __init__(self, vocabulary: set[str], short: set[str] = frozenset()):
        self.vocabulary = frozenset(vocabulary) | frozenset(short)
        self.short = frozenset(short)  # the only targets for five-letter words
        index: dict[str, set[str]] = {}
        for word in self.vocabulary:
            for key in _deletes(word, max_distance(word)) | {word}:
                index.setdefault(key, set()).add(word)
        self._index = index
        self.correct_word = lru_cache(maxsize=4096)(self._correct_word)

    @classmethod
    def from_grammar(cls, grammar: str) -> "Speller":
        """Build from the letter runs of the grammar's terminal patterns."""
        words: set[str] = set()
        for m in _TERMINAL_LINE.finditer(grammar):
            words.update(_RUN.findall(m.group(2)))
        for m in _VOCAB_LINE.finditer(grammar):
            words.update(w for w in m.group(1).split() if len(w) >= 6)
        short = {w for m in _VOCAB_SHORT_LINE.finditer(grammar) for w in m.group(1).split()}
        return cls(words, short)

    def _correct_word(self, word: str) -> str:
        if word in self.vocabulary:
            return word
        limit = max_distance(word)
        candidates: set[str] = set()
        for key in _deletes(word, limit) | {word}:
            candidates |= self._index.get(key, set())
        if len(word) < 6:
            # Short words: only a swap of two adjacent letters, and only towards the short list.
            return next((c for c in sorted(candidates & self.short) if _is_swap(word, c)), word)
        # Typing slips rarely hit the first letter; requiring it keeps real words
        # ("creating", "neutral") from being turned into key words.
        best = sorted(
            (d, abs(len(c) - len(word)), c)
            for c in candidates
            if c[0] == word[0] and (d := _osa(word, c)) <= min(limit, max_distance(c))
        )
        return best[0][2] if best else word

    def correct(self, text: str) -> str:
        """The text with each misspelt key word replaced."""
        return _WORD.sub(lambda m: self.correct_word(m.group()), text)

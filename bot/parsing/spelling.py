"""Near-miss correction of key words, with the vocabulary taken from the grammar itself.

Design rules:
- Only slips towards the grammar's own words are corrected, and the first letter must
  match: typing slips rarely hit it, and real words ("creating", "neutral") stay themselves.
- Cost is bounded by word length: a word no vocabulary word is within reach of (longer or
  shorter than every word by more than the edits allowed) is skipped before any work, and
  candidates are looked up in an index of one first letter, built when first needed.
"""
from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[a-z]{4,}")
# Literal letter runs inside the grammar's terminal patterns are its vocabulary.
_TERMINAL_LINE = re.compile(r"^([A-Z_0-9]+)(?:\.\d+)?:\s*/(.*)/\s*$", re.M)
_VOCAB_LINE = re.compile(r"^//\s*vocabulary:(.*)$", re.M)
_VOCAB_SHORT_LINE = re.compile(r"^//\s*vocabulary-short:(.*)$", re.M)
_EXCLUDE_LINE = re.compile(r"^//\s*spelling-exclude:(.*)$", re.M)
_RUN = re.compile(r"(?<![\\a-z])[a-z]{6,}(?![a-z?*+{(])")
_MAX_EDITS = 2


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
    return _MAX_EDITS if len(word) >= 8 else 1


class Speller:
    """Maps a misspelt word to the one vocabulary word within reach, or leaves it alone."""

    def __init__(self, vocabulary: set[str], short: set[str] = frozenset()):
        self.vocabulary = frozenset(vocabulary) | frozenset(short)
        self.short = frozenset(short)  # the only targets for five-letter words
        lengths = {len(w) for w in self.vocabulary}
        # Word lengths some vocabulary word is within reach of.
        self._reachable = frozenset(n + d for n in lengths for d in range(-_MAX_EDITS, _MAX_EDITS + 1))
        self._by_letter: dict[str, dict[str, set[str]]] = {}
        self.correct_word = lru_cache(maxsize=4096)(self._correct_word)

    @classmethod
    def from_grammar(cls, grammar: str) -> "Speller":
        """Build from the letter runs of the grammar's terminal patterns."""
        excluded = {name for m in _EXCLUDE_LINE.finditer(grammar) for name in m.group(1).split()}
        words: set[str] = set()
        for m in _TERMINAL_LINE.finditer(grammar):
            if m.group(1) not in excluded:
                words.update(_RUN.findall(m.group(2)))
        for m in _VOCAB_LINE.finditer(grammar):
            words.update(w for w in m.group(1).split() if len(w) >= 6)
        short = {w for m in _VOCAB_SHORT_LINE.finditer(grammar) for w in m.group(1).split()}
        return cls(words, short)

    def _index(self, letter: str) -> dict[str, set[str]]:
        index = self._by_letter.get(letter)
        if index is None:
            index = {}
            for word in self.vocabulary:
                if word[0] == letter:
                    for key in _deletes(word, max_distance(word)) | {word}:
                        index.setdefault(key, set()).add(word)
            self._by_letter[letter] = index
        return index

    def _correct_word(self, word: str) -> str:
        if word in self.vocabulary or len(word) not in self._reachable:
            return word
        limit = max_distance(word)
        index = self._index(word[0])
        candidates: set[str] = set()
        for key in _deletes(word, limit) | {word}:
            candidates |= index.get(key, set())
        if len(word) < 6:
            # Short words: only a swap of two adjacent letters, and only towards the short list.
            return next((c for c in sorted(candidates & self.short) if _is_swap(word, c)), word)
        best = sorted(
            (d, abs(len(c) - len(word)), c)
            for c in candidates
            if (d := _osa(word, c)) <= min(limit, max_distance(c))
        )
        return best[0][2] if best else word

    def edits(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, replacement) for each misspelt key word in text."""
        out = []
        for m in _WORD.finditer(text):
            fixed = self.correct_word(m.group())
            if fixed != m.group():
                out.append((m.start(), m.end(), fixed))
        return out

    def correct(self, text: str) -> str:
        """The text with each misspelt key word replaced."""
        return _WORD.sub(lambda m: self.correct_word(m.group()), text)

"""The walk helpers the readers share."""
from __future__ import annotations

import pytest

from bot.parsing import Kind, parse
from bot.reading.words import Claim, Role, clause, merged


def walked(items, i: int) -> range:
    """The clause of item i found the slow way: out from i to the nearest break on each side."""
    lo = i
    while lo > 0 and items[lo - 1].kind is not Kind.SEP:
        lo -= 1
    hi = i
    while hi + 1 < len(items) and items[hi + 1].kind is not Kind.SEP:
        hi += 1
    return range(lo, hi + 1)


@pytest.mark.parametrize("text", [
    "anc 0.3, len 15mg od, c4d10", "neut 0.4; plt 25. on 10mg", ",", ", ,", "plt 25,", ", plt 25", "",
    "neut was low, now 0.9 - day 1 (ref 2.0-7.5)", "plt 25 " * 40,
])
def test_clause_runs_between_breaks(text: str) -> None:
    items = parse(text).items
    assert [clause(items, i) for i in range(len(items))] == [walked(items, i) for i in range(len(items))]


def test_clause_of_a_new_message_is_not_the_last_one() -> None:
    first, second = parse("neut 0.4, plt 25").items, parse("plt 25 neut 0.4 on 10mg").items
    assert clause(first, 0) == range(0, 1)
    assert clause(second, 0) == range(0, len(second))


def test_merged_claims_keep_every_reader_s_claims():
    a, b = {0: Claim(Role.COUNT)}, {2: Claim(Role.ASIDE, "aciclovir dose")}
    assert merged(a, b) == {0: Claim(Role.COUNT), 2: Claim(Role.ASIDE, "aciclovir dose")}


def test_two_readers_never_claim_one_figure():
    with pytest.raises(AssertionError, match="figure 2 claimed twice"):
        merged({2: Claim(Role.COUNT)}, {2: Claim(Role.DOSE)})

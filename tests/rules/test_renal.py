"""Section 6.2 renal bands, as a start dose and as a cap."""
from __future__ import annotations

import pytest

from bot.answer import Dose
from bot.protocol import default_protocol
from bot.rules.renal import cap, outcome

P = default_protocol()
D15, D10, D5 = Dose(mg=15, days="1-28"), Dose(mg=10, days="1-28"), Dose(mg=5, days="1-28")


@pytest.mark.parametrize("crcl,dialysis,dose,impaired", [
    (85, None, D10, False), (50, None, D10, False), (49.9, None, D10, True), (30, None, D10, True),
    (29, None, D5, True), (29, False, D5, True), (10, True, D5, True), (None, True, D5, True),
])
def test_bands(crcl, dialysis, dose, impaired) -> None:
    o = outcome(crcl, dialysis, None, P)
    assert o.action == "start" and o.dose == dose
    assert ("renal_impairment" in o.flags) == impaired
    assert "source_caution" in o.flags  # every renal answer
    assert "6.2" in o.citations
    assert ("after_dialysis" in o.flags) == bool(dialysis)


def test_nothing_renal_known() -> None:
    assert outcome(None, None, None, P) is None
    assert outcome(None, False, None, P) is None


@pytest.mark.parametrize("crcl,current,above", [(40, D15, True), (40, D10, False), (20, D10, True), (20, D5, False), (70, D15, False)])
def test_dose_above_renal(crcl, current, above) -> None:
    assert ("dose_above_renal" in outcome(crcl, None, current, P).flags) == above


def test_cap() -> None:
    assert cap(40, None, P) == D10
    assert cap(20, None, P) == D5
    assert cap(80, None, P) is None
    assert cap(None, None, P) is None

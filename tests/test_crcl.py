import dataclasses

import pytest

from bot.crcl import CrClResult, cockcroft_gault, ideal_body_weight


@pytest.mark.parametrize(
    "creatinine, unit, age, sex, weight, expected",
    [
        # The ward example: (140 - 75) x 58 x 1.04 / 110 = 35.64.
        (110, "umol/L", 75, "female", 58, 35.6),
        # (140 - 60) x 70 x 1.23 / 90 = 76.53.
        (90, "umol/L", 60, "male", 70, 76.5),
        # (140 - 80) x 50 x 1.04 / 150 = 20.8.
        (150, "umol/L", 80, "female", 50, 20.8),
        # (140 - 60) x 72 / (72 x 1.0) = 80; x 0.85 for a woman = 68.
        (1.0, "mg/dL", 60, "male", 72, 80.0),
        (1.0, "mg/dL", 60, "female", 72, 68.0),
        # (140 - 40) x 80 / (72 x 2.0) = 55.56.
        (2.0, "mg/dL", 40, "male", 80, 55.6),
        # No floor at 60 micromol/L: (140 - 70) x 60 x 1.04 / 45 = 97.07.
        (45, "umol/L", 70, "female", 60, 97.1),
    ],
)
def test_cockcroft_gault_on_actual_weight(creatinine, unit, age, sex, weight, expected):
    result = cockcroft_gault(creatinine=creatinine, unit=unit, age=age, sex=sex, weight_kg=weight)
    assert result == CrClResult(ml_min=expected, weight_used="actual", weight_kg=weight, ideal_kg=None)


@pytest.mark.parametrize(
    "sex, height_cm, expected",
    [
        ("male", 152.4, 50.0),  # exactly 5 ft
        ("female", 152.4, 45.5),
        ("male", 177.8, 73.0),  # 70 in: 50 + 10 x 2.3
        ("female", 165.1, 57.0),  # 65 in: 45.5 + 5 x 2.3
        ("female", 147.32, 40.9),  # 58 in: the line runs on below 5 ft
    ],
)
def test_ideal_body_weight(sex, height_cm, expected):
    assert ideal_body_weight(sex, height_cm) == pytest.approx(expected)


@pytest.mark.parametrize(
    "weight, used, weight_in_formula, expected",
    [
        # Man of 177.8 cm: IBW 73 kg. Creatinine 110 umol/L, age 70: (70 x W x 1.23) / 110.
        (60, "actual", 60.0, 47.0),  # below IBW: 46.96
        (73, "actual", 73.0, 57.1),  # at IBW: 57.14
        (103, "adjusted", 85.0, 66.5),  # above: 73 + 0.4 x 30 = 85 -> 66.53
    ],
)
def test_weight_switches_to_adjusted_above_ideal(weight, used, weight_in_formula, expected):
    result = cockcroft_gault(creatinine=110, unit="umol/L", age=70, sex="male", weight_kg=weight, height_cm=177.8)
    assert result == CrClResult(ml_min=expected, weight_used=used, weight_kg=weight_in_formula, ideal_kg=73.0)


def test_adjusted_weight_for_a_woman_in_mg_dl():
    # 165.1 cm woman: IBW 57; 87 kg -> 57 + 0.4 x 30 = 69; (140 - 50) x 69 / (72 x 1.4) x 0.85 = 52.37.
    result = cockcroft_gault(creatinine=1.4, unit="mg/dL", age=50, sex="female", weight_kg=87, height_cm=165.1)
    assert (result.ml_min, result.weight_used, result.weight_kg, result.ideal_kg) == (52.4, "adjusted", 69.0, 57.0)


@pytest.mark.parametrize(
    "changes",
    [
        {"creatinine": 0},
        {"creatinine": -80},
        {"creatinine": float("nan")},
        {"weight_kg": 0},
        {"weight_kg": -58},
        {"age": 140},
        {"age": 150},
        {"age": -1},
        {"height_cm": 0},
        {"height_cm": 60},  # too short for Devine to give a positive weight
        {"unit": "mmol/L"},
        {"sex": "unknown"},
    ],
)
def test_rejects_impossible_inputs(changes):
    args = dict(creatinine=110, unit="umol/L", age=75, sex="female", weight_kg=58, height_cm=None) | changes
    with pytest.raises(ValueError):
        cockcroft_gault(**args)


def test_result_is_frozen():
    result = cockcroft_gault(creatinine=110, unit="umol/L", age=75, sex="female", weight_kg=58)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.ml_min = 50

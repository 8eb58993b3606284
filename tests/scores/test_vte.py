import pytest

from bot.scores.vte import FACTORS, VteScore, impede, saved

# Every factor stated as absent.
IMPEDE_NONE = {f: False for f in FACTORS["impede_vte"]} | {"dexamethasone": "none", "anticoagulation": "none"}
SAVED_NONE = {f: False for f in FACTORS["saved"]} | {"dexamethasone": "none"}


def test_factors_in_display_order():
    assert FACTORS == {
        "impede_vte": (
            "bmi_25", "fracture", "esa", "dexamethasone", "doxorubicin",
            "asian", "vte_history", "cvc", "anticoagulation",
        ),
        "saved": ("surgery_90d", "asian", "vte_history", "age_80", "dexamethasone"),
    }


@pytest.mark.parametrize(
    "score, expected",
    [
        # Lenalidomide's +4 is always counted; the range runs from Asian -3 and therapeutic
        # anticoagulation -4 up to every positive factor (1+4+1+4+3+5+2 = 20).
        (impede, VteScore(points=4, range=(-3, 24), band=None, unstated=FACTORS["impede_vte"])),
        (saved, VteScore(points=0, range=(-3, 8), band=None, unstated=FACTORS["saved"])),
    ],
)
def test_nothing_stated(score, expected):
    assert score({}) == expected


@pytest.mark.parametrize(
    "changes, points, band",
    [
        ({}, 4, "intermediate"),
        ({"asian": True}, 1, "low"),
        ({"anticoagulation": "therapeutic"}, 0, "low"),
        ({"anticoagulation": "prophylactic", "bmi_25": True}, 2, "low"),
        ({"bmi_25": True, "esa": True, "cvc": True}, 8, "high"),
        ({"doxorubicin": True}, 7, "intermediate"),
        ({"vte_history": True, "dexamethasone": "high"}, 13, "high"),
        ({"fracture": True, "dexamethasone": "low", "asian": True, "anticoagulation": "therapeutic"}, 3, "low"),
    ],
)
def test_impede_everything_stated(changes, points, band):
    assert impede(IMPEDE_NONE | changes) == VteScore(points=points, range=(points, points), band=band, unstated=())


@pytest.mark.parametrize(
    "changes, points, band",
    [
        ({}, 0, "low"),
        ({"age_80": True}, 1, "low"),
        ({"surgery_90d": True}, 2, "high"),
        ({"vte_history": True}, 3, "high"),
        ({"vte_history": True, "asian": True, "age_80": True}, 1, "low"),
    ],
)
def test_saved_everything_stated(changes, points, band):
    assert saved(SAVED_NONE | changes) == VteScore(points=points, range=(points, points), band=band, unstated=())


@pytest.mark.parametrize(
    "score, stated, expected",
    [
        # Unstated factors can only add here (BMI, ESA, doxorubicin, line): 17 to 24, high either way.
        (
            impede,
            {"vte_history": True, "fracture": True, "dexamethasone": "high", "asian": False, "anticoagulation": "none"},
            VteScore(points=17, range=(17, 24), band="high", unstated=("bmi_25", "esa", "doxorubicin", "cvc")),
        ),
        # Unstated Asian could take 3 off 5: still high.
        (
            saved,
            {"vte_history": True, "surgery_90d": True, "age_80": False, "dexamethasone": "none"},
            VteScore(points=5, range=(2, 5), band="high", unstated=("asian",)),
        ),
    ],
)
def test_range_within_one_band_names_it(score, stated, expected):
    assert score(stated) == expected


def test_impede_unstated_factors_that_only_add_keep_low_band():
    stated = {k: v for k, v in IMPEDE_NONE.items() if k not in ("bmi_25", "esa")}
    result = impede(stated | {"asian": True, "anticoagulation": "therapeutic"})
    assert result == VteScore(points=-3, range=(-3, -1), band="low", unstated=("bmi_25", "esa"))


@pytest.mark.parametrize(
    "score, base, unstated, expected",
    [
        # VTE history alone could lift IMPEDE from 4 to 9, across intermediate and high.
        (impede, IMPEDE_NONE, "vte_history", (4, (4, 9), None)),
        # An unstated ESA moves 4 to 5: still intermediate, so the band is named.
        (impede, IMPEDE_NONE, "esa", (4, (4, 5), "intermediate")),
        (impede, IMPEDE_NONE, "anticoagulation", (4, (0, 4), None)),
        (saved, SAVED_NONE, "surgery_90d", (0, (0, 2), None)),
        (saved, SAVED_NONE, "asian", (0, (-3, 0), "low")),
        (saved, SAVED_NONE, "dexamethasone", (0, (0, 2), None)),
    ],
)
def test_one_unstated_factor(score, base, unstated, expected):
    points, span, band = expected
    stated = {k: v for k, v in base.items() if k != unstated}
    assert score(stated) == VteScore(points=points, range=span, band=band, unstated=(unstated,))


@pytest.mark.parametrize(
    "dex, points, expected_range",
    [
        ("none", 0, (0, 0)),
        # "low" is up to 160 mg a month: below 120 scores 0, 120-160 scores 1. Points take 0, the range both.
        ("low", 0, (0, 1)),
        ("high", 2, (2, 2)),
        (0, 0, (0, 0)),
        (119, 0, (0, 0)),
        (120, 1, (1, 1)),
        (160, 1, (1, 1)),
        (160.5, 2, (2, 2)),
        (480, 2, (2, 2)),
    ],
)
def test_saved_dexamethasone(dex, points, expected_range):
    result = saved(SAVED_NONE | {"dexamethasone": dex})
    assert (result.points, result.range, result.unstated) == (points, expected_range, ())


@pytest.mark.parametrize(
    "age_80, band",
    [
        (False, "low"),  # 0 to 1: low either way
        (True, None),  # 1 to 2: low or high, so no band
    ],
)
def test_saved_low_dexamethasone_band_is_honest(age_80, band):
    assert saved(SAVED_NONE | {"dexamethasone": "low", "age_80": age_80}).band == band


@pytest.mark.parametrize(
    "dex, points",
    [("none", 4), ("low", 6), ("high", 8), (0, 4), (40, 6), (160, 6), (161, 8), (640, 8)],
)
def test_impede_dexamethasone(dex, points):
    assert impede(IMPEDE_NONE | {"dexamethasone": dex}).points == points


@pytest.mark.parametrize("score, base", [(impede, IMPEDE_NONE), (saved, SAVED_NONE)])
def test_asian_lowers_the_score_by_three(score, base):
    assert score(base | {"asian": True}).points - score(base | {"asian": False}).points == -3


@pytest.mark.parametrize("anticoagulation, points", [("none", 4), ("prophylactic", 1), ("therapeutic", 0)])
def test_impede_anticoagulation(anticoagulation, points):
    assert impede(IMPEDE_NONE | {"anticoagulation": anticoagulation}).points == points


def test_factor_of_the_other_score_is_accepted_and_ignored():
    assert impede(IMPEDE_NONE | {"surgery_90d": True, "age_80": True}).points == 4
    assert saved(SAVED_NONE | {"cvc": True, "anticoagulation": "therapeutic"}).points == 0


@pytest.mark.parametrize("score", [impede, saved])
@pytest.mark.parametrize(
    "stated",
    [
        {"smoker": True},
        {"imid": True},
        {"vte_history": "yes"},
        {"vte_history": 1},
        {"asian": None},
        {"dexamethasone": "medium"},
        {"dexamethasone": True},
        {"dexamethasone": -40},
        {"dexamethasone": float("nan")},
        {"anticoagulation": "full"},
        {"surgery_90d": "recent"},
        {"cvc": 0},
    ],
)
def test_unknown_factor_or_value_raises(score, stated):
    with pytest.raises(ValueError):
        score(stated)


def test_as_json():
    stated = {"vte_history": True, "surgery_90d": True, "age_80": False, "dexamethasone": "none"}
    assert saved(stated).as_json() == {"points": 5, "range": [2, 5], "band": "high", "unstated": ["asian"]}
    assert impede({}).as_json()["range"] == [-3, 24]

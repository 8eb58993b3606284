import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.phi import Identifier, find_identifiers, is_valid_nhs_number, redact


def found(text: str) -> list[tuple[str, str]]:
    return [(i.kind, text[i.start : i.end]) for i in find_identifiers(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        # NHS numbers: a valid check digit needs no keyword.
        ("4010232137", [("nhs_number", "4010232137")]),
        ("pt 401 023 2137 plt 25", [("nhs_number", "401 023 2137")]),
        ("re 401-023-2137: neut 0.3", [("nhs_number", "401-023-2137")]),
        # After a keyword a failing check digit (or a dropped digit) is still the patient's number.
        ("nhs# 4010232138", [("nhs_number", "4010232138")]),
        ("NHS no. 401 023 2138 on 10mg", [("nhs_number", "401 023 2138")]),
        ("NHS number 401 023 213 plt 20", [("nhs_number", "401 023 213")]),
        # Hospital numbers.
        ("MRN: 123 4567", [("mrn", "123 4567")]),
        ("M.R.N. 9876543", [("mrn", "9876543")]),
        ("hosp. no. AB12345 plt 25", [("mrn", "AB12345")]),
        ("hospital number 55512345", [("mrn", "55512345")]),
        ("unit number 123456 plt 30", [("mrn", "123456")]),
        ("pt id: X-12345", [("mrn", "X-12345")]),
        ("CHI 401 023 2137", [("mrn", "401 023 2137")]),
        ("K number 7654321", [("mrn", "7654321")]),
        ("RXH1234567 neut 0.4", [("mrn", "RXH1234567")]),
        ("K1234567 plt 25", [("mrn", "K1234567")]),
        # Dates of birth.
        ("DOB 12/03/1950", [("date_of_birth", "12/03/1950")]),
        ("D.O.B.: 1/2/50 plt 25", [("date_of_birth", "1/2/50")]),
        ("born 12 March 1950", [("date_of_birth", "12 March 1950")]),
        ("date of birth 03/1950", [("date_of_birth", "03/1950")]),
        ("b. 3/4/47", [("date_of_birth", "3/4/47")]),
        ("seen 12 Mar 1950", [("date_of_birth", "12 Mar 1950")]),
        ("1950-03-12 neut 0.3", [("date_of_birth", "1950-03-12")]),
        ("11.5.2009 plt 20", [("date_of_birth", "11.5.2009")]),
        ("DOB 12/11/2026", [("date_of_birth", "12/11/2026")]),
        # Names.
        ("Mr Smith neut 0.3", [("name", "Mr Smith")]),
        ("Mrs. O'Neill on 10mg", [("name", "Mrs. O'Neill")]),
        ("Miss Jones-Patel plt 20", [("name", "Miss Jones-Patel")]),
        ("mrs smith on 10mg", [("name", "mrs smith")]),
        ("Mr J. Smith on 5mg", [("name", "Mr J. Smith")]),
        ("Mrs Jane Smith Neut 0.3", [("name", "Mrs Jane Smith")]),
        ("patient name: John Smith neut 0.3", [("name", "John Smith")]),
        ("name: jane doe on 10mg", [("name", "jane doe")]),
        # Several at once, in order of position.
        (
            "Mr Smith DOB 1.2.1950 NHS 4010232137 plt 25",
            [("name", "Mr Smith"), ("date_of_birth", "1.2.1950"), ("nhs_number", "4010232137")],
        ),
        # The keyword names the kind when a number would also pass the NHS check.
        ("MRN 4010232137", [("mrn", "4010232137")]),
    ],
)
def test_identifiers_found(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "plt 25 day 1 on 10mg CrCl 40",
        "neut 0.3 on 10mg",
        "CrCl 40",
        "10mg 21/28",
        "C3D1 plts 20 on 10",
        "days 1-21 of 28",
        "plt 22000 day 3 on 10mg",
        "plt 25,000",
        "creatinine 110 umol/L, 75 year old woman, 58kg",
        "plt 150000",
        "plt150000",
        "anc 0.42 len 15mg D15",
        "neut 1.2 x10^9/L",
        "IFM2005-02 and IFM 2005-02 results",
        "NCT01091831",
        "CALGB 100104 vs GMMG-MM5",
        "bloods 12/11/2026",
        "bloods 01/01/2011 plt 25",
        "miss a dose",
        "Miss Tuesday's dose",
        "Dr Smith says plt 25",
        "RN Smith said plt 25",
        "NHS guidance 2023 on 10mg",
        "MRN 1234",
        "ring 07700900123",
        "4010232138",
        "MS on len",
    ],
)
def test_clinical_text_is_not_an_identifier(text):
    assert find_identifiers(text) == ()
    assert redact(text) == text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("NHS number 401 023 2137 neut 0.3 on 10mg", "NHS number [nhs-number] neut 0.3 on 10mg"),
        ("MRN 1234567 25", "MRN [mrn] 25"),
        ("Mr Smith DOB 12/03/1950 plt 25 day 1", "[name] DOB [dob] plt 25 day 1"),
        ("neut 0.3 K1234567 on 10mg", "neut 0.3 [mrn] on 10mg"),
        ("mr john smith recovered to 0.7", "[name] smith recovered to 0.7"),
    ],
)
def test_redact_keeps_the_clinical_text(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    ["NHS 4010232137", "MRN RXH1234567", "DOB 12/03/1950", "Mrs Smith", "hosp no 12345 6789"],
)
def test_placeholders_hold_no_digits(text):
    assert not re.search(r"\d", redact(text))


@pytest.mark.parametrize(
    "digits, valid",
    [
        ("4010232137", True),
        ("4010232138", False),
        ("9434765919", True),
        ("9434765918", False),
        ("401023213", False),
        ("40102321370", False),
        ("401023213x", False),
    ],
)
def test_nhs_check_digit(digits, valid):
    assert is_valid_nhs_number(digits) is valid


def test_check_digit_of_ten_is_never_valid():
    # 6 at weight 2 sums to 12: 11 - 1 = 10, which no single digit can hold.
    assert not any(is_valid_nhs_number(f"000000006{d}") for d in "0123456789")


def test_check_digit_eleven_means_zero():
    # 1 at weight 9 and 1 at weight 2 sum to 11: 11 - 0 = 11, written as 0.
    assert is_valid_nhs_number("0100000010")
    assert not is_valid_nhs_number("0100000011")


def test_identifier_is_frozen():
    ident = Identifier(kind="mrn", start=0, end=3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ident.start = 1
    with pytest.raises(ValueError):
        Identifier(kind="phone", start=0, end=3)


# Text built to come near the detectors: their key words in any case, digits in identifier
# shapes, dates, separators, and the look-alike letters case-folding treats specially.
_PHI_PIECES = st.sampled_from(
    ["nhs", "NHS", "Nhs", "no.", "number", "#", "mrn", "M.R.N", "m.r.n.", "hosp", "Hospital", "unit", "case", "k", "K",
     "\u212a", "patient", "pt", "Pt", "id", "chi", "rn", "dob", "D.O.B", "date", "born", "b.", "B.", "mrs", "Mr", "MS",
     "miss", "Mx", "master", "name", "Patel", "jan", "March", "Sept.", "may", "dec", "\u017f", "\u0130", "0", "1", "12",
     "123", "1234", "12345", "4010232137", "401 023 2137", "401-023-2137", "1952", "2010", "/", ".", "-", ",", ":",
     " ", "  ", "\n", "(", ")", "x", "_", "\u00e9", "\u0663"])


@settings(max_examples=2000, deadline=None)
@given(st.lists(_PHI_PIECES, max_size=12).map("".join))
def test_the_quick_test_never_rules_out_an_identifier(text):
    from bot.phi import _MAYBE, _candidates, may_hold_identifier

    if _MAYBE.search(text):
        assert may_hold_identifier(text), text
    if not may_hold_identifier(text):
        assert _candidates(text) == [], text


@given(st.text(max_size=80))
def test_the_quick_test_agrees_with_the_full_pattern_on_any_text(text):
    from bot.phi import _MAYBE, may_hold_identifier

    assert may_hold_identifier(text) == (_MAYBE.search(text) is not None)

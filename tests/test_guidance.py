"""The guidance knowledge base (bot/knowledge/guidance.toml) and its loader (bot/guidance.py)."""
from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot import guidance as g
from bot.answer import Statement

REVIEW = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "lenalidomide-maintenance-review.txt"
DEFAULT_TEXT = resources.files("bot.knowledge").joinpath("guidance.toml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def guidance() -> g.Guidance:
    return g.load_guidance()


def all_statements(gd: g.Guidance) -> list[Statement]:
    out = [s for t in gd.topics.values() for s in (*t.statements, *t.external)]
    return out + [s for r in gd.trials.values() for s in r.statements]


def topic_text(key: str) -> str:
    t = g.topic(key)
    return " ".join(s.text for s in (*t.statements, *t.external))


# --- loading and structure -------------------------------------------------------------


def test_loads_with_meta(guidance):
    assert guidance.name
    assert re.fullmatch(r"\d{4}\.\d{2}-\d+", guidance.version)
    assert guidance.source == "lenalidomide-maintenance-review.txt"


def test_cached(guidance):
    assert g.load_guidance() is guidance
    assert g.topic("spm") is guidance.topics["spm"]


def test_every_contract_topic_present_and_cited(guidance):
    assert set(guidance.topics) == set(g.TOPIC_KEYS)
    for key, t in guidance.topics.items():
        assert t.key == key
        assert t.title
        assert t.citations and all(c in g.SECTIONS for c in t.citations)
        assert t.statements
        assert {s.cite for s in t.statements} == set(t.citations)


def test_statements_are_short_and_well_cited(guidance):
    for s in all_statements(guidance):
        assert isinstance(s, Statement)
        assert s.text.strip() and len(s.text) < g.MAX_STATEMENT_CHARS
        assert s.cite in g.SECTIONS or s.cite.startswith(g.EXTERNAL_PREFIX)
    for t in guidance.topics.values():
        for x in t.external:
            assert x.cite.startswith(g.EXTERNAL_PREFIX) and len(x.cite) > len(g.EXTERNAL_PREFIX)


def test_models_are_frozen(guidance):
    with pytest.raises(ValidationError):
        guidance.topics["spm"].title = "changed"
    with pytest.raises(ValidationError):
        guidance.version = "x"


def test_main_sections_of_the_sample_cases():
    # The eval's info cases expect these citations from these topics.
    expected = {
        "spm": "5.2", "vte": "5.7", "rash": "5.8", "gi": "5.5", "pregnancy": "6.1",
        "pharmacokinetics": "3", "neuropathy": "5.6", "infection": "5.4", "trials": "Table 1",
        "mechanism": "2", "hepatic": "6.3", "renal": "6.2", "neutropenia": "Table 2",
        "thrombocytopenia": "Table 2", "dose_levels": "Table 2", "mtd": "5.1", "other_agents": "7.1",
    }
    for key, section in expected.items():
        assert g.topic(key).citations[0] == section, key


def test_unknown_topic_is_a_clear_key_error():
    with pytest.raises(KeyError, match="unknown topic 'spleen'"):
        g.topic("spleen")


# --- figures that must be there -----------------------------------------------------------


@pytest.mark.parametrize(
    "key, figures",
    [
        ("spm", ["5.8%", "2.0%", "1%", "over a third", "oral melphalan", "High-dose melphalan", "21%", "27%"]),
        ("vte", ["1-6%", "IMPEDE", "SAVED", "PRISM", "aspirin", "LMWH", "not in maintenance"]),
        ("pharmacokinetics", ["82-84%", "50%", "3-4 hours", "12 hours", "8 weeks"]),
        ("infection", ["6-15%", "one in five"]),
        ("gi", ["1-7.5%", "bile acid"]),
        ("neuropathy", ["1-4%", "thalidomide"]),
        ("rash", ["20%", "antihistamine", "topical steroid", "Stevens-Johnson", "toxic epidermal necrolysis"]),
        ("pregnancy", ["negative pregnancy test", "Breastfeeding", "barrier", "7 days", "10-14 days", "4 weeks"]),
        ("hepatic", ["No dose change is needed for hepatic impairment"]),
        ("mechanism", ["cereblon", "IKZF1", "IKZF3", "IRF4", "MYC", "IL-2", "IL-6", "TNF", "Th1", "anti-angiogenic"]),
        ("mtd", ["25-50 mg", "25 mg", "41%", "13%", "21 days of each 28", "10 mg"]),
        ("other_agents", ["HOVON-65/GMMG-HD4", "PETHEMA/GEM", "TOURMALINE-MM3", "26.5", "21.3", "HR 0.72",
                          "ATLAS", "FORTE", "CASSIOPEIA", "DRAMMATIC", "GRIFFIN", "AURIGA", "GMMG-HD6"]),
        ("dose_levels", ["10 mg once daily on days 1-28", "15 mg", "5 mg on days 1-21", "no further reduction",
                         "NICE TA680", "75 x10^9/L"]),
        ("neutropenia", ["0.5 x10^9/L", "G-CSF", "dose left unchanged", "above 1 x10^9/L"]),
        ("thrombocytopenia", ["about 10%", "30 x10^9/L", "one week", "next cycle", "first reduction level"]),
        ("renal", ["below 50 mL/min", "10 mg once daily", "5 mg once daily", "after the dialysis", "60",
                   "SmPC or your local protocol"]),
    ],
)
def test_figures_present(key, figures):
    text = topic_text(key)
    for f in figures:
        assert f in text, f"{key}: {f!r} missing"


def test_external_sources_named():
    sources = {s.cite for t in g.load_guidance().topics.values() for s in t.external}
    for name in ("EU SmPC (Revlimid 4.2)", "NICE TA680", "US prescribing information", "EU package leaflet",
                 "Sanfilippo et al., Am J Hematol 2019", "Li et al., JNCCN 2019", "US REMS"):
        assert g.EXTERNAL_PREFIX + name in sources, name


def test_review_vte_score_name_is_corrected_externally():
    vte = g.topic("vte")
    assert any('"VTE"' in s.text for s in vte.statements)
    assert any("PRISM" in s.text for s in vte.external)
    assert not any("PRISM" in s.text for s in vte.statements)  # PRISM is not in the review


# --- Table 1 rows -------------------------------------------------------------------------


def test_all_table1_rows(guidance):
    assert list(guidance.trials) == [
        "myeloma_xi", "gmmg_mm5", "nct01091831", "gimema_209", "ifm_2005_02", "calgb_100104", "meta_analysis",
    ]
    for row in guidance.trials.values():
        assert row.name and row.aliases and row.statements
        assert all(s.cite == "Table 1" for s in row.statements)


@pytest.mark.parametrize(
    "name, key",
    [
        ("IFM 2005-02", "ifm_2005_02"),
        ("ifm2005-002", "ifm_2005_02"),
        ("IFM 2005.02", "ifm_2005_02"),
        ("calgb 100104", "calgb_100104"),
        ("CALGB100104", "calgb_100104"),
        ("Myeloma XI", "myeloma_xi"),
        ("myeloma 11", "myeloma_xi"),
        ("MXI", "myeloma_xi"),
        ("GMMG-MM5", "gmmg_mm5"),
        ("nct 01091831", "nct01091831"),
        ("RV-MM-PI-209", "gimema_209"),
        ("GIMEMA RV-MM-P1-209", "gimema_209"),
        ("Meta-analysis", "meta_analysis"),
        ("myeloma_xi", "myeloma_xi"),
    ],
)
def test_trial_aliases_resolve(name, key):
    row = g.trial_for(name)
    assert row is not None and row.key == key


@pytest.mark.parametrize("name", ["", "   ", "IFM 2009", "Myeloma XII", "CALGB 9321", "thalidomide"])
def test_unknown_trials_are_none(name):
    assert g.trial_for(name) is None


@pytest.mark.parametrize(
    "key, figures",
    [
        ("myeloma_xi", ["730", "518", "57 vs 30", "HR 0.48", "87.5%", "80.2%", "442", "14 September 2011"]),
        ("ifm_2005_02", ["307 vs 307", "43% vs 22%", "HR 1.06", "27%", "15%", "51% vs 18%", "13% vs 5%"]),
        ("calgb_100104", ["231 vs 229", "57.3 vs 28.9", "113.8 vs 84.1", "HR 0.61", "18%", "8%/6%/5%"]),
        ("gimema_209", ["116 vs 115", "54.7", "37.4", "78.4%", "66.5%", "5.2%", "23.3%", "4.3%"]),
        ("gmmg_mm5", ["25 mg", "15 mg", "60.1", "39.3%", "52.7%"]),
        ("nct01091831", ["7.5 mg", "5% with lenalidomide-prednisone", "8% with lenalidomide alone"]),
        ("meta_analysis", ["605", "603", "52.8 vs 23.5", "62% vs 50%", "HR 0.75", "5.3% vs 0.8%", "5.8% vs 2.0%"]),
    ],
)
def test_trial_row_figures(key, figures):
    text = " ".join(s.text for s in g.load_guidance().trials[key].statements)
    for f in figures:
        assert f in text, f"{key}: {f!r} missing"


# --- section_summary ------------------------------------------------------------------------


def test_section_summary_renal():
    out = g.section_summary("6.2")
    assert out and all(s.cite == "6.2" for s in out)
    assert any("50 mL/min" in s.text for s in out)


def test_section_summary_dedupes_and_keeps_file_order(guidance):
    out = g.section_summary("3")
    texts = [s.text for s in out]
    assert len(texts) == len(set(texts))
    expected: list[str] = []
    for statements in [t.statements for t in guidance.topics.values()] + [r.statements for r in guidance.trials.values()]:
        for s in statements:
            if s.cite == "3" and s.text not in expected:
                expected.append(s.text)
    assert texts == expected


def test_section_summary_covers_every_section():
    for section in g.SECTIONS:
        assert g.section_summary(section), section
    assert g.section_summary("table 1") == g.section_summary("Table 1")
    assert not any(s.cite.startswith(g.EXTERNAL_PREFIX) for s in g.section_summary("6.2"))


def test_section_summary_rejects_unknown_section():
    with pytest.raises(ValueError, match="not a review section"):
        g.section_summary("5.9")


# --- a hospital's own file, and malformed files -------------------------------------------


def test_hospital_file_loads(tmp_path):
    path = tmp_path / "local.toml"
    path.write_text(DEFAULT_TEXT.replace('version = "2026.11-1"', 'version = "local-7"', 1), encoding="utf-8")
    local = g.load_guidance(path)
    assert local.version == "local-7"
    assert g.load_guidance(str(path)) is local
    assert g.load_guidance().version != "local-7"


def _write(tmp_path, text: str) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('cite = "5.2" }', 'cite = "5.9" }', "'5.9' is not a review section"),
        ('{ text = "Breastfeeding is an absolute contraindication.", cite = "6.1" }',
         '{ text = "  ", cite = "6.1" }', "text must not be empty"),
        ('{ text = "Breastfeeding is an absolute contraindication.", cite = "6.1" }',
         '{ text = "' + "x" * 300 + '", cite = "6.1" }', "keep it under 300"),
        ('[gi]\n', '[gut]\n', "topics.gi\n  Field required"),
        ('[gi]\n', '[gut]\n', "topics.gut\n  Extra inputs are not permitted"),
        ('citations = ["5.7"]', 'citations = ["5.7", "8"]', "no statement cites them"),
        ('citations = ["5.5"]', 'citations = ["5.4"]', "missing from citations"),
        ('source = "US REMS" }', 'source = "" }', "source must not be empty"),
        ('aliases = ["NCT01091831", "NCT 01091831"]', 'aliases = ["NCT01091831", "MXI"]', "belongs to both"),
        ('version = "2026.11-1"', 'version = 2026', "Input should be a valid string"),
        ('title = "Hepatic impairment"', 'title = "Hepatic impairment"\nnote = "x"', "Extra inputs are not permitted"),
    ],
)
def test_malformed_file_fails_validation(tmp_path, old, new, message):
    assert old in DEFAULT_TEXT, old
    path = _write(tmp_path, DEFAULT_TEXT.replace(old, new, 1))
    with pytest.raises(ValidationError) as err:
        g.load_guidance(path)
    text = str(err.value)
    assert message in text
    assert str(path) in text  # the error names the file


def test_minimal_file_lists_every_missing_topic(tmp_path):
    path = _write(tmp_path, '[meta]\nname = "x"\nversion = "1"\nsource = "y"\n')
    with pytest.raises(ValidationError) as err:
        g.load_guidance(path)
    missing = {e["loc"][1] for e in err.value.errors() if e["loc"][0] == "topics" and e["type"] == "missing"}
    assert missing == set(g.TOPIC_KEYS)


def test_toml_syntax_error_names_the_file(tmp_path):
    import tomllib

    path = _write(tmp_path, "[meta\n")
    with pytest.raises(tomllib.TOMLDecodeError, match="bad.toml"):
        g.load_guidance(path)


# --- own words ------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    # Letters only: figures are ours to carry, so numbers neither count nor break a run.
    return re.findall(r"[a-z]+", text.lower())


@pytest.mark.skipif(not REVIEW.exists(), reason="review text not available beside the repository")
def test_no_statement_copies_the_review(guidance):
    n = 8
    review = _words(REVIEW.read_text(encoding="utf-8"))
    runs = {tuple(review[i : i + n]) for i in range(len(review) - n + 1)}
    copied = []
    texts = [s.text for s in all_statements(guidance)] + [t.title for t in guidance.topics.values()]
    for text in texts:
        w = _words(text)
        hit = next((w[i : i + n] for i in range(len(w) - n + 1) if tuple(w[i : i + n]) in runs), None)
        if hit:
            copied.append(f"{text!r}: {' '.join(hit)!r}")
    assert not copied, "statements copy the review:\n" + "\n".join(copied)

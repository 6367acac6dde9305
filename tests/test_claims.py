"""The claims ledger: every record validates against the schema, verdicts follow from the records, the
pages' prose never types a number the ledger records, and the built ledger page filters and sorts
with no kernel."""
import json
import os
import re
from pathlib import Path

import pytest

from book_toc import ROOT
from ndgm import claims

pytestmark = pytest.mark.xdist_group("ledger")


@pytest.fixture(scope="module")
def ledger():
    return claims.ledger(str(ROOT / "book" / "results"), cache=os.environ["NDGM_LEDGER_CACHE"])  # shared (conftest)


def test_the_ledger_rebuilt_from_the_library_validates_against_the_schema(ledger, tmp_path):
    path = claims.write_json(ledger, str(tmp_path / "claims.json"))
    doc = json.loads(Path(path).read_text())
    claims.validate(doc)
    assert [c["id"] for c in doc["claims"]] == claims.ids()
    assert sum(doc["counts"].values()) == len(doc["claims"]) == len(ledger)


def test_a_document_that_breaks_the_schema_is_rejected(ledger):
    import jsonschema

    doc = claims.as_json(ledger)
    doc["claims"][0]["verdict"] = "sort of"
    with pytest.raises(jsonschema.ValidationError):
        claims.validate(doc)


def test_the_ledger_covers_every_claim_the_issue_names():
    want = {"prop-3.1", "prop-4.1", "prop-5.1", "prop-b.1", "prop-b.2", "prop-b.3", "prop-b.4", "prop-b.5",
            "prop-b.6", "eq-8", "eq-9", "fig-1", "fig-2-depth", "fig-2-bn", "fig-3-spread", "fig-3-larger", "fig-4",
            "fig-5", "table-1", "table-2-sgd", "two-d", "b2-numbers", "rates"}
    assert want <= set(claims.ids())


def test_every_page_with_claims_is_in_the_book():
    pages = {p.split("/")[-1] for p in (ROOT / "_toc.yml").read_text().split() if p.startswith("book/")}
    assert set(claims.PAGES) <= pages and "ledger" in pages


def test_records_are_well_formed(ledger):
    for c in ledger:
        assert c.verdict in claims.VERDICTS and c.rule and c.statement and c.where
        if c.verdict != "not yet run":
            assert c.ours, f"{c.id} has a verdict but no measured number"


def test_a_bad_id_or_page_names_the_parameter():
    with pytest.raises(ValueError, match="id must be one of"):
        claims.get("prop-9.9")
    with pytest.raises(ValueError, match="page must be one of"):
        claims.ids("nowhere")


def test_a_heavy_claim_without_its_results_folder_names_the_parameter():
    with pytest.raises(ValueError, match="results_dir must name the folder"):
        claims.get("fig-2-depth")
    assert claims.get("prop-4.1").verdict                    # a light claim needs no folder


def test_network_claims_are_not_yet_run_without_results(tmp_path):
    for i in ("fig-2-depth", "table-2-sgd", "what-works-network"):
        c = claims.get(i, str(tmp_path))
        assert c.verdict == "not yet run" and not c.ours


# ----- prose against the ledger --------------------------------------------------------------------

CODE = re.compile(r"^```.*?^```", re.S | re.M)
FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)
ROLE = re.compile(r"\{[a-z:]+\}`[^`]*`|`[^`]*`")
REFERENCE = re.compile(r"(Figures?|Tables?|Sections?|Propositions?|Prop\.|App\.|Appendix|Appendices|Lemma|Theorem|Corollary|"
                       r"eqs?\.|equations?|steps?|Part)\s*\(?[A-D]?\d+(\.\d+)*\)?"
                       r"((\s*(,|and|to|-|–)\s*)+\(?[A-D]?\d+(\.\d+)*\)?)*", re.I)
EQUATION = re.compile(r"\(\d+\)|\b[A-D]\.\d+(\.\d+)*\b|\d+\^\{?[-+]?\d+\}?")   # (15), B.5, 10^{-5}
NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w])")


def prose(page: str) -> str:
    """A page's Markdown with front matter, code cells, inline code, roles and references removed."""
    text = FRONT.sub("", (ROOT / "book" / f"{page}.md").read_text())
    for pattern in (CODE, ROLE, REFERENCE, EQUATION):
        text = pattern.sub(" ", text)
    return text


def typed_numbers(text: str) -> list[float]:
    """The numbers typed into `text`, small integers (0 to 10: counts, exponents, formula constants) left out."""
    out = []
    for m in NUMBER.finditer(text):
        v = float(m.group().replace(",", ""))
        if not (v.is_integer() and 0 <= v <= 10):
            out.append(v)
    return out


def recorded(ledger, page: str) -> list[tuple[str, float]]:
    """Every numeric value the page's records hold, paper's and ours, with the claim id."""
    vals = []
    for c in ledger:
        if c.page != page:
            continue
        for n in (*c.paper, *c.ours):
            if isinstance(n.value, (int, float)) and not isinstance(n.value, bool):
                vals.append((f"{c.id}: {n.name} = {n.text}", float(n.value)))
            for m in NUMBER.finditer(n.text):   # the printed text too (percentages, several values)
                vals.append((f"{c.id}: {n.name} = {n.text}", float(m.group().replace(",", ""))))
    return vals


def test_the_prose_filter_finds_typed_numbers_and_skips_references():
    text = ("Figure 3 and eq. (8), Proposition B.5, Prop. 4.1, Appendix A.2, at $10^{-12}$: we measured 0.18 % and 25.4, "
            "with 5,000 steps.")
    for pattern in (ROLE, REFERENCE, EQUATION):
        text = pattern.sub(" ", text)
    assert typed_numbers(text) == [0.18, 25.4, 5000.0]


@pytest.mark.parametrize("page", claims.PAGES)
def test_no_page_types_a_number_that_its_records_hold(ledger, page):
    """A number in the prose that comes within 10 % of a recorded one is the record's number typed by hand
    (or a different one): either way it must be glued from the record, so prose and ledger cannot differ."""
    vals = recorded(ledger, page)
    clashes = [(x, where) for x in typed_numbers(prose(page)) for where, v in vals
               if v != 0 and abs(x - v) <= 0.1 * abs(v)]
    assert not clashes, f"book/{page}.md types numbers the ledger records: {clashes[:8]}"


def test_the_prose_check_catches_a_typed_record(ledger, monkeypatch, tmp_path):
    """The check fails on a page that types a recorded number by hand."""
    c = next(c for c in ledger if c.page == "l1_vgg16" and c.paper)
    n = next(n for n in c.paper if isinstance(n.value, float) and n.value > 10 ** -3)
    fake = tmp_path / "book"
    fake.mkdir()
    (fake / "l1_vgg16.md").write_text(f"The paper reports {n.value:g} here.\n")
    monkeypatch.setattr("test_claims.ROOT", tmp_path)
    assert any(abs(x - n.value) <= 0.1 * n.value for x in typed_numbers(prose("l1_vgg16")))


# ----- the built ledger page -----------------------------------------------------------------------

ROWS = "() => [...document.querySelectorAll('.ndgm-ledger tbody tr')].filter(r => !r.hidden).map(r => r.cells[0].textContent)"


@pytest.mark.xdist_group("book")
def test_the_built_ledger_filters_and_sorts_without_a_kernel(html, site, offline_page):
    doc = json.loads((html / "book" / "claims.json").read_text())
    claims.validate(doc)
    assert (html / "book" / "claims.schema.json").is_file()
    page = offline_page
    page.goto(f"{site}/book/ledger.html")
    page.wait_for_selector(".ndgm-ledger tbody tr")
    everything = page.evaluate(ROWS)
    assert everything == [c["id"] for c in doc["claims"]]
    count = lambda: page.locator(".ndgm-ledger-count").text_content()
    assert count() == f"{len(everything)} of {len(everything)} claims"

    for verdict in claims.VERDICTS:
        page.select_option("select[data-filter=verdict]", verdict)
        want = [c["id"] for c in doc["claims"] if c["verdict"] == verdict]
        assert page.evaluate(ROWS) == want and count() == f"{len(want)} of {len(everything)} claims"
    page.select_option("select[data-filter=verdict]", "")
    page.select_option("select[data-filter=section]", "5")
    assert page.evaluate(ROWS) == [c["id"] for c in doc["claims"] if c["section"] == "5"]
    page.select_option("select[data-filter=section]", "")

    page.click("th button[data-column='0']")
    assert page.evaluate(ROWS) == sorted(everything, key=str.lower) != everything
    page.click("th button[data-column='0']")
    assert page.evaluate(ROWS) == sorted(everything, key=str.lower, reverse=True)
    page.click("th button[data-column='5']")
    verdicts = page.evaluate("() => [...document.querySelectorAll('.ndgm-ledger tbody tr')].map(r => r.cells[5].textContent)")
    assert verdicts == sorted(verdicts)
    link = page.locator(".ndgm-ledger tbody tr a").first
    assert (html / "book" / link.get_attribute("href")).is_file()
    assert page.problems == []


def test_the_remedy_claims_follow_their_rules():
    import dataclasses

    import numpy as np

    from ndgm.studies import sparsity

    cmp = sparsity.compare_methods(lam1=[0.3, 3.0], p=40, steps=4000, cd_epochs=100)
    c = claims.get("what-works-lasso", comparison=cmp)
    fista_ok = bool(np.all(np.isfinite(cmp.iterations["fista"])) and
                    np.array_equal(cmp.zeros["fista"], sparsity.exact_summary(cmp)["zeros"]))
    ndgm_fails = cmp.zeros["ndgm"].max() == 0 and not np.all(np.isfinite(cmp.iterations["ndgm"]))
    assert c.verdict == ("reproduced" if fista_ok and ndgm_fails else
                         "reproduced qualitatively" if fista_ok or ndgm_fails else "not reproduced")
    assert c.value("NDGM reaches the target gap at") == int(np.sum(np.isfinite(cmp.iterations["ndgm"])))
    lucky = dataclasses.replace(cmp, zeros={**cmp.zeros, "ndgm": cmp.zeros["fista"] + 0.5},
                                iterations={**cmp.iterations, "fista": np.full(2, np.nan)})
    assert claims.get("what-works-lasso", comparison=lucky).verdict == "not reproduced"


def test_for_page_passes_each_claim_only_the_inputs_it_takes_and_refuses_others():
    assert claims.takes("two-d") == ("example",)
    assert claims.takes("table-2-sgd") == ("results",)
    with pytest.raises(ValueError, match="inputs must be results the claims of 'l1_vgg16' take"):
        claims.for_page("l1_vgg16", curves=None)


def test_the_ledger_cache_is_read_back_and_refreshed_when_the_results_change(tmp_path, monkeypatch):
    results = tmp_path / "results"
    results.mkdir()
    cache = str(tmp_path / "ledger.pickle")
    from ndgm.claims import registry

    calls = []
    real = registry.get
    monkeypatch.setattr(registry, "get", lambda i, d=None, **kw: calls.append(i) or real(i, d, **kw))
    monkeypatch.setattr(registry, "ids", lambda page=None: ["lambda1-network", "table-2-text"])
    first = claims.ledger(str(results), cache=cache)
    assert calls == ["lambda1-network", "table-2-text"]
    assert [c.id for c in claims.ledger(str(results), cache=cache)] == [c.id for c in first]
    assert len(calls) == 2                                     # read back, not computed again
    (results / "relu_vs_gelu-cpu.json").write_text("{}")       # the results it depends on changed
    claims.ledger(str(results), cache=cache)
    assert len(calls) == 4

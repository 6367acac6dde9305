"""The explorer in the built static book: every control redraws the figure and the readouts, with
no kernel and no request leaving the site, and what it shows equals what ndgm computes."""
import json

import numpy as np
import pytest

from ndgm import grids, optim, problems, run
from test_explorer import intended
from test_figure_explorers import INTENDED

pytestmark = pytest.mark.xdist_group("book")

EXPLORER_KINDS = {"book/convergence": "capture", "book/edge_of_stability": "edge",
                  "book/lasso_explorer": "lasso", "book/l1_vgg16": "prune",
                  "book/what_works": "pruning"}
"""Which explorer each page shows, as test_figure_explorers.INTENDED names them."""

PAGE = "book/lasso_explorer.html"
STATE = "() => { const e = document.querySelector('div.ndgm-explorer'); " \
        "return {state: e.ndgmState, ms: Number(e.dataset.redrawMs), redraws: Number(e.dataset.redraws)}; }"
FIGURE = "() => [...document.querySelectorAll('div.ndgm-explorer svg')].map(s => s.innerHTML)"
READOUTS = "() => [...document.querySelectorAll('div.ndgm-explorer .ndgm-readout-value')].map(r => r.textContent)"


def as_float32(x):
    with np.errstate(over="ignore"):
        return np.asarray(x, dtype=np.float64).astype(np.float32).astype(np.float64)


def check_against_ndgm(state):
    """The drawn paths, the λ1 curve and the readouts equal ndgm's runs for the shown setting."""
    cfg = state["config"]
    steps = np.array(state["panels"][0]["x"], dtype=int)
    loss, beta0 = problems.lasso_problem(cfg["problem"], cfg["lam1"])
    with np.errstate(over="ignore", invalid="ignore"):
        one = run.run(loss, optim.make(cfg["optimizer"], cfg["lr"]), beta0, int(steps[-1]),
                      record=("l1", "loss", "zeros"), at=steps)
        lam1_grid = np.array(state["panels"][2]["x"])
        curve = run.sweep(lambda lam: problems.lasso_problem(cfg["problem"], lam)[0], cfg["optimizer"],
                          lam1_grid, [cfg["lr"]], beta0[None], int(steps[-1]), record=("l1",),
                          every=int(steps[-1])).final("l1")[:, 0, 0]
    drawn = lambda panel: np.array([np.nan if v is None else v for v in state["panels"][panel]["ys"][0]], float)
    np.testing.assert_allclose(drawn(0), as_float32(one["l1"]), rtol=1e-6)
    np.testing.assert_allclose(drawn(1), as_float32(one["loss"]), rtol=1e-6)
    np.testing.assert_allclose(drawn(2), as_float32(curve), rtol=1e-6)
    np.testing.assert_allclose(state["readouts"]["final_l1"], as_float32(one.final("l1")), rtol=1e-6)
    np.testing.assert_allclose(state["readouts"]["zeros"], as_float32(one.final("zeros")), rtol=1e-6)


def check_opens_as_intended(root, kind):
    """The explorer `root` shows, before any control moves, the INTENDED setting of its kind, found on the
    grids its payload lists: only the grids are read from the page, not the setting it reports."""
    spec = json.loads(root.locator("script.ndgm-explorer-spec").text_content())
    want = {c["name"]: intended(c["values"], INTENDED[kind][c["name"]]) for c in spec["controls"]}
    shown = root.evaluate("e => e.ndgmState.config")
    assert shown == want, f"the {kind} explorer opened at {shown}, not at {want}"


def move(page, name, steps=None, option=None):
    """Move a slider by `steps` grid points (keyboard), or pick a menu `option` by its value."""
    if option is not None:
        page.select_option(f"div.ndgm-explorer select[name={name}]", option)
    else:
        slider = page.locator(f"div.ndgm-explorer input[name={name}]")
        slider.focus()
        for _ in range(abs(steps)):
            slider.press("ArrowRight" if steps > 0 else "ArrowLeft")


def test_every_control_changes_figure_and_readouts(site, offline_page, capsys):
    page = offline_page
    response = page.goto(f"{site}/{PAGE}", wait_until="load")
    page.wait_for_function("() => document.querySelector('div.ndgm-explorer')?.ndgmState")
    assert len(response.body()) < 3_000_000, "the explorer page must stay under 3 MB"
    check_opens_as_intended(page.locator("div.ndgm-explorer").first, "lasso")
    check_against_ndgm(page.evaluate(STATE)["state"])
    times = []
    moves = [("lam1", 4, None), ("lr", -3, None), ("optimizer", None, "2"), ("problem", None, "1"),
             ("lr", 2, None), ("optimizer", None, "4"), ("lam1", -7, None), ("optimizer", None, "3")]
    for name, steps, option in moves:
        before = page.evaluate(STATE)
        figure, readouts = page.evaluate(FIGURE), page.evaluate(READOUTS)
        move(page, name, steps, option)
        after = page.evaluate(STATE)
        assert after["redraws"] > before["redraws"], f"moving {name} did not redraw"
        assert after["state"]["config"][name] != before["state"]["config"][name]
        assert page.evaluate(FIGURE) != figure, f"moving {name} left the figure unchanged"
        assert page.evaluate(READOUTS) != readouts, f"moving {name} left the readouts unchanged"
        check_against_ndgm(after["state"])
        times.append(after["ms"])
    assert not page.problems, "\n".join(page.problems)
    with capsys.disabled():
        print(f"\nstatic explorer redraw: median {np.median(times):.2f} ms, max {np.max(times):.2f} ms "
              f"over {len(times)} control changes")


def test_every_control_of_every_explorer_redraws(html, site, offline_page):
    """On every built page, each explorer opens at its intended setting, and each of its controls changes
    its figure (no dead sliders)."""
    from book_toc import toc_pages

    pages = [p for p in toc_pages() if "ndgm-explorer-spec" in (html / f"{p}.html").read_text()]
    assert pages, "no page shows an explorer"
    page = offline_page
    for name in pages:
        page.goto(f"{site}/{name}.html", wait_until="load")
        page.wait_for_function("() => [...document.querySelectorAll('div.ndgm-explorer')].every(e => e.ndgmState)")
        explorers = page.locator("div.ndgm-explorer")
        assert name in EXPLORER_KINDS, f"{name} shows an explorer: add its kind and its INTENDED setting"
        for k in range(explorers.count()):
            root = explorers.nth(k)
            check_opens_as_intended(root, EXPLORER_KINDS[name])
            for control in root.locator("input[type=range], select").all():
                figure = root.locator("svg").evaluate_all("svgs => svgs.map(s => s.innerHTML)")
                if control.evaluate("e => e.tagName") == "SELECT":
                    n = control.locator("option").count()
                    control.select_option(index=(control.evaluate("e => e.selectedIndex") + 1) % n)
                else:
                    control.focus()
                    at_end = control.evaluate("e => Number(e.value) === Number(e.max)")
                    control.press("ArrowLeft" if at_end else "ArrowRight")
                after = root.locator("svg").evaluate_all("svgs => svgs.map(s => s.innerHTML)")
                assert after != figure, f"{name}: explorer {k}, control {control.get_attribute('name')} changed nothing"
    assert not page.problems, "\n".join(page.problems)


def drawn(state, panel, series=0):
    return np.array([np.nan if v is None else v for v in state["panels"][panel]["ys"][series]], float)


@pytest.mark.parametrize("name,steps", [("book/convergence", 2), ("book/edge_of_stability", 9)])
def test_alpha_controls_draw_what_ndgm_computes(name, steps, site, offline_page):
    """The α explorers of Figures 1 and 4: after moving α, the curves equal ndgm's runs at the shown α."""
    from ndgm.studies import convergence, stability

    page = offline_page
    page.goto(f"{site}/{name}.html", wait_until="load")
    page.wait_for_function("() => document.querySelector('div.ndgm-explorer')?.ndgmState")
    check_opens_as_intended(page.locator("div.ndgm-explorer").first, EXPLORER_KINDS[name])
    move(page, "lr", steps)
    state = page.evaluate(STATE)["state"]
    alpha, at = state["config"]["lr"], np.array(state["panels"][0]["x"], dtype=int)
    if name.endswith("convergence"):
        for k, activation in enumerate(("relu", "softplus")):
            want = convergence.capture_curves([alpha], int(at[-1]), activation=activation)
            np.testing.assert_allclose(drawn(state, 0, k), as_float32(want.gap[0, at]), rtol=1e-5)
            np.testing.assert_allclose(drawn(state, 1, k), as_float32(want.linf[0, at]), rtol=1e-6)
    else:
        want = stability.edge_curves([alpha], int(at[-1]))
        np.testing.assert_allclose(drawn(state, 0), as_float32(want.huber[0, at]), rtol=1e-6)
        np.testing.assert_allclose(drawn(state, 1), as_float32(want.quadratic[0, at]), rtol=1e-6)
        assert (state["readouts"]["quadratic_final"] == np.inf) == (alpha > want.edge)
    assert not page.problems, "\n".join(page.problems)


def test_threshold_control_reads_the_committed_runs(site, offline_page):
    """Table 2's τ control on the built page: at every τ it moves to, each readout is the fraction of
    weights below τ that the shown run recorded (the committed results in book/results/)."""
    from book_toc import ROOT

    from ndgm import paper
    from ndgm.networks import analysis, store

    results = store.best("l1_vgg16", str(ROOT / "book" / "results"))
    assert results is not None, "book/results/ holds no completed l1_vgg16 run"
    page = offline_page
    page.goto(f"{site}/book/l1_vgg16.html", wait_until="load")
    page.wait_for_function("() => document.querySelector('div.ndgm-explorer')?.ndgmState")
    for steps in (0, -6, 13, 5):
        if steps:
            move(page, "tau", steps)
        state = page.evaluate(STATE)["state"]
        k = grids.nearest(analysis.TAU_GRID, state["config"]["tau"], log=True)
        shown = [r for r in results["runs"].values()            # Table 2's runs: the paper's α, λ1 > 0
                 if r["config"]["l1"] > 0 and np.isclose(r["config"]["lr"], paper.SECTION4_NETWORK["lr"])]
        assert len(shown) == 6
        for rec in shown:
            key = f"measured_{rec['config']['optimizer']}_{rec['config']['l1']:g}"
            np.testing.assert_allclose(state["readouts"][key], as_float32(rec["history"]["small_by_tau"][k]),
                                       rtol=1e-6, err_msg=key)
    assert not page.problems, "\n".join(page.problems)

"""The book's static explorers (`ndgm.figures.explorers`): the Section 4 grid (equal to single runs, and
showing what the page's caption tells the reader to look for), Figures 1 and 4 with an α control, the τ
explorers, and the setting each one opens at."""
import base64

import numpy as np
import pytest

from ndgm.figures import explorers
from ndgm.studies import lasso_grid
from ndgm import grids, optim, paper, problems, run
from rounding import amplification, trajectory_tolerance
from test_explorer import MIDDLE, decoded, intended, opening

INTENDED = {
    # Section 4's toy LASSO (7) under NDGM at its α = 0.01; λ1 has no one setting in the paper: mid-grid
    "lasso": {"lam1": MIDDLE, "lr": 0.01, "optimizer": "gd", "problem": "toy"},
    "capture": {"lr": 0.01},                    # Figure 1's α
    "edge": {"lr": 0.1},                        # Figure 4's first α, below the edge 2/η
    "prune": {"tau": paper.TABLE2_TAU},         # Table 2's threshold
    # NDGM on (7) at Section 4's α = 0.01, λ1 mid-grid, τ = 1e-3 (a tenth of that swing αλ1 = 0.01)
    "pruning": {"tau": 1e-3, "lr": 0.01, "lam1": MIDDLE, "problem": "toy"},
}
"""The setting each static explorer is meant to open at (the browser test checks the built pages too)."""


@pytest.fixture(scope="module")
def grid():
    return lasso_grid.lasso_grid()


def test_the_grids_numbers_describe_its_problems_and_ranges():
    small = lasso_grid.lasso_grid(lam1=[0.1, 1.0, 10.0], lr=[0.01, 0.1], steps=50, marks=5, seed=3)
    n = small.numbers()
    general, _ = problems.lasso_problem("lasso", 1.0, 3)
    assert (n["lasso_n"], n["lasso_p"]) == (general.n, general.p) == paper.GENERAL_LASSO_SHAPE
    assert n["toy_p"] == problems.lasso_problem("toy", 1.0, 3)[1].size
    assert n["n_runs"] == len(lasso_grid.LASSO_OPTIMIZERS) * len(problems.LASSO_PROBLEMS) * 3 * 2
    assert (n["steps"], n["lam1_min"], n["lam1_max"], n["lr_min"], n["lr_max"]) == (50, 0.1, 10.0, 0.01, 0.1)


def test_grid_cells_equal_single_runs(grid):
    """Each cell of the grid is its own run, to rounding: on the general LASSO a batched matrix product
    may round differently from a single one, and the run amplifies that (rounding.trajectory_tolerance)."""
    for i, name in enumerate(lasso_grid.LASSO_OPTIMIZERS):
        for j, problem in enumerate(problems.LASSO_PROBLEMS):
            a, b = 7, 4                     # one (λ1, α) cell per optimizer and problem
            loss, beta0 = problems.lasso_problem(problem, grid.lam1[a])
            rule, steps = optim.make(name, grid.lr[b]), int(grid.steps[-1])
            one = run.run(loss, rule, beta0, steps, record=("l1", "loss", "zeros"), trajectory=True)
            growth = amplification(loss, rule, beta0, steps, record=("l1", "loss"))
            for q in ("l1", "loss"):
                tol = trajectory_tolerance(one.trajectory, growth[q])[grid.steps]
                assert np.all(np.abs(grid.paths[q][i, j, a, b] - one[q][grid.steps]) <= tol), (name, problem, q)
            assert grid.finals["zeros"][i, j, a, b] == one.final("zeros")


def test_the_caption_claims_hold_on_the_grid(grid):
    O, toy, lasso = lasso_grid.LASSO_OPTIMIZERS.index, 0, 1
    b = grids.nearest(grid.lr, 0.01, log=True)
    gd = grid.finals["l1"][O("gd"), toy, :, b]
    bottom = int(np.argmin(gd))
    assert 0 < bottom < len(gd) - 1 and np.all(np.diff(gd[bottom:]) > 0)   # past the bottom, it grows
    assert np.all(grid.finals["zeros"][O("gd"), toy] == 0)                 # never an exact zero
    for name in ("rmsprop", "adam"):                                      # barely depends on λ1
        late = grid.finals["l1"][O(name), toy, bottom:, b]
        assert np.ptp(late) < 0.05 * np.ptp(gd[bottom:])
    assert np.all(np.diff(grid.finals["zeros"][O("prox"), toy, :, b]) >= 0)   # more λ1, more zeros
    assert grid.finals["zeros"][O("prox"), toy, -1, b] == 1.0
    for name in ("gd", "momentum"):
        assert not np.all(np.isfinite(grid.finals["l1"][O(name), lasso]))   # some α diverges
    for name in ("rmsprop", "adam"):
        assert np.all(np.isfinite(grid.finals["l1"][O(name), lasso]))


def test_payload_round_trips_float32(grid):
    ex = explorers.lasso_explorer(grid)
    payload = ex.payload()
    enc = payload["arrays"]["final_l1"]
    values = np.frombuffer(base64.b64decode(enc["b64"]), dtype="<f4").reshape(enc["shape"])
    with np.errstate(over="ignore"):
        np.testing.assert_allclose(values, grid.finals["l1"].astype("f4"))
    assert enc["axes"] == ["optimizer", "problem", "lam1", "lr"]
    assert [c["name"] for c in payload["controls"]] == ["lam1", "lr", "optimizer", "problem"]
    html = ex.html()
    assert html.startswith('<div class="ndgm-explorer">') and "</script></div>" in html
    assert len(html) < 3e6


def test_lasso_grid_rejects_a_bad_grid():
    with pytest.raises(ValueError, match=r"lr must lie in \(0, inf\)"):
        lasso_grid.lasso_grid(lr=[0.0, 0.1])


def test_alpha_explorers_show_what_their_captions_say():
    """Figure 1's grid (book/convergence.md): every run leaves the unit ball; from some α up the loss
    rises with both activations, and below it only ReLU's ever rises (at kink crossings); Figure 4's
    grid: the quadratic diverges exactly above 2/η, Huber never."""
    from ndgm.studies import convergence, stability

    grid = np.logspace(-4, -1, 25)
    relu, soft = (convergence.capture_curves(grid, 2000, activation=a) for a in ("relu", "softplus"))
    assert np.all(relu.escapes) and np.all(soft.escapes)
    top = soft.rises_from                                         # from here up, softplus's loss rises
    assert grid[0] < top <= grid[-1]
    assert np.all(~relu.monotone[grid >= top]) and relu.rises_from <= top
    assert np.all(soft.monotone[grid < top])                      # and below it, it never does
    payload = explorers.capture_explorer(relu, soft).payload()
    # the flag readouts say "yes" exactly at the α where that activation's loss never increased
    readouts = {r["array"]: r for r in payload["readouts"]}
    for name, cur in (("relu", relu), ("softplus", soft)):
        r = readouts[f"monotone_{name}"]
        shown = [r["labels"][round(float(v))] for v in decoded(payload, r["array"])]
        assert shown == ["yes" if m else "no" for m in cur.monotone], name
    curves = stability.edge_curves(np.logspace(-2, 2, 41), 1000)
    np.testing.assert_array_equal(curves.quadratic_diverged, curves.lr > curves.edge)
    assert not np.any(curves.huber_diverged)
    assert len(explorers.edge_explorer(curves).html()) < 3e6


def _pruning_grid_shape():
    """An `ndgm.studies.sparsity.pruning_grid` result on the page's grids (its defaults), filled with zeros."""
    import inspect

    from ndgm.studies import sparsity

    d = {k: np.asarray(v.default) for k, v in inspect.signature(sparsity.pruning_grid).parameters.items()}
    shape = (len(sparsity.PRUNING_PROBLEMS), d["lr"].size, d["lam1"].size)
    return sparsity.PruningGrid(d["tau"], d["lr"], d["lam1"], int(d["steps"]), np.zeros((*shape, d["tau"].size)),
                                np.zeros((*shape, d["tau"].size)), np.zeros(shape))


def test_every_static_explorer_opens_at_its_intended_setting():
    """Each control's default, as the page's script reads it from the payload, is the INTENDED setting
    found on the control's own grid here (the grids are the pages': lasso_grid's defaults, Figure 1's and
    Figure 4's α grids, the τ grid of the network runs)."""
    import inspect

    from ndgm.studies import convergence, stability
    from ndgm.networks import analysis

    defaults = inspect.signature(lasso_grid.lasso_grid).parameters
    lam1, lr = defaults["lam1"].default, defaults["lr"].default
    steps = run.log_marks(defaults["steps"].default, defaults["marks"].default)
    shape = (len(lasso_grid.LASSO_OPTIMIZERS), len(problems.LASSO_PROBLEMS), len(lam1), len(lr))
    lasso = lasso_grid.LassoGrid(lam1, lr, steps, {k: np.zeros((*shape, len(steps))) for k in ("l1", "loss")},
                               {k: np.zeros(shape) for k in ("l1", "loss", "zeros")})
    relu, soft = (convergence.capture_curves(np.logspace(-4, -1, 25), 5, activation=a) for a in ("relu", "softplus"))
    curves = stability.edge_curves(np.logspace(-2, 2, 41), 5)
    grid = analysis.TAU_GRID
    from test_netresults import l1_record, page

    results = page([l1_record(o, lam, start=grid ** 0.2, end=grid ** 0.1) for o in ("sgd", "adam") for lam in (0.002, 2.0)])
    built = {"lasso": explorers.lasso_explorer(lasso), "capture": explorers.capture_explorer(relu, soft),
             "edge": explorers.edge_explorer(curves), "prune": explorers.prune_explorer(results),
             "prune, a τ grid without 1e-5": explorers.prune_explorer(results, grid[[10, 20, 28, 34, 40]]),
             "pruning": explorers.pruning_explorer(_pruning_grid_shape())}
    opens = {kind: opening(ex) for kind, ex in built.items()}
    for kind, ex in built.items():
        want = INTENDED[kind.split(",")[0]]
        assert set(opens[kind]) == set(want), kind
        for c in ex.controls:
            assert opens[kind][c.name] == intended(c.values, want[c.name]), (kind, c.name)
    # on the pages' grids the intended α and τ are grid values themselves; off the grid, the nearest one
    assert opens["lasso"]["lr"] == opens["capture"]["lr"] == pytest.approx(0.01, rel=1e-12)
    assert opens["edge"]["lr"] == pytest.approx(0.1, rel=1e-12)
    assert opens["prune"]["tau"] == pytest.approx(paper.TABLE2_TAU, rel=1e-12)
    assert opens["prune, a τ grid without 1e-5"]["tau"] == grid[28]


def test_divergence_is_a_loss_that_ends_above_a_million_times_its_start():
    """stability.BLOWUP's meaning: a run has diverged when its loss ends above 10^6 times where it
    started. GD on the quadratic of Figure 4's data from β0 = 0 shrinks the residual r = Zβ − y by
    I − αZZᵀ/N at each step, so L(β_T)/L(β_0) = Σᵢ cᵢ(1 − αλᵢ)^{2T} / Σᵢ cᵢ (λᵢ the eigenvalues of
    ZZᵀ/N, cᵢ the squares of y's coordinates in its eigenvectors). Just above the edge 2/η that ratio
    grows through 10^6 with α: runs that end 0.1 % below and 0.1 % above it are classified apart, by
    edge_curves and by the edge explorer (which draws a diverged run's second-half maximum as inf)."""
    from scipy.optimize import brentq

    from ndgm import problems
    from ndgm.studies import stability

    million, steps = 1e6, 60
    p = problems.huber(0)
    lam, U = np.linalg.eigh(p.Z @ p.Z.T / p.Z.shape[0])
    c = (U.T @ p.y) ** 2
    log_ratio = lambda a: np.log(np.sum(c * (1 - a * lam) ** (2 * steps)) / np.sum(c))
    edge = 2 / lam[-1]
    lr = [brentq(lambda a: log_ratio(a) - np.log(million * f), edge, 1.2 * edge, xtol=1e-14)
          for f in (1 / 1.001, 1.001)]
    curves = stability.edge_curves(lr, steps)
    ratio = curves.quadratic[:, -1] / curves.quadratic[:, 0]
    # the runs end where the closed form puts them (to far better than the 0.1 % margin)
    np.testing.assert_allclose(ratio, [million / 1.001, million * 1.001], rtol=1e-6)
    np.testing.assert_array_equal(curves.quadratic_diverged, [False, True])
    tail = explorers.edge_explorer(curves).arrays["quadratic_tail"][1]
    assert np.isfinite(tail[0]) and tail[1] == np.inf
    np.testing.assert_array_equal(tail, curves.quadratic_tail_max)          # one helper, one semantics


def prune_runs():
    """Table 2's six runs at the paper's α, with the λ1 = 0 controls and Adam at another α beside them."""
    from test_netresults import l1_record, uniform_cdf
    from ndgm.networks import analysis

    end = np.linspace(0, 1, analysis.TAU_GRID.size) ** 2
    runs = {f"{o}-{lam:g}": l1_record(o, lam, start=uniform_cdf(0.02), end=end)
            for o in ("sgd", "rmsprop", "adam") for lam in (0.0, 0.002, 2.0)}
    runs.update({f"adam-{lam:g}-lr": l1_record("adam", lam, start=uniform_cdf(0.02), end=end ** 2, lr=1e-4)
                 for lam in (0.0, 2.0)})
    return runs


def test_prune_explorer_shows_every_run_against_tau():
    from test_netresults import page
    from ndgm.networks import analysis

    grid = analysis.TAU_GRID
    runs = prune_runs()
    ex = explorers.prune_explorer(page(runs.values()))
    (tau,) = ex.controls
    assert tau.name == "tau" and tau.default == pytest.approx(1e-5)
    shown = np.array(tau.values)
    keep = (grid >= 1e-9) & (grid <= 1e-1)
    np.testing.assert_allclose(shown, grid[keep])
    assert len(ex.panels) == 2 and len(ex.readouts) == 6
    for key, rec in (("sgd_0.002", runs["sgd-0.002"]), ("adam_2", runs["adam-2"])):
        axes, measured = ex.arrays[f"measured_{key}"]
        assert axes == ("tau",)
        np.testing.assert_array_equal(measured, np.asarray(rec["history"]["small_by_tau"])[keep])
    np.testing.assert_allclose(ex.arrays["predicted_sgd_0.002"][1], analysis.predicted_below(runs["sgd-0.002"], shown))
    assert "predicted_adam_2" not in ex.arrays           # no prediction for the adaptive optimizers
    # the SGD panel marks its swing αλ1
    assert [v for v, _ in ex.panels[0].vlines] == [pytest.approx(0.003 * 0.002)]
    # the λ1 = 0 controls and the runs at another α are left out: two panels of three optimizers
    assert [p.title for p in ex.panels] == ["λ₁ = 0.002: fraction of weights with |w| < τ",
                                           "λ₁ = 2: fraction of weights with |w| < τ"]
    assert not any(k.endswith("_0") for k in ex.arrays)
    np.testing.assert_array_equal(ex.arrays["measured_adam_2"][1], np.asarray(runs["adam-2"]["history"]["small_by_tau"])[keep])
    with pytest.raises(ValueError, match="taus"):
        explorers.prune_explorer(page(runs.values()), taus=[3e-5])
    with pytest.raises(ValueError, match="results"):
        explorers.prune_explorer({"runs": [1]})


def test_prune_explorer_at_another_step_size():
    from test_netresults import page
    from ndgm.networks import analysis

    runs = prune_runs()
    ex = explorers.prune_explorer(analysis.as_runs(page(runs.values())), lr=1e-4)
    assert len(ex.panels) == 1 and len(ex.readouts) == 1 and ex.panels[0].vlines == ()
    keep = np.array([analysis.grids.nearest(analysis.TAU_GRID, t, log=True) for t in ex.controls[0].values])
    np.testing.assert_array_equal(ex.arrays["measured_adam_2"][1],
                                  np.asarray(runs["adam-2-lr"]["history"]["small_by_tau"])[keep])
    assert list(ex.arrays) == ["measured_adam_2"] and ex.readouts[0].label == "λ₁ = 2, Adam: measured"

"""Static explorers: the payload, its checks, and the Section 4 grid (equal to single runs, and
showing what the page's caption tells the reader to look for)."""
import base64

import numpy as np
import pytest

from ndgm import explorer, optim, run
from rounding import amplification, trajectory_tolerance


@pytest.fixture(scope="module")
def grid():
    return explorer.lasso_grid()


def test_grid_cells_equal_single_runs(grid):
    """Each cell of the grid is its own run, to rounding: on the general LASSO a batched matrix product
    may round differently from a single one, and the run amplifies that (rounding.trajectory_tolerance)."""
    for i, name in enumerate(explorer.LASSO_OPTIMIZERS):
        for j, problem in enumerate(explorer.LASSO_PROBLEMS):
            a, b = 7, 4                     # one (λ1, α) cell per optimizer and problem
            loss, beta0 = explorer.lasso_problem(problem, grid.lam1[a])
            rule, steps = optim.make(name, grid.lr[b]), int(grid.steps[-1])
            one = run.run(loss, rule, beta0, steps, record=("l1", "loss", "zeros"), trajectory=True)
            growth = amplification(loss, rule, beta0, steps, record=("l1", "loss"))
            for q in ("l1", "loss"):
                tol = trajectory_tolerance(one.trajectory, growth[q])[grid.steps]
                assert np.all(np.abs(grid.paths[q][i, j, a, b] - one[q][grid.steps]) <= tol), (name, problem, q)
            assert grid.finals["zeros"][i, j, a, b] == one.final("zeros")


def test_the_caption_claims_hold_on_the_grid(grid):
    O, toy, lasso = explorer.LASSO_OPTIMIZERS.index, 0, 1
    b = int(np.argmin(np.abs(np.log(grid.lr / 0.01))))
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
    ex = explorer.lasso_explorer(grid)
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


def test_explorer_rejects_inconsistent_specs():
    c = [explorer.Control("a", "a", (1.0, 2.0))]
    with pytest.raises(ValueError, match=r"array 'y' must have shape \(2,\)"):
        explorer.Explorer(c, {"y": (("a",), np.zeros(3))}, [])
    with pytest.raises(ValueError, match=r"axes \['b'\] are not controls"):
        explorer.Explorer(c, {"y": (("b",), np.zeros(2))}, [])
    with pytest.raises(ValueError, match="neither a control nor an array"):
        explorer.Explorer(c, {"y": (("a",), np.zeros(2))}, [explorer.Panel("p", "a", (explorer.Series("z", "z"),))])
    with pytest.raises(ValueError, match="readout 'r': no array 'z'"):
        explorer.Explorer(c, {}, [], [explorer.Readout("r", "z")])
    with pytest.raises(ValueError, match="default must be one of its values"):
        explorer.Control("a", "a", (1.0, 2.0), default=3.0)
    with pytest.raises(ValueError, match="scale must be one of 'log', 'linear', 'choice'"):
        explorer.Control("a", "a", (1.0,), scale="sqrt")
    with pytest.raises(ValueError, match="problem must be one of 'toy', 'lasso'"):
        explorer.lasso_problem("ridge", 1.0)
    with pytest.raises(ValueError, match=r"lr must lie in \(0, inf\)"):
        explorer.lasso_grid(lr=[0.0, 0.1])


def test_alpha_explorers_show_what_their_captions_say():
    """Figure 1's grid (book/convergence.md): every run leaves the unit ball; from some α up the loss
    rises with both activations, and below it only ReLU's ever rises (at kink crossings); Figure 4's
    grid: the quadratic diverges exactly above 2/η, Huber never."""
    from ndgm import convergence, stability

    grid = np.logspace(-4, -1, 25)
    relu, soft = (convergence.capture_curves(grid, 2000, activation=a) for a in ("relu", "softplus"))
    assert np.all(relu["escapes"]) and np.all(soft["escapes"])
    top = grid[np.argmin(soft["monotone"])]                      # the first α at which softplus rises
    assert np.all(~soft["monotone"][grid >= top]) and np.all(~relu["monotone"][grid >= top])
    assert np.all(soft["monotone"][grid < top])
    payload = explorer.capture_explorer(relu, soft).payload()
    assert payload["readouts"][0]["labels"] == ["no", "yes"]
    curves = stability.edge_curves(np.logspace(-2, 2, 41), 1000)
    np.testing.assert_array_equal(curves["quadratic_diverged"], curves["alpha"] > curves["edge"])
    assert not np.any(curves["huber_diverged"])
    assert len(explorer.edge_explorer(curves).html()) < 3e6

"""Appendix B.3-B.4 as executable statements: Table 1, Propositions B.3-B.5 and Figure 5 (`ndgm.studies.variants`)."""
import re
from pathlib import Path

import numpy as np
import pytest

from ndgm import losses, optim, paper, problems, run
from ndgm.studies import variants


@pytest.mark.parametrize("name,eta", [("momentum", 0.9), ("momentum-paper", 0.9), ("momentum-paper", 0.5)])
def test_proposition_b3_momentum_jumps_away_from_zero(name, eta):
    z = variants.zero_landing(name, lam1=1.0, lr=0.1, momentum=eta)
    assert z.trajectory[0] != 0.0 and z.trajectory[1] == 0.0
    # eq. (17): β_{N+1} = −η β_{N−1}; both conventions are the same heavy ball, up to α's scale
    np.testing.assert_allclose(z.trajectory[2], -eta * z.trajectory[0], rtol=1e-12)
    assert not z.stays


@pytest.mark.parametrize("name", ["gd", "rmsprop", "rmsprop-paper"])
def test_table_1_ndgm_and_rmsprop_stay_at_zero(name):
    z = variants.zero_landing(name, lam1=3.0, lr=0.05, steps=40)
    assert z.trajectory[0] != 0.0 and z.stays


@pytest.mark.parametrize("convention", ["rmsprop", "rmsprop-paper"])
def test_proposition_b5_rmsprop_late_iterates_barely_depend_on_lambda(convention):
    # Tolerance: on (7) RMSProp's step is α/(√(1 − γ^t) + ε/λ1) (torch) or α/√(1 − γ^t + ε/λ1²) (eq. 21), so λ1
    # enters only through ε/λ1 or ε/λ1²; `b5_bound` sums the largest per-step change this makes over T steps.
    # B.5 assumes ε ≪ γ^T ≪ 1: at T = 1000, γ^T = 4e-5 and the smallest λ1 = 0.1 keeps ε/λ1² = 1e-6 ≪ γ^T.
    # Magnitudes are compared: a coordinate hovering at 0 may take either sign, which changes only the sign.
    lam1, steps = [0.1, 1.0, 10.0, 100.0], 1000
    spread = variants.lambda_spread(convention, lam1, lr=0.1, seeds=range(10), steps=steps)
    bound = variants.b5_bound(lam1, steps, convention)
    assert np.all(spread <= bound) and bound < 1e-2
    # NDGM's late iterates, by contrast, move by whole multiples of α across the same λ1 (Table 1, first row)
    assert np.all(variants.lambda_spread("gd", lam1, lr=0.1, seeds=range(10), steps=steps) > 1.0)


def test_proposition_b5_rmsprop_steps_like_ndgm_with_lambda_one():
    # every late step has length α/(√(1 − γ^T) + ε/λ1) ≈ α(1 + γ^T/2): within 1e-4 of α at T = 1000 for any λ1
    res = run.sweep(losses.ToyLasso, "rmsprop", [0.01, 1.0, 100.0], [0.1], problems.starts(range(5), 10), 1000,
                    record=())
    jump = np.abs(res.tail[2] - res.tail[1])
    np.testing.assert_allclose(jump, 0.1, rtol=1e-4)


def test_rmsprop_lands_on_exact_zeros_in_floating_point():
    # Proposition B.4 (no exact zeros with probability 1) holds in real arithmetic only: in float64 the coordinate
    # that hovers at 0 reaches it exactly within a few thousand steps, and then stays (Table 1)
    zeros = variants.exact_zeros(("gd", "rmsprop"), lam1=[0.01, 1.0], seeds=range(5), steps=3000, every=1000)
    assert np.all(zeros.fraction["gd"] == 0.0)
    assert zeros.fraction["rmsprop"][0].max() == 0.0 and zeros.fraction["rmsprop"][-1].min() >= 0.5


def test_paper_order_counts_the_window():
    curves = variants.training_curves(lam1=(0.01, 100.0), steps=300, seeds=range(3), optimizers=("gd", "rmsprop"))
    order = variants.paper_order(curves, [150, 300])
    assert order.shape == (2, 2, 3)
    assert np.all(order[:, 1] == 1.0)            # λ1 = 100: NDGM's loss is above RMSProp's at every iteration
    # by hand, for the first end: λ1 = 0.01, seed 0
    idx = np.arange(51, 151)
    expected = np.mean(curves.loss["rmsprop"][idx, 0, 0] > curves.loss["gd"][idx, 0, 0])
    assert order[0, 0, 0] == expected


@pytest.mark.parametrize("call,match", [
    (lambda: variants.zero_landing("newton"), "optimizer must be one of 'gd'"),
    (lambda: variants.zero_landing("gd", steps=1), "steps must be an integer >= 2"),
    (lambda: variants.zero_landing("momentum", momentum=1.5), r"momentum must lie in \[0, 1\)"),
    (lambda: variants.lambda_spread("rmsprop", [1.0, 10.0], lr=0.0), r"lr must lie in \(0, inf\)"),
    (lambda: variants.b5_bound([0.1, 1.0], 100, convention="adam"), "convention must be one of 'rmsprop'"),
    (lambda: variants.b5_bound([0.1, 1.0], 100, gamma=1.0), r"gamma must lie in \(0, 1\)"),
    (lambda: variants.exact_zeros(optimizers=()), "optimizers must name at least one optimizer"),
    (lambda: variants.training_curves(optimizers=("sgd",), steps=10), "optimizers must be one of 'gd'"),
    (lambda: variants.training_curves(optimizers=(), steps=10), "optimizers must name at least one optimizer"),
])
def test_bad_inputs(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_paper_order_bad_inputs():
    curves = variants.training_curves(lam1=(0.01, 100.0), steps=200, seeds=range(2), optimizers=("gd", "rmsprop"))
    with pytest.raises(ValueError, match="ends must be an integer >= 99"):
        variants.paper_order(curves, [50])
    with pytest.raises(ValueError, match=r"ends must lie between window - 1 \(99\) and the run's length \(200\)"):
        variants.paper_order(curves, [300])
    with pytest.raises(ValueError, match="optimizer must be one of 'gd', 'rmsprop'"):
        variants.paper_order(curves, [150], other="adam")
    with pytest.raises(ValueError, match="window must be an integer >= 1"):
        variants.paper_order(curves, [150], window=0)


def test_rmsprop_exact_zeros_are_torchs_too():
    # the exact zeros are a rounding effect, so check them against torch.optim.RMSprop itself, in float64
    torch = pytest.importorskip("torch")
    beta0, steps = problems.starts(range(5), 10), 3000
    b = torch.tensor(beta0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.RMSprop([b], lr=0.1)
    for _ in range(steps):
        opt.zero_grad()
        b.abs().sum().backward()
        opt.step()
    ours = run.run(losses.ToyLasso(1.0), optim.make("rmsprop", 0.1), beta0, steps, record=()).beta
    theirs = b.detach().numpy()
    np.testing.assert_array_equal(ours == 0.0, theirs == 0.0)
    assert np.mean(theirs == 0.0) >= 0.5


# ----- torch's RMSProp on (7) in exact arithmetic, beside float64 (Propositions B.4, B.5; Figure 5) -----

@pytest.fixture(scope="module")
def exact_rmsprop():
    """P = 10, α = 0.1, λ1 = 1, seed 0, 3,000 steps at 60 digits: the run book/optimizer_variants.md shows."""
    return variants.rmsprop_exact(lam1=[1.0], lr=0.1, seeds=[0], p=10, steps=3000, digits=60)


def test_rmsprop_exact_steps_are_those_of_eq_20(exact_rmsprop):
    # every gradient is ±λ1, so v_t = (1 − γ^t)λ1² and torch's step is α/(√(1 − γ^t) + ε/λ1) for every coordinate.
    # Tolerance: the float64 formula cancels in 1 − γ^t, which magnifies a rounding of γ^t by up to 1/(1 − γ) = 100,
    # so it is good to a few hundred ulps; the exact step is good to 60 digits
    t = np.arange(1, 3001)
    np.testing.assert_allclose(exact_rmsprop.step[:, 0], 0.1 / (np.sqrt(1 - 0.99 ** t) + 1e-8), rtol=1e-13)
    assert np.all(np.diff(exact_rmsprop.step[:, 0]) < 0)               # shrinking towards α: s_t − s_{t+1} > 0


def test_rmsprop_exact_cycle_values_vanish_without_rounding(exact_rmsprop):
    # issue 12: in exact arithmetic 9 of the 10 cycle values fall below 1e-16 (the smallest near 2.5e-21), and
    # float64 has exact zeros at exactly those 9 coordinates; the tenth keeps a fixed cycle in both runs
    exact, rounded = exact_rmsprop.cycle_value("exact")[0, 0], exact_rmsprop.cycle_value("float64")[0, 0]
    vanished = exact < 1e-16
    assert vanished.sum() == 9 and exact.min() < 1e-20 and np.all(exact > 0)
    np.testing.assert_array_equal(rounded == 0.0, vanished)
    # Tolerance: away from 0 a step on (7) is a translation by s_t, so a rounding difference is carried unchanged
    # (growth 1); STEP_ULPS ulps of ‖β‖∞ <= 1 per step, over the 3,000 steps
    from rounding import EPS, STEP_ULPS
    np.testing.assert_allclose(rounded[~vanished], exact[~vanished], rtol=0, atol=3001 * STEP_ULPS * EPS)


def test_rmsprop_exact_float64_zero_comes_from_the_spacing_near_alpha(exact_rmsprop):
    # the step differences at the first zeros are far above float64's spacing near α; the exact values are not:
    # float64's small values are whole multiples of that spacing, so a value within a few spacings of 0 becomes 0
    first = exact_rmsprop.first_zero()[0, 0]
    hit = first >= 0
    assert hit.sum() == 9
    grid = exact_rmsprop.float_grid(after=1000)
    assert grid["multiples"] and grid["values"].size > 1000 and grid["spacing"] == 2.0 ** -56
    assert np.all(exact_rmsprop.step_difference(first[hit]) > 1e4 * grid["spacing"])
    assert np.nanmax(exact_rmsprop.exact_at_first_zero()) < 10 * grid["spacing"]
    # before the first zero the magnitudes agree to rounding (Tolerance as above: growth 1, STEP_ULPS per step)
    from rounding import EPS, STEP_ULPS
    assert exact_rmsprop.gap_before_zeros()["magnitude"] <= (first[hit].min() + 1) * STEP_ULPS * EPS


def test_rmsprop_exact_cycle_sums_and_figure5_order():
    # the two losses of a cycle add up to exactly Pαλ1² for NDGM (eq. 8) and to Pλ1s_T for RMSProp in exact
    # arithmetic; at λ1 = 1 the averages are equal and, without exact zeros, the paper's order never holds
    steps, lam1 = 3000, (0.01, 1.0)
    curves = variants.training_curves(lam1=lam1, lr=0.1, p=10, seeds=range(5), steps=steps, optimizers=("gd", "rmsprop"))
    exact = variants.rmsprop_exact(lam1=lam1, lr=0.1, seeds=range(5), p=10, steps=steps, digits=60, trajectory=False)
    np.testing.assert_array_equal(exact.loss["float64"], curves.loss["rmsprop"])
    both = curves.with_curve("rmsprop exact", exact.loss["exact"])
    lam = np.array(lam1)[:, None]
    np.testing.assert_allclose(both.cycle_sum("gd"), np.broadcast_to(10 * 0.1 * lam ** 2, (2, 5)), rtol=1e-12)
    np.testing.assert_allclose(both.cycle_sum("rmsprop exact"),
                               np.broadcast_to(10 * lam * exact.step[-1][:, None], (2, 5)), rtol=1e-12)
    assert np.all(exact.loss["exact"] > 0)
    order = variants.paper_order(both, [steps], other="rmsprop exact")
    assert np.all(order[0, 1] < 1) and np.all(order[0, 0] == 1)


@pytest.mark.parametrize("call, match", [
    (lambda: variants.rmsprop_exact(steps=20000, digits=60, trajectory=False), "digits = 60 is too few"),
    (lambda: variants.rmsprop_exact(digits=10), "digits must be an integer >= 16"),
    (lambda: variants.rmsprop_exact(digits=400), "digits must be at most 300"),
    (lambda: variants.rmsprop_exact(lam1=[-1.0]), "lam1"),
    (lambda: variants.rmsprop_exact(gamma=1.0), "gamma"),
    (lambda: variants.rmsprop_exact(steps=10, trajectory=False).cycle_value(), "trajectory"),
    (lambda: variants.rmsprop_exact(steps=10).cycle_value("float32"), "kind"),
    (lambda: variants.rmsprop_exact(steps=10).step_difference(10), "t must lie between 1 and 9"),
])
def test_rmsprop_exact_bad_inputs(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_with_curve_checks_the_shape():
    curves = variants.training_curves(lam1=(0.01,), steps=20, seeds=range(2), optimizers=("gd",))
    with pytest.raises(ValueError, match="loss must have the curves' shape"):
        curves.with_curve("other", np.zeros((20, 1, 2)))

# ----- the numbers book/optimizer_variants.md glues (each result's numbers()) -----

def test_landing_numbers_name_the_optimizers_that_stay_and_leave():
    landings = [variants.ZeroLanding("gd", np.array([0.1, 0.0, 0.0])),
                variants.ZeroLanding("momentum", np.array([0.1, 0.0, -0.09])),
                variants.ZeroLanding("rmsprop", np.array([0.1, 0.0, 0.0]))]
    assert variants.landing_numbers(landings) == {"t1_stay": "gd, rmsprop", "t1_leave": "momentum"}


def test_b5_numbers_are_the_proofs_gamma_t_and_the_jitter_at_the_smallest_lambda():
    n = variants.b5_numbers([0.1, 0.001, 1.0], 1000)
    assert n["b5_t"] == 1000
    assert n["b5_gamma_T"] == pytest.approx(np.exp(1000 * np.log(0.99)), rel=1e-12)     # 4.3e-5, B.5's O(10^-5)
    assert n["b5_jitter_paper"] == pytest.approx(1e-2) and n["b5_jitter_torch"] == pytest.approx(1e-5)


def test_exact_zeros_numbers_read_the_fractions():
    # by hand: 3 recorded steps, 2 penalties, 2 seeds; torch's RMSProp is 0 % zero, then 25 %, then 75 %
    rms = np.array([[[0, 0], [0, 0]], [[0.5, 0], [0, 0.5]], [[1, 0.5], [1, 0.5]]], dtype=float)
    zeros = variants.ExactZeros(np.array([0.1, 1.0]), np.array([100, 200, 300]),
                                {"rmsprop": rms, "rmsprop-paper": rms / 2, "gd": np.zeros_like(rms),
                                 "adam": np.full_like(rms, 0.1)})
    n = zeros.numbers()
    assert n["ez_rms"] == 75.0 and n["ez_rms_paper"] == 37.5
    assert n["ez_rms_first"] == 200 and n["ez_rms_half"] == 300
    assert n["ez_rms_lam_lo"] == 75.0 == n["ez_rms_lam_hi"]
    assert n["ez_others"] == pytest.approx(10.0)
    assert "ez_rms" not in variants.ExactZeros(zeros.lam1, zeros.steps, {"gd": rms}).numbers()


def test_exact_rmsprop_numbers_are_the_runs(exact_rmsprop):
    n = exact_rmsprop.numbers(tiny=1e-16, after=1000)
    exact, rounded = exact_rmsprop.trajectory["exact"][:, 0, 0], exact_rmsprop.trajectory["float64"][:, 0, 0]
    cycle = np.minimum(np.abs(exact[-1]), np.abs(exact[-2]))                           # (P,), by hand
    assert (n["ex_steps"], n["ex_p"], n["ex_digits"]) == (3000, 10, 60)
    assert n["ex_n_tiny"] == 9 and n["ex_smallest"] == cycle.min() and n["ex_kept"] == cycle.max()
    assert n["ex_n_float_zero"] == int(np.sum(np.all(rounded[-2:] == 0.0, axis=0))) == 9
    assert n["ex_same"] == "the same" and n["ex_grid_all"] == "all" and n["ex_spacing"] == 2.0 ** -56
    first = [int(np.flatnonzero(rounded[:, k] == 0.0)[0]) for k in range(10) if np.any(rounded[:, k] == 0.0)]
    assert n["ex_first"] == min(first)
    step = exact_rmsprop.step[:, 0]                                                    # s_1 ... s_T
    diffs = [step[t - 1] - step[t] for t in first]
    assert n["ex_diff_lo"] == min(diffs) and n["ex_diff_hi"] == max(diffs)
    assert n["ex_at_zero_max"] == max(abs(exact[t, k]) for k, t in zip(
        [k for k in range(10) if np.any(rounded[:, k] == 0.0)], first))
    assert n["ex_at_zero_units"] == pytest.approx(n["ex_at_zero_max"] / 2.0 ** -56)


@pytest.fixture(scope="module")
def figure5_small():
    """The page's Figure 5 analysis on short runs: every λ1 the paper names, NDGM, RMSProp and Adam, 3 starts."""
    lam1 = sorted({lam for pair in paper.FIGURE5_LAMBDA1.values() for lam in pair})
    curves = variants.training_curves(lam1=lam1, lr=0.1, p=10, seeds=range(3), steps=400)
    exact = variants.rmsprop_exact(lam1=lam1, lr=0.1, seeds=range(3), p=10, steps=400, digits=40, trajectory=False)
    order = variants.figure5_order(curves.with_curve("rmsprop exact", exact.loss["exact"]), [100, 200, 400])
    return curves, exact, variants.cycle_sums(curves, exact), order


def test_cycle_sums_numbers(figure5_small):
    curves, exact, sums, _ = figure5_small
    lam = curves.lam1[:, None]
    loss = {k: v[-1] + v[-2] for k, v in (*curves.loss.items(), ("exact", exact.loss["exact"]))}
    np.testing.assert_array_equal(sums.float64, loss["rmsprop"] / (10 * 0.1 * lam))
    np.testing.assert_array_equal(sums.exact, loss["exact"] / (10 * lam * exact.step[-1][:, None]))
    n = sums.numbers()
    assert n["f5_sum_ndgm_err"] == np.max(np.abs(loss["gd"] / (10 * 0.1 * lam ** 2) - 1))
    assert n["f5_sum_float_lo"] == 100 * sums.float64.min() and n["f5_sum_float_hi"] == 100 * sums.float64.max()
    with pytest.raises(ValueError, match="exact must have the curves' shape"):
        variants.cycle_sums(curves, variants.rmsprop_exact(lam1=[1.0], steps=10, trajectory=False))


def test_figure5_order_numbers(figure5_small):
    curves, _, _, order = figure5_small
    lam1 = [float(v) for v in curves.lam1]
    assert set(order.fraction) == {"rmsprop", "rmsprop exact", "adam"}
    n = order.numbers(short=100, mid=200)
    by_hand = variants.paper_order(curves, [400], other="adam")[0]                      # (L, S)
    assert n["f5a_l0001_long"] == np.sum(by_hand[lam1.index(0.001)] == 1)
    np.testing.assert_array_equal(order.starts_in_order("adam")[-1], np.sum(by_hand == 1, axis=-1))
    assert n["f5_end_long"] == "400" and n["lam_l001"] == "0.01" and n["f5_step_small"] == pytest.approx(1e-4)
    last = curves.loss["rmsprop"][-100:, lam1.index(0.01)]                               # (100, S)
    assert n["f5_rms_max_001"] == last.max() and n["f5_rms_zero_001"] == np.sum(np.any(last == 0, axis=0))
    # the coordinates left non-zero, against a run that keeps the last iterate
    res = run.sweep(losses.ToyLasso, "rmsprop", lam1, [0.1], problems.starts(range(3), 10), 400, record=())
    np.testing.assert_array_equal(order.nonzero, np.sum(res.beta[:, 0] != 0.0, axis=-1))
    with pytest.raises(ValueError, match="short, mid and the run's length must be among the ends"):
        order.numbers(short=150, mid=200)


def test_the_page_glues_every_name_it_uses(exact_rmsprop, figure5_small):
    # every {glue:text} name of the page that is not a setting (set/...) or a claim (<id>/...) is a numbers() key
    page = (Path(__file__).resolve().parent.parent / "book" / "optimizer_variants.md").read_text()
    used = {m.split(":")[0] for m in re.findall(r"\{glue(?::\w+)?\}`([^`]+)`", page)}
    used = {u for u in used if "/" not in u}
    landings = [variants.zero_landing(name, steps=5) for name in ("gd", "momentum")]
    zeros = variants.exact_zeros(("gd", "momentum", "rmsprop", "rmsprop-paper", "adam"), seeds=range(2),
                                 steps=200, every=100)
    _, _, sums, order = figure5_small
    keys = {**variants.landing_numbers(landings), **variants.b5_numbers([0.001, 1.0], 1000), **zeros.numbers(),
            **exact_rmsprop.numbers(), **sums.numbers(), **order.numbers(short=100, mid=200)}
    assert len(used) > 50 and used <= set(keys), sorted(used - set(keys))

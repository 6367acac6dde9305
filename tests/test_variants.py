"""Appendix B.3-B.4 as executable statements: Table 1, Propositions B.3-B.5 and Figure 5 (`ndgm.studies.variants`)."""
import numpy as np
import pytest

from ndgm import losses, optim, problems, run
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
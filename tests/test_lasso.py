"""Section 4 and Appendix B as executable statements: Propositions 4.1, B.1, B.2, B.3, B.5, B.6 and eq. (9)."""
import numpy as np
import pytest

from ndgm import lasso, losses, optim, problems, run

LAM1, LR = [0.1, 1.0, 10.0, 100.0], [0.01, 0.1]


@pytest.fixture(scope="module")
def cycles10():
    return lasso.toy_cycles(10, LAM1, LR, seeds=range(8))


@pytest.mark.parametrize("p", [10, 500])
def test_proposition_4_1(p):
    # every coordinate non-zero, period 2, γ_k ∈ (0, αλ1) and the other value γ_k − αλ1, for every run
    cycles = lasso.toy_cycles(p, LAM1, LR, seeds=range(4))
    assert cycles.holds_4_1().all()
    assert cycles.gamma.shape == (4, 2, 4, p)


def test_proposition_b1_random_starts_never_hit_zero_but_a_grid_start_does(cycles10):
    assert cycles10.nonzero.all()
    # the measure-zero exception: a start that is a multiple of αλ1 (exact in binary) lands on 0 and stays there
    res = run.run(losses.ToyLasso(1.0), optim.make("gd", 0.125), [0.5, 0.3], 50, record=(), trajectory=True)
    assert np.all(res.trajectory[4:, 0] == 0.0) and np.all(res.trajectory[:4, 0] != 0.0)
    assert np.all(res.trajectory[:, 1] != 0.0)


def test_proposition_b2_two_cycle_with_jump_alpha_lambda(cycles10):
    assert cycles10.period_two.all()
    step = cycles10.step[..., None]
    assert np.all((cycles10.gamma > 0) & (cycles10.gamma < step))
    np.testing.assert_allclose(cycles10.jump, np.broadcast_to(step, cycles10.jump.shape), rtol=1e-9)


def test_section_4_two_d_example_matches_the_paper():
    ex = lasso.two_d_example()
    assert ex.is_cycle(0).all() and ex.is_cycle(1).all()
    # the paper's vectors, printed to 4 decimals (both coordinates are equal)
    np.testing.assert_allclose(ex.cycle(0)[:, :, 0], [[0.0053, -0.0047], [0.5053, -0.4947]], atol=5e-5)
    np.testing.assert_allclose(ex.cycle(1)[:, :, 0], [[0.0003, -0.0007], [0.0053, -0.0947]], atol=5e-5)
    np.testing.assert_array_equal(ex.cycle(1)[:, :, 0], ex.cycle(1)[:, :, 1])


def test_proposition_b6_and_the_cycle_sum(cycles10):
    assert np.all(cycles10.l1_low > 0)
    assert np.all(cycles10.l1_high < cycles10.b6_bound)
    # sharper: the two values of ‖β‖₁ in the cycle add up to Pαλ1, since each coordinate contributes γ and αλ1 − γ
    np.testing.assert_allclose(cycles10.l1_low + cycles10.l1_high,
                               np.broadcast_to(cycles10.b6_bound, cycles10.l1_low.shape), rtol=1e-9)


def test_eq_9_as_printed_fails_for_p_above_2_and_holds_for_p_1(cycles10):
    # (9) says lim ‖β_k‖₁ < αλ1; with P >= 3 the larger cycle value is at least Pαλ1/2 > αλ1
    assert np.all(cycles10.l1_high >= cycles10.step)
    one = lasso.toy_cycles(1, LAM1, LR, seeds=range(8))
    assert np.all(one.l1_high < one.step)
    # what the subgradient method's constant-step bound does give: min over the cycle <= G²α/(2λ1) = Pαλ1/2
    assert np.all(cycles10.l1_low <= cycles10.b6_bound / 2)


@pytest.mark.parametrize("name,eta", [("momentum", 0.9), ("momentum-paper", 0.9), ("momentum-paper", 0.5)])
def test_proposition_b3_momentum_jumps_away_from_zero(name, eta):
    z = lasso.zero_landing(name, lam1=1.0, lr=0.1, momentum=eta)
    assert z.trajectory[0] != 0.0 and z.trajectory[1] == 0.0
    # eq. (17): β_{N+1} = −η β_{N−1}; both conventions are the same heavy ball, up to α's scale
    np.testing.assert_allclose(z.trajectory[2], -eta * z.trajectory[0], rtol=1e-12)
    assert not z.stays


@pytest.mark.parametrize("name", ["gd", "rmsprop", "rmsprop-paper"])
def test_table_1_ndgm_and_rmsprop_stay_at_zero(name):
    z = lasso.zero_landing(name, lam1=3.0, lr=0.05, steps=40)
    assert z.trajectory[0] != 0.0 and z.stays


@pytest.mark.parametrize("convention", ["rmsprop", "rmsprop-paper"])
def test_proposition_b5_rmsprop_late_iterates_barely_depend_on_lambda(convention):
    # Tolerance: on (7) RMSProp's step is α/(√(1 − γ^t) + ε/λ1) (torch) or α/√(1 − γ^t + ε/λ1²) (eq. 21), so λ1
    # enters only through ε/λ1 or ε/λ1²; `b5_bound` sums the largest per-step change this makes over T steps.
    # B.5 assumes ε ≪ γ^T ≪ 1: at T = 1000, γ^T = 4e-5 and the smallest λ1 = 0.1 keeps ε/λ1² = 1e-6 ≪ γ^T.
    # Magnitudes are compared: a coordinate hovering at 0 may take either sign, which changes only the sign.
    lam1, steps = [0.1, 1.0, 10.0, 100.0], 1000
    spread = lasso.lambda_spread(convention, lam1, lr=0.1, seeds=range(10), steps=steps)
    bound = lasso.b5_bound(lam1, steps, convention)
    assert np.all(spread <= bound) and bound < 1e-2
    # NDGM's late iterates, by contrast, move by whole multiples of α across the same λ1 (Table 1, first row)
    assert np.all(lasso.lambda_spread("gd", lam1, lr=0.1, seeds=range(10), steps=steps) > 1.0)


def test_proposition_b5_rmsprop_steps_like_ndgm_with_lambda_one():
    # every late step has length α/(√(1 − γ^T) + ε/λ1) ≈ α(1 + γ^T/2): within 1e-4 of α at T = 1000 for any λ1
    res = run.sweep(losses.ToyLasso, "rmsprop", [0.01, 1.0, 100.0], [0.1], problems.starts(range(5), 10), 1000,
                    record=())
    jump = np.abs(res.tail[2] - res.tail[1])
    np.testing.assert_allclose(jump, 0.1, rtol=1e-4)


def test_rmsprop_lands_on_exact_zeros_in_floating_point():
    # Proposition B.4 (no exact zeros with probability 1) holds in real arithmetic only: in float64 the coordinate
    # that hovers at 0 reaches it exactly within a few thousand steps, and then stays (Table 1)
    zeros = lasso.exact_zeros(("gd", "rmsprop"), lam1=[0.01, 1.0], seeds=range(5), steps=3000, every=1000)
    assert np.all(zeros.fraction["gd"] == 0.0)
    assert zeros.fraction["rmsprop"][0].max() == 0.0 and zeros.fraction["rmsprop"][-1].min() >= 0.5


def test_general_lasso_exact_solution_satisfies_the_optimality_conditions_of_15():
    prob = problems.general_lasso(0)
    lam1 = np.array([0.05, 0.5])
    beta = lasso.exact_lasso(prob.Z, prob.y, lam1)
    # 0 ∈ ∇(1/N)‖y − Wβ‖² + λ1∂‖β‖₁: |(2/N)Wᵀ(y − Wβ)| <= λ1, with equality and the sign of β on the support
    corr = (2.0 / prob.Z.shape[0]) * (prob.y - beta @ prob.Z.T) @ prob.Z
    assert np.all(np.abs(corr) <= lam1[:, None] * (1 + 1e-6))
    on = beta != 0
    np.testing.assert_allclose(corr[on], (lam1[:, None] * np.sign(beta))[on], rtol=1e-5)


def test_general_lasso_curve_ndgm_is_dense_and_grows_with_lambda():
    curve = lasso.general_lasso_curve([0.1, 1.0, 10.0], [0.01], steps=5000)
    assert np.all(curve.ndgm_zeros == 0) and np.all(curve.exact_zeros > 400)
    # ISTA finds the same support, give or take a coordinate whose exact value is within rounding of 0 at 5000 steps
    assert np.all(np.abs(curve.prox_zeros - curve.exact_zeros) <= 2)
    assert np.all(curve.prox_gap < 1e-6)
    assert curve.ndgm_l1[2, 0] > 10 * curve.ndgm_l1[0, 0]          # the paradox of Appendix B.2
    assert curve.prox_lr == pytest.approx(1 / lasso.smooth_lipschitz(problems.general_lasso(0).Z))


def test_b2_search_best_picks_the_setting_whose_seed_medians_hit_the_papers_norms():
    """A search whose answer is known: one setting (λ1 = 0.1, α = 0.005, 500 steps) has seed medians of
    exactly (1.62, 25.4) with means far from them; a decoy has the right means and medians 10 % off; the
    start (step 0) hits both exactly and must not count; everything else is ten times off."""
    small, big = lasso.B2_TARGETS
    l1 = np.empty((3, 3, 2, 3))                                      # (steps, λ1, α, seeds)
    l1[:, :2], l1[:, 2] = 10 * small, 10 * big
    l1[0, :2], l1[0, 2] = small, big                                 # step 0: excluded
    l1[1, 1, 0], l1[1, 2, 0] = [small, 2 * small, 0.1], [big, 40 * big, big / 2]
    l1[2, 0, 1], l1[2, 2, 1] = [1.1 * small, 1.1 * small, 0.8 * small], [big, big, big]
    assert np.mean(l1[2, 0, 1]) == pytest.approx(small)             # the decoy is right on average
    search = lasso.B2Search(lam1=np.array([0.01, 0.1, 10.0]), lr=np.array([0.005, 0.01]), seeds=np.arange(3),
                            steps=np.array([0, 500, 1000]), l1=l1)
    best = search.best()
    assert (best["lam_small"], best["lam_big"], best["lr"], best["steps"]) == (0.1, 10.0, 0.005, 500)
    assert best["distance"] == 0.0
    np.testing.assert_array_equal(best["small"], l1[1, 1, 0])
    np.testing.assert_array_equal(best["big"], l1[1, 2, 0])
    # with the winner gone the decoy is next, at its medians' distance |log 1.1| from the paper's norms
    l1[1, 1, 0] = 10 * small
    second = search.best()
    assert (second["lam_small"], second["lr"], second["steps"]) == (0.01, 0.01, 1000)
    assert second["distance"] == pytest.approx(np.log(1.1), rel=1e-12)


def test_b2_search_records_each_lambda_alpha_and_seed():
    """b2_search's axes: λ1 in the order (the two small values, the large one), each seed its own
    problem: a cell's record is that cell's own run from that seed's start, to the rounding that a batched
    matrix product may add and the run amplifies (rounding.trajectory_tolerance)."""
    from rounding import amplification, trajectory_tolerance

    search = lasso.b2_search(lr=(0.01, 0.02), seeds=[0, 3], steps=40, every=20, lam_small=(0.01, 0.1), lam_big=10.0)
    np.testing.assert_array_equal(search.lam1, [0.01, 0.1, 10.0])
    np.testing.assert_array_equal(search.steps, [0, 20, 40])
    assert search.l1.shape == (3, 3, 2, 2)
    prob = problems.general_lasso(3)
    loss, rule = losses.GeneralLasso(prob.Z, prob.y, 0.1), optim.make("gd", 0.02)
    one = run.run(loss, rule, prob.beta0, 40, record=("l1",), trajectory=True)
    tol = trajectory_tolerance(one.trajectory, amplification(loss, rule, prob.beta0, 40, record=("l1",))["l1"])
    marks = search.steps
    assert np.all(np.abs(search.l1[:, 1, 1, 1] - one["l1"][marks]) <= tol[marks])


def test_paper_order_counts_the_window():
    curves = lasso.training_curves(lam1=(0.01, 100.0), steps=300, seeds=range(3), optimizers=("gd", "rmsprop"))
    order = lasso.paper_order(curves, [150, 300])
    assert order.shape == (2, 2, 3)
    assert np.all(order[:, 1] == 1.0)            # λ1 = 100: NDGM's loss is above RMSProp's at every iteration
    # by hand, for the first end: λ1 = 0.01, seed 0
    idx = np.arange(51, 151)
    expected = np.mean(curves.loss["rmsprop"][idx, 0, 0] > curves.loss["gd"][idx, 0, 0])
    assert order[0, 0, 0] == expected


@pytest.mark.parametrize("call,match", [
    (lambda: lasso.two_d_example(reduced_alpha=0.02), r"reduced_alpha must lie in \(0, 0.01\)"),
    (lambda: lasso.two_d_example(lam1=[1.0, 0.0]), r"lam1 must lie in \(0, inf\)"),
    (lambda: lasso.two_d_example(switch=1), "switch must be an integer >= 2"),
    (lambda: lasso.two_d_example().cycle(2), "stage must be one of 0, 1"),
    (lambda: lasso.toy_cycles(0, 1.0, 0.1), "p must be an integer >= 1"),
    (lambda: lasso.toy_cycles(10, 1.0, [0.1, -0.1]), r"lr must lie in \(0, inf\)"),
    (lambda: lasso.toy_cycles(10, 1.0, 0.1, seeds=[]), "seeds must name at least one seed"),
    (lambda: lasso.toy_cycles(10, 1.0, 0.1, steps=0), "steps must be an integer >= 1"),
    (lambda: lasso.cycle_steps([0.5], 0.0), r"step must lie in \(0, inf\)"),
    (lambda: lasso.smooth_lipschitz(np.ones(3)), "W must be a 2-dimensional array"),
    (lambda: lasso.exact_lasso(np.ones((3, 4)), np.ones(4), 0.1), r"y must have one entry per row of W \(3\)"),
    (lambda: lasso.exact_lasso(np.ones((3, 4)), np.ones(3), -0.1), r"lam1 must lie in \(0, inf\)"),
    (lambda: lasso.general_lasso_curve([0.1], [0.01], steps=0), "steps must be an integer >= 1"),
    (lambda: lasso.general_lasso_curve([0.1], [0.01], seed=-1), "seed must be an integer >= 0"),
    (lambda: lasso.b2_search(lam_small=(0.1,)), "lam_small must hold the two small penalties"),
    (lambda: lasso.b2_search(seeds=[]), "seeds must name at least one seed"),
    (lambda: lasso.zero_landing("newton"), "optimizer must be one of 'gd'"),
    (lambda: lasso.zero_landing("gd", steps=1), "steps must be an integer >= 2"),
    (lambda: lasso.zero_landing("momentum", momentum=1.5), r"momentum must lie in \[0, 1\)"),
    (lambda: lasso.lambda_spread("rmsprop", [1.0, 10.0], lr=0.0), r"lr must lie in \(0, inf\)"),
    (lambda: lasso.b5_bound([0.1, 1.0], 100, convention="adam"), "convention must be one of 'rmsprop'"),
    (lambda: lasso.b5_bound([0.1, 1.0], 100, gamma=1.0), r"gamma must lie in \(0, 1\)"),
    (lambda: lasso.exact_zeros(optimizers=()), "optimizers must name at least one optimizer"),
    (lambda: lasso.training_curves(optimizers=("sgd",), steps=10), "optimizers must be one of 'gd'"),
    (lambda: lasso.training_curves(optimizers=(), steps=10), "optimizers must name at least one optimizer"),
])
def test_bad_inputs(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_paper_order_bad_inputs():
    curves = lasso.training_curves(lam1=(0.01, 100.0), steps=200, seeds=range(2), optimizers=("gd", "rmsprop"))
    with pytest.raises(ValueError, match="ends must be an integer >= 99"):
        lasso.paper_order(curves, [50])
    with pytest.raises(ValueError, match=r"ends must lie between window - 1 \(99\) and the run's length \(200\)"):
        lasso.paper_order(curves, [300])
    with pytest.raises(ValueError, match="optimizer must be one of 'gd', 'rmsprop'"):
        lasso.paper_order(curves, [150], other="adam")
    with pytest.raises(ValueError, match="window must be an integer >= 1"):
        lasso.paper_order(curves, [150], window=0)


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
    return lasso.rmsprop_exact(lam1=[1.0], lr=0.1, seeds=[0], p=10, steps=3000, digits=60)


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
    curves = lasso.training_curves(lam1=lam1, lr=0.1, p=10, seeds=range(5), steps=steps, optimizers=("gd", "rmsprop"))
    exact = lasso.rmsprop_exact(lam1=lam1, lr=0.1, seeds=range(5), p=10, steps=steps, digits=60, trajectory=False)
    np.testing.assert_array_equal(exact.loss["float64"], curves.loss["rmsprop"])
    both = curves.with_curve("rmsprop exact", exact.loss["exact"])
    lam = np.array(lam1)[:, None]
    np.testing.assert_allclose(both.cycle_sum("gd"), np.broadcast_to(10 * 0.1 * lam ** 2, (2, 5)), rtol=1e-12)
    np.testing.assert_allclose(both.cycle_sum("rmsprop exact"),
                               np.broadcast_to(10 * lam * exact.step[-1][:, None], (2, 5)), rtol=1e-12)
    assert np.all(exact.loss["exact"] > 0)
    order = lasso.paper_order(both, [steps], other="rmsprop exact")
    assert np.all(order[0, 1] < 1) and np.all(order[0, 0] == 1)


@pytest.mark.parametrize("call, match", [
    (lambda: lasso.rmsprop_exact(steps=20000, digits=60, trajectory=False), "digits = 60 is too few"),
    (lambda: lasso.rmsprop_exact(digits=10), "digits must be an integer >= 16"),
    (lambda: lasso.rmsprop_exact(digits=400), "digits must be at most 300"),
    (lambda: lasso.rmsprop_exact(lam1=[-1.0]), "lam1"),
    (lambda: lasso.rmsprop_exact(gamma=1.0), "gamma"),
    (lambda: lasso.rmsprop_exact(steps=10, trajectory=False).cycle_value(), "trajectory"),
    (lambda: lasso.rmsprop_exact(steps=10).cycle_value("float32"), "kind"),
    (lambda: lasso.rmsprop_exact(steps=10).step_difference(10), "t must lie between 1 and 9"),
])
def test_rmsprop_exact_bad_inputs(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_with_curve_checks_the_shape():
    curves = lasso.training_curves(lam1=(0.01,), steps=20, seeds=range(2), optimizers=("gd",))
    with pytest.raises(ValueError, match="loss must have the curves' shape"):
        curves.with_curve("other", np.zeros((20, 1, 2)))


def test_ista_closes_its_gap_on_15():
    # Section 4 says soft-thresholding "necessarily" leads to suboptimal solutions; on (15), whose data term is
    # L-smooth, ISTA's gap to scikit-learn's minimum shrinks with the steps and ends tiny (issue 12)
    ista = lasso.ista_gaps(lam1=[0.01, 1.0], at=(150, 1500, 15000), seed=0)
    assert ista["gap"].shape == (3, 2)
    assert np.all(np.diff(ista["gap"][:, 0]) < 0) and ista["gap"][-1, 0] < 1e-4
    # Tolerance: ISTA's value and scikit-learn's (tol 1e-12) at the same minimiser differ by rounding of a loss near 1
    assert np.all(ista["gap"][-1] > -1e-9)
    with pytest.raises(ValueError, match="at must be increasing"):
        lasso.ista_gaps(lam1=[1.0], at=(100, 50))

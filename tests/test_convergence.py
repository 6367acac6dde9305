"""Section 3: Figure 1's counterexample to Proposition 3.1, the rates, and L-smoothness at a kink."""
import numpy as np
import pytest

from ndgm.studies import convergence
from ndgm import losses, problems
from ndgm.claims import convergence as section3_claims

FIGURE1_LR = section3_claims.FIGURE1_LR          # the step size book/convergence.md uses for Figure 1


@pytest.mark.parametrize("activation", ["relu", "softplus"])
def test_figure1_monotone_loss_yet_beta_leaves_the_unit_ball(activation):
    """At α = 0.01 the loss never increases, yet ‖β_k‖∞ passes 1 from ‖β_0‖∞ < 1: Proposition 3.1 as
    stated would forbid it, and it happens for the smooth softplus loss as well as for ReLU."""
    cur = convergence.capture_curves([FIGURE1_LR], steps=1000, activation=activation)
    # the curve starts at Section 3's β0 itself (below 1: capture_curves refuses any other start)
    assert cur.linf[0, 0] == np.max(np.abs(problems.capture(0).beta0))
    assert cur.monotone[0] and np.all(np.diff(cur.loss[0]) <= 0) and cur.largest_rise[0] <= 0
    assert cur.escapes[0] and cur.linf[0].max() > 1.2 and cur.max_linf[0] == cur.linf[0].max()
    assert cur.linf[0, cur.max_linf_step[0]] == cur.max_linf[0]
    assert cur.loss.shape == cur.linf.shape == cur.gap.shape == (1, 1001)


def test_the_counterexample_holds_for_every_seed_at_the_chosen_alpha():
    scan = convergence.capture_scan([FIGURE1_LR, 0.1], seeds=range(5), steps=500)
    assert scan.both.shape == (5, 2)
    assert scan.both[:, 0].all()
    assert not scan.monotone[:, 1].any()            # α = 0.1 is too large for a monotone loss
    np.testing.assert_allclose(scan.window, [FIGURE1_LR])
    assert scan.window_top == FIGURE1_LR and scan.first_rise == 0.1
    np.testing.assert_array_equal(scan.monotone_fraction, [1.0, 0.0])
    assert not scan.rough().any() and np.isnan(scan.rough_rise())


def test_the_start_is_far_outside_the_euclidean_unit_ball():
    """Proposition 3.1 (and the capture theorem) measure ‖β − β*‖₂: here it starts near 12.7, not below 1."""
    for activation in ("relu", "softplus"):
        cur = convergence.capture_curves([FIGURE1_LR], steps=10, activation=activation)
        assert cur.l2_start > 10
        assert cur.start_reach == pytest.approx(cur.l2_start / np.sqrt(problems.capture(0).Z.shape[1]))


def test_relu_minimum_is_zero_and_softplus_minimum_is_stationary():
    p = problems.capture(0)
    fstar, bstar = convergence.minimum(p)
    assert fstar == pytest.approx(np.sum(p.y ** 2)) and not bstar.any()
    fstar, bstar = convergence.minimum(p, "softplus")
    loss = convergence.capture_loss(p.Z, p.y, "softplus")
    assert np.linalg.norm(loss.grad(bstar)) < 1e-6 and loss.value(bstar) == pytest.approx(fstar)


def test_rates_slopes_match_the_worst_case_theory():
    """Fitted log-log slopes within 0.3 of −1 (GD, L-smooth) and −2 (subgradient method, Lipschitz) on the
    functions that attain the rate; the easy functions are clearly faster."""
    res = convergence.rates()
    assert abs(res.slope["smooth worst"] - res.theory["smooth worst"]) < 0.3
    assert abs(res.slope["nonsmooth worst"] - res.theory["nonsmooth worst"]) < 0.3
    assert res.theory["smooth worst"] == -1.0 and res.theory["nonsmooth worst"] == -2.0
    assert res.slope["smooth easy"] > -0.5
    assert res.slope["nonsmooth easy"] > -1.3
    # the theory's upper bounds hold
    assert np.all(res.steps["smooth worst"] <= res.bound["smooth"])
    assert np.all(res.steps["nonsmooth worst"] <= res.bound_of("nonsmooth worst"))
    assert 0 < res.used("smooth worst") <= 1 and res.tenfold("nonsmooth worst") == pytest.approx(
        10 ** -res.slope["nonsmooth worst"])


def test_steps_to_uses_the_best_value_so_far():
    gaps = np.array([1.0, 0.05, 0.5, 0.01])
    np.testing.assert_array_equal(convergence.steps_to(gaps, [0.1, 0.01, 1e-3]), [1, 3, np.nan])
    assert convergence.fit_slope([1e-1, 1e-2, 1e-3], [10, 1e3, 1e5]) == pytest.approx(-2.0)


def test_relu_difference_quotient_is_unbounded_and_softplus_is_not():
    dq = convergence.difference_quotients(np.logspace(0, -8, 9))
    np.testing.assert_allclose(dq.relu, 1 / (2 * dq.h))
    assert dq.relu[-1] > 1e7
    assert np.all(dq.softplus <= 0.25 + 1e-6) and dq.softplus[-1] == pytest.approx(0.25, rel=1e-6)


def test_fixed_steps_keep_hopping_over_the_kink():
    geom = convergence.kink_geometry(lam=1.0, lr=0.35, x0=1.0, steps=40)
    tail = geom.ndgm[-10:]
    assert np.all(np.abs(np.diff(tail)) == pytest.approx(geom.step_length))   # every step has length αλ
    assert geom.step_length == 0.35
    assert np.min(np.abs(tail)) > 0.01                                # and never lands on 0
    assert abs(geom.gd[-1]) < 1e-6                                    # the smooth case closes in


def test_kink_slopes_span_the_subdifferential_at_zero():
    """Appendix A.2's lines w = g·x through the kink of f(x) = λ|x| (λ = 2.5, dyadic, so every product
    below is exact): each lies under f everywhere (g ∈ ∂f(0)), and the steepest two lie on f on one side
    each, that is, they are f's one-sided slopes at 0, so the lines fill ∂f(0) = [−λ, λ] end to end."""
    lam = 2.5
    geom = convergence.kink_geometry(lam=lam, lines=7)
    slopes = np.sort(geom.slopes)
    assert len(slopes) == 7 and np.all(np.diff(slopes) > 0)
    x = np.array([-4.0, -1.0, -2.0 ** -20, 2.0 ** -20, 1.0, 4.0])
    f = losses.ToyLasso(lam).value(x[:, None])
    assert np.all(slopes[:, None] * x <= f)
    left, right = x < 0, x > 0
    np.testing.assert_array_equal(slopes[0] * x[left], f[left])
    np.testing.assert_array_equal(slopes[-1] * x[right], f[right])


@pytest.mark.parametrize("call, match", [
    (lambda: convergence.capture_curves([0.0]), "lr must lie in"),
    (lambda: convergence.capture_curves([0.01], activation="gelu"), "activation"),
    (lambda: convergence.capture_curves([0.01], steps=0), "steps"),
    (lambda: convergence.capture_curves([0.01], seed=-1), "seed"),
    (lambda: convergence.capture_scan([0.01], seeds=[]), "seeds"),
    (lambda: convergence.rates(eps_smooth=[-1e-3]), "eps_smooth"),
    (lambda: convergence.fit_slope([0.1], [3]), "same length"),
    (lambda: convergence.steps_to([1.0, np.nan], [0.1]), "gaps"),
    (lambda: convergence.difference_quotients([0.0]), "h"),
    (lambda: convergence.kink_geometry(lr=-1), "lr must lie in"),
    (lambda: convergence.capture_scan([0.0]), "lr must lie in"),
    (lambda: convergence.capture_test([-0.1]), "lr must lie in"),
    (lambda: convergence.smooth_functions(condition=0.5), "condition"),
    (lambda: convergence.geometric_scales(1), "scales"),
])
def test_bad_inputs(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_capture_test_under_the_propositions_hypothesis():
    """Issue 12: start inside the Euclidean unit ball (distance 0.99) around the isolated minimiser, loss never
    rising. GD on the smooth softplus twin never moves farther from β* than its start (strongly convex, small step);
    NDGM on the ReLU loss leaves the ball at Figure 1's α although its loss never rises."""
    soft = convergence.capture_test([FIGURE1_LR], range(3), 2000, activation="softplus")
    relu = convergence.capture_test([FIGURE1_LR], range(3), 2000, activation="relu")
    for t in (soft, relu):
        assert t.monotone.all() and t.max_dist.shape == (3, 1)
    # Tolerance: the start is placed at distance 0.99 in float64, a few roundings of a norm near 1
    assert np.all(soft.max_dist <= 0.99 + 1e-12) and np.all(soft.max_dist >= 0.99 - 1e-12)
    assert soft.stays.all() and np.all(soft.final_dist < 0.99) and not soft.leaves.any()
    assert not relu.stays.any() and np.all(relu.max_dist > 1.05)
    assert relu.leaves.all() and relu.monotone_max_dist == relu.max_dist.max()
    np.testing.assert_array_equal(relu.leaving_lr, [FIGURE1_LR])


def test_the_smooth_counterexample_to_proposition_3_1_as_printed():
    """f(x) = x² − x⁴ is smooth and 0 is its only minimum in (−1, 1); gradient descent from x0 = 0.9, beyond the
    local maximum at 1/√2, lowers f at every step and still leaves the unit ball around 0."""
    x = np.array([-0.5, 0.0, 0.5, 1 / np.sqrt(2)])
    np.testing.assert_allclose(convergence.quartic(x), x ** 2 - x ** 4)
    np.testing.assert_allclose(convergence.quartic_grad(x), 2 * x - 4 * x ** 3, atol=1e-15)
    cx = convergence.capture_counterexample(x0=0.9, lr=0.01, steps=1000, stop=2.0)
    assert cx.x[0] == 0.9 and cx.x0 == 0.9 and cx.lr == 0.01
    np.testing.assert_array_equal(cx.x[1:], cx.x[:-1] - 0.01 * (2 * cx.x[:-1] - 4 * cx.x[:-1] ** 3))
    np.testing.assert_array_equal(cx.f, cx.x ** 2 - cx.x ** 4)
    assert cx.monotone and np.all(np.diff(cx.f) < 0) and cx.largest_rise == np.diff(cx.f).max() < 0
    k = cx.left_at
    assert k == 7 and abs(cx.x[k]) > 1 and np.all(np.abs(cx.x[:k]) <= 1)
    assert cx.refutes
    # the run stops once |x| > stop, before f' overflows, and long before `steps`
    assert abs(cx.x[-1]) > 2.0 and np.all(np.abs(cx.x[:-1]) <= 2.0) and cx.steps == cx.x.size - 1 < 1000
    assert np.all(np.isfinite(cx.f))


def test_the_counterexample_needs_a_start_beyond_the_local_maximum():
    """From inside ±1/√2 gradient descent with a small step slides to 0 and stays in the ball: no counterexample."""
    inside = convergence.capture_counterexample(x0=0.5, lr=0.01, steps=2000)
    assert inside.monotone and inside.left_at is None and not inside.refutes
    assert inside.steps == 2000 and abs(inside.x[-1]) < 1e-6
    rising = convergence.CaptureCounterexample(0.9, 0.01, 2.0, np.array([0.9, 1.1]), np.array([0.1, 0.2]))
    assert not rising.monotone and rising.left_at == 1 and not rising.refutes


def test_supports_at_minimum_finite_and_extended_valued():
    """λ|x| is supported at 0 by the slopes in [−λ, λ] and by no vertical line; the extended-valued h = 0 on
    [0, ∞), +∞ elsewhere, is supported by every slope <= 0 and by the vertical line x = 0 (against A.3 and A.6)."""
    x = np.arange(-64, 65) / 16
    slopes = np.arange(-8, 9) / 4
    finite = convergence.supports_at_minimum(2 * np.abs(x), x, slopes)
    np.testing.assert_array_equal(finite.supports, np.abs(slopes) <= 2)
    np.testing.assert_array_equal(finite.supporting, slopes[np.abs(slopes) <= 2])
    assert not finite.vertical
    extended = convergence.supports_at_minimum(np.where(x >= 0, 0.0, np.inf), x, slopes)
    np.testing.assert_array_equal(extended.supports, slopes <= 0)
    assert extended.vertical


def test_rates_report_steps_per_decade():
    r = convergence.rates(eps_smooth=np.logspace(-2, -3, 5), eps_nonsmooth=np.logspace(-1, -1.5, 3), scales=8)
    # the well-conditioned quadratic converges geometrically: a few steps per tenfold ε, far fewer than the hard one
    assert 0 < r.per_decade["smooth easy"] < r.per_decade["smooth worst"]
    assert set(r.per_decade) == set(r.steps)


@pytest.mark.parametrize("call, match", [
    (lambda: convergence.capture_test([0.01], radius=1.0), "radius"),
    (lambda: convergence.capture_test([0.01], chunk=0), "chunk"),
    (lambda: convergence.capture_test([0.01], activation="gelu"), "activation"),
    (lambda: convergence.supports_at_minimum([1.0, 2.0], [1.0, 2.0], [0.0]), "x must contain 0"),
    (lambda: convergence.supports_at_minimum([0.0, -np.inf], [0.0, 1.0], [0.0]), "values"),
    (lambda: convergence.capture_counterexample(x0=1.0), "x0 must lie in"),
    (lambda: convergence.capture_counterexample(lr=0.0), "lr must lie in"),
    (lambda: convergence.capture_counterexample(steps=0), "steps"),
    (lambda: convergence.capture_counterexample(stop=1.0), "stop must lie in"),
])
def test_bad_inputs_of_the_corrections(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_derived_quantities_of_the_capture_results():
    """`rises_from`: the smallest α from which the loss rises at every larger α of the grid (an isolated
    rise below does not count); `rough`: α up to a top at which some seed's loss rose."""
    lr = np.array([1e-3, 1e-2, 1e-1, 1.0])
    rose = np.array([True, False, True, True])
    loss = np.where(rose[:, None], [[1.0, 0.5, 0.7]], [[1.0, 0.5, 0.4]])
    cur = convergence.CaptureCurves(lr, np.arange(3), loss, np.full((4, 3), 0.5), 0.25, 12.0, 0.5, 4)
    assert cur.rises_from == 0.1 and cur.start_reach == 6.0
    np.testing.assert_array_equal(cur.monotone, ~rose)
    np.testing.assert_allclose(cur.largest_rise, np.where(rose, 0.2, -0.1))
    never = convergence.CaptureCurves(lr, np.arange(3), np.tile([1.0, 0.5, 0.4], (4, 1)), np.ones((4, 3)),
                                      0.0, 1.0, 1.0, 4)
    assert np.isnan(never.rises_from)
    rise = np.array([[1e-6, -1.0, -1.0, 0.3], [-1.0, -1.0, -1.0, 0.2]])        # (S, A)
    scan = convergence.CaptureScan(lr, np.arange(2), rise, np.full((2, 4), 2.0), 10)
    np.testing.assert_array_equal(scan.window, [1e-2, 1e-1])
    np.testing.assert_array_equal(scan.rough(), [True, False, False, False])
    assert scan.rough_rise() == 1e-6 and scan.first_rise == 1.0
    np.testing.assert_array_equal(scan.rough(top=1.0), [True, False, False, True])


# ----- the numbers the page prints (book/convergence.md glues them with prefix "conv_") -----

def _glue_names(page="convergence"):
    """Every {glue:text}`name` the page's prose reads."""
    import re
    from pathlib import Path
    text = (Path(__file__).resolve().parent.parent / "book" / f"{page}.md").read_text()
    return {n.split(":")[0] for n in re.findall(r"\{glue(?::\w+)?\}`([^`]+)`", text)}


def test_paper_numbers_are_the_papers_figure1_set_up():
    from ndgm import paper
    n = convergence.paper_numbers()
    assert n["paper_n"] == 20 and n["paper_p"] == 500 and n["paper_lam2"] == convergence.RIDGE == 0.01
    assert n["paper_Z1"] == "[-1, 1]" and n["paper_q1"] == "[-1, 0]" and n["paper_beta0"] == "[-1, 1]"
    assert n["paper_radius"] == paper.CAPTURE_RADIUS == 1.0 and n["paper_linf"] == 1.0


def test_curve_and_explorer_numbers_read_the_runs():
    lr = np.array([1e-3, 1e-2, 1e-1, 1.0])
    rose = np.array([True, False, True, True])
    loss = np.where(rose[:, None], [[1.0, 0.5, 0.7]], [[1.0, 0.5, 0.4]])
    linf = np.array([[0.5, 1.5, 1.2]] * 2 + [[0.5, 0.9, 0.8]] * 2)
    cur = convergence.CaptureCurves(lr, np.arange(3), loss, linf, 0.25, 12.0, 0.5, 4)
    n = cur.numbers()
    assert n == {"alpha": 1e-3, "linf0": 0.5, "linfmax": 1.5, "argmax": 1, "rise": pytest.approx(0.2),
                 "l2": 12.0, "star": 0.5, "p": 4, "sqrt_p": 2.0, "start_frac": 600.0}
    assert cur.numbers(i=2)["linfmax"] == 0.9 and cur.numbers(i=1)["rise"] == pytest.approx(-0.1)
    soft = convergence.CaptureCurves(lr, np.arange(3), np.tile([1.0, 0.5, 0.4], (4, 1)), linf, 0.0, 3.0, 0.25, 9)
    pair = convergence.capture_curves_numbers(cur, soft)
    assert pair["relu_l2"] == 12.0 and pair["soft_l2"] == 3.0 and pair["soft_star"] == 0.25
    assert pair["p"] == 4 and pair["sqrt_p"] == 2.0 and pair["alpha"] == 1e-3
    assert pair["soft_rise"] == pytest.approx(-0.1) and pair["relu_rise"] == pytest.approx(0.2)
    # softplus never rises, so there is no α from which the loss rises with both: no α counts as a tick below it
    grid = convergence.explorer_numbers(cur, soft)
    assert np.isnan(grid["grid_top"]) and grid["grid_ticks"] == 0
    assert grid["grid_runs"] == 8 and grid["grid_escapes"] == 4
    both = convergence.explorer_numbers(cur, cur)
    assert both["grid_top"] == 0.1 and both["grid_ticks"] == 1 and both["grid_escapes"] == 4


def test_scan_numbers_pair_the_two_activations():
    lr = np.array([1e-3, 1e-2, 1e-1, 1.0])
    rise = np.array([[1e-6, -1.0, -1.0, 0.3], [-1.0, -1.0, -1.0, 0.2]])        # (S, A)
    relu = convergence.CaptureScan(lr, np.arange(2), rise, np.full((2, 4), 2.0), 10)
    soft = convergence.CaptureScan(lr, np.arange(2), np.where(rise > 0, 0.1, -1.0) * [1, 1, 1, 1],
                                   np.array([[2.0, 2.0, 0.5, 2.0], [2.0, 2.0, 2.0, 2.0]]), 10)
    n = relu.numbers()
    assert (n["lo"], n["hi"], n["first_rise"]) == (1e-2, 1e-1, 1.0)
    assert n["rough_count"] == 1 and n["rough_rise"] == 1e-6 and n["escaped"] == n["runs"] == 8
    assert (n["n_scan"], n["seeds"], n["steps"], n["scan_lo"], n["scan_hi"]) == (4, 2, 10, 1e-3, 1.0)
    assert relu.numbers(top=1.0)["rough_count"] == 2
    pair = convergence.capture_scan_numbers(relu, soft)
    # softplus: the loss rose at 1e-3 and 1.0 for seed 0, and seed 0 did not escape at 0.1: its window is 1e-2
    assert pair["soft_lo"] == pair["soft_hi"] == 1e-2 and pair["relu_hi"] == 0.1
    assert pair["soft_rough"] == 1 and pair["escaped"] == 15 and pair["runs"] == 16
    empty = convergence.CaptureScan(lr, np.arange(2), np.ones((2, 4)), np.ones((2, 4)), 10).numbers()
    assert np.isnan(empty["lo"]) and np.isnan(empty["hi"]) and np.isnan(empty["rough_rise"])


def test_capture_test_numbers_count_the_runs():
    lr = np.array([1e-3, 1e-2, 1e-1])
    monotone = np.array([[True, True, False], [True, True, True]])
    max_dist = np.array([[0.9, 1.5, 3.0], [0.95, 0.99, 1.2]])
    t = convergence.CaptureTest(lr, np.arange(2), 0.99, monotone, max_dist, max_dist / 2)
    n = t.numbers(lr=0.011)
    assert n == {"radius": 0.99, "runs": 6, "mono": 5, "left": 2, "max": 1.5, "left_lo": 1e-2, "left_hi": 1e-1,
                 "at_lr": 1}
    assert "at_lr" not in t.numbers() and t.leaves_at(0.1) == int(t.leaves[:, 2].sum()) == 1
    inside = convergence.CaptureTest(lr, np.arange(2), 0.99, monotone, np.full((2, 3), 0.99), np.zeros((2, 3)))
    pair = convergence.capture_test_numbers(t, inside, 1e-2)
    assert pair["test_relu_left"] == 2 and pair["test_soft_left"] == 0 and pair["test_soft_max"] == 0.99
    assert pair["test_fig1"] == 1 and pair["test_runs"] == 6 and pair["radius"] == 0.99
    assert np.isnan(inside.numbers()["left_lo"])


def test_numbers_of_the_small_results():
    cx = convergence.capture_counterexample(x0=0.9, lr=0.01)
    assert cx.numbers() == {"x0": 0.9, "lr": 0.01, "left": 7}
    dq = convergence.difference_quotients(np.logspace(0, -6, 7))
    assert dq.numbers() == {"h_min": 1e-6, "dq_relu": pytest.approx(5e5), "dq_soft": pytest.approx(0.25)}
    geom = convergence.kink_geometry(lam=1.0, lr=0.35, x0=1.0, steps=12)
    # 1 − 0.35k: 0.3 after two steps, then hops ±0.35 across 0 between 0.3 − 0.35 and 0.3
    assert geom.numbers() == {"step": 0.35, "a": pytest.approx(0.3), "b": pytest.approx(-0.05),
                              "gd": pytest.approx(0.65 ** 12)}
    x = np.arange(-8, 9) / 4
    sup = convergence.supports_at_minimum(np.abs(x), x, np.linspace(-2, 2, 9)).numbers()
    assert sup == {"vertical": "does not", "lo": -1.0, "hi": 1.0}
    ind = convergence.supports_at_minimum(np.where(x >= 0, 0.0, np.inf), x, [0.5, 1.0]).numbers()
    assert ind["vertical"] == "does" and np.isnan(ind["lo"]) and np.isnan(ind["hi"])


def test_rates_numbers_match_the_fitted_slopes():
    r = convergence.rates(eps_smooth=np.logspace(-2, -3, 5), eps_nonsmooth=np.logspace(-1, -1.5, 3), scales=8)
    n = r.numbers()
    assert n["scales"] == 8 and n["pieces"] == 256
    assert n["slope_nw"] == r.slope["nonsmooth worst"] and n["per_decade_se"] == r.per_decade["smooth easy"]
    assert n["tenfold_sw"] == pytest.approx(10 ** -r.slope["smooth worst"])
    # used: steps at the smallest ε over the bound there, (RG/ε)² and LR²/(2ε), in per cent
    assert n["used_nw"] == pytest.approx(100 * r.steps["nonsmooth worst"][-1] * 10 ** -3.0)
    assert n["used_sw"] == pytest.approx(100 * r.steps["smooth worst"][-1] * 2e-3)
    assert (n["eps_s_lo"], n["eps_s_hi"]) == (pytest.approx(1e-3), pytest.approx(1e-2))
    assert (n["eps_n_lo"], n["eps_n_hi"]) == (pytest.approx(10 ** -1.5), pytest.approx(0.1))


def test_the_page_reads_only_names_the_numbers_give():
    """Every conv_ name the prose of book/convergence.md reads comes from one of the numbers() dicts it glues."""
    lr = np.array([1e-2, 1e-1])
    cur = convergence.CaptureCurves(lr, np.arange(3), np.ones((2, 3)), np.ones((2, 3)), 1.0, 1.0, 1.0, 4)
    scan = convergence.CaptureScan(lr, np.arange(2), -np.ones((2, 2)), 2 * np.ones((2, 2)), 3)
    test = convergence.CaptureTest(lr, np.arange(2), 0.99, np.ones((2, 2), bool), np.ones((2, 2)), np.ones((2, 2)))
    eps = np.array([0.1, 0.01])
    names = dict.fromkeys(convergence.RATE_KEYS, 1.0)
    rates = convergence.Rates(eps, eps, {k: np.array([1.0, 2.0]) for k in names}, names, names, 4)
    x = np.arange(-2, 3) / 2
    sup = convergence.supports_at_minimum(np.abs(x), x, [0.0])
    glued = {**convergence.paper_numbers(), **convergence.capture_scan_numbers(scan, scan),
             **convergence.capture_curves_numbers(cur, cur), **convergence.capture_test_numbers(test, test, 0.01),
             **convergence.explorer_numbers(cur, cur), **rates.numbers(),
             **convergence.difference_quotients([1.0]).numbers(),
             **{f"cx_{k}": v for k, v in convergence.capture_counterexample().numbers().items()},
             **{f"geom_{k}": v for k, v in convergence.kink_geometry().numbers().items()},
             **{f"a2_abs_{k}": v for k, v in sup.numbers().items()},
             **{f"a2_ind_{k}": v for k, v in sup.numbers().items()}}
    used = {n.removeprefix("conv_") for n in _glue_names() if n.startswith("conv_")}
    assert used and used <= set(glued), sorted(used - set(glued))

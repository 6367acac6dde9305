"""Section 4 and Appendix B.1-B.2 as executable statements: Propositions 4.1, B.1, B.2, B.6 and eq. (9)."""
import numpy as np
import pytest

from ndgm.studies import lasso
from ndgm import losses, optim, paper, problems, run

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
    for stage, alpha in enumerate((paper.TWO_D_ALPHA, paper.TWO_D_REDUCED_ALPHA)):
        printed = [paper.TWO_D_CYCLES[(alpha, lam)] for lam in paper.TWO_D_LAMBDA1]
        np.testing.assert_allclose(ex.cycle(stage)[:, :, 0], printed, atol=5e-5)
    np.testing.assert_array_equal(ex.cycle(1)[:, :, 0], ex.cycle(1)[:, :, 1])


def test_proposition_b6_and_the_cycle_sum(cycles10):
    assert np.all(cycles10.l1_low > 0)
    assert np.all(cycles10.l1_high < cycles10.b6_bound)
    # sharper: the two values of ‖β‖₁ in the cycle add up to Pαλ1, since each coordinate contributes γ and αλ1 − γ
    np.testing.assert_allclose(cycles10.l1_low + cycles10.l1_high,
                               np.broadcast_to(cycles10.b6_bound, cycles10.l1_low.shape), rtol=1e-9)


def test_eq_9_as_printed_fails_for_p_above_2_and_holds_for_p_1(cycles10):
    # (9) says lim ‖β_k‖₁ < αλ1; the larger cycle value is at least Pαλ1/2, so from P = 2 on it is >= αλ1
    assert np.all(cycles10.l1_high >= cycles10.step)
    one = lasso.toy_cycles(1, LAM1, LR, seeds=range(8))
    assert np.all(one.l1_high < one.step)
    # what the subgradient method's constant-step bound does give: min over the cycle <= G²α/(2λ1) = Pαλ1/2
    assert np.all(cycles10.l1_low <= cycles10.b6_bound / 2)


def test_eq_9_fails_in_every_run_from_p_2():
    """P = 1: the two cycle values γ and αλ1 − γ are both below αλ1, so (9) holds. P = 2: they sum to 2αλ1, so the
    larger is at least αλ1 and the strict bound fails in every run; larger P only more so."""
    scan = lasso.eq9_scan(p=(1, 2, 3, 4), lam1=LAM1, lr=LR, seeds=range(8))
    np.testing.assert_array_equal(scan.p, [1, 2, 3, 4])
    np.testing.assert_array_equal(scan.violated, [0.0, 1.0, 1.0, 1.0])
    assert scan.fails_from == 2
    assert scan.high_over_step[0] < 1 <= scan.high_over_step[1]
    assert np.all(scan.high_over_step >= scan.p / 2 * (1 - 1e-9))        # the larger value is at least Pαλ1/2
    two = lasso.toy_cycles(2, LAM1, LR, seeds=range(8))
    assert scan.violated[1] == np.mean(two.l1_high >= two.step)


def test_eq9_scan_fails_from_needs_every_larger_p():
    assert lasso.Eq9Scan(np.array([1, 2, 3]), np.array([1.0, 0.5, 1.0]), np.ones(3)).fails_from == 3
    assert lasso.Eq9Scan(np.array([1, 2, 3]), np.array([1.0, 1.0, 1.0]), np.ones(3)).fails_from == 1
    assert lasso.Eq9Scan(np.array([1, 2, 3]), np.array([0.0, 1.0, 0.9]), np.ones(3)).fails_from is None


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


def test_b2_search_best_at_one_small_penalty_fits_and_fold():
    """`best(lam_small)` searches only the settings with that small λ1; `fits` asks whether both printed norms lie
    within the seed ranges there; `fold` is λ1_large / small λ1."""
    small, big = lasso.B2_TARGETS
    l1 = np.full((2, 3, 1, 3), 100.0)                                # (steps, λ1, α, seeds)
    l1[1, 1, 0] = small * np.array([0.9, 1.0, 1.1])                  # λ1 = 0.1: straddles 1.62
    l1[1, 0, 0] = small * np.array([1.2, 1.3, 1.4])                  # λ1 = 0.01: all above it
    l1[1, 2, 0] = big * np.array([0.9, 1.0, 1.1])
    search = lasso.B2Search(lam1=np.array([0.01, 0.1, 10.0]), lr=np.array([0.01]), seeds=np.arange(3),
                            steps=np.array([0, 100]), l1=l1)
    assert search.best()["lam_small"] == 0.1 and search.fold() == pytest.approx(100)
    assert search.best(0.01)["lam_small"] == 0.01 and search.fold(0.01) == pytest.approx(1000)
    assert search.best(0.01)["distance"] == pytest.approx(np.log(1.3))
    assert search.fits(0.1) and search.fits() and not search.fits(0.01)
    with pytest.raises(ValueError, match="lam_small must be one of the small penalties searched"):
        search.best(1.0)


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


@pytest.mark.parametrize("call,match", [
    (lambda: lasso.two_d_example(reduced_lr=0.02), r"reduced_lr must lie in \(0, 0.01\)"),
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
    (lambda: lasso.eq9_scan(p=(2, 1)), "p must be increasing"),
    (lambda: lasso.eq9_scan(p=(0, 1)), "p must be an integer >= 1"),
])
def test_bad_inputs(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_ista_closes_its_gap_on_15():
    # Section 4 says soft-thresholding "necessarily" leads to suboptimal solutions; on (15), whose data term is
    # L-smooth, ISTA's gap to scikit-learn's minimum shrinks with the steps and ends tiny (issue 12)
    ista = lasso.ista_gaps(lam1=[0.01, 1.0], at=(150, 1500, 15000), seed=0)
    assert isinstance(ista, lasso.IstaGaps) and ista.gap.shape == (3, 2)
    np.testing.assert_array_equal(ista.at, [150, 1500, 15000])
    assert np.all(np.diff(ista.gap[:, 0]) < 0) and ista.gap[-1, 0] < 1e-4
    # Tolerance: ISTA's value and scikit-learn's (tol 1e-12) at the same minimiser differ by rounding of a loss near 1
    assert np.all(ista.gap[-1] > -1e-9)
    with pytest.raises(ValueError, match="at must be increasing"):
        lasso.ista_gaps(lam1=[1.0], at=(100, 50))


# ----- the numbers the page prints (each result's `numbers()`) ------------------------------------------------

def test_paper_numbers_are_the_papers_settings():
    n = lasso.paper_numbers()
    assert n["beta0_2d"] == "[0.5053, 0.5053]" and n["start_range"] == "[-1, 1]"
    assert (n["lam_lo"], n["lam_hi"], n["p_2d"]) == (1.0, 100.0, 2)
    assert n["step_hi"] == pytest.approx(paper.TWO_D_ALPHA * 100.0) and n["step_lo"] == pytest.approx(0.01)
    assert (n["gen_n"], n["gen_p"], n["b2_fold"]) == (20, 500, 1000)
    assert (n["b2_lam_runs"], n["b2_lam_result"], n["b2_lam_big"]) == (0.01, 0.1, 10.0)
    assert n["b2_paper_ratio"] == pytest.approx(25.4 / 1.62)


def test_two_d_numbers_read_the_cycle_off_the_trajectory():
    ex = lasso.two_d_example()
    n = ex.numbers()
    # independently: the last two iterates of each stage, straight from the trajectory (T, λ1, 2)
    l1 = np.abs(ex.trajectory).sum(-1)                              # (T, λ1)
    first, second = l1[ex.switch - 1:ex.switch + 1], l1[-2:]
    assert n["two_d_switch"] == ex.switch == 100
    assert n["twod_small_max"] == first[:, 0].max() and n["twod_big_min"] == first[:, 1].min()
    assert n["twod_ratio"] == pytest.approx(first[:, 1].mean() / first[:, 0].mean(), rel=1e-12)
    assert n["twod_big_reduced_max"] == second[:, 1].max() and n["twod_small_reduced_max"] == second[:, 0].max()
    # the paper's printed bounds, to its four decimals
    assert f"{n['twod_small_max']:.4f}" == f"{paper.TWO_D_L1[1.0]:.4f}"
    assert f"{n['twod_big_min']:.4f}" == f"{paper.TWO_D_L1[100.0]:.4f}"


def test_toy_cycles_numbers_follow_from_eq_8(cycles10):
    n = cycles10.numbers()
    assert (n["p"], n["starts"], n["n_lr"], n["runs"]) == (10, 8, 2, 4 * 2 * 8)
    assert n["b6"] == 1.0 and n["sum_err"] < 1e-9
    # the cycle average is Pαλ1/2, so at a fixed α it grows exactly as λ1 does
    assert n["lam_ratio"] == 1000.0 and n["growth"] == pytest.approx(1000.0, rel=1e-9)
    np.testing.assert_allclose(cycles10.mean_l1, 10 * cycles10.step[..., 0] / 2, rtol=1e-9)


def test_checks_numbers_of_a_control_and_a_larger_dimension(cycles10):
    one = lasso.toy_cycles(1, LAM1, LR, seeds=range(8))
    n = lasso.checks_numbers({1: one, 10: cycles10})
    assert (n["p_control"], n["p_mid"], n["p_big"]) == (1, 10, 10)
    assert n["p41_runs"] == n["p41_holds"] == 4 * 2 * 8 and n["p41_starts"] == 8
    # (9): the one-dimensional cycle stays below αλ1, from P = 2 on the larger value is at least Pαλ1/2
    assert n["eq9_high_control"] == 0.0 and n["eq9_high_mid"] == n["eq9_high_big"] == 100.0
    assert n["eq9_ratio_mid"] == np.median(cycles10.l1_high / cycles10.step) >= 5 * (1 - 1e-9)
    assert n["eq9_low_mid"] == 100 * np.mean(cycles10.l1_low >= cycles10.step)
    assert n["eq9_best_ok"] == 1.0
    with pytest.raises(ValueError, match="checks must hold the grids of at least two dimensions"):
        lasso.checks_numbers({1: one})


def test_eq9_scan_numbers():
    assert lasso.Eq9Scan(np.array([1, 2, 3]), np.array([1.0, 0.5, 1.0]), np.ones(3)).numbers() == {"eq9_fails_from": 3}


def _curve(exact_l1):
    """A made-up LassoCurve over λ1 = 0.1, 1, 10 at α = 0.01, 0.02 (P = 500 as in the paper)."""
    return lasso.LassoCurve(
        seed=0, lam1=np.array([0.1, 1.0, 10.0]), lr=np.array([0.01, 0.02]), prox_lr=0.25, steps=15000,
        ndgm_l1=np.array([[5.0, 9.0], [2.0, 8.0], [30.0, 40.0]]), ndgm_zeros=np.zeros((3, 2), int),
        prox_l1=np.zeros(3), prox_zeros=np.array([480, 495, 500]), exact_l1=np.asarray(exact_l1),
        exact_zeros=np.array([481, 499, 500]), prox_gap=np.array([1e-9, 3e-8, 0.0]),
        ndgm_gap=np.array([[0.5, 0.6], [1.0, 1.1], [200.0, 300.0]]))


def test_lasso_curve_numbers_on_a_made_up_curve():
    n = _curve([3.0, 0.0, 0.0]).numbers()
    assert (n["gen_L"], n["gen_2_over_L"], n["gen_steps"]) == (4.0, 0.5, "15,000")
    assert (n["gen_ndgm_zeros"], n["gen_exact_zeros_min"], n["gen_prox_gap"]) == (0, 481, 3e-8)
    assert (n["gen_prox_zero_diff"], n["gen_prox_zero_diff_lam"]) == (4, 1.0)       # |495 − 499| at λ1 = 1
    assert (n["gen_ndgm_min"], n["gen_ndgm_argmin"], n["gen_ndgm_top"]) == (2.0, 1.0, 30.0)
    assert (n["gen_exact_first_zero"], n["gen_exact_top"]) == (1.0, 0.0)
    assert (n["gen_lr0"], n["gen_lam_lo"], n["gen_lam_top"]) == (0.01, 0.1, 10.0)
    assert (n["gen_ndgm_gap_lo"], n["gen_ndgm_gap_hi"]) == (0.5, 200.0)
    assert n["gen_half_top"] == pytest.approx(500 * 0.01 * 10.0 / 2)
    assert np.isnan(_curve([3.0, 2.0, 1.0]).numbers()["gen_exact_first_zero"])       # never the zero vector


def test_ista_gaps_numbers_follow_the_slowest_penalty():
    gaps = lasso.IstaGaps(at=np.array([150, 1500, 15000]), lam1=np.array([0.01, 0.1, 1.0]),
                          gap=np.array([[1.0, 5.0, 2.0], [0.1, 0.5, 0.2], [0.01, 0.05, 0.02]]))
    assert gaps.slowest == 1
    assert gaps.numbers() == {"ista_slow_lam": 0.1, "ista_gap_0": 5.0, "ista_at_0": "150", "ista_gap_1": 0.5,
                              "ista_at_1": "1,500", "ista_gap_2": 0.05, "ista_at_2": "15,000", "ista_rest": 0.02}


def _b2(lr=(0.01,)):
    """A made-up search: at the last step λ1 = 0.1 straddles 1.62 and λ1 = 0.01 lies 1.2 to 1.4 times above it."""
    small, big = lasso.B2_TARGETS
    l1 = np.full((2, 3, len(lr), 3), 100.0)                           # (steps, λ1, α, seeds)
    l1[1, 1, 0] = small * np.array([0.9, 1.0, 1.1])
    l1[1, 0, 0] = small * np.array([1.2, 1.3, 1.4])
    l1[1, 2, 0] = big * np.array([0.9, 1.0, 1.1])
    return lasso.B2Search(lam1=np.array([0.01, 0.1, 10.0]), lr=np.asarray(lr, float), seeds=np.arange(3),
                          steps=np.array([0, 100]), l1=l1)


def test_b2_search_numbers_on_a_made_up_search():
    small, big = lasso.B2_TARGETS
    n = _b2().numbers()
    assert (n["b2_lam"], n["b2_lr"], n["b2_steps"], n["b2_every"], n["b2_n_seeds"]) == (0.1, 0.01, "100", 100, 3)
    assert n["b2_small_med"] == pytest.approx(small) and n["b2_big_med"] == pytest.approx(big)
    assert (n["b2_small_lo"], n["b2_big_hi"]) == (pytest.approx(0.9 * small), pytest.approx(1.1 * big))
    assert n["b2_ratio"] == pytest.approx(big / small)
    assert n["b2_other_lam"] == 0.01 and n["b2_other_med"] == pytest.approx(1.3 * small)
    assert n["b2_other_lo"] == pytest.approx(1.2 * small) and n["b2_other_hi"] == pytest.approx(1.4 * small)
    assert n["b2_half"] == pytest.approx(500 * 0.01 * 10.0 / 2) and n["b2_slow_step"] == pytest.approx(1e-4)
    assert (n["b2_start"], n["b2_big_lr0"], n["b2_lr0"]) == (100.0, pytest.approx(big), 0.01)
    assert n["b2_fold_best"] == pytest.approx(100) and n["b2_dist_best"] == pytest.approx(0.0, abs=1e-12)
    assert n["b2_dist_stated"] == pytest.approx(np.log(1.3))
    assert n["b2_stated_clause"] == "the printed numbers do not both lie"             # 1.62 < 1.2·1.62


def test_every_number_the_page_prints_has_a_name(cycles10):
    """Each {glue:text} name of book/lasso_paradox.md (other than the claim records') is a key of a result's
    `numbers()`, or one of the three lists the page glues itself."""
    import re
    from pathlib import Path

    page = (Path(__file__).resolve().parent.parent / "book" / "lasso_paradox.md").read_text()
    refs = {r.split(":")[0] for r in re.findall(r"\{glue(?::\w+)?\}`([^`]+)`", page)}
    refs = {r for r in refs if "/" not in r}                          # claim records: claims.glue_claims
    own = {"p41_lams", "p41_lrs", "p41_dims"}
    assert all(f'"{name}"' in page for name in own)
    one = lasso.toy_cycles(1, LAM1, LR, seeds=range(2))
    ista = lasso.IstaGaps(np.array([150, 1500, 15000]), np.array([0.1, 1.0]), np.ones((3, 2)))
    keys = set(own) | lasso.paper_numbers().keys() | lasso.two_d_example().numbers().keys()
    keys |= lasso.checks_numbers({1: one, 10: cycles10, 50: cycles10}).keys()
    keys |= {f"curve_{k}" for k in cycles10.numbers()}
    keys |= lasso.Eq9Scan(np.array([1, 2]), np.array([0.0, 1.0]), np.ones(2)).numbers().keys()
    keys |= _curve([1.0, 0.0, 0.0]).numbers().keys() | ista.numbers().keys()
    keys |= _b2(lr=(0.005, 0.01, 0.02)).numbers().keys()
    assert refs and refs <= keys, sorted(refs - keys)

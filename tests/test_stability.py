"""Section 5: Proposition 5.1 (bounded subgradients, no divergence), the quadratic's edge 2/η, Appendix D.1."""
import numpy as np
import pytest

from ndgm import problems, stability

ALPHAS = np.logspace(-2, 2, 21)


@pytest.fixture(scope="module")
def curves():
    return stability.edge_curves(ALPHAS, steps=600)


def test_huber_constants():
    c = stability.huber_constants()
    assert c["residual"] < 1e-10 and c["fstar"] == 0.0
    assert 0 < c["lipschitz_low"] <= c["lipschitz_high"]
    assert c["lipschitz_high"] == pytest.approx(np.sqrt(c["eta"]))
    assert c["edge"] == pytest.approx(2 / c["eta"])
    # the lower estimate of L is reached by a sign vector: check it directly
    p = problems.huber(0)
    signs = np.sign(np.random.default_rng(0).uniform(-1, 1, (200, p.Z.shape[0])))
    assert np.max(np.linalg.norm(signs @ p.Z, axis=-1) / p.Z.shape[0]) <= c["lipschitz_high"]


def test_huber_never_diverges_and_the_quadratic_does_above_two_over_eta(curves):
    assert not curves["huber_diverged"].any()
    assert np.all(np.isfinite(curves["huber"]))
    np.testing.assert_array_equal(curves["quadratic_diverged"], ALPHAS > curves["edge"])
    assert curves["huber"].shape == curves["quadratic"].shape == (21, 601)


def test_huber_stays_within_the_d1_bound(curves):
    """limsup f(β_k) − f* <= αL² (Appendix D.1), with L replaced by a lower estimate (a stronger check)."""
    assert np.all(curves["huber_tail_max"] <= curves["bound"])
    # and the best value obeys the subgradient method's constant-step bound αL²/2 (Boyd et al., 2003)
    assert np.all(curves["huber_best"] <= curves["bound"] / 2)


def test_huber_satisfies_eq5_with_constant_eta():
    q = stability.huber_smoothness(pairs=200)
    eta = stability.huber_constants()["eta"]
    assert q["top"] == pytest.approx(eta, rel=1e-9)
    assert q["random_max"] <= eta


def test_toy_lasso_is_bounded_at_every_alpha():
    alphas = np.logspace(-3, 3, 7)
    toy = stability.toy_lasso_curves(alphas, lam1=1.0, p=10, seeds=range(3), steps=300)
    assert toy["linf"].shape == (7, 3, 301)
    assert np.all(toy["linf"].max(axis=-1) <= toy["bound"] + 1e-12)
    # the D.1 bound αL² holds at the end of every run and is nearly reached for large α
    tail = toy["loss"][..., -2:].max(axis=-1)
    assert np.all(tail[2:] <= alphas[2:, None] * toy["lipschitz"] ** 2)
    assert np.all(tail[-1] >= 0.99 * alphas[-1] * toy["lipschitz"] ** 2)


def test_non_smooth_alone_does_not_prevent_divergence():
    res = stability.unbounded_subgradients([0.5, 2.0])
    assert res["x"][0, -1] < 1.0 and res["x"][1, -1] > 1e20


@pytest.mark.parametrize("call, match", [
    (lambda: stability.edge_curves([0.0]), "alphas"),
    (lambda: stability.edge_curves([0.1], steps=1), "steps"),
    (lambda: stability.edge_curves([0.1], seed=-2), "seed"),
    (lambda: stability.toy_lasso_curves([0.1], lam1=0.0), "lam1"),
    (lambda: stability.toy_lasso_curves([0.1], seeds=[]), "seeds"),
    (lambda: stability.huber_smoothness(pairs=0), "pairs"),
    (lambda: stability.unbounded_subgradients([np.nan]), "alphas"),
])
def test_bad_inputs(call, match):
    with pytest.raises(ValueError, match=match):
        call()

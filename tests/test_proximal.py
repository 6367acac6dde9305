"""ndgm.networks.proximal: the PyTorch proximal optimizers against ISTA (ndgm.optim), scikit-learn and their formulas."""
import copy

import numpy as np
import pytest
import torch

from ndgm.studies import lasso
from ndgm import losses, optim, problems, run
from ndgm.networks import proximal
from rounding import EPS, STEP_ULPS, dyadic


def _general_lasso_torch(W, y):
    """The smooth part of (15), (1/N)‖y − Wβ‖², as a PyTorch user writes it."""
    W_, y_ = torch.as_tensor(W), torch.as_tensor(y)
    return lambda b: ((y_ - W_ @ b) ** 2).sum() / W_.shape[0]


def _torch_steps(opt_cls, fit, beta0, steps, **kw):
    """Iterates of `opt_cls` on fit(β) + λ1‖β‖₁ (λ1 inside kw as l1), float64, shape (steps + 1, P)."""
    b = torch.tensor(beta0, dtype=torch.float64, requires_grad=True)
    opt = opt_cls([b], **kw)
    path = [b.detach().numpy().copy()]
    for _ in range(steps):
        opt.zero_grad()
        if fit is None:
            b.grad = torch.zeros_like(b)                     # (7) has no smooth part
        else:
            fit(b).backward()
        opt.step()
        path.append(b.detach().numpy().copy())
    return np.array(path)


def test_prox_sgd_is_ista_on_the_toy_lasso_bit_for_bit():
    """On (7) the smooth gradient is 0: both reduce to S_{αλ1}, which is exact, so the runs agree exactly."""
    beta0 = problems.starts(0, 10)[0]
    ours = _torch_steps(proximal.ProxSGD, None, beta0, 30, lr=0.01, l1=7.0)
    ista = run.run(losses.ToyLasso(7.0), optim.make("prox", 0.01), beta0, 30, record=(), trajectory=True)
    np.testing.assert_array_equal(ours, ista.trajectory)
    assert np.all(ours[-1] == 0.0)


def test_prox_sgd_is_ista_on_the_general_lasso_step_by_step():
    """On (15) each torch step from an iterate equals ndgm.optim's ISTA step from the same iterate.

    The two gradients come from different BLAS libraries; each coordinate of the step differs by at most a
    few roundings of α·(|Wᵀr|-sized terms) and of β (the soft threshold is 1-Lipschitz and exact), so the
    budget is STEP_ULPS ulps of max(‖β‖∞, α‖∇‖∞·N) per step, compared one step at a time.
    """
    prob = problems.general_lasso(seed=2, n=20, p=60)
    W, y, beta0 = dyadic(prob.Z), dyadic(prob.y), dyadic(prob.beta0)
    lam1 = 0.05
    lr = 1.0 / lasso.smooth_lipschitz(W)
    path = _torch_steps(proximal.ProxSGD, _general_lasso_torch(W, y), beta0, 300, lr=lr, l1=lam1)
    loss, rule = losses.GeneralLasso(W, y, lam1), optim.make("prox", lr)
    want = rule.step(loss, path[:-1], {}, lr)[0]                     # ISTA from every torch iterate at once
    grad = np.abs(loss.smooth_grad(path[:-1])).max(-1, keepdims=True)
    scale = np.maximum(np.abs(path[:-1]).max(-1, keepdims=True), lr * grad * W.shape[0])
    assert np.all(np.abs(path[1:] - want) <= STEP_ULPS * EPS * scale)
    assert np.mean(path[-1] == 0.0) > 0.5                           # and it is sparse, exactly


def test_prox_sgd_reaches_scikit_learns_lasso_solution():
    """ISTA's gap to the minimum of (15) falls like 1/t: after 20,000 steps at α = 1/L it is below 1e-9."""
    prob = problems.general_lasso(seed=0, n=20, p=100)
    lam1 = 0.1
    lr = 1.0 / lasso.smooth_lipschitz(prob.Z)
    b = torch.tensor(prob.beta0, requires_grad=True)
    opt, fit = proximal.ProxSGD([b], lr=lr, l1=lam1), _general_lasso_torch(prob.Z, prob.y)
    for _ in range(20000):
        opt.zero_grad()
        fit(b).backward()
        opt.step()
    exact = lasso.exact_lasso(prob.Z, prob.y, [lam1])[0]
    f = losses.GeneralLasso(prob.Z, prob.y, lam1)
    ours = b.detach().numpy()
    assert f.value(ours) - f.value(exact) < 1e-9
    np.testing.assert_array_equal(ours == 0.0, exact == 0.0)         # the same support
    np.testing.assert_allclose(ours, exact, atol=1e-4)


def test_prox_adam_step_is_adam_then_the_soft_threshold_in_adams_metric():
    """Three steps with given gradients, against the formulas written out in numpy."""
    rng = np.random.default_rng(0)
    w0 = rng.uniform(-1e-3, 1e-3, 50)
    grads = rng.normal(size=(3, 50))
    lr, l1, (b1, b2), eps = 1e-3, 0.5, (0.9, 0.999), 1e-8
    p = torch.tensor(w0)
    opt = proximal.ProxAdam([p], lr=lr, l1=l1, betas=(b1, b2), eps=eps)
    w, m, v = w0.copy(), np.zeros(50), np.zeros(50)
    for t, g in enumerate(grads, start=1):
        p.grad = torch.tensor(g)
        opt.step()
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        denom = np.sqrt(v / (1 - b2 ** t)) + eps
        z = w - lr * (m / (1 - b1 ** t)) / denom
        w = optim.soft_threshold(z, lr * l1 / denom)
        np.testing.assert_allclose(p.numpy(), w, rtol=1e-12, atol=1e-18)
    assert np.any(w == 0.0) and np.any(w != 0.0)


def test_prox_adam_without_penalty_is_torch_adam():
    torch.manual_seed(0)
    a, b = torch.randn(30, dtype=torch.float64), None
    b = a.clone()
    ours, theirs = proximal.ProxAdam([a], lr=0.01), torch.optim.Adam([b], lr=0.01, foreach=False)
    for _ in range(20):
        g = torch.randn(30, dtype=torch.float64)
        a.grad, b.grad = g.clone(), g.clone()
        ours.step()
        theirs.step()
    torch.testing.assert_close(a, b, rtol=1e-13, atol=1e-15)


def test_l1_per_parameter_group():
    """A group with l1 = 0 takes plain SGD steps; a group with l1 > 0 is thresholded."""
    a, b = torch.full((4,), 0.01), torch.full((4,), 0.01)
    opt = proximal.ProxSGD([{"params": [a], "l1": 1.0}, {"params": [b]}], lr=0.1, l1=0.0)
    a.grad, b.grad = torch.zeros(4), torch.zeros(4)
    opt.step()
    assert torch.all(a == 0) and torch.all(b == 0.01)


def _small_training(opt_cls, steps, opt=None, model=None, **kw):
    torch.manual_seed(1)
    x, y = torch.randn(32, 5), torch.randint(0, 3, (32,))
    model = model or torch.nn.Linear(5, 3)
    opt = opt or opt_cls(model.parameters(), **kw)
    for _ in range(steps):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    return model, opt


@pytest.mark.parametrize("opt_cls,kw", [(proximal.ProxSGD, {"lr": 0.1, "l1": 0.01}),
                                        (proximal.ProxAdam, {"lr": 0.01, "l1": 0.01})])
def test_state_dict_round_trip_continues_the_same_run(opt_cls, kw):
    straight, _ = _small_training(opt_cls, 10, **kw)
    model, opt = _small_training(opt_cls, 5, **kw)
    saved_model, saved_opt = copy.deepcopy(model.state_dict()), copy.deepcopy(opt.state_dict())
    fresh = torch.nn.Linear(5, 3)
    fresh.load_state_dict(saved_model)
    reopened = opt_cls(fresh.parameters(), lr=1.0, l1=0.0)            # hyper-parameters come from the state
    reopened.load_state_dict(saved_opt)
    assert reopened.param_groups[0]["l1"] == kw["l1"]
    resumed, _ = _small_training(opt_cls, 5, opt=reopened, model=fresh)
    for p, q in zip(straight.parameters(), resumed.parameters()):
        torch.testing.assert_close(p, q, rtol=0, atol=0)


@pytest.mark.parametrize("bad", [{"lr": 0.0}, {"lr": -1.0}, {"l1": -0.1}, {"l1": float("nan")}, {"lr": True}])
def test_bad_hyper_parameters_are_rejected_by_name(bad):
    name = next(iter(bad))
    for cls in (proximal.ProxSGD, proximal.ProxAdam):
        with pytest.raises(ValueError, match=name):
            cls([torch.zeros(2, requires_grad=True)], **{"lr": 0.1, **bad})
    with pytest.raises(ValueError, match="betas"):
        proximal.ProxAdam([torch.zeros(2, requires_grad=True)], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="l1"):
        proximal.ProxSGD([{"params": [torch.zeros(2)], "l1": -1.0}], lr=0.1)


@pytest.mark.parametrize("opt_cls", [proximal.ProxSGD, proximal.ProxAdam])
def test_works_under_torch_compile(opt_cls):
    """A compiled model and a compiled optimizer step give the eager run's weights."""
    try:
        compiled = torch.compile(torch.nn.Linear(5, 3))
        compiled(torch.zeros(1, 5))
    except Exception as e:  # pragma: no cover - depends on the CPU build and its compiler
        pytest.skip(f"torch.compile is unavailable here: {type(e).__name__}: {e}")
    eager, _ = _small_training(opt_cls, 4, lr=0.05, l1=0.05)
    torch.manual_seed(1)
    x, y = torch.randn(32, 5), torch.randint(0, 3, (32,))
    model = torch.nn.Linear(5, 3)
    opt = opt_cls(model.parameters(), lr=0.05, l1=0.05)
    forward, step = torch.compile(model), torch.compile(opt.step)
    for _ in range(4):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(forward(x), y).backward()
        step()
    for p, q in zip(eager.parameters(), model.parameters()):
        torch.testing.assert_close(p, q, rtol=1e-5, atol=1e-6)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")
@pytest.mark.parametrize("opt_cls", [proximal.ProxSGD, proximal.ProxAdam])
def test_works_on_cuda(opt_cls):  # pragma: no cover - runs only where a GPU is present
    """The same run on the GPU and on the CPU in float64: the same weights and the same exact zeros."""
    rng = np.random.default_rng(0)
    w0, grads = rng.uniform(-1e-2, 1e-2, 200), rng.normal(size=(5, 200))
    out = []
    for device in ("cpu", "cuda"):
        p = torch.tensor(w0, device=device)
        opt = opt_cls([p], lr=1e-3, l1=1.0)
        for g in grads:
            p.grad = torch.tensor(g, device=device)
            opt.step()
        out.append(p.cpu())
    torch.testing.assert_close(out[0], out[1], rtol=1e-12, atol=1e-15)
    assert torch.equal(out[0] == 0, out[1] == 0) and (out[0] == 0).any()


def test_lasso_fit_is_the_reader_facing_version_of_the_above():
    prob = problems.general_lasso(seed=0, n=20, p=100)
    lr = 1.0 / lasso.smooth_lipschitz(prob.Z)
    beta = proximal.lasso_fit(prob.Z, prob.y, 0.1, lr, 3000, beta0=prob.beta0)
    exact = lasso.exact_lasso(prob.Z, prob.y, [0.1])[0]
    np.testing.assert_array_equal(beta == 0.0, exact == 0.0)
    with pytest.raises(ValueError, match="optimizer"):
        proximal.lasso_fit(prob.Z, prob.y, 0.1, lr, 10, optimizer="sgd")
    with pytest.raises(ValueError, match="steps"):
        proximal.lasso_fit(prob.Z, prob.y, 0.1, lr, 0)

"""Every numpy rule reproduces torch.optim in float64: one step from the same state to within the
rounding of its operations, and 1,000 steps to within the rounding that the dynamics amplify."""
import functools

import numpy as np
import pytest
import torch

from ndgm import losses, optim, problems, run
from rounding import EPS, amplification, trajectory_tolerance
from torch_twins import torch_loss

STEPS = 1000
CHECKPOINTS = (0, 1, 10, 100, STEPS - 1)      # states, along the run, from which one step is compared
DATA = problems.general_lasso(seed=3, n=20, p=50)
LOSSES = {
    "toy": losses.ToyLasso(lam1=1.0),
    "relu": losses.ReluRegression(DATA.Z, -np.abs(DATA.y), lam1=0.05, lam2=0.01),
    "lasso": losses.GeneralLasso(DATA.Z, DATA.y, lam1=0.05),
    "huber": losses.Huber(DATA.Z, 3 * DATA.y),
    "quadratic": losses.LeastSquares(DATA.Z, DATA.y),
}
# α for (3) is 0.005: at 0.01 with momentum 0.9 the iterates hover around the L1 kinks, where last-bit
# differences grow to 1e-8 by step 1,000 (measured), and the run comparison would have little left to check.
ALPHA = {"toy": 0.01, "relu": 0.005, "lasso": 0.05, "huber": 0.05, "quadratic": 0.05}

# (ndgm name, ndgm hyper-parameters, torch optimizer, torch keyword arguments as a function of α)
PAIRS = {
    "gd": ("gd", {}, torch.optim.SGD, lambda a: {"lr": a}),
    "momentum": ("momentum", {"momentum": 0.9}, torch.optim.SGD, lambda a: {"lr": a, "momentum": 0.9}),
    "momentum-dampened": ("momentum", {"momentum": 0.8, "dampening": 0.3}, torch.optim.SGD,
                          lambda a: {"lr": a, "momentum": 0.8, "dampening": 0.3}),
    "momentum-paper": ("momentum-paper", {"momentum": 0.9}, torch.optim.SGD,
                       lambda a: {"lr": a * (1 - 0.9), "momentum": 0.9}),
    "rmsprop": ("rmsprop", {}, torch.optim.RMSprop, lambda a: {"lr": a}),
    "adam": ("adam", {}, torch.optim.Adam, lambda a: {"lr": a}),
}
# where each rule keeps its state: ndgm's key -> torch.optim's ("t" is Adam's step count); eq. (16)'s
# state is the previous iterate, which the run supplies
STATE_KEYS = {"momentum": {"buf": "momentum_buffer"}, "rmsprop": {"v": "square_avg"},
              "adam": {"m": "exp_avg", "v": "exp_avg_sq", "t": "step"}}

ROUNDINGS = 20
"""At most this many roundings lie between a rule's inputs and its new β. Adam's step has the most: 3 in
the first moment, 4 in the second (halved by the square root), 3 in each bias correction, 2 in the
denominator and 3 in the update (product, quotient, sum), 17 in all; 20 allows for the powers β^t,
which libm computes to within an ulp rather than correctly rounded."""


def rule_for(pair, loss_name):
    name, hyper, _, _ = PAIRS[pair]
    return optim.make(name, ALPHA[loss_name], **hyper)


@functools.cache
def torch_run(loss_name, pair):
    """torch.optim on the torch twin of the loss for STEPS steps from DATA.beta0: the iterates
    (STEPS + 1, P) and, for each step in CHECKPOINTS, the optimizer's state before it (torch's keys)."""
    _, _, opt_cls, torch_kw = PAIRS[pair]
    b = torch.tensor(DATA.beta0, dtype=torch.float64, requires_grad=True)
    f = torch_loss(LOSSES[loss_name])
    opt = opt_cls([b], **torch_kw(ALPHA[loss_name]))
    path, states = [b.detach().numpy().copy()], {}
    for t in range(STEPS):
        if t in CHECKPOINTS:
            states[t] = {k: v.clone() for k, v in opt.state[b].items()}
        opt.zero_grad()
        f(b).backward()
        opt.step()
        path.append(b.detach().numpy().copy())
    return np.array(path), states


def torch_step(pair, loss_name, beta, state, grad):
    """One torch.optim step from β with `state` (torch's keys) and gradient `grad`: (β', state')."""
    _, _, opt_cls, torch_kw = PAIRS[pair]
    b = torch.tensor(beta, dtype=torch.float64, requires_grad=True)
    opt = opt_cls([b], **torch_kw(ALPHA[loss_name]))
    opt.state[b].update({k: v.clone() for k, v in state.items()})
    b.grad = torch.tensor(grad, dtype=torch.float64)
    opt.step()
    return b.detach().numpy(), {k: v.numpy() for k, v in opt.state[b].items()}


def within(ours, theirs, tol, what):
    err = np.abs(np.asarray(ours, dtype=float) - theirs)
    i = np.unravel_index(np.argmax(err - tol), err.shape)
    assert np.all(err <= tol), f"{what}: |difference| {err[i]:.3g} > tolerance {tol[i]:.3g} at {i}"


@pytest.mark.parametrize("loss_name", list(LOSSES))
@pytest.mark.parametrize("pair", list(PAIRS))
def test_one_step_from_the_same_state_matches_torch_optim(loss_name, pair):
    """From the same β, optimizer state and gradient, one step of each rule equals torch.optim's, at
    states taken along torch's 1,000-step run, to within the rounding of the operations involved.

    Both sides do the same few float64 operations, each correctly rounded; they differ only where one
    fuses a multiply and an add, or orders two operations otherwise. Each is within ROUNDINGS·EPS of the
    exact step, relative to the same step computed on absolute values (running-error analysis: Higham,
    Accuracy and Stability of Numerical Algorithms, 2nd ed., §3.3), so the two differ by at most twice
    that. The step on absolute values is torch's own step from β = 0 with |state| and |gradient|, plus
    |β|; it bounds every coordinate, near-zero ones included, on any CPU.
    """
    name = PAIRS[pair][0]
    loss, rule, keys = LOSSES[loss_name], rule_for(pair, loss_name), STATE_KEYS.get(name, {})
    path, states = torch_run(loss_name, pair)
    for t in CHECKPOINTS:
        beta, before = path[t], states[t]
        g = loss.grad(beta)
        state = rule.init(beta) | {k: before[tk].numpy().copy() if before[tk].ndim else int(before[tk])
                                   for k, tk in keys.items() if tk in before}
        if name == "momentum-paper" and t > 0:
            state["previous"] = path[t - 1]
        ours, our_state = rule.step(loss, beta, state, rule.base_lr)
        theirs, their_state = torch_step(pair, loss_name, beta, before, g)
        size, size_state = torch_step(pair, loss_name, np.zeros_like(beta),
                                      {k: v.abs() for k, v in before.items()}, np.abs(g))
        bound = 2 * ROUNDINGS * EPS
        within(ours, theirs, bound * (np.abs(beta) + np.abs(size)), f"β after step {t}")
        for k, tk in keys.items():
            old = np.abs(before[tk].numpy()) if tk in before else 0.0
            within(our_state[k], their_state[tk], bound * (old + np.abs(size_state[tk])), f"{k} after step {t}")


@pytest.mark.parametrize("loss_name", list(LOSSES))
@pytest.mark.parametrize("pair", list(PAIRS))
def test_run_stays_within_the_rounding_its_dynamics_amplify(loss_name, pair):
    """1,000 steps of each rule stay as close to torch.optim's as rounding allows on the problem.

    The two runs compute their gradients with different BLAS libraries, so they part by a few ulps at
    every step, and the dynamics carry those differences on: unchanged where GD is non-expansive (a
    convex L-smooth loss with α < 2/L, as the quadratic and Huber here), multiplied by up to 3e5 for
    RMSProp near the Huber minimum (g/√v reacts to the last bits of small gradients), and in jumps
    where an iterate crosses a kink. The tolerance is the step count times that amplification, measured on the
    problem itself (see rounding.trajectory_tolerance).
    """
    loss, rule = LOSSES[loss_name], rule_for(pair, loss_name)
    ours = run.run(loss, rule, DATA.beta0, STEPS, record=(), trajectory=True).trajectory
    theirs = torch_run(loss_name, pair)[0]
    growth = amplification(loss, rule, DATA.beta0, STEPS)["beta"]
    tol = trajectory_tolerance(theirs, growth)
    err = np.max(np.abs(ours - theirs), axis=-1)
    t = int(np.argmax(err / tol))
    assert np.all(err <= tol), f"step {t}: ‖Δβ‖∞ = {err[t]:.3g} > {tol[t]:.3g} (amplification {growth[t]:.3g})"


def test_a_grid_step_equals_separate_runs():
    """Vectorising over λ1 x α x seeds changes nothing: each cell equals its own run."""
    lam1, lrs = [0.01, 1.0, 30.0], [0.001, 0.1]
    beta0 = problems.starts([0, 1], 10)
    grid = run.sweep(losses.ToyLasso, "adam", lam1, lrs, beta0, 200, record=("loss", "l1"))
    for i, lam in enumerate(lam1):
        for j, lr in enumerate(lrs):
            for s in range(2):
                one = run.run(losses.ToyLasso(lam), optim.make("adam", lr), beta0[s], 200, record=("loss", "l1"))
                np.testing.assert_array_equal(grid["l1"][:, i, j, s], one["l1"])
                np.testing.assert_array_equal(grid.beta[i, j, s], one.beta)


def test_paper_momentum_is_torch_heavy_ball_rescaled():
    """Eq. (16) with β_{-1} = β_0 is heavy ball with lr = α(1 − η): checked on the toy LASSO by hand."""
    loss, beta0 = losses.ToyLasso(1.0), np.array([0.3, -0.2])
    ours = run.run(loss, optim.make("momentum-paper", 0.1, momentum=0.5), beta0, 3, record=(), trajectory=True)
    b1 = beta0 - 0.1 * 0.5 * np.sign(beta0)
    b2 = b1 - 0.1 * 0.5 * np.sign(b1) + 0.5 * (b1 - beta0)
    np.testing.assert_allclose(ours.trajectory[1], b1, rtol=1e-15)
    np.testing.assert_allclose(ours.trajectory[2], b2, rtol=1e-15)


def test_paper_rmsprop_follows_eqs_18_19():
    loss, beta0 = losses.ToyLasso(2.0), np.array([0.3, -0.2])
    ours = run.run(loss, optim.make("rmsprop-paper", 0.01, gamma=0.9, eps=1e-6), beta0, 2, record=(), trajectory=True)
    v1 = 0.1 * 4.0
    np.testing.assert_allclose(ours.trajectory[1], beta0 - 0.01 * 2 * np.sign(beta0) / np.sqrt(v1 + 1e-6), rtol=1e-15)


def test_soft_threshold_and_prox_step():
    np.testing.assert_array_equal(optim.soft_threshold(np.array([-2.0, -0.5, 0.0, 0.3, 1.5]), 0.5),
                                  [-1.5, -0.0, 0.0, 0.0, 1.0])
    # on the toy LASSO the proximal method lands on the minimiser 0 and stays there
    loss, beta0 = losses.ToyLasso(1.0), problems.starts(0, 10)[0]
    res = run.run(loss, optim.make("prox", 0.1), beta0, 20, record=("zeros",))
    assert res.final("zeros") == 1.0


def test_prox_fixed_point_satisfies_the_lasso_optimality_conditions():
    """At a fixed point of ISTA, |∇fit| <= λ1 on zeros and ∇fit = −λ1 sign(β) elsewhere."""
    loss = losses.GeneralLasso(DATA.Z, DATA.y, lam1=0.05)
    eta = losses.LeastSquares(DATA.Z, DATA.y).sharpness() * 2      # Hessian of (15) is 2WᵀW/N
    res = run.run(loss, optim.make("prox", 1.0 / eta), DATA.beta0, 20000, record=())
    g = loss.smooth_grad(res.beta)
    nz = res.beta != 0
    assert nz.sum() < DATA.Z.shape[0] + 1
    np.testing.assert_allclose(g[nz], -0.05 * np.sign(res.beta[nz]), atol=1e-8)
    assert np.all(np.abs(g[~nz]) <= 0.05 + 1e-8)


@pytest.mark.parametrize("kind,expected", [
    ("constant", [1, 1, 1, 1]),
    ("diminishing", [1, 1 / 2, 1 / 3, 1 / 4]),
    ("reducing", [1, 1, 0.1, 0.1]),
])
def test_step_size_regimes(kind, expected):
    sched = {"constant": lambda: optim.constant(4), "diminishing": lambda: optim.diminishing(4),
             "reducing": lambda: optim.reducing(4, every=2, factor=0.1)}[kind]()
    np.testing.assert_allclose(sched, expected)


def test_schedule_scales_the_learning_rate_each_step():
    loss, beta0 = losses.ToyLasso(1.0), np.array([1.0])
    res = run.run(loss, optim.make("gd", 0.1), beta0, 4, record=(), trajectory=True,
                  schedule=optim.reducing(4, every=2, factor=0.5))
    np.testing.assert_allclose(res.trajectory[:, 0], [1.0, 0.9, 0.8, 0.75, 0.7])


def test_soft_threshold_is_exact_at_and_around_the_threshold():
    """S_τ(x) = sign(x) max(|x| − τ, 0) with τ = 0.5: zero up to and at ±τ, the exact excess past it, even
    one ulp past it (|x| − τ is exact there, Sterbenz's lemma), and the identity at τ = 0."""
    tau = 0.5
    above, below = np.nextafter(tau, 1.0), np.nextafter(tau, 0.0)
    x = np.array([-2.0, -tau - 2.0 ** -20, -above, -tau, -below, -0.0, 0.0, below, tau, above, tau + 2.0 ** -20, 2.0])
    want = np.array([-1.5, -2.0 ** -20, tau - above, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, above - tau, 2.0 ** -20, 1.5])
    assert above - tau == 2.0 ** -53                 # the spacing of float64 just above 0.5
    np.testing.assert_array_equal(optim.soft_threshold(x, tau), want)
    np.testing.assert_array_equal(optim.soft_threshold(x, 0.0), x)


def test_one_prox_step_is_the_soft_threshold_of_a_gradient_step():
    """One ISTA step from β equals S_{αλ1}(β − α∇fit(β)), written out by hand: on the toy LASSO (no fit
    term), with coordinates inside, at and 2^-30 outside the threshold αλ1 = 0.25, and on eq. (15) with
    dyadic data (every product and sum exact, so the two must agree bit for bit)."""
    from rounding import dyadic

    lr, lam1 = 0.125, 2.0
    t = lr * lam1
    toy_beta = np.array([1.0, -0.3125, 0.25, -0.25, 0.125, 0.0, 0.25 + 2.0 ** -30])
    toy = run.run(losses.ToyLasso(lam1), optim.make("prox", lr), toy_beta, 1, record=(), trajectory=True)
    np.testing.assert_array_equal(toy.trajectory[1], [0.75, -0.0625, 0.0, 0.0, 0.0, 0.0, 2.0 ** -30])

    W = dyadic(np.random.default_rng(1).uniform(-1, 1, (4, 6)))
    y = dyadic(np.random.default_rng(2).uniform(-1, 1, 4))
    beta = dyadic(np.random.default_rng(3).uniform(-1, 1, 6))
    grad = (-2.0 / 4) * W.T @ (y - W @ beta)                 # ∇ of (1/N)‖y − Wβ‖², N = 4
    z = beta - lr * grad
    want = np.where(z > t, z - t, np.where(z < -t, z + t, 0.0))
    res = run.run(losses.GeneralLasso(W, y, lam1), optim.make("prox", lr), beta, 1, record=(), trajectory=True)
    np.testing.assert_array_equal(res.trajectory[1], want)
    assert np.any(want == 0.0) and np.any(want != 0.0)       # the data put coordinates on both sides


@pytest.mark.parametrize("name", sorted(optim.RULES))
def test_run_checks_beta_once_and_the_steps_never_again(name):
    """The inner loop reads the loss through check=False: β is validated at the public boundary only."""
    class Counting(losses.ToyLasso):
        checks = 0

        def check_beta(self, beta):
            Counting.checks += 1
            return super().check_beta(beta)

    rule = optim.make(name, [0.1, 0.01])
    assert rule.base_lr.shape == (2, 1)
    run.run(Counting(1.0), rule, problems.starts(0, 4), 50, record=("loss", "l1"))
    assert Counting.checks == 1

"""Section 5: the edge of stability (Proposition 5.1, Figure 4, Appendix D.1).

GD on a quadratic diverges once α > 2/η, η the largest Hessian eigenvalue. On a convex loss whose
(sub)gradients are bounded by L (eq. 6) it cannot: the constant-step subgradient analysis keeps
f(x_k) − f* within a multiple of αL². Here, for whole grids of α at once: the Huber loss (10) on the
50 x 200 problem of Section 5 against the plain quadratic on the same data, the D.1 bound against
the runs, and the toy LASSO (7); where the late Huber iterates sit (on its linear branch, which bears
on the counterexample to Ma et al. 2022), and the argument that bounds every iterate once the
hypotheses of Proposition 5.1 are made explicit.
"""
from __future__ import annotations

import numpy as np

from . import losses, optim, problems, run, validation

BLOWUP = 1e6
"""A run has diverged when its loss ends non-finite or above BLOWUP times where it started."""


def _diverged(curves):
    """Per row of `curves` (A, T+1): the last value is non-finite or BLOWUP times the first."""
    last = curves[..., -1]
    return ~np.isfinite(last) | (last > BLOWUP * curves[..., 0])


def huber_constants(seed: int = 0) -> dict:
    """f*, L and η for the Huber problem (10) drawn with `seed`, and how each is obtained.

    - f* = 0: with N = 50 < P = 200 rows, Z has full row rank, so the least-norm β = Z⁺y fits y exactly
      and every residual, hence every Huber term, is 0 ("residual" is max|Zβ − y| there).
    - L, the Lipschitz constant of (10) (eq. 6): ∇f = Zᵀclip(Zβ − y, −1, 1)/N, so L = max over u in
      [−1, 1]^N of ‖Zᵀu‖/N, reached at a sign vector. It lies between "lipschitz_low", the best sign vector
      found by single flips from the signs of Z's top left singular vector, and "lipschitz_high" =
      σ_max(Z)/√N = √η, from ‖u‖₂ <= √N.
    - η, the top eigenvalue of ZᵀZ/N: the quadratic's Hessian, and also the Lipschitz constant of the
      Huber gradient (clip is 1-Lipschitz), so (10) is L-smooth in the sense of eq. (5) with constant η.
    """
    p = problems.huber(seed)
    n = p.Z.shape[0]
    beta = np.linalg.pinv(p.Z) @ p.y
    U, S, _ = np.linalg.svd(p.Z, full_matrices=False)
    gram = p.Z @ p.Z.T
    u = np.sign(U[:, 0])
    # single flips: flipping uᵢ changes uᵀGu by 4(Gᵢᵢ − uᵢ(Gu)ᵢ); take the best gain while one is positive
    for _ in range(n * n):
        gain = np.diag(gram) - u * (gram @ u)
        i = int(np.argmax(gain))
        if gain[i] <= 1e-12 * gram[i, i]:
            break
        u[i] = -u[i]
    eta = losses.LeastSquares(p.Z, p.y).sharpness()
    return {"fstar": 0.0, "residual": float(np.max(np.abs(p.Z @ beta - p.y))),
            "lipschitz_low": float(np.linalg.norm(p.Z.T @ u) / n), "lipschitz_high": float(S[0] / np.sqrt(n)),
            "eta": float(eta), "edge": 2.0 / float(eta)}


def huber_smoothness(seed: int = 0, pairs: int = 2000, scale: float = 3.0) -> dict:
    """Difference quotients ‖∇f(a) − ∇f(b)‖/‖a − b‖ of the Huber loss (10), against η of `huber_constants`.

    "top": a = Z⁺y (every residual 0) and b = a + 0.1 v, v the top eigenvector of ZᵀZ/N: both inside the
    quadratic branch, so the quotient is η. "random_max": the largest over random pairs in
    [−scale, scale]^P. Neither exceeds η: (10) satisfies eq. (5), although Section 5 calls it non-smooth.
    """
    pairs = validation.count("pairs", pairs)
    scale = float(validation.positive("scale", scale))
    p = problems.huber(seed)
    loss = losses.Huber(p.Z, p.y)
    top = np.linalg.eigh(p.Z.T @ p.Z)[1][:, -1]
    a = np.stack([np.linalg.pinv(p.Z) @ p.y, *np.random.default_rng(seed).uniform(-scale, scale, (pairs, p.Z.shape[1]))])
    b = np.concatenate([a[:1] + 0.1 * top, np.random.default_rng(seed + 1).uniform(-scale, scale, (pairs, p.Z.shape[1]))])
    quotient = np.linalg.norm(loss.grad(a) - loss.grad(b), axis=-1) / np.linalg.norm(a - b, axis=-1)
    return {"top": float(quotient[0]), "random_max": float(np.max(quotient[1:]))}


def edge_curves(alphas, steps: int = 1000, seed: int = 0) -> dict:
    """Figure 4 and the quadratic beside it, for every α in `alphas` in one vectorised run each.

    GD from β0 = 0 on the Huber loss (10) and on the least-squares loss (1/2N)‖y − Zβ‖² of the same
    data. Returns numpy arrays "alpha" (A,), "step" (T+1,), "huber" (A, T+1), "quadratic" (A, T+1)
    (inf once it overflows), "huber_diverged" and "quadratic_diverged" (A,), "bound" (A,) = αL² with
    L = "lipschitz_low" (the D.1 bound), "huber_tail_max" and "huber_best" (A,) (max of f(β_k) − f*
    over the last half of the run, and min over the whole run), "huber_best_step" (A,) (the first step
    at which that minimum is reached: 0 when the run never improves on β0), and the floats "eta" and
    "edge" = 2/η.
    """
    alphas = validation.positive("alphas", alphas).reshape(-1)
    steps = validation.count("steps", steps, minimum=2)
    p = problems.huber(seed)
    const = huber_constants(seed)
    rule = optim.make("gd", alphas)
    huber = run.run(losses.Huber(p.Z, p.y), rule, p.beta0, steps, record=("loss",))["loss"].T
    with np.errstate(over="ignore", invalid="ignore"):
        quad = run.run(losses.LeastSquares(p.Z, p.y), rule, p.beta0, steps, record=("loss",))["loss"].T
    quad = np.where(np.isfinite(quad), quad, np.inf)
    gap = huber - const["fstar"]
    return {
        "alpha": alphas, "step": np.arange(steps + 1), "huber": huber, "quadratic": quad,
        "huber_diverged": _diverged(huber), "quadratic_diverged": _diverged(quad),
        "bound": alphas * const["lipschitz_low"] ** 2,
        "huber_tail_max": np.max(gap[:, steps // 2:], axis=-1), "huber_best": np.min(gap, axis=-1),
        "huber_best_step": np.argmin(gap, axis=-1),
        "eta": const["eta"], "edge": const["edge"],
    }


def toy_lasso_curves(alphas, lam1: float = 1.0, p: int = 10, seeds=range(5), steps: int = 1000) -> dict:
    """NDGM on the toy LASSO (7), λ1‖β‖₁, from β0 ~ U[−1, 1]^p for each seed and α: it never diverges.

    Proposition 4.1 keeps every |β_k[i]| <= max(|β_0[i]|, αλ1). Returns "alpha" (A,), "linf" (A, S, T+1),
    "loss" (A, S, T+1), "bound" (A, S) = max(‖β_0‖∞, αλ1), and "lipschitz" = λ1√p (L of eq. 6).
    """
    alphas = validation.positive("alphas", alphas).reshape(-1)
    lam1 = float(validation.positive("lam1", lam1))
    beta0 = problems.starts(seeds, p)
    res = run.sweep(losses.ToyLasso, "gd", [lam1], alphas, beta0, steps, record=("linf", "loss"))
    return {"alpha": alphas, "linf": np.moveaxis(res["linf"][:, 0], 0, -1),
            "loss": np.moveaxis(res["loss"][:, 0], 0, -1),
            "bound": np.maximum(np.max(np.abs(beta0), axis=-1)[None, :], alphas[:, None] * lam1),
            "lipschitz": lam1 * np.sqrt(beta0.shape[-1])}


def unbounded_subgradients(alphas, x0: float = 1.0, steps: int = 60) -> dict:
    """NDGM on |x| + x², convex and non-smooth but with subgradients that grow without bound.

    The step is x ← (1 − 2α)x − α sign(x). At α = 1 it is x ← −x − sign(x), so |x| grows by 1 per step;
    for α > 1 the factor |1 − 2α| exceeds 1 and |x| grows geometrically; for α < 1 the iterates stay
    bounded. Without eq. (6) a kink does not prevent divergence. Returns "alpha" (A,) and "x" (A, T+1), the |x_k|.
    """
    alphas = validation.positive("alphas", alphas).reshape(-1)
    x0 = float(validation.real_array("x0", x0))
    res = run.run(losses.Loss(lam1=1.0, lam2=1.0), optim.make("gd", alphas), np.array([x0]), steps, record=("linf",))
    return {"alpha": alphas, "x": res["linf"].T}


def huber_residuals(alphas, steps: int = 1000, last: int = 200, seed: int = 0) -> dict:
    """Where on the Huber loss (10) GD's late iterates sit: the residuals r = z_iᵀβ_k − y_i over the last
    `last` of `steps` iterates from β0 = 0, for each α.

    A term of (10) is quadratic while |r| < 1 and linear (subquadratic growth) once |r| >= 1. Returns
    "alpha" (A,), "linear" (A,) (the fraction of residuals with |r| >= 1), "median" and "min" (A,) of |r|.
    """
    alphas = validation.positive("alphas", alphas).reshape(-1)
    steps = validation.count("steps", steps, minimum=2)
    last = validation.count("last", last)
    if last > steps:
        raise ValueError(f"last must be at most steps ({steps}); got {last}")
    p = problems.huber(seed)
    loss, rule = losses.Huber(p.Z, p.y), optim.make("gd", alphas)
    start = np.broadcast_to(p.beta0, (alphas.size, p.beta0.size))
    if steps > last:
        start = run.run(loss, rule, start, steps - last, record=()).beta
    tail = run.run(loss, rule, start, last, record=(), trajectory=True).trajectory[1:]     # (last, A, P)
    r = np.abs(tail @ p.Z.T - p.y)                                                       # (last, A, N)
    r = np.moveaxis(r, 1, 0).reshape(alphas.size, -1)
    return {"alpha": alphas, "linear": np.mean(r >= 1.0, axis=-1), "median": np.median(r, axis=-1),
            "min": np.min(r, axis=-1)}


def d1_argument(alphas, seed: int = 0) -> dict:
    """Proposition 5.1 with its hypotheses made explicit, for the Huber problem (10): a bound on every iterate.

    For convex f with subgradients bounded by G (eq. 6) and a non-empty set X* of minimisers, each NDGM step
    gives dist(x_{k+1}, X*)² <= dist(x_k, X*)² − 2α(f(x_k) − f*) + α²G². The distance falls while
    f(x_k) − f* > αG²/2; otherwise x_k lies in {f <= f* + αG²/2}, which for (10) is within D of X*, and one
    step adds at most αG. So dist(x_k, X*) <= R = max(dist(x_0, X*), D + αG) and f(x_k) − f* <= GR for all k.
    For (10), X* = {β : Zβ = y}, dist(β, X*) = ‖Z⁺(Zβ − y)‖ <= ‖r‖₂/σ_min(Z) and each Huber term is at least
    |r_i| − 1/2, so D <= N(αG²/2 + 1/2)/σ_min(Z); G is √η, an upper bound on L (`huber_constants`).
    Returns "alpha" (A,), floats "G", "sigma_min", "dist0", and (A,) arrays "radius" (D), "dist_bound" (R),
    "loss_bound" (GR).
    """
    alphas = validation.positive("alphas", alphas).reshape(-1)
    p = problems.huber(seed)
    n = p.Z.shape[0]
    G = huber_constants(seed)["lipschitz_high"]
    sigma_min = float(np.linalg.svd(p.Z, compute_uv=False)[-1])
    dist0 = float(np.linalg.norm(np.linalg.pinv(p.Z) @ (p.Z @ p.beta0 - p.y)))
    radius = n * (alphas * G ** 2 / 2 + 0.5) / sigma_min
    dist_bound = np.maximum(dist0, radius + alphas * G)
    return {"alpha": alphas, "G": G, "sigma_min": sigma_min, "dist0": dist0, "radius": radius,
            "dist_bound": dist_bound, "loss_bound": G * dist_bound}

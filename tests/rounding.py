"""Tolerances that hold on any CPU, for tests that compare two computations of the same numbers.

Two float64 computations that add the same terms in different orders (numpy's OpenBLAS against
torch's MKL, a batched against a single matrix product, AVX-512 against SSE kernels, one thread
against two) agree only to rounding error, and how they round depends on the machine. The tests
remove that dependence in one of three ways:
- `dyadic` data, on which every product and partial sum of a loss is exact, so any order gives
  the same bits and the comparison can be exact;
- where a non-linear function or a division rounds, a bound from the magnitudes of the terms
  involved (written where it is used: test_losses_extra, test_optim's one-step test);
- for whole runs, `trajectory_tolerance`: a per-step budget of a few ulps, summed over the
  steps and multiplied by `amplification`, the measured growth of a change of the start.
"""
import numpy as np

from ndgm import run

EPS = np.finfo(np.float64).eps
"""The spacing of float64 at 1 (2^-52): one rounding changes x by at most EPS·|x|/2."""

DYADIC_BITS = 6

STEP_ULPS = 16
"""Per-step budget for two implementations of a run, in ulps of the iterate's magnitude ‖β‖∞.

Given the same state and gradient, one step of each rule differs from torch.optim's by a few roundings
of the magnitudes involved (test_optim's one-step test); the two gradients, from different BLAS
libraries, add a rounding of each of their sums, scaled by the step size. Measured on test_optim's
problems with four OpenBLAS kernel families (SkylakeX, Haswell, Sandybridge and the SSE-only kernel
that OPENBLAS_CORETYPE=Prescott selects), three ATen CPU capabilities (AVX-512, AVX2, none), MKL's
SSE4.2 path and one thread, the largest difference between two runs was 0.56 times what a budget of
one ulp per step allows (for eq. 16, which torch computes in another form): 16 leaves a margin of 28.
"""


def dyadic(x):
    """x rounded to the nearest multiple of 2^-6.

    Products of two such numbers are multiples of 2^-12 and their squares multiples of 2^-24, so a
    float64 (53-bit significand) holds every product, residual, square and partial sum of the
    tests' losses exactly while they stay below 2^29: the order of the sums cannot change a bit.
    """
    scale = 2.0 ** DYADIC_BITS
    return np.round(np.asarray(x, dtype=float) * scale) / scale


def amplification(loss, rule, beta0, steps, *, record=(), size=2.0 ** -40, directions=4):
    """How much `rule` on `loss` amplifies a small change of its start, at each step 0..`steps`.

    Runs from β0 and from `directions` starts moved by ±size·‖β0‖∞ in every coordinate (fixed random
    signs), in one batched call. Returns a dict: "beta" and each name in `record` -> array (T + 1,), the
    running maximum over steps of max over directions of |change at step t| / ‖change of the start‖∞
    (for "beta", the change is measured in ‖·‖∞). It is at least 1 for "beta".

    `size` is 2^-40 (about 1e-12 relative): ten thousand times the runs' own rounding, so the rounding
    does not blur the measurement, and small enough that growth by 1e6 stays a small change. Where the
    loss has kinks, a change this large can cross one that rounding would not: that overestimates
    the amplification, so a tolerance built on it errs on the loose side.
    """
    signs = np.random.default_rng(0).choice([-1.0, 1.0], (directions, beta0.shape[-1]))
    starts = np.vstack([beta0, beta0 + size * (np.max(np.abs(beta0)) or 1.0) * signs])
    res = run.run(loss, rule, starts, steps, record=record, trajectory=True)
    path = res.trajectory                                  # (T + 1, 1 + directions, P)
    moved = np.max(np.abs(path[0, 1:] - path[0, :1]), axis=-1)
    growth = {"beta": np.max(np.abs(path[:, 1:] - path[:, :1]), axis=-1)}
    growth.update({name: np.abs(res[name][:, 1:] - res[name][:, :1]) for name in record})
    return {name: np.maximum.accumulate(np.max(g / moved, axis=-1)) for name, g in growth.items()}


def trajectory_tolerance(beta, growth):
    """Allowed difference at each step between two runs of the same rule that round differently.

    A discrepancy of at most STEP_ULPS·EPS·‖β_s‖∞ enters at every step s <= t; the dynamics carry
    each one to step t multiplied by at most about growth_t (measured by `amplification` for a
    change of the start; a running maximum, so it also bounds the growth from later starting steps
    where the growth is monotone, the usual case). So the difference at step t is at most
    (t + 1)·STEP_ULPS·EPS·max_{s<=t}‖β_s‖∞·growth_t. `beta` (T + 1, P) holds the reference run's
    iterates at every step, `growth` (T + 1,) comes from `amplification`; returns shape (T + 1,).
    """
    scale = np.maximum.accumulate(np.max(np.abs(beta), axis=-1))
    return (np.arange(len(beta)) + 1.0) * STEP_ULPS * EPS * scale * growth

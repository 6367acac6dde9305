"""Runs and sweeps: the summaries, the record, period-2 detection; the documented examples of the core modules."""
import doctest
import inspect

import numpy as np
import pytest

from ndgm import losses, optim, problems, run

CORE = (losses, optim, run)
ENTRY_POINTS = (run.run, run.sweep, optim.make, losses.Loss, losses.ToyLasso, losses.ReluRegression,
                losses.GeneralLasso, losses.Huber, losses.LeastSquares, losses.SoftplusRegression, losses.WeightedL1)


def test_summaries_at_each_recorded_step():
    loss = losses.ToyLasso(lam1=1.0)
    beta0 = np.array([0.5, -0.25, 0.0, 2e-6])
    res = run.run(loss, optim.make("gd", 0.1), beta0, 3, record=tuple(run.SUMMARIES), tau=1e-5, trajectory=True)
    np.testing.assert_array_equal(res.steps, [0, 1, 2, 3])
    for t in range(4):
        b = res.trajectory[t]
        np.testing.assert_allclose(res["loss"][t], np.abs(b).sum())
        np.testing.assert_allclose(res["l1"][t], np.abs(b).sum())
        np.testing.assert_allclose(res["linf"][t], np.abs(b).max())
        assert res["small"][t] == np.mean(np.abs(b) < 1e-5)
        assert res["zeros"][t] == np.mean(b == 0)
    assert res["zeros"][0] == 0.25               # the exact zero stays zero under NDGM (eq. 11)
    np.testing.assert_array_equal(res.tail, res.trajectory[1:])


def test_zeros_counts_only_exact_zeros():
    """Propositions B.1 and B.4 and Table 1 are about *exact* zeros: a coordinate of 1e-13, 1e-300 or the
    smallest subnormal is not one, however small, while −0.0 is. "small" (|β| < τ) counts them all."""
    tiny = [1e-13, -1e-300, np.nextafter(0.0, 1.0)]
    exact = [0.0, -0.0]
    beta0 = np.array([*tiny, *exact, 0.75])
    res = run.run(losses.ToyLasso(1.0), optim.make("gd", 0.5), beta0, 1, record=("zeros", "small"), tau=1e-5,
                  trajectory=True)
    assert res["zeros"][0] == len(exact) / beta0.size
    assert res["small"][0] == (len(tiny) + len(exact)) / beta0.size
    # one NDGM step moves each tiny coordinate by αλ1 = 0.5, across zero, and leaves the exact zeros at 0 (eq. 11)
    after = res.trajectory[1]
    assert np.all(np.sign(after[:3]) == -np.sign(tiny)) and np.all(after[3:5] == 0.0)
    assert res["zeros"][1] == len(exact) / beta0.size


def test_every_thins_the_record_but_keeps_the_last_step():
    res = run.run(losses.ToyLasso(1.0), optim.make("gd", 0.01), np.ones(3), 10, every=4)
    np.testing.assert_array_equal(res.steps, [0, 4, 8, 10])
    assert res["l1"].shape == (4,)


def test_sweep_axes_and_shapes():
    beta0 = problems.starts(range(4), 10)
    res = run.sweep(losses.ToyLasso, "gd", [0.1, 1.0, 10.0], [0.01, 0.1], beta0, 50, record=("l1",))
    assert res.axes == ("lam1", "lr", "seed")
    assert res["l1"].shape == (51, 3, 2, 4)
    assert res.beta.shape == (3, 2, 4, 10)


def test_sweep_over_a_data_problem():
    p = problems.general_lasso(seed=0, n=10, p=30)
    res = run.sweep(lambda lam: losses.GeneralLasso(p.Z, p.y, lam), "prox", [0.01, 0.1], [0.05],
                    p.beta0[None], 500, record=("zeros",))
    assert res.final("zeros").shape == (2, 1, 1)
    assert res.final("zeros")[1, 0, 0] > res.final("zeros")[0, 0, 0]   # more λ1, more exact zeros


def test_period_two_detection():
    toy = run.run(losses.ToyLasso(1.0), optim.make("gd", 0.1), problems.starts(0, 5)[0], 200, record=())
    assert toy.period_two()
    quad = losses.LeastSquares(np.eye(2), np.ones(2))
    converging = run.run(quad, optim.make("gd", 0.5), np.zeros(2), 200, record=())
    assert not converging.period_two()


def test_record_at_chosen_iterations():
    marks = run.log_marks(1000, 20)
    assert marks[0] == 0 and marks[-1] == 1000 and np.all(np.diff(marks) > 0)
    res = run.run(losses.ToyLasso(1.0), optim.make("gd", 0.01), np.ones(3), 1000, at=[0, 10, 500])
    np.testing.assert_array_equal(res.steps, [0, 10, 500])
    np.testing.assert_allclose(res["l1"][:2], [3.0, 2.7])
    full = run.run(losses.ToyLasso(1.0), optim.make("gd", 0.01), np.ones(3), 1000)
    np.testing.assert_array_equal(res["l1"], full["l1"][[0, 10, 500]])


@pytest.mark.parametrize("module", CORE, ids=lambda m: m.__name__)
def test_the_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


def public_names(module):
    """Every public function, class, method and property the module defines."""
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        yield name, obj
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if not attr.startswith("_") and (inspect.isfunction(member) or isinstance(member, property)):
                    yield f"{name}.{attr}", member


@pytest.mark.parametrize("module", CORE, ids=lambda m: m.__name__)
def test_every_public_name_is_documented_and_the_entry_points_have_examples(module):
    undocumented = [name for name, obj in public_names(module) if not inspect.getdoc(obj)]
    assert not undocumented
    for obj in ENTRY_POINTS:
        if obj.__module__ == module.__name__:
            assert ">>> " in obj.__doc__, f"{obj.__qualname__} has no example"

"""The benchmark's two computations agree (its timing is a command, not a test)."""
import numpy as np

from ndgm import benchmark, problems


def test_grid_spans_the_requested_ranges():
    lam1, lr = benchmark.grid(1000)
    assert lam1.shape == lr.shape == (1000,)
    assert np.isclose(lam1.min(), 1e-3) and np.isclose(lam1.max(), 1e2)
    assert np.isclose(lr.min(), 1e-3) and np.isclose(lr.max(), 1.0)
    assert len(set(zip(lam1, lr))) == 1000


def test_vectorised_and_torch_loops_agree():
    lam1, lr = benchmark.grid(6)
    beta0 = problems.starts(0, 10)[0]
    np.testing.assert_allclose(benchmark.with_ndgm(lam1, lr, beta0, 300),
                               benchmark.with_torch(lam1, lr, beta0, 300), rtol=1e-12, atol=1e-14)

"""ndgm.networks.small_mlp: the page What works' check on a small MLP, trained by NDGM and by ProxSGD."""
import numpy as np
import pytest

from ndgm.networks import small_mlp, sparsity_check


@pytest.fixture(scope="module")
def checks():
    """A quick version of the page's run: a large λ1, so that T·αλ1 reaches most of the first layer's weights
    (PyTorch starts them within 1/√3072 ≈ 0.018 of 0)."""
    return small_mlp.train_and_check(lr=0.1, l1=0.02, epochs=2, batch_size=16, n_train=64, n_test=32, hidden=8)


def test_numbers_are_the_reports_and_accuracies(checks):
    got = checks.numbers()
    assert set(got) == {"lr", "l1", "ndgm_acc", "prox_acc", "ndgm_zeros", "ndgm_band", "prox_zeros", "reach"}
    assert (got["lr"], got["l1"]) == (0.1, 0.02) and checks.epochs == 2 and checks.steps_per_epoch == 4
    assert got["reach"] == pytest.approx(0.1 * 0.02 * 2 * 4)
    assert got["ndgm_zeros"] == 100 * checks.ndgm_report.overall.zeros
    assert got["ndgm_band"] == 100 * checks.ndgm_report.overall.band
    assert got["prox_zeros"] == 100 * checks.prox_report.overall.zeros
    assert 0.0 <= got["ndgm_acc"] <= 1.0 and 0.0 <= got["prox_acc"] <= 1.0
    assert checks.ndgm_report.swing == checks.prox_report.swing == pytest.approx(0.1 * 0.02)


def test_the_proximal_step_makes_exact_zeros_where_ndgm_only_swings(checks):
    """NDGM leaves the weights it catches inside the band |w| < αλ1, not at 0 (eq. 8); ProxSGD sets them to 0."""
    assert checks.ndgm_report.overall.zeros < 0.01 < checks.ndgm_report.overall.band
    assert checks.prox_report.overall.zeros > 0.5
    assert checks.prox_report.kind == "sparse" and checks.ndgm_report.kind == "oscillation"


def test_both_trainings_start_from_the_same_network():
    a, b = small_mlp.mlp(8, seed=3), small_mlp.mlp(8, seed=3)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
    assert small_mlp.SmallMLPChecks.__dataclass_params__.frozen

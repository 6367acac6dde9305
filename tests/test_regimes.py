import numpy as np
import pytest

from ndgm.studies import regimes


@pytest.fixture(scope="module")
def section2():
    return regimes.step_size_regimes(steps=400, lr=0.1, every=100, factor=0.1, seed=0)


def test_a_constant_step_ends_in_a_two_cycle_below_alpha(section2):
    x = np.asarray(section2.runs["constant"]["l1"])
    assert 0 < section2.final("constant") < section2.lr
    assert x[-1] + x[-2] == pytest.approx(section2.lr)          # the two values of the cycle add up to α


def test_the_reducing_run_ends_within_its_last_step_and_its_rates_sum_below_the_geometric_limit(section2):
    assert section2.last_lr("reducing") == pytest.approx(0.1 * 0.1 ** 3)
    assert 0 < section2.final("reducing") < section2.last_lr("reducing")
    n = section2.numbers()
    assert n["sum_reducing"] == pytest.approx(0.1 * 100 * (1 + 0.1 + 0.01 + 0.001))
    assert n["sum_reducing"] < n["sum_reducing_limit"] == pytest.approx(0.1 * 100 / 0.9)


def test_the_diminishing_step_shrinks_the_cycle_only_as_fast_as_the_step(section2):
    assert section2.last_lr("diminishing") == pytest.approx(0.1 / np.sqrt(400))
    assert section2.final("diminishing") < section2.final("constant")
    assert section2.final("diminishing") < 2 * section2.last_lr("diminishing")


def test_gd_on_the_smooth_square_converges(section2):
    assert section2.numbers()["final_smooth"] == pytest.approx(abs(section2.x0) * 0.9 ** 400)


def test_numbers_holds_every_name_the_page_prints(section2):
    n = section2.numbers()
    assert {"x0", "alpha", "T_steps", "cut_every", "final_constant", "final_diminishing", "final_reducing",
            "alpha_last_reducing", "alpha_last_diminishing", "ratio_constant", "ratio_reducing"} <= set(n)
    assert n["ratio_constant"] == pytest.approx(n["final_constant"] / 0.1)


@pytest.mark.parametrize("kwargs,name", [({"steps": 0}, "steps"), ({"lr": -0.1}, "lr"), ({"factor": 1.0}, "factor"),
                                         ({"every": 2.5}, "every")])
def test_bad_settings_name_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=name):
        regimes.step_size_regimes(**kwargs)


def test_an_unknown_regime_is_named(section2):
    with pytest.raises(ValueError, match="regime"):
        section2.final("cyclic")

"""Bad inputs raise ValueError naming the parameter and what it accepts."""
import numpy as np
import pytest

from ndgm import losses, optim, problems, run

Z, Y = np.ones((3, 4)), np.zeros(3)


@pytest.mark.parametrize("call,match", [
    (lambda: losses.ToyLasso(lam1=-1.0), r"lam1 must lie in \[0, inf\)"),
    (lambda: losses.ToyLasso(lam1=[1.0, -0.1]), r"lam1 must lie in \[0, inf\)"),
    (lambda: losses.ToyLasso(lam1=np.nan), "lam1 must be finite"),
    (lambda: losses.ToyLasso(lam1="big"), "lam1 must be a finite real number"),
    (lambda: losses.ReluRegression(Z, Y, lam2=-0.01), r"lam2 must lie in \[0, inf\)"),
    (lambda: losses.GeneralLasso(Z, np.zeros(4), lam1=0.1), r"y must have one entry per row of Z \(3\)"),
    (lambda: losses.Huber(np.ones(3), Y), "Z must have at least 2 dimension"),
    (lambda: losses.Huber(Z, [0.0, np.inf, 0.0]), "y must be finite"),
    (lambda: losses.GeneralLasso(Z, Y, 0.1).value(np.ones(5)), r"beta must have one entry per column of Z \(4\)"),
    (lambda: losses.ToyLasso(1.0).grad([np.nan]), "beta must be finite"),
    (lambda: optim.make("gd", lr=0.0), r"lr must lie in \(0, inf\)"),
    (lambda: optim.make("gd", lr=-1e-3), r"lr must lie in \(0, inf\)"),
    (lambda: optim.make("gd", lr=np.inf), "lr must be finite"),
    (lambda: optim.make("newton", lr=0.1), "optimizer must be one of 'gd', 'momentum', "),
    (lambda: optim.make("momentum", lr=0.1, momentum=1.0), r"momentum must lie in \[0, 1\)"),
    (lambda: optim.make("adam", lr=0.1, beta2=1.5), r"beta2 must lie in \[0, 1\)"),
    (lambda: optim.make("rmsprop", lr=0.1, eps=0.0), r"eps must lie in \(0, inf\)"),
    (lambda: optim.make("gd", lr=0.1, momentum=0.9), r"optimizer 'gd' accepts the hyper-parameters \[\]"),
    (lambda: optim.diminishing(10, power=2.0), r"power must lie in \(0, 1\]"),
    (lambda: optim.reducing(10, every=0), "every must be an integer >= 1"),
    (lambda: run.run(losses.ToyLasso(1.0), optim.make("gd", 0.1), np.ones(3), 0), "steps must be an integer >= 1"),
    (lambda: run.run(losses.ToyLasso(1.0), optim.make("gd", 0.1), np.ones(3), 2.5), "steps must be an integer >= 1"),
    (lambda: run.run(losses.ToyLasso(1.0), optim.make("gd", 0.1), np.ones(3), 5, record=("l2",)),
     "record must be one of 'loss', 'l1', 'linf', 'small', 'zeros'"),
    (lambda: run.run(losses.ToyLasso(1.0), optim.make("gd", 0.1), np.ones(3), 5, schedule=np.ones(4)),
     r"schedule must have one multiplier per step \(5\)"),
    (lambda: run.run(losses.ToyLasso([1.0, 2.0]), optim.make("gd", [0.1, 0.2, 0.3]), np.ones(3), 5),
     "shapes do not broadcast together"),
    (lambda: run.run("toy", optim.make("gd", 0.1), np.ones(3), 5), "loss must be an ndgm.losses.Loss"),
    (lambda: run.run(losses.ToyLasso(1.0), "gd", np.ones(3), 5), "rule must be an ndgm.optim.Rule"),
    (lambda: run.sweep(losses.ToyLasso, "gd", [1.0], [0.1], np.ones(3), 5), "beta0 must be a 2-dimensional array"),
    (lambda: run.sweep(losses.ToyLasso, "gd", [-1.0], [0.1], np.ones((1, 3)), 5), r"lam1 must lie in \[0, inf\)"),
    (lambda: run.run(losses.ToyLasso(1.0), optim.make("gd", 0.1), np.ones(3), 5, at=[0, 6]),
     r"at must be increasing integers between 0 and steps \(5\)"),
    (lambda: run.run(losses.ToyLasso(1.0), optim.make("gd", 0.1), np.ones(3), 5, at=[2, 1]), "at must be increasing"),
    (lambda: run.log_marks(10, 1), "count must be an integer >= 2"),
    (lambda: problems.starts([], 3), "seeds must name at least one seed"),
    (lambda: problems.general_lasso(p=0), "p must be an integer >= 1"),
])
def test_bad_input_gets_a_clear_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()

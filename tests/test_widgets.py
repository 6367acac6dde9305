"""The live-kernel explorer recomputes with ndgm on every change (its redraw time is reported)."""
import matplotlib
import numpy as np

from ndgm import explorer, optim, run
from ndgm.widgets import LassoExplorer

matplotlib.use("Agg")


def expected(lam1, lr, name, problem, steps=300):
    loss, beta0 = explorer.lasso_problem(problem, lam1)
    return run.run(loss, optim.make(name, lr), beta0, steps, record=("l1", "loss", "zeros"))


def test_every_control_recomputes_the_figure(capsys):
    ui = LassoExplorer(steps=300)
    times = {}
    for control, value in [("lam1", 10.0), ("lr", 0.05), ("optimizer", "rmsprop"), ("problem", "lasso"),
                           ("optimizer", "prox"), ("lam1", 0.02)]:
        before = ui.current.final("l1")
        setattr(getattr(ui, control), "value", value)
        want = expected(ui.lam1.value, ui.lr.value, ui.optimizer.value, ui.problem.value)
        np.testing.assert_allclose(ui.current.final("l1"), want.final("l1"), rtol=1e-12)
        np.testing.assert_allclose(ui.current.final("zeros"), want.final("zeros"))
        assert ui.current.final("l1") != before
        assert f"{want.final('l1'):.4g}" in ui.readout.value
        times[f"{control}={value}"] = ui.last_redraw_s
    with capsys.disabled():
        print("\nlive explorer redraw times (s):", {k: round(v, 3) for k, v in times.items()})

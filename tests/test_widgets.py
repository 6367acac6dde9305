"""The live-kernel controls recompute with ndgm on every change (redraw times are reported)."""
import matplotlib
import numpy as np

from ndgm import convergence, explorer, optim, run, stability
from ndgm.widgets import CaptureFigure, EdgeFigure, LassoExplorer

matplotlib.use("Agg")


def expected(lam1, lr, name, problem, steps=300):
    loss, beta0 = explorer.lasso_problem(problem, lam1)
    return run.run(loss, optim.make(name, lr), beta0, steps, record=("l1", "loss", "zeros"))


def test_every_lasso_control_recomputes_the_figure(capsys):
    ui = LassoExplorer(steps=300)
    images = {bytes(ui.image.value)}
    times = {}
    for control, value in [("lam1", 10.0), ("lr", 0.05), ("optimizer", "rmsprop"), ("problem", "lasso"),
                           ("optimizer", "prox"), ("lam1", 0.02)]:
        before = ui.current.final("l1")
        ui.controls[control].value = value
        c = {k: w.value for k, w in ui.controls.items()}
        want = expected(c["lam1"], c["lr"], c["optimizer"], c["problem"])
        np.testing.assert_allclose(ui.current.final("l1"), want.final("l1"), rtol=1e-12)
        np.testing.assert_allclose(ui.current.final("zeros"), want.final("zeros"))
        assert ui.current.final("l1") != before
        assert f"{want.final('l1'):.4g}" in ui.readout.value
        assert bytes(ui.image.value).startswith(b"\x89PNG")
        images.add(bytes(ui.image.value))
        times[f"{control}={value}"] = ui.last_redraw_s
    assert len(images) == 7                                    # every change drew a new figure
    with capsys.disabled():
        print("\nlive LASSO explorer redraw times, computation and PNG (ms):",
              {k: round(1000 * v) for k, v in times.items()})


def test_alpha_sliders_of_figures_1_and_4_recompute():
    capture = CaptureFigure(steps=200)
    capture.controls["alpha"].value = 0.05
    relu, _ = capture.current
    want = convergence.capture_curves([capture.controls["alpha"].value], 200, activation="relu")
    np.testing.assert_allclose(relu["linf"], want["linf"])
    assert f"{want['linf'].max():.4g}" in capture.readout.value

    edge = EdgeFigure(steps=200)
    edge.controls["alpha"].value = 5.0
    want = stability.edge_curves([edge.controls["alpha"].value], 200)
    np.testing.assert_allclose(edge.current["huber"], want["huber"])
    assert "quadratic: <b>diverged</b>" in edge.readout.value

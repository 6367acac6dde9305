"""The live-kernel controls recompute with ndgm on every change, at any value of any control, and say
where a run diverged (redraw times are printed; `python -m ndgm.tools.benchmark_redraw` measures them)."""
import itertools

import matplotlib
import numpy as np
import pytest

from ndgm.tools import benchmark_redraw
from ndgm.studies import convergence, stability
from ndgm import losses, optim, problems, run
from ndgm.figures import widgets
from ndgm.figures.widgets import CaptureFigure, EdgeFigure, LassoExplorer

matplotlib.use("Agg")


def expected(lam1, lr, name, problem, steps=300):
    loss, beta0 = problems.lasso_problem(problem, lam1)
    return run.run(loss, optim.make(name, lr), beta0, steps, record=("l1", "loss", "zeros"))


def first_nonfinite(steps, *paths):
    """Independently of ndgm.figures.widgets: the first step at which a path is not finite, or None."""
    for t, values in zip(steps, zip(*paths)):
        if not np.all(np.isfinite(values)):
            return int(t)
    return None


def extremes(control):
    """Both ends of a slider, or every option of a menu."""
    if hasattr(control, "options"):
        return [value for _, value in control.options]
    return [control.base ** control.min, control.base ** control.max]


def every_extreme_setting(live):
    """Move the controls of `live` through every combination of their extremes; yield each setting."""
    for values in itertools.product(*(extremes(c) for c in live.controls.values())):
        for c, value in zip(live.controls.values(), values):
            c.value = value
        yield dict(zip(live.controls, values))


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
        assert ui.diverged is None and "diverged" not in ui.readout.value
        assert bytes(ui.image.value).startswith(b"\x89PNG")
        images.add(bytes(ui.image.value))
        times[f"{control}={value}"] = ui.last_redraw_s
    assert len(images) == 7                                    # every change drew a new figure
    with capsys.disabled():
        print("\nlive LASSO explorer redraw times, computation and PNG (ms):",
              {k: round(1000 * v) for k, v in times.items()})


def test_lasso_explorer_at_every_extreme_never_raises_and_reports_divergence():
    steps = 400
    ui = LassoExplorer(steps=steps)
    diverged = set()
    for s in every_extreme_setting(ui):
        loss, beta0 = problems.lasso_problem(s["problem"], s["lam1"])
        with np.errstate(all="ignore"):
            want = run.run(loss, optim.make(s["optimizer"], s["lr"]), beta0, steps, record=("l1", "loss", "zeros"))
        k = first_nonfinite(want.steps, want["l1"], want["loss"])
        assert ui.diverged == k, s
        assert bytes(ui.image.value).startswith(b"\x89PNG")
        if k is None:
            assert "diverged at step" not in ui.readout.value, s
            assert f"{want.final('l1'):.4g}" in ui.readout.value
            continue
        diverged.add((s["problem"], s["optimizer"], s["lr"]))
        assert ui.readout.value.count(f"diverged at step {k}") == 3, s       # every readout says so
        assert [n.get_text() for n in ui.figure.notes[:2]] == [f"diverged at step {k}"] * 2
        line = ui.figure.lines["l1"]
        drawn = line.get_xdata()[np.isfinite(line.get_ydata())]
        assert drawn.size == 0 or drawn.max() < k                 # drawn up to where it left the range
    for optimizer in ("gd", "momentum", "prox"):                   # the settings of issue 7
        assert ("lasso", optimizer, 1.0) in diverged


def test_capture_and_edge_figures_at_both_ends_of_alpha():
    capture = CaptureFigure(steps=300)
    for s in every_extreme_setting(capture):
        relu, soft = capture.current
        assert capture.diverged == (None, None)
        assert f"{relu.linf.max():.4g}" in capture.readout.value
        assert bytes(capture.image.value).startswith(b"\x89PNG")

    steps = 300
    edge = EdgeFigure(steps=steps)
    for s in every_extreme_setting(edge):
        p = problems.huber(0)
        with np.errstate(all="ignore"):
            quad = run.run(losses.LeastSquares(p.Z, p.y), optim.make("gd", s["lr"]), p.beta0, steps,
                           record=("loss",))
        k = first_nonfinite(quad.steps, quad["loss"])
        assert edge.diverged == k
        assert bytes(edge.image.value).startswith(b"\x89PNG")
        if k is None:
            assert "diverged" not in edge.readout.value
        else:
            assert f"quadratic: final loss <b>diverged at step {k}</b>" in edge.readout.value
            assert edge.figure.notes[1].get_text() == f"diverged at step {k}"
    assert edge.diverged is not None                               # α = 100 > 2/η


def test_capture_figure_reports_a_run_that_diverges(monkeypatch):
    real = convergence.capture_curves

    def relu_diverges_at_50(lr, steps, seed, activation):
        cur = real(lr, steps, seed, activation=activation)
        if activation == "relu":
            cur.loss[:, 50:] = np.inf
            cur.linf[:, 51:] = np.nan
        return cur

    monkeypatch.setattr(convergence, "capture_curves", relu_diverges_at_50)
    capture = CaptureFigure(steps=200)
    assert capture.diverged == (50, None)
    assert capture.readout.value.count("diverged at step 50") == 2
    assert f"{capture.current[1].linf.max():.4g}" in capture.readout.value
    assert capture.figure.notes[0].get_text() == "ReLU diverged at step 50"


def test_alpha_sliders_of_figures_1_and_4_recompute():
    capture = CaptureFigure(steps=200)
    capture.controls["lr"].value = 0.05
    relu, _ = capture.current
    want = convergence.capture_curves([capture.controls["lr"].value], 200, activation="relu")
    np.testing.assert_allclose(relu.linf, want.linf)
    assert f"{want.linf.max():.4g}" in capture.readout.value

    edge = EdgeFigure(steps=200)
    edge.controls["lr"].value = 5.0
    want = stability.edge_curves([edge.controls["lr"].value], 200)
    np.testing.assert_allclose(edge.current.huber, want.huber)
    assert "quadratic: final loss <b>diverged" in edge.readout.value


def test_diverged_at():
    assert widgets.diverged_at([0, 5, 9], [1.0, 2.0, 3.0]) is None
    assert widgets.diverged_at([0, 5, 9], [1.0, 2.0, np.inf], [1.0, np.nan, 3.0]) == 5


def test_benchmark_values_always_change_the_control():
    ui = LassoExplorer(steps=20)
    rng = np.random.default_rng(0)
    lam1 = benchmark_redraw.new_values(ui.controls["lam1"], 50, rng)
    assert np.all(np.diff(np.r_[ui.controls["lam1"].value, lam1]) != 0)
    assert min(lam1) >= 1e-3 * (1 - 1e-12) and max(lam1) <= 1e2 * (1 + 1e-12)
    assert benchmark_redraw.new_values(ui.controls["optimizer"], 6, rng) == [
        "momentum", "rmsprop", "adam", "prox", "gd", "momentum"]


def test_benchmark_reports_every_control():
    result = benchmark_redraw.measure(repeats=2, steps=20)
    rows = {(r["widget"], r["control"], r["setting"]) for r in result["results"]}
    assert rows == {("lasso_explorer", c, f"problem={p}") for c in ("lam1", "lr", "optimizer")
                    for p in ("toy", "lasso")} | {("lasso_explorer", "problem", "toy <-> lasso"),
                                                 ("capture_figure", "lr", ""), ("edge_figure", "lr", "")}
    for r in result["results"]:
        assert 0 < r["median_ms"] <= r["p90_ms"]
    with pytest.raises(ValueError, match="repeats"):
        benchmark_redraw.measure(repeats=0)


def test_edge_figure_calls_a_finite_blow_up_diverged():
    edge = EdgeFigure()                                            # the page's 1,000 steps
    edge.controls["lr"].value = 0.7                                # just above 2/η: |1 − αη| ≈ 1.03
    assert edge.diverged is None and edge.current.quadratic_diverged[0]
    assert f"quadratic: final loss <b>diverged (final loss {edge.current.quadratic[0, -1]:.4g})" \
        in edge.readout.value


def test_pruning_widget_redraws_on_every_control():
    pytest.importorskip("ipywidgets")
    import matplotlib

    matplotlib.use("Agg")
    fig = widgets.PruningFigure(steps=20)
    box = fig.widget
    readout, image = box.children[1], box.children[2]
    for s, value in zip(box.children[0].children, (0.003, 10.0, 1e-2, "lasso")):
        before, png = readout.value, image.value
        s.value = value
        assert readout.value != before and image.value != png, s.description
    g = fig.current                                   # the readout is the grid's own measurement at the chosen τ
    k = int(np.argmin(np.abs(np.log(g.tau / 1e-2))))
    assert f"measured <b>{g.measured[1, 0, 0, k]:.4f}</b>" in readout.value and "αλ₁ = <b>0.03</b>" in readout.value
    with pytest.raises(ValueError, match="problem"):
        widgets.pruning_widget(problem="huber")
    for bad in (dict(lr=-1.0), dict(lr=0.5), dict(lam1=1e3), dict(tau=0.0)):   # off its slider: an error, not a clamp
        with pytest.raises(ValueError, match=next(iter(bad))):
            widgets.pruning_widget(steps=5, **bad)

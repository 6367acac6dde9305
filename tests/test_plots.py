"""Every figure draws diverged results without raising; the live figures' panels fit their data."""
import dataclasses
import inspect
import io

import matplotlib
import numpy as np
import pytest

import synthetic_runs
from ndgm.studies import convergence, lasso, sparsity, stability, variants
from ndgm import losses, optim, problems, run
from ndgm.networks import analysis
from ndgm.figures import convex_plots, live, network_plots, style

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)

GRIDS = {"alpha", "lr", "lam1", "steps", "step", "seed", "seeds", "h", "eps_smooth", "eps_nonsmooth", "p"}
"""Fields that hold the settings a result was computed on, not results: left as they are."""

DIVERGED = {
    "mixed": [np.inf, np.nan, -np.inf, 1.7e308, -1.7e308, 1e150],   # non-finite, and finite beyond any axis
    "nan": [np.nan],
}


def diverge(obj, fill, name=""):
    """`obj` with the second half of every float result array (flattened) replaced by `fill`, cycled."""
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind != "f" or obj.size < 2 or name in GRIDS:
            return obj
        out = obj.copy()
        flat = out.reshape(-1)
        flat[flat.size // 2:] = np.resize(fill, flat.size - flat.size // 2)
        return out
    if isinstance(obj, dict):
        return {k: diverge(v, fill, k) for k, v in obj.items()}
    if isinstance(obj, list) and len(obj) > 1 and all(isinstance(v, float) for v in obj):
        return diverge(np.array(obj), fill, name).tolist()           # the curves of a JSON result file
    if isinstance(obj, (list, tuple)):
        return type(obj)(diverge(v, fill, name) for v in obj)
    if dataclasses.is_dataclass(obj):
        return dataclasses.replace(obj, **{f.name: diverge(getattr(obj, f.name), fill, f.name)
                                           for f in dataclasses.fields(obj) if f.init})
    return obj


@pytest.fixture(scope="module")
def figures():
    """Each public figure function of ndgm.figures.plots, with small real results: name -> draw(results -> fig)."""
    T = 40
    regimes = {"constant": optim.constant(T), "diminishing": optim.diminishing(T, power=0.5),
               "reducing": optim.reducing(T, every=10, factor=0.1)}
    runs = {n: run.run(losses.ToyLasso(1.0), optim.make("gd", 0.1), problems.starts(0, 1)[0], T, record=("l1",),
                       schedule=s) for n, s in regimes.items()}
    curves = variants.training_curves(lam1=(0.001, 100.0), lr=0.1, p=10, seeds=range(2), steps=200,
                                      optimizers=("gd", "rmsprop"))
    order = variants.paper_order(curves, [100, 200], window=100, other="rmsprop").astype(float)
    relu, soft = (convergence.capture_curves([0.01], 100, activation=a) for a in ("relu", "softplus"))
    relu_scan, soft_scan = (convergence.capture_scan([0.01, 0.05], range(2), 100, activation=a)
                            for a in ("relu", "softplus"))
    edge = stability.edge_curves([0.1, 10.0], 100)
    fig2 = analysis.figure2(synthetic_runs.figure2())
    return {
        "step_size_regimes": (runs, lambda r: convex_plots.step_size_regimes(r, regimes, 0.1)),
        "lasso_2d": (lasso.two_d_example(lam1=[1.0, 100.0], switch=20), convex_plots.lasso_2d),
        "paradox_curve": (lasso.toy_cycles(10, lam1=np.logspace(-2, 2, 4), lr=[0.01, 0.1], seeds=range(2)),
                          convex_plots.paradox_curve),
        "general_lasso_curve": (lasso.general_lasso_curve(lam1=[1.0, 10.0], lr=[0.01], steps=20),
                                convex_plots.general_lasso_curve),
        "b2_search": (lasso.b2_search(lr=(0.01, 0.02), seeds=range(2), steps=100, every=50), convex_plots.b2_search),
        "zero_landing": ([variants.zero_landing(n, steps=10) for n in ("gd", "adam")], convex_plots.zero_landing),
        "exact_zeros": (variants.exact_zeros(("gd", "adam"), lam1=(0.01, 1.0), seeds=range(2), steps=50, every=10),
                        convex_plots.exact_zeros),
        "figure5": (curves, lambda c: convex_plots.figure5(c, lam1=(0.001, 100.0), end=200)),
        "figure5_order": (order, lambda o: convex_plots.figure5_order(o, [100, 200], curves.lam1)),
        "capture": ((relu, soft), lambda rs: convex_plots.capture(*rs, 0.01)),
        "capture_window": ((relu_scan, soft_scan), lambda rs: convex_plots.capture_window(*rs, 0.01)),
        "rates": (convergence.rates(np.logspace(-1, -2, 3), np.logspace(-1, -1.5, 3), scales=4), convex_plots.rates),
        "kink_quotient": (convergence.difference_quotients(np.logspace(0, -8, 9)), convex_plots.kink_quotient),
        "epigraph": (convergence.kink_geometry(), convex_plots.epigraph),
        "edge_of_stability": (edge, lambda c: convex_plots.edge_of_stability(c, shown=(0.1, 10.0))),
        "stability_sweep": (edge, convex_plots.stability_sweep),
        "toy_lasso_stability": (stability.toy_lasso_curves([0.1, 1.0], seeds=range(2), steps=50),
                                convex_plots.toy_lasso_stability),
        "relu_vs_gelu": (fig2, network_plots.relu_vs_gelu),
        "paired_gaps": (list(fig2.gaps.values()), lambda c: network_plots.paired_gaps(c, "area")),
        "softplus_family": (fig2, network_plots.softplus_family),
        "l1_norms": (synthetic_runs.l1_vgg16(), network_plots.l1_norms),
        "sparsity_at_accuracy": (analysis.sparsity_at_accuracy(synthetic_runs.what_works()), network_plots.sparsity_at_accuracy),
        "network_sweeps": ({o: analysis.L1Sweep(o, np.array([0.002, 0.02, 2.0]), np.array([0.0, 0.1, 0.9]),
                                                   np.array([0.01, 0.2, 0.95]), np.array([900.0, 500.0, 0.0]),
                                                   np.array([0.8, 0.7, 0.1])) for o in ("sgd", "prox-sgd")},
                           network_plots.network_sweeps),
        "method_comparison": (sparsity.compare_methods(lam1=[0.1, 5.0], p=30, steps=20, cd_epochs=5),
                              network_plots.method_comparison),
        "pruning_threshold": (sparsity.pruning_grid(tau=[1e-3, 1e-1], lr=[0.01], lam1=[1.0, 10.0], steps=20),
                              network_plots.pruning_threshold),
    }


def public_figure_functions():
    return {name for module in (convex_plots, network_plots) for name, f in inspect.getmembers(module, inspect.isfunction)
            if not name.startswith("_") and f.__module__ == module.__name__}


def test_every_public_figure_function_is_checked_here(figures):
    assert set(figures) == public_figure_functions()


@pytest.mark.filterwarnings("ignore:Data has no positive values")
@pytest.mark.parametrize("fill", DIVERGED)
@pytest.mark.parametrize("name", sorted(public_figure_functions()))
def test_figures_draw_diverged_results(figures, name, fill):
    results, draw = figures[name]
    png = io.BytesIO()
    with np.errstate(all="ignore"):
        fig = draw(diverge(results, np.array(DIVERGED[fill])))
        fig.savefig(png, format="png")      # ticks are located and formatted only when drawn
    plt.close(fig)
    assert png.getvalue().startswith(b"\x89PNG")


def test_shown_leaves_out_what_no_axis_can_draw():
    np.testing.assert_array_equal(style.on_chart([1.0, -2.0, np.inf, np.nan, 1e101, -1e101, 1e100]),
                                  [1.0, -2.0, np.nan, np.nan, np.nan, np.nan, 1e100])


# ----- PanelRow, the live figures' drawing -----

def row(**panel):
    r = live.PanelRow([dict(title="t", xlabel="x", ylabel="y", **panel)])
    r.add(0, "a")
    return r


def test_panel_row_draws_a_diverged_line_up_to_where_it_left_the_finite_range():
    r = row(xscale="log", yscale="log")
    y = np.array([1.0, 10.0, 1e50, 1e200, np.inf, np.nan])
    r.show("a", np.arange(1, 7), y)
    np.testing.assert_array_equal(r.lines["a"].get_ydata(), [1.0, 10.0, 1e50, np.nan, np.nan, np.nan])
    assert r.png().startswith(b"\x89PNG")
    ax = r.axes[0]
    assert ax.get_xlim() == (1.0, 6.0)
    assert ax.get_ylim() == (0.1, 1e51)                      # whole decades around the drawn values


@pytest.mark.parametrize("yscale", ["log", "linear"])
@pytest.mark.parametrize("y", [[np.nan, np.inf], [0.0, -1.0], [1.7e308, -1.7e308], [5e-324, 1e-300]])
def test_panel_row_never_raises_and_says_when_nothing_can_be_drawn(y, yscale):
    r = row(xscale="log", yscale=yscale)
    r.show("a", [1, 2], y)
    assert r.png().startswith(b"\x89PNG")
    lo, hi = r.axes[0].get_ylim()
    assert np.isfinite([lo, hi]).all() and lo < hi
    drawable = style.drawable(style.on_chart(y), yscale)
    assert (r.notes[0].get_text() == "every value diverged or is not positive") == (not drawable.any())


def test_panel_row_note_replaces_the_automatic_one_and_limits_are_rounded():
    r = row(yscale="linear", hline=1.0)
    r.show("a", [0, 1, 2], [0.93, 1.2, 1.46])
    r.note(0, "diverged at step 3")
    r.png()
    assert r.notes[0].get_text() == "diverged at step 3"
    assert r.axes[0].get_ylim() == pytest.approx((0.8, 1.6))     # steps of 0.2 around 0.93 to 1.46
    r.show("a", [0, 1, 2], [np.nan] * 3)
    r.note(0, "")
    r.png()
    assert r.axes[0].get_ylim() == pytest.approx((0.4, 1.6))     # the reference line alone: 1 ± 0.5, rounded out
    assert r.notes[0].get_text() == "every value diverged or is not positive"


def test_panel_row_reuses_its_background_when_the_limits_stay():
    r = row(xscale="log", yscale="log")
    r.show("a", [1, 10], [2.0, 3.0])
    first = r.png()
    r.show("a", [1, 10], [3.0, 4.0])
    second = r.png()
    assert len(r._backgrounds[0]) == 1 and first != second   # same limits: one background, new line
    r.show("a", [1, 10], [30.0, 40.0])
    r.png()
    assert len(r._backgrounds[0]) == 2
    fresh = row(xscale="log", yscale="log")
    fresh.show("a", [1, 10], [3.0, 4.0])
    assert fresh.png() == second                               # pasting it gives what drawing it gives


def test_capture_window_draws_softplus_in_its_own_colours_on_top():
    relu, soft = (convergence.capture_scan([0.01, 0.05], range(2), 50, activation=a) for a in ("relu", "softplus"))
    fig = convex_plots.capture_window(relu, soft, 0.01)
    lines = [line for line in fig.axes[0].get_lines() if not line.get_label().startswith("_")]
    by = {name: [line for line in lines if line.get_label().startswith(name)] for name in ("ReLU", "softplus")}
    colours = {name: {line.get_color() for line in group} for name, group in by.items()}
    assert len(colours["ReLU"]) == len(colours["softplus"]) == 2 and not colours["ReLU"] & colours["softplus"]
    assert min(line.get_zorder() for line in by["softplus"]) > max(line.get_zorder() for line in by["ReLU"])
    plt.close(fig)

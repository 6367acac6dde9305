"""The generic static-figure spec (`ndgm.figures.explorer`): the payload, its checks, and the setting the site's
script opens a control at. The book's own explorers are tested in test_figure_explorers.py."""
import base64

import numpy as np
import pytest

from ndgm.figures import explorer
from ndgm import grids

MIDDLE = "the middle of the grid"


def intended(values, want):
    """The value of the grid `values` that a control meant to open at `want` shows: a menu's own choice,
    the middle value (of an odd count, so that there is one), or the grid point nearest `want` on a log scale."""
    if want == MIDDLE:
        assert len(values) % 2 == 1, "an even grid has no middle value"
        return values[(len(values) - 1) // 2]
    if isinstance(want, str):
        assert want in values
        return want
    return values[grids.nearest(values, want, log=True)]


def opening(ex):
    """The setting the browser script opens an explorer at: each control's value at its payload default."""
    return {c["name"]: c["values"][c["default"]] for c in ex.payload()["controls"]}


def decoded(payload, name):
    enc = payload["arrays"][name]
    return np.frombuffer(base64.b64decode(enc["b64"]), dtype="<f4").reshape(enc["shape"])


def test_explorer_rejects_inconsistent_specs():
    c = [explorer.Control("a", "a", (1.0, 2.0))]
    with pytest.raises(ValueError, match=r"array 'y' must have shape \(2,\)"):
        explorer.Explorer(c, {"y": (("a",), np.zeros(3))}, [])
    with pytest.raises(ValueError, match=r"axes \['b'\] are not controls"):
        explorer.Explorer(c, {"y": (("b",), np.zeros(2))}, [])
    with pytest.raises(ValueError, match="neither a control nor an array"):
        explorer.Explorer(c, {"y": (("a",), np.zeros(2))}, [explorer.Panel("p", "a", (explorer.Series("z", "z"),))])
    with pytest.raises(ValueError, match="readout 'r': no array 'z'"):
        explorer.Explorer(c, {}, [], [explorer.Readout("r", "z")])
    with pytest.raises(ValueError, match="default must be one of its values"):
        explorer.Control("a", "a", (1.0, 2.0), default=3.0)
    with pytest.raises(ValueError, match="scale must be one of 'log', 'choice'; got 'linear'"):
        explorer.Control("a", "a", (1.0,), scale="linear")
    with pytest.raises(ValueError, match="style must be one of 'line', 'dash'; got 'points'"):
        explorer.Series("y", "y", style="points")


def test_a_control_without_a_default_opens_at_the_middle_of_its_grid():
    for values in ((0.5,), (1.0, 2.0, 4.0), (1e-3, 1e-2, 1e-1, 1.0, 10.0), ("a", "b", "c")):
        scale = "choice" if isinstance(values[0], str) else "log"
        ex = explorer.Explorer([explorer.Control("x", "x", values, scale)], {}, [])
        assert opening(ex)["x"] == intended(values, MIDDLE), values

def test_payload_carries_controls_arrays_and_panels_as_float32():
    values = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 1e39]])          # 1e39 is beyond float32: shown as inf
    ex = explorer.Explorer([explorer.Control("a", "α", (0.1, 1.0), default=1.0),
                            explorer.Control("k", "kind", ("x", "y"), "choice", labels=("X", "Y"))],
                           {"y": (("k", "a"), values[:, :2]), "t": ((), values[0])},
                           [explorer.Panel("p", "t", (explorer.Series("y", "y"),), vlines=((0.5, "half"),))],
                           [explorer.Readout("r", "y", 3)], caption="Move α.")
    payload = ex.payload()
    assert payload["caption"] == "Move α."
    assert [(c["name"], c["default"], c["labels"]) for c in payload["controls"]] == [("a", 1, ["0.1", "1.0"]),
                                                                                   ("k", 1, ["X", "Y"])]
    np.testing.assert_array_equal(decoded(payload, "y"), values[:, :2].astype("<f4"))
    assert payload["arrays"]["y"]["axes"] == ["k", "a"]
    assert payload["panels"][0]["vlines"] == [{"at": 0.5, "label": "half"}]
    html = ex.html()
    assert html.startswith('<div class="ndgm-explorer">') and html.endswith("</script></div>")

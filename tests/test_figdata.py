"""ndgm.figures.figdata: a figure's arrays as a CSV file and the MyST link that downloads it."""
import numpy as np
import pytest

from ndgm.figures import figdata


def test_writes_the_columns_in_order_and_links_the_file(tmp_path):
    step, loss = np.arange(4), np.array([1.0, 0.5, np.nan, np.inf])
    link = figdata.csv_link(tmp_path / "new", "fig", "the data (CSV)", step=step, loss=loss)
    path = tmp_path / "new" / "fig.csv"
    assert link == f"{{download}}`the data (CSV) <{path.as_posix()}>`"
    assert path.read_text().splitlines()[0] == "step,loss"
    back = np.loadtxt(path, delimiter=",", skiprows=1)
    np.testing.assert_array_equal(back[:, 0], step)
    np.testing.assert_array_equal(back[:, 1], loss)       # nan and inf survive


def test_keeps_ten_significant_digits(tmp_path):
    x = np.array([1 / 3, 2e-17, 123456789.0123])
    figdata.csv_link(tmp_path, "x", "x", i=np.arange(3), x=x)
    np.testing.assert_allclose(np.loadtxt(tmp_path / "x.csv", delimiter=",", skiprows=1)[:, 1], x, rtol=1e-9)


@pytest.mark.parametrize("columns, message", [({}, "at least one"),
                                              ({"a": [1, 2], "b": [1, 2, 3]}, "one length"),
                                              ({"a": [[1, 2]]}, "1-D")])
def test_rejects_columns_that_do_not_make_a_table(tmp_path, columns, message):
    with pytest.raises(ValueError, match=message):
        figdata.csv_link(tmp_path, "x", "x", **columns)


@pytest.mark.parametrize("name", ["", "a/b", "a b", "x`y", ".hidden"])
def test_rejects_names_that_are_not_plain_file_names(tmp_path, name):
    with pytest.raises(ValueError, match="name"):
        figdata.csv_link(tmp_path, name, "x", a=[1])
    assert not list(tmp_path.iterdir())

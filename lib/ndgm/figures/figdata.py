"""The data behind a figure, as a CSV file a reader can download from the page that draws it.

A page calls `csv_link` in a hidden cell right after its figure and displays the Markdown it returns
(`nb_render_markdown_format: myst` in `_config.yml` makes the `{download}` role in it a link; Sphinx
copies the file into the built site's `_downloads/`). The folder is the page's argument: this book's pages
write into ``../_build/figdata`` (from `book/`, their working directory), inside the build folder beside the
execution cache, so a cold build (`rm -rf _build`) rewrites both.
"""
from pathlib import Path

import numpy as np




def _check(name: str, columns: dict) -> dict:
    if not name or any(c in name for c in '/\\<>`" ') or name.startswith("."):
        raise ValueError(f"name must be a plain file name without spaces, slashes, quotes or backticks; got {name!r}")
    if not columns:
        raise ValueError("columns must name at least one array (column name=array)")
    arrays = {key: np.asarray(value, dtype=float) for key, value in columns.items()}
    shapes = {key: a.shape for key, a in arrays.items()}
    if any(len(s) != 1 for s in shapes.values()) or len({s[0] for s in shapes.values()}) != 1:
        raise ValueError(f"columns must be 1-D arrays of one length; got shapes {shapes}")
    return arrays


def csv_link(folder, name: str, label: str, **columns) -> str:
    """Write `columns` to `<folder>/<name>.csv` and return the MyST Markdown link that downloads it.

    Parameters
    ----------
    folder : str or Path
        Where to write, relative to the page's folder (a page runs with `book/` as its working
        directory) or absolute; created if missing. The link uses the same path, which Sphinx's
        `{download}` role resolves from the page's folder.
    name : str
        The file name without `.csv`.
    label : str
        The link's text.
    **columns : array_like of shape (n,)
        One column each, in order, under its keyword as the header; values written with 10
        significant digits, non-finite ones as `nan` / `inf`.

    Returns
    -------
    str
        ``{download}`label <folder/name.csv>```, for `IPython.display.Markdown`.

    Examples
    --------
    >>> import numpy as np, tempfile
    >>> d = tempfile.mkdtemp()
    >>> link = csv_link(d, "demo", "the data (CSV)", step=np.arange(3), loss=[1.0, 0.5, 0.25])
    >>> open(f"{d}/demo.csv").read().splitlines()[:2]
    ['step,loss', '0,1']
    """
    arrays = _check(name, columns)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    table = np.column_stack(list(arrays.values()))
    np.savetxt(folder / f"{name}.csv", table, fmt="%.10g", delimiter=",", header=",".join(arrays), comments="")
    return f"{{download}}`{label} <{(folder / f'{name}.csv').as_posix()}>`"

"""Run the heavy pages at a named scale: ``python -m ndgm.tools.reproduce --scale smoke|cpu|paper``.

Without ``--only``, each heavy page (``book/<page>.md``) is converted with jupytext and executed by
papermill with its ``parameters`` cell set to the scale; the page trains whatever runs are missing,
writes ``book/results/<page>-<scale>.json`` and the executed notebook
``book/results/<page>-<scale>.ipynb`` (both atomically). An interrupted command resumes: finished
runs are kept as files and an unfinished one continues from its last epoch's checkpoint.

With ``--only RUN`` (a name from ``--list``), that one run is trained and nothing else: a cluster can
train every run in parallel (one job each) and then run the command once more without ``--only`` to
merge them and execute the pages. See the README for a SLURM job array doing this.
"""
from __future__ import annotations

import argparse
import os
import sys

try:
    import jupytext
    import nbformat
    import papermill
except ImportError as e:  # pragma: no cover - exercised by the packaging test
    raise ImportError("ndgm.tools.reproduce needs papermill and jupytext: pip install 'ndgm[reproduce]' "
                      "(or the repository's requirements.txt)") from e

from ..networks import experiments, store
from .. import validation



CELL_TIMEOUT = 600
"""Seconds a page's cell may run under papermill, as in the book build (_config.yml's execute timeout): the runs are
trained before the page executes, so its cells only read them, and a cell that hangs fails with an error instead
of holding the command for ever."""


def page_relative(results: str, book: str) -> str:
    """The results folder as a page sees it from its working directory `book`: relative when it lies inside
    the book (as book/results does), so that an executed notebook records no path of the machine it ran on;
    absolute otherwise."""
    results, book = os.path.abspath(results), os.path.abspath(book)
    return os.path.relpath(results, book) if os.path.commonpath([results, book]) == book else results


def execute_page(page: str, scale: str, *, book: str, results: str | None = None, device: str = "auto") -> str:
    """Execute ``<book>/<page>.md`` with papermill at `scale` (results in `results`, by default
    ``<book>/results``); return the executed notebook's path."""
    validation.choice("page", page, store.PAGES)
    validation.choice("scale", scale, store.SCALES)
    book = os.path.abspath(book)
    results = os.path.abspath(results or os.path.join(book, "results"))
    source = os.path.join(book, f"{page}.md")
    if not os.path.exists(source):
        raise ValueError(f"page {page!r} has no source at {source}")
    out = os.path.join(results, f"{page}-{scale}.ipynb")
    partial = os.path.join(results, f"{page}-{scale}.partial.ipynb")   # papermill writes as it goes
    os.makedirs(results, exist_ok=True)
    papermill.execute_notebook(jupytext.read(source), partial, cwd=book, kernel_name="python3",
                               parameters={"scale": scale, "device": device,
                                           "results_dir": page_relative(results, book)},
                               progress_bar=False, execution_timeout=CELL_TIMEOUT)
    nb = nbformat.read(partial, as_version=4)
    meta = nb.metadata.get("papermill", {})
    for key in ("input_path", "output_path"):        # papermill records where it wrote: keep only the name
        if isinstance(meta.get(key), str):
            meta[key] = os.path.basename(meta[key]).replace(".partial", "")
    nbformat.write(nb, partial)
    os.replace(partial, out)
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m ndgm.tools.reproduce", description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", required=True, choices=store.SCALES)
    p.add_argument("--device", default="auto", help="auto (CUDA if present), cpu, cuda or cuda:N")
    p.add_argument("--page", choices=store.PAGES, action="append",
                   help="only this page (repeatable); default: every heavy page")
    p.add_argument("--only", metavar="RUN", help="train only this run (PAGE/NAME, see --list), no notebook")
    p.add_argument("--list", action="store_true", help="print the runs of the scale, one PAGE/NAME a line")
    p.add_argument("--book", default="book", help="the book's page folder (default: book, from the current folder)")
    p.add_argument("--results", help="results folder (default: <book>/results)")
    p.add_argument("--threads", type=int, help="CPU threads for PyTorch (default: PyTorch's choice); with "
                   "several runs in parallel on a CPU, one thread each is fastest")
    p.add_argument("--compile", action="store_true", help="torch.compile the model (CUDA)")
    p.add_argument("--channels-last", action="store_true", help="channels_last memory format (CUDA)")
    p.add_argument("--bf16", action="store_true", help="bfloat16 autocast (CUDA)")
    args = p.parse_args(argv)
    pages = args.page or list(store.PAGES)
    args.results = args.results or os.path.join(args.book, "results")
    if args.threads is not None:
        if args.threads < 1:
            p.error(f"--threads must be an integer >= 1; got {args.threads}")
        experiments.torch.set_num_threads(args.threads)
        os.environ["OMP_NUM_THREADS"] = str(args.threads)       # for the pages' kernels
    if args.list:
        for page in pages:
            for r in experiments.runs(page, args.scale):
                print(f"{page}/{r.name}")
        return 0
    if args.only:
        page, _, name = args.only.partition("/")
        try:
            run = experiments.find(validation.choice("page", page, store.PAGES), args.scale, name)
        except ValueError as e:
            p.error(f"--only: {e}")
        record = experiments.execute(run, args.results, device=args.device, compile=args.compile,
                                     channels_last=args.channels_last, bf16=args.bf16)
        print(f"{args.only}: done in {record['wall_s']:.0f} s -> {experiments.run_path(args.results, run)}")
        return 0
    options = dict(compile=args.compile, channels_last=args.channels_last, bf16=args.bf16)
    if any(options.values()):
        # the pages train through experiments.reproduce; train here first with the options, the pages then load
        for page in pages:
            experiments.reproduce(page, args.scale, args.results, device=args.device, **options)
    for page in pages:
        if not os.path.exists(os.path.join(args.book, f"{page}.md")):
            p.error(f"--book: no page {page}.md in {os.path.abspath(args.book)}; run from the repository root or "
                    "name the book's folder")
        out = execute_page(page, args.scale, book=args.book, results=args.results, device=args.device)
        print(f"{page} at scale {args.scale}: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

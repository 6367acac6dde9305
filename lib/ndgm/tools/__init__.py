"""Command-line tools: ``python -m ndgm.tools.reproduce`` (the heavy pages at a scale) and the benchmarks
(``benchmark``, ``benchmark_redraw``, ``benchmark_train``)."""

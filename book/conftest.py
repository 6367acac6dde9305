"""pytest, when the README's test command collects book/ with nbmake: the pages are run from their copies
(tests/conftest.py writes book/<page>.nbmake.ipynb); the executed notebooks that `python -m ndgm.tools.reproduce`
stores in book/results/ are results to download, not pages to run again (run as they are, they would
train their scale)."""
collect_ignore_glob = ["results/*.ipynb"]

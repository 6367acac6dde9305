"""Build the book once for a test session: ``python tests/book_build.py OUT`` runs the `-W` build into OUT and
then writes OUT/book-build.json ({"returncode", "log"}, the log's tail), atomically, so that a waiting test
reads it only once the build has ended. conftest.py starts it in the background when the session begins."""
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def command(out: Path) -> list:
    return [str(Path(sys.executable).with_name("jupyter-book")), "build", str(ROOT), "--path-output", str(out),
            "-W", "-n", "--keep-going"]


def build(out: Path) -> dict:
    started = time.time()
    proc = subprocess.run(command(out), cwd=ROOT, capture_output=True, text=True)
    result = {"returncode": proc.returncode, "command": " ".join(command(out)), "seconds": time.time() - started,
              "log": ANSI.sub("", proc.stdout + proc.stderr)[-6000:]}
    part = out / "book-build.json.part"
    part.write_text(json.dumps(result))
    os.replace(part, out / "book-build.json")
    return result


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    sys.exit(build(out)["returncode"])

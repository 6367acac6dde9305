"""scripts/setup installs only what is missing, checked without root on a fake machine.

Each test copies the script into a temporary repository and runs it with PATH holding only fakes
of apt-get, sudo, python3, npm and chromium (and of the venv's pip, which the fake python3
creates). The fakes log their arguments; the fake apt-get refuses to run unless root or under the
fake sudo, and "installs" a package by creating the program or file the script looks for. The real
apt and the real .venv are never touched.
"""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from book_toc import ROOT

# One bash script behind every fake, told apart by the name it is called by. It uses only builtins
# and absolute paths, so that it runs with PATH holding nothing but the fakes, and as any user.
FAKE = r"""#!/bin/bash
name=${0##*/}
(IFS=$'\t'; echo "$name$IFS$*") >> "$FAKE_LOG"
case $name in
sudo)
    export FAKE_SUDO=1
    exec "$@" ;;
apt-get)
    if [[ $EUID -ne 0 && -z ${FAKE_SUDO:-} ]]; then
        echo "E: Could not open lock file /var/lib/dpkg/lock-frontend (13: Permission denied)" >&2
        exit 100
    fi
    [[ $1 == install ]] || exit 0
    shift 2
    for package; do
        case $package in
        npm | chromium) /bin/ln -s "$FAKE_BIN/fake" "$FAKE_BIN/$package" ;;
        python3-venv) : > "$FAKE_BIN/ensurepip" ;;
        dataset-fashion-mnist)
            /bin/mkdir -p "$FASHION_MNIST_DIR" && : > "$FASHION_MNIST_DIR/train-images-idx3-ubyte.gz" ;;
        *) echo "E: Unable to locate package $package" >&2; exit 100 ;;
        esac
    done ;;
python3)
    [[ -e $FAKE_BIN/ensurepip ]] || exit 1
    [[ $1 == -c && $2 == "import ensurepip" ]] && exit 0
    [[ $1 == -m && $2 == venv ]] || { echo "python3: unexpected call $*" >&2; exit 1; }
    /bin/mkdir -p "$3/bin"
    /bin/ln -s "$FAKE_BIN/fake" "$3/bin/python"
    /bin/ln -s "$FAKE_BIN/fake" "$3/bin/pip" ;;
esac
"""


class Machine:
    """A temporary repository holding scripts/setup, and a PATH of fakes, with a log of their calls."""

    def __init__(self, root: Path, have=()):
        self.root = root
        self.repo = root / "repo"
        (self.repo / "scripts").mkdir(parents=True)
        shutil.copy(ROOT / "scripts" / "setup", self.repo / "scripts" / "setup")
        (self.repo / "requirements.txt").write_text("numpy\n")
        self.bin = root / "bin"
        self.bin.mkdir()
        fake = self.bin / "fake"
        fake.write_text(FAKE)
        fake.chmod(0o755)
        self.log = root / "calls.log"
        self.log.touch()
        self.data = root / "fashion-mnist"
        for tool in ("apt-get", "python3", *have):
            self.give(tool)

    def give(self, what):
        """Put on the machine a program, "ensurepip", "fashion-mnist" or a ".venv"."""
        if what == "ensurepip":
            (self.bin / "ensurepip").touch()
        elif what == "fashion-mnist":
            self.data.mkdir()
            (self.data / "train-images-idx3-ubyte.gz").touch()
        elif what == ".venv":
            (self.repo / ".venv" / "bin").mkdir(parents=True)
            for tool in ("python", "pip"):
                (self.repo / ".venv" / "bin" / tool).symlink_to(self.bin / "fake")
        else:
            (self.bin / what).symlink_to(self.bin / "fake")

    def setup(self, *args, prefix=()):
        """Run `bash scripts/setup ARGS` from another folder; return the finished process."""
        env = {"PATH": str(self.bin), "FAKE_BIN": str(self.bin), "FAKE_LOG": str(self.log),
               "FASHION_MNIST_DIR": str(self.data)}
        return subprocess.run([*prefix, "/bin/bash", str(self.repo / "scripts" / "setup"), *args],
                              cwd=self.root, env=env, capture_output=True, text=True, timeout=60)

    def calls(self, program):
        lines = [line.split("\t") for line in self.log.read_text().splitlines()]
        return [line[1:] for line in lines if line[0] == program]

    def apt(self):
        return self.calls("apt-get")


def installs(*packages):
    return [["update"], ["install", "-y", *packages]]


EVERYTHING = ("npm", "chromium", "ensurepip", "fashion-mnist")


def test_nodesource_machine_gets_chromium_alone(tmp_path):
    machine = Machine(tmp_path, have=("npm", "ensurepip", "fashion-mnist"))
    done = machine.setup("test")
    assert done.returncode == 0, done.stderr
    assert machine.apt() == installs("chromium")
    assert f"npm: found {machine.bin / 'npm'}" in done.stdout.splitlines()
    assert machine.calls("python3")[-1] == ["-m", "venv", ".venv"]
    assert machine.calls("pip") == [["install", "-q", "--upgrade", "pip"],
                                    ["install", "-r", "requirements.txt"]]


def test_bare_machine_gets_everything_once(tmp_path):
    machine = Machine(tmp_path)
    done = machine.setup("test")
    assert done.returncode == 0, done.stderr
    assert machine.apt() == installs("npm", "chromium", "dataset-fashion-mnist", "python3-venv")
    assert (machine.repo / ".venv" / "bin" / "pip").exists()
    again = machine.setup("test")               # idempotent: nothing left to install
    assert again.returncode == 0, again.stderr
    assert len(machine.apt()) == 2
    assert "apt: nothing to install" in again.stdout.splitlines()


def test_build_never_installs_chromium(tmp_path):
    machine = Machine(tmp_path)
    done = machine.setup("build")
    assert done.returncode == 0, done.stderr
    assert machine.apt() == installs("npm", "dataset-fashion-mnist", "python3-venv")
    assert "chromium" not in done.stdout


@pytest.mark.parametrize("mode", ["build", "test"])
def test_complete_machine_never_calls_apt(tmp_path, mode):
    machine = Machine(tmp_path, have=(*EVERYTHING, ".venv"))
    done = machine.setup(mode)
    assert done.returncode == 0, done.stderr
    assert machine.apt() == [] and machine.calls("python3") == []
    assert done.stdout.splitlines()[-2:] == ["apt: nothing to install", ".venv: found"]
    assert len(machine.calls("pip")) == 2


def test_existing_venv_needs_no_python3_venv(tmp_path):
    machine = Machine(tmp_path, have=("npm", "chromium", "fashion-mnist", ".venv"))
    done = machine.setup("test")
    assert done.returncode == 0, done.stderr
    assert machine.apt() == []
    assert "python3-venv: not needed, .venv exists" in done.stdout.splitlines()


@pytest.mark.parametrize("args", [(), ("install",), ("test", "build")])
def test_mode_is_build_or_test(tmp_path, args):
    done = Machine(tmp_path).setup(*args)
    assert done.returncode == 2 and "usage: bash scripts/setup build|test" in done.stderr


@pytest.fixture
def shared_tmp():
    """A temporary folder that an unprivileged user can write in (pytest's tmp_path is root's only)."""
    folder = Path(tempfile.mkdtemp())
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder)


def as_user(machine: Machine):
    """Arguments that run the script as an unprivileged user, and open the fake machine to them."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot drop to an unprivileged user")
    for path in [machine.repo, machine.bin, machine.root]:
        path.chmod(0o777)
    machine.log.chmod(0o666)
    return (setpriv, "--reuid=65534", "--regid=65534", "--clear-groups")


def test_unprivileged_user_installs_through_sudo(shared_tmp):
    machine = Machine(shared_tmp, have=("npm", "ensurepip", "fashion-mnist", ".venv", "sudo"))
    done = machine.setup("test", prefix=as_user(machine))
    assert done.returncode == 0, done.stderr
    assert machine.calls("sudo") == [["apt-get", *call] for call in installs("chromium")]
    assert machine.apt() == installs("chromium")


def test_unprivileged_user_without_sudo_is_told_what_to_run(shared_tmp):
    machine = Machine(shared_tmp, have=("npm", "ensurepip", "fashion-mnist", ".venv"))
    done = machine.setup("test", prefix=as_user(machine))
    assert done.returncode == 1
    assert "apt-get update && apt-get install -y chromium" in done.stderr
    assert machine.apt() == [] and machine.calls("pip") == []


def readme_command(start):
    """The README's command line (indented as code) that starts with `start`."""
    lines = [line.strip() for line in (ROOT / "README.md").read_text().splitlines()]
    found = [line for line in lines if line.startswith(start)]
    assert len(found) == 1, f"README.md should hold exactly one command starting {start!r}"
    return found[0]


def test_ci_runs_exactly_the_readmes_test_command():
    """.ci/run is a shebang, comments, `set`, `cd` to the repository, and the README's command."""
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    commands = [line for line in lines if line and not line.startswith(("#", "set ", "cd "))]
    assert commands == [readme_command("bash scripts/setup test && ")]


def test_readme_build_command_uses_the_script():
    assert "jupyter-book build . -W -n --keep-going" in readme_command("bash scripts/setup build && ")

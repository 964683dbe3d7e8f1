"""The package installs into a fresh virtual environment from the checkout, offline."""

import os
import shutil
import subprocess
import sys

from conftest import PACKAGE_ROOT


def test_installs_offline_into_a_fresh_venv_and_talks_to_a_server(tmp_path, server):
    # Installed from a copy: pip builds in the source tree (build/, *.egg-info).
    source = tmp_path / "src"
    shutil.copytree(PACKAGE_ROOT, source, ignore=shutil.ignore_patterns(
        "tests", "__pycache__", "build", "*.egg-info"))
    venv = tmp_path / "venv"
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", str(venv)],
                   check=True)
    pip = subprocess.run([str(venv / "bin" / "pip"), "install", "--no-build-isolation",
                          "--no-index", str(source)], capture_output=True, text=True)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    script = ("import vectaraft, sys; c = vectaraft.Client(sys.argv[1]);"
              "print(vectaraft.__file__); print(c.ping().version)")
    run = subprocess.run([str(venv / "bin" / "python"), "-c", script, server.address],
                         cwd=str(tmp_path), capture_output=True, text=True,
                         env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert run.returncode == 0, run.stderr
    location, version = run.stdout.split()
    assert location.startswith(str(venv)), "imported from the venv, not the checkout"
    assert version

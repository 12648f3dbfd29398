"""The wheel and sdist build, contain what they should, and install cleanly."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("build") is None or importlib.util.find_spec("setuptools") is None,
    reason="needs the `build` and `setuptools` packages (pip install build setuptools)",
)


@pytest.fixture(scope="module")
def dists(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: build with the installed setuptools, no download.
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    wheel = next(out.glob("kerasdl-*.whl"))
    sdist = next(out.glob("kerasdl-*.tar.gz"))
    return wheel, sdist


def test_wheel_holds_the_package_and_nothing_else(dists):
    wheel, _ = dists
    names = zipfile.ZipFile(wheel).namelist()
    assert "kerasdl/__init__.py" in names and "kerasdl/py.typed" in names
    assert any(n.startswith("kerasdl/practicals/") for n in names)
    top = {n.split("/")[0] for n in names}
    assert all(t == "kerasdl" or t.endswith(".dist-info") for t in top), top
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".npz", ".gz"))]
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "kerasdl = kerasdl.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_sdist_has_sources_tests_and_docs_but_no_caches(dists):
    _, sdist = dists
    names = tarfile.open(sdist).getnames()
    assert any(n.endswith("/pyproject.toml") for n in names)
    assert any(n.endswith("/README.md") for n in names)
    assert not [n for n in names if "__pycache__" in n or "/.pytest_cache" in n or "/.hypothesis" in n]


@pytest.mark.slow
def test_wheel_installs_into_an_empty_venv_and_imports(dists, tmp_path):
    wheel, _ = dists
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-3000:]
    smoke = subprocess.run(
        [str(python), "-c", "import kerasdl, kerasdl.models; print(kerasdl.__version__, kerasdl.build_lenet().count_params())"],
        capture_output=True, text=True, env={"KERAS_HOME": str(tmp_path / "kh"), "PATH": "/usr/bin:/bin"},
    )
    assert smoke.returncode == 0, smoke.stderr[-3000:]
    assert smoke.stdout.split()[1] == "61706"

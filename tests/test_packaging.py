"""The built wheel carries the taxonomy and works from another directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{proc.stderr[-2000:]}")
    [whl] = out.glob("domaincheck-*.whl")
    return whl


def test_wheel_contains_the_taxonomy(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for f in ("meta.yaml", "areas.yaml", "econsec.yaml", "programs.yaml", "reference.yaml"):
        assert f"domaincheck/taxonomy/{f}" in names


def test_installed_wheel_finds_its_data_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)  # fmt: skip
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "DOMAINCHECK_CACHE": "off"}
    code = (
        "import domaincheck, json; from domaincheck.taxonomy import packaged_dir; "
        "from domaincheck import Classifier; r = Classifier.load().classify('量子コンピュータ'); "
        "print(json.dumps([domaincheck.__file__, str(packaged_dir()), r.verdict]))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    module_file, data_dir, verdict = json.loads(out)
    assert module_file.startswith(str(target))
    assert data_dir.startswith(str(target))
    assert verdict == "strategic"
    cli = subprocess.run([sys.executable, "-m", "domaincheck", "domains", "--format", "json"], cwd=elsewhere,
                         env=env, capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert len([a for t in json.loads(cli)["tiers"] for a in t["areas"]]) == 16

"""The documentation's links: README.md and docs/*.md link into each other (the README is the guide, docs/ the
reference), and a moved heading must not leave a dead link behind."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "check_doc_links.py"


def _checker():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("check_doc_links", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_relative_link_of_the_docs_resolves() -> None:
    r = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout
    assert "every relative link of" in r.stdout


def test_the_link_checker_finds_a_dead_anchor_and_a_missing_file(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    checker = _checker()
    assert checker.slug("`domaincheck screen`") == "domaincheck-screen"
    assert checker.slug("Banners and `--header-row`") == "banners-and---header-row"
    page = tmp_path / "README.md"
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# Title\n\n## Part two\n\n## Part two\n", encoding="utf-8")
    page.write_text("[ok](docs/a.md#part-two-1) [dead](docs/a.md#part-three) [gone](docs/b.md)\n", encoding="utf-8")
    checker.ROOT, checker.PAGES = tmp_path, [page]
    assert checker.main() == 1
    out = capsys.readouterr().out.splitlines()
    assert out == ["README.md: no heading docs/a.md#part-three", "README.md: no file docs/b.md"]
    assert checker.anchors(tmp_path / "docs" / "a.md") == {"title", "part-two", "part-two-1"}

"""The built wheel carries the taxonomy and works from another directory."""

from __future__ import annotations

import json
import os
import shutil
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
    for f in ("meta.yaml", "areas.yaml", "econsec.yaml", "programs.yaml", "reference.yaml", "source.txt"):
        assert f"domaincheck/taxonomy/{f}" in names
    # PEP 561: a library user's type checker reads the package's types (without the marker mypy skipped it as
    # untyped, and every result was Any: a user test)
    assert "domaincheck/py.typed" in names


def test_installed_wheel_finds_its_data_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    env = _install(wheel, target)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
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


def _install(wheel: Path, target: Path) -> dict[str, str]:
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)  # fmt: skip
    return {**os.environ, "PYTHONPATH": str(target), "DOMAINCHECK_CACHE": "off"}


_CLASSIFY_ALL = """
import csv, json, sys
import domaincheck
from domaincheck import Classifier
titles = [row["title"] for path in sys.argv[1:] for row in csv.DictReader(open(path, encoding="utf-8"))]
clf = Classifier.load()
out = [clf.classify(t)._asdict() for t in titles] + [b._asdict() for b in clf.brief_many(titles)]
import pickle  # to worker processes (a user test: the compiled class could not be unpickled)
again = pickle.loads(pickle.dumps(clf))
pickled = [again.classify(t)._asdict() for t in titles[:200]]
errors = []  # the same exception for a title that is no str, in either build
for bad in (None, b"x", 3):
    try:
        clf.classify(bad)
    except Exception as exc:
        errors.append(type(exc).__name__)
errors += [repr(e) for e in clf.brief_many(["x", b"x", 3.5, None])[1:]]
import hashlib, zipfile
from domaincheck.screen import ScreenOptions, screen
screened = {}
for fmt in ("csv", "jsonl", "xlsx"):
    target = f"screened.{fmt}"
    screen(ScreenOptions(input=sys.argv[1], output=target), Classifier.load)
    if fmt == "xlsx":  # every part of the workbook but its creation time (docProps/core.xml)
        book = zipfile.ZipFile(target)
        screened[fmt] = {n: hashlib.sha256(book.read(n)).hexdigest() for n in book.namelist() if "docProps" not in n}
    else:
        screened[fmt] = hashlib.sha256(open(target, "rb").read()).hexdigest()
import inspect  # the library API's parameters as help() and inspect show them (a compiled function may have none)
def parameters(f):
    try:
        return [p.name for p in inspect.signature(f).parameters.values() if p.name != "self"]
    except ValueError as exc:
        return str(exc)
api = {name: parameters(f) for name, f in (
    ("screen", screen), ("ScreenOptions", ScreenOptions), ("Classifier", Classifier), ("load", Classifier.load),
    ("classify", Classifier.classify), ("brief", Classifier.brief), ("brief_many", Classifier.brief_many))}
from domaincheck.screen import ScreenProgress, Summary
types = {c.__name__: {p.name: str(p.annotation) for p in inspect.signature(c).parameters.values()}
         for c in (ScreenOptions, Summary, ScreenProgress)}
print(json.dumps({"compiled": domaincheck.compiled(), "results": out, "screened": screened, "pickled": pickled,
                  "errors": errors, "api": api, "types": types}, default=list, ensure_ascii=False))
"""


def test_the_compiled_core_classifies_as_the_plain_python_one(wheel: Path, tmp_path: Path) -> None:
    """The wheel's core is compiled with mypyc when a C compiler is at hand (hatch_build.py); with
    DOMAINCHECK_PURE_PYTHON it is plain Python. Both must say the same of the 2,530 titles of the held-out sets, and
    screen must write the same files for one of them."""
    names = zipfile.ZipFile(wheel).namelist()
    if not any(n.startswith("domaincheck/classify.") and not n.endswith(".py") for n in names):
        import sysconfig

        headers = Path(sysconfig.get_paths()["include"], "Python.h").is_file()
        if headers and (shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")):
            pytest.fail("a C compiler is at hand but the wheel's core is plain Python: mypyc failed (pip wheel -v "
                        "shows why)")
        pytest.skip("no C compiler or no Python headers on this machine: the wheel is plain Python")
    pure_dir = tmp_path / "pure-wheel"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(pure_dir),
         str(ROOT)], capture_output=True, text=True, check=False, env={**os.environ, "DOMAINCHECK_PURE_PYTHON": "1"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    [pure] = pure_dir.glob("domaincheck-*.whl")
    assert not any(n.endswith((".so", ".pyd")) for n in zipfile.ZipFile(pure).namelist())
    files = sorted(str(p) for p in (ROOT / "tests" / "data" / "eval").glob("heldout_*.csv"))
    said = []
    for whl, where in ((wheel, "compiled"), (pure, "pure")):
        env = _install(whl, tmp_path / where)
        out = subprocess.run([sys.executable, "-c", _CLASSIFY_ALL, *files], cwd=tmp_path, env=env,
                             capture_output=True, text=True, check=True).stdout  # fmt: skip
        said.append(json.loads(out))
    assert [s["compiled"] for s in said] == [True, False]
    compiled, plain = said[0]["results"], said[1]["results"]
    assert len(compiled) > 3000 and compiled == plain
    assert said[0]["screened"] == said[1]["screened"]  # screen's outputs too, byte for byte (xlsx: but its time)
    assert said[0]["pickled"] == compiled[:200] and said[1]["pickled"] == plain[:200]
    assert said[0]["errors"] == said[1]["errors"] == [
        "TypeError", "TypeError", "TypeError", "InputError('title is of type bytes, not text')",
        "InputError('title is of type float, not text')", "None"]
    assert {r["verdict"] for r in compiled if "verdict" in r} >= {"strategic", "emerging", "none"}
    # help(screen) and inspect show the same parameters in both builds (the compiled screen() had no signature while
    # a default was a module constant)
    assert said[0]["api"] == said[1]["api"]
    assert said[0]["api"]["screen"][:3] == ["options", "classifier_factory", "progress"]
    # and the types of ScreenOptions' and Summary's fields, as written (compiled, a union was shown as `type`)
    assert said[0]["types"] == said[1]["types"] and said[0]["types"]["ScreenOptions"]["sheet"] == "str | None"


def test_the_package_and_its_metadata_give_one_version() -> None:
    import tomllib

    import domaincheck

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["version"] == domaincheck.__version__


def test_the_build_cache_key_follows_every_source_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The compiled core is kept in a build cache (hatch_build.py) keyed by what goes into it: a change to any
    module of the package, even one that is not compiled but whose types mypyc reads, or to the compiler settings
    gives another entry; the same sources give the same one; DOMAINCHECK_BUILD_CACHE=off turns it off."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("hatch_build_under_test", ROOT / "hatch_build.py")
    assert spec is not None and spec.loader is not None
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src", src, ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    modules = ["domaincheck/classify.py"]
    monkeypatch.setenv("DOMAINCHECK_BUILD_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("CFLAGS", raising=False)
    first = hook._cache_entry(src, modules)
    assert first is not None and first.parent == tmp_path / "cache"
    assert hook._cache_entry(src, modules) == first
    models = src / "domaincheck" / "models.py"  # not compiled, but its types are
    models.write_text(models.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    second = hook._cache_entry(src, modules)
    assert second not in (None, first)
    monkeypatch.setenv("CFLAGS", "-O0")
    assert hook._cache_entry(src, modules) not in (None, first, second)
    assert hook._cache_entry(src, [*modules, "domaincheck/matcher.py"]) not in (None, first, second)
    monkeypatch.setenv("DOMAINCHECK_BUILD_CACHE", "off")
    assert hook._cache_entry(src, modules) is None


def test_the_build_cache_stores_finds_shares_and_prunes_its_entries(tmp_path: Path) -> None:
    """An entry is stored whole under its key and found again; it is readable by others (a team's shared cache; a
    review found 0700 entries that no other user's build could use); the newest eight are kept; an entry that
    cannot be read is a miss, not a failed build (a review: a cache folder the build's user may not enter raised)."""
    import importlib.util
    import stat

    spec = importlib.util.spec_from_file_location("hatch_build_under_test", ROOT / "hatch_build.py")
    assert spec is not None and spec.loader is not None
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    lib = tmp_path / "lib"
    (lib / "domaincheck").mkdir(parents=True)
    built = [lib / "core__mypyc.so", lib / "domaincheck" / "classify.so"]
    for n, path in enumerate(built):
        path.write_bytes(bytes([n]) * 100)
    cache = tmp_path / "cache"
    # a folder other tools share (DOMAINCHECK_BUILD_CACHE=~/.cache): what is not an entry is never touched (a review:
    # the pruning removed every other tool's cache, and old dot-folders such as .ssh)
    for other in ("pip", ".ssh", "." + "0" * 31):
        (cache / other).mkdir(parents=True)
        os.utime(cache / other, (1_000, 1_000))
    entries = []
    for n in range(10):
        entry = cache / f"{n:032x}"
        hook._store(lib, built, entry)
        os.utime(entry, (1_000_000 + n, 1_000_000 + n))  # each newer than the last
        entries.append(entry)
    hook._store(lib, built, entries[-1])  # stored again (another build was first): the entry stands as it was
    kept = sorted(p.name for p in cache.iterdir())
    assert kept == sorted([".ssh", "." + "0" * 31, "pip", *(e.name for e in entries[-hook._KEEP:])]), kept
    found = hook._cached_modules(entries[-1])
    assert [p.relative_to(entries[-1]) for p in found] == [p.relative_to(lib) for p in sorted(built)]
    assert [p.read_bytes() for p in found] == [p.read_bytes() for p in sorted(built)]
    assert all(stat.S_IMODE(p.stat().st_mode) & 0o055 == 0o055 for p in (entries[-1], entries[-1] / "domaincheck"))
    assert hook._cached_modules(None) == [] and hook._cached_modules(cache / "missing") == []

    class Locked(type(entries[-1])):  # type: ignore[misc]  # a folder this user may not enter (root enters all)
        def is_dir(self) -> bool:
            raise PermissionError(13, "Permission denied", str(self))

    assert hook._cached_modules(Locked(entries[-1])) == []

"""Wheel build hook: compile the classification core's hot modules to C with mypyc.

mypyc (part of mypy) compiles type-annotated Python to C extension modules; black and mypy ship that way. The modules
listed under ``[tool.hatch.build.targets.wheel.hooks.custom] modules`` (normalising, matching and scoring a title, and
screen's batch loop and writers) run about 1.5 times as fast compiled. The Python source stays in the wheel, and is
what an editable install runs.

Compiling is skipped, and the wheel is plain Python, for an editable install (so that no stale extension module ever
shadows an edited source file), when ``DOMAINCHECK_PURE_PYTHON`` is set to a non-empty value, and, with a warning,
when the compiler fails (no C compiler on the machine, say). Everything is built in a temporary directory: nothing is
written into the source tree.

Compiling takes about two minutes (one large C file at -O3), so the extension modules are kept in a build cache, like
ccache, keyed by everything that goes into them: every source file of the package, this hook, the Python version and
platform, the versions of mypy and of the libraries the core is typed against (ahocorasick-rs, rapidfuzz,
pyspellchecker: the hook installs them), and the compiler settings in the environment (CC, CFLAGS…). setuptools only
drives the compiler with the interpreter's own flags, so its version is left out (the packaging test's build without
isolation runs the venv's older setuptools). A second build of the same sources (the packaging test builds a wheel
after the install built one) takes seconds. The cache lives in ``$DOMAINCHECK_BUILD_CACHE`` (an absolute path), else
``$XDG_CACHE_HOME/domaincheck-build`` or ``~/.cache/domaincheck-build``; ``off`` (or 0, false, no) compiles every time,
and so does a home that cannot be found. An entry is written under a temporary name and renamed into place, so an
interrupted build never leaves one half-written; entries are readable by every user, the newest eight are kept,
and a cache that cannot be read or written only costs the compile.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

_SETUP = """
import sys
from setuptools import setup
from mypyc.build import mypycify
build_lib, build_temp, *modules = sys.argv[1:]
setup(name="domaincheck-core", ext_modules=mypycify(["--ignore-missing-imports", *modules], opt_level="3"),
      script_args=["build_ext", "--build-lib", build_lib, "--build-temp", build_temp])
"""


class MypycHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        self._tmp: str | None = None
        if self.target_name != "wheel" or version == "editable" or os.environ.get("DOMAINCHECK_PURE_PYTHON"):
            return
        src = Path(self.root) / "src"
        modules = [str(Path(m).relative_to("src")) for m in self.config.get("modules", [])]
        cached = _cache_entry(src, modules)
        hit = _cached_modules(cached)
        if cached is not None and hit:
            with contextlib.suppress(OSError):  # a hit is used: it is the newest to keep
                os.utime(cached)
            self._add(build_data, cached, hit)
            return
        tmp = tempfile.mkdtemp(prefix="domaincheck-mypyc-")
        lib, temp = Path(tmp) / "lib", Path(tmp) / "temp"
        # mypy and setuptools write their caches and build files under the working directory: give them a copy of
        # the sources, not the source tree.
        work = Path(tmp) / "src"
        shutil.copytree(src, work, ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd"))
        proc = subprocess.run([sys.executable, "-c", _SETUP, str(lib), str(temp), *modules], cwd=work,
                              capture_output=True, text=True)  # fmt: skip
        built = sorted(p for p in lib.rglob("*") if p.suffix in (".so", ".pyd"))
        if proc.returncode != 0 or not built:
            shutil.rmtree(tmp, ignore_errors=True)
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
            sys.stderr.write(f"domaincheck: mypyc could not compile the core; building plain Python.\n{tail}\n")
            return
        self._tmp = tmp
        self._add(build_data, lib, built)
        if cached is not None:
            _store(lib, built, cached)

    @staticmethod
    def _add(build_data: dict[str, Any], lib: Path, built: list[Path]) -> None:
        for path in built:
            build_data["force_include"][str(path)] = str(path.relative_to(lib))
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if getattr(self, "_tmp", None):
            shutil.rmtree(self._tmp, ignore_errors=True)


def _cache_entry(src: Path, modules: list[str]) -> Path | None:
    """The build cache's directory for these sources and this toolchain, or None when the cache is off."""
    where = os.environ.get("DOMAINCHECK_BUILD_CACHE", "").strip()
    if where.lower() in _OFF:
        return None
    if not where:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        where = os.path.join(base, "domaincheck-build")
    where = os.path.expanduser(where)
    if not os.path.isabs(where):  # no home (``~`` stays as it is) or a relative path: never the source tree
        return None
    h = hashlib.sha256()
    for part in (sys.version, sys.platform, sysconfig.get_platform(), str(sysconfig.get_config_var("EXT_SUFFIX")),
                 _SETUP, Path(__file__).read_text(encoding="utf-8"), *modules):
        h.update(part.encode() + b"\0")
    for dist in _TYPED_DEPENDENCIES:
        try:
            h.update(f"{dist}={metadata.version(dist)}".encode() + b"\0")
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=none".encode() + b"\0")
    for var in ("CC", "CXX", "CFLAGS", "CPPFLAGS", "LDFLAGS", "LDSHARED", "MYPYC_OPT_LEVEL", "MYPYC_DEBUG_LEVEL"):
        h.update(f"{var}={os.environ.get(var, '')}".encode() + b"\0")
    for path in sorted(src.rglob("*")):  # mypyc reads the types of every module the compiled ones import
        if path.is_file() and (path.suffix in (".py", ".pyi") or path.name == "py.typed"):
            h.update(str(path.relative_to(src)).encode() + b"\0" + path.read_bytes() + b"\0")
    return Path(where) / h.hexdigest()[:32]


def _cached_modules(entry: Path | None) -> list[Path]:
    """The extension modules of a cache entry; none when there is no entry or it cannot be read (a cache folder the
    build's user may not enter is a miss, not a failed build: a review)."""
    if entry is None:
        return []
    try:
        return sorted(p for p in entry.rglob("*") if p.suffix in (".so", ".pyd")) if entry.is_dir() else []
    except OSError:
        return []


def _store(lib: Path, built: list[Path], entry: Path) -> None:
    """Copy the built modules into the cache under a temporary name, then rename; a failure only loses the entry.
    The entry is readable by every user (a cache shared by a team's builds), and the cache keeps the newest
    :data:`_KEEP` entries: every change of a source file makes a new one (3.6 MB each)."""
    part: Path | None = None
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        part = Path(tempfile.mkdtemp(prefix=f".{entry.name}.", dir=entry.parent))
        for path in built:
            target = part / path.relative_to(lib)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        for path in (part, *part.rglob("*")):  # mkdtemp makes it 0700: another user's build would never find it
            path.chmod(0o755 if path.is_dir() or path.suffix in (".so", ".pyd") else 0o644)
        try:
            part.rename(entry)
            part = None
        except OSError:  # another build stored the same entry first
            pass
        _prune(entry.parent)
    except OSError as exc:
        sys.stderr.write(f"domaincheck: could not keep the compiled core in the build cache ({exc}).\n")
    finally:
        if part is not None:
            shutil.rmtree(part, ignore_errors=True)


def _prune(cache: Path) -> None:
    """Remove all but the newest :data:`_KEEP` entries, and temporary folders an interrupted build left (older than
    an hour). Only folders named as this hook names them are touched: ``DOMAINCHECK_BUILD_CACHE`` may name a folder
    that other tools share (a review: ~/.cache lost every other tool's cache, and older dot-folders with it)."""
    now = time.time()
    entries = []
    for path in cache.iterdir():
        entry = _ENTRY_NAME.fullmatch(path.name)
        if entry is None:
            continue
        try:
            stamp = path.stat().st_mtime
        except OSError:
            continue
        if entry.group(1):  # a temporary folder
            if now - stamp > 3600:
                shutil.rmtree(path, ignore_errors=True)
        elif path.is_dir():
            entries.append((stamp, path))
    for _, path in sorted(entries, reverse=True)[_KEEP:]:
        shutil.rmtree(path, ignore_errors=True)


_ENTRY_NAME = re.compile(r"(\.)?[0-9a-f]{32}(?(1)\..+|)")
"""An entry's name (32 hex digits of its key), or a temporary one's (``.<key>.<random>``)."""
_KEEP = 8
"""Build cache entries kept (the newest)."""
_OFF = frozenset({"off", "0", "false", "no", "none"})
"""Values of ``DOMAINCHECK_BUILD_CACHE`` that turn the cache off, in any case."""
_TYPED_DEPENDENCIES = ("mypy", "ahocorasick-rs", "rapidfuzz", "pyspellchecker")
"""Distributions whose versions go into the key: mypy, and the libraries whose types mypyc compiles the core
against (the hook installs them; without them it compiles other C code)."""

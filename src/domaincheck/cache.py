"""Cache of the compiled taxonomy, matcher and learned model, keyed by a hash of their files, so start-up stays fast.

An entry holds three pickles in a row: the taxonomy, the matcher, the learned model (or None). A reader unpickles
only as far as it needs: the lists need the taxonomy alone, ``--terms-only`` no model. (Unpickling the matcher and
the model rebuilds their automata, most of a warm start.)
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .errors import TaxonomyError
from .models import Taxonomy
from .taxonomy import FILES, PACKAGED, load, packaged_dir

if TYPE_CHECKING:
    from .learned import Learned
    from .matcher import Matcher

_LEARNED_FILE = "learned.json"
"""``domaincheck.learned.FILE``, named here so that reading the taxonomy alone does not import the model's code."""


def cache_dir() -> Path | None:
    """Where compiled taxonomies are kept; ``DOMAINCHECK_CACHE=off`` disables the cache."""
    env = os.environ.get("DOMAINCHECK_CACHE")
    if env == "off":
        return None
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "domaincheck"


def _code_stamp() -> bytes:
    """Size and mtime of the modules whose classes are pickled, so a code change never meets a stale cache."""
    here = Path(__file__).parent
    parts = []
    for name in ("matcher.py", "models.py", "normalize.py", "taxonomy.py", "cache.py", "learned.py"):
        try:
            st = (here / name).stat()
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(name)
    return "|".join(parts).encode()


def _key(directory: Path) -> str | None:
    h = hashlib.sha256(__version__.encode() + _code_stamp())
    for name in FILES:
        try:
            h.update(name.encode() + b"\0" + (directory / name).read_bytes())
        except OSError:
            return None
    try:
        h.update(b"learned\0" + (directory / _LEARNED_FILE).read_bytes())
    except FileNotFoundError:
        h.update(b"no learned model")
    except OSError:
        return None
    return h.hexdigest()[:24]


def _entry(directory: Path) -> Path | None:
    """The cache file for the taxonomy in ``directory``; None when caching is off or its files cannot be read."""
    where = cache_dir()
    key = _key(directory) if where is not None else None
    return where / f"compiled-{key}.pickle" if where is not None and key else None


def _located(taxonomy: Taxonomy, directory: str | Path | None, path: Path) -> Taxonomy:
    location = PACKAGED if directory is None else str(path)
    if taxonomy.location != location:
        taxonomy = Taxonomy(**{**taxonomy.__dict__, "location": location})
    return taxonomy


def _read(target: Path | None, parts: int) -> tuple[Taxonomy, list[object]] | None:
    """The taxonomy of the cache entry ``target`` and the ``parts - 1`` objects after it (matcher, model); None when
    there is no usable entry."""
    if target is None or not target.is_file():
        return None
    try:
        with target.open("rb") as fh:
            taxonomy = pickle.load(fh)
            if not isinstance(taxonomy, Taxonomy):
                return None
            return taxonomy, [pickle.load(fh) for _ in range(parts - 1)]  # the rest of the file is not unpickled
    except Exception:
        return None


def load_taxonomy(directory: str | Path | None = None) -> Taxonomy:
    """The taxonomy alone, for the commands that list it: from the cache without unpickling the matcher or the
    learned model when the files are unchanged, else as :func:`load_compiled` builds it (and caches it), where a
    broken ``learned.json`` is no error."""
    path = packaged_dir() if directory is None else Path(directory)
    found = _read(_entry(path), 1)
    if found is None:
        return load_compiled(directory, learned=False)[0]
    return _located(found[0], directory, path)


def load_compiled(directory: str | Path | None = None, learned: bool = True
                  ) -> tuple[Taxonomy, Matcher, Learned | None]:  # fmt: skip
    """The taxonomy, its matcher and its learned model (if it has one), from the cache when the files are
    unchanged, else built and cached. With ``learned=False`` the model is neither unpickled nor returned, and a
    broken ``learned.json`` is no error (terms alone do not need it)."""
    from .learned import Learned
    from .learned import load as load_learned
    from .matcher import Matcher

    path = packaged_dir() if directory is None else Path(directory)
    target = _entry(path)
    found = _read(target, 3 if learned else 2)
    if found is not None:
        matcher, *rest = found[1]
        model = rest[0] if rest else None
        if isinstance(matcher, Matcher) and (model is None or isinstance(model, Learned)):
            return _located(found[0], directory, path), matcher, model
    taxonomy = load(directory)
    matcher = Matcher(taxonomy)
    try:
        model = load_learned(path, [a.id for a in taxonomy.areas])
    except TaxonomyError:
        if learned:
            raise
        return taxonomy, matcher, None  # not cached: the entry would claim there is no model
    # The key hashed the files before they were parsed: if one was saved meanwhile (an edit while a screen starts),
    # the new files were built, and stored under the old files' key they would come back when those were restored
    if target is not None and _entry(path) == target:
        import tempfile

        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    for part in (taxonomy, matcher, model):
                        pickle.dump(part, fh, protocol=pickle.HIGHEST_PROTOCOL)
                    fh.flush()
                    with contextlib.suppress(OSError):  # on the disk before the rename, as screen's output is
                        os.fsync(fh.fileno())
                os.replace(tmp, target)
            except BaseException:  # a full disk, Ctrl-C: no half-written entry stays behind
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            # Keep the few most recent compiled taxonomies; older ones belong to edited files or old versions.
            old = sorted(target.parent.glob("compiled-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
            for stale in old[8:]:
                stale.unlink(missing_ok=True)
        except OSError:
            pass
    return taxonomy, matcher, model if learned else None

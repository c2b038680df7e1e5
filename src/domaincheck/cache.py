"""Cache of the compiled taxonomy and matcher, keyed by a hash of the YAML files, so start-up stays fast."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from pathlib import Path

from . import __version__
from .errors import TaxonomyError
from .learned import FILE as LEARNED_FILE
from .learned import Learned
from .learned import load as load_learned
from .matcher import Matcher
from .models import Taxonomy
from .taxonomy import FILES, PACKAGED, load, packaged_dir


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
        h.update(b"learned\0" + (directory / LEARNED_FILE).read_bytes())
    except FileNotFoundError:
        h.update(b"no learned model")
    except OSError:
        return None
    return h.hexdigest()[:24]


def load_compiled(directory: str | Path | None = None, learned: bool = True
                  ) -> tuple[Taxonomy, Matcher, Learned | None]:  # fmt: skip
    """The taxonomy, its matcher and its learned model (if it has one), from the cache when the files are
    unchanged, else built and cached. With ``learned=False`` the model is not returned, and a broken
    ``learned.json`` is no error (terms alone do not need it)."""
    path = packaged_dir() if directory is None else Path(directory)
    where = cache_dir()
    key = _key(path) if where is not None else None
    target = where / f"compiled-{key}.pickle" if where is not None and key else None
    if target is not None and target.is_file():
        try:
            with target.open("rb") as fh:
                taxonomy, matcher, model = pickle.load(fh)
            fresh = isinstance(taxonomy, Taxonomy) and isinstance(matcher, Matcher)
            if fresh and (model is None or isinstance(model, Learned)):
                location = PACKAGED if directory is None else str(path)
                if taxonomy.location != location:
                    taxonomy = Taxonomy(**{**taxonomy.__dict__, "location": location})
                return taxonomy, matcher, model if learned else None
        except Exception:
            pass
    taxonomy = load(directory)
    matcher = Matcher(taxonomy)
    try:
        model = load_learned(path, [a.id for a in taxonomy.areas])
    except TaxonomyError:
        if learned:
            raise
        return taxonomy, matcher, None  # not cached: the entry would claim there is no model
    if target is not None:
        import tempfile

        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump((taxonomy, matcher, model), fh, protocol=pickle.HIGHEST_PROTOCOL)
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

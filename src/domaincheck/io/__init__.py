"""Readers and writers for batch screening: CSV, TSV, xlsx and JSONL, encoding detection, column finding.

- :mod:`~domaincheck.io.encoding`: BOM → strict UTF-8 → CP932 detection in chunks; decode-error location.
- :mod:`~domaincheck.io.columns`: title column detection and column lookup by name or 1-based index.
- :mod:`~domaincheck.io.readers`: :func:`open_table` streams a header and raw rows from any input format.
- :mod:`~domaincheck.io.writers`: :func:`open_writer` writes rows atomically, neutralising formulas.
- :mod:`~domaincheck.io.titles`: titles given one a line (``classify -``), and cells pasted from Excel.

Nothing here prints, exits or imports the CLI stack; failures are :class:`~domaincheck.errors.InputError`, and
:class:`~domaincheck.errors.UsageError` for options that cannot go together (``check_input_options``,
``check_destination``: the same checks, with the same error class, whichever layer meets them first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names, for type checkers and editors
    from domaincheck.io.columns import TITLE_COLUMN_NAMES, detect_title_column, resolve_column
    from domaincheck.io.encoding import detect_encoding, find_decode_error
    from domaincheck.io.readers import InputSource, RawRow, Table, open_table
    from domaincheck.io.writers import atomic_file, neutralize, open_writer

_HOMES = {
    "TITLE_COLUMN_NAMES": "columns",
    "detect_title_column": "columns",
    "resolve_column": "columns",
    "detect_encoding": "encoding",
    "find_decode_error": "encoding",
    "InputSource": "readers",
    "RawRow": "readers",
    "Table": "readers",
    "open_table": "readers",
    "atomic_file": "writers",
    "neutralize": "writers",
    "open_writer": "writers",
}
"""Where each name of the package's own API lives. The modules are imported when a name is first asked for: the
readers and writers take about 25 ms to import, and ``classify`` writing JSON needs only :mod:`.streams`."""

__all__ = [
    "TITLE_COLUMN_NAMES",
    "InputSource",
    "RawRow",
    "Table",
    "atomic_file",
    "detect_encoding",
    "detect_title_column",
    "find_decode_error",
    "neutralize",
    "open_table",
    "open_writer",
    "resolve_column",
]


_MODULES = frozenset({"columns", "encoding", "readers", "streams", "titles", "writers"})


def __getattr__(name: str) -> Any:
    """A name of :data:`__all__`, or a module of the package (``domaincheck.io.readers`` after ``import
    domaincheck.io``, as when the package imported them all), imported on first use."""
    from importlib import import_module

    if name in _MODULES:
        return import_module(f"{__name__}.{name}")  # the import sets it on the package
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value

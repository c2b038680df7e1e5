"""Standard output as ``classify`` and ``screen`` write to it: a stream that takes every byte it is given or says
why not, in the encoding asked for.

Kept apart from :mod:`domaincheck.io.writers`, which mypyc compiles: a compiled class cannot derive from the
standard library's ``io.BufferedIOBase``; and small, so that ``classify`` imports none of the file readers and
writers.
"""

from __future__ import annotations

import contextlib
import errno
import io
from collections.abc import Iterator
from typing import IO, Any


class WholeWrites(io.BufferedIOBase):
    """A binary stream that writes all it is given or raises. A pipe whose reader goes away mid-write takes part of
    a large write (a batch of rows is one) and Python's buffered stdout returns the short count without an error,
    which a text wrapper ignores: the rest was lost and the run ended with 0 (`screen … | head -1`, a user test).
    Writing the rest raises BrokenPipeError, as it should."""

    def __init__(self, binary: IO[bytes]) -> None:
        super().__init__()
        self._binary = binary

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        total = len(view)
        while view:
            n = self._binary.write(view)
            if not n:  # a blocking stream takes at least a byte or raises
                raise OSError(errno.EIO, "standard output took none of the bytes written to it")
            view = view[n:]
        return total

    def flush(self) -> None:
        self._binary.flush()

    def fileno(self) -> int:  # what is behind it: a file to start with a BOM, a terminal, a pipe
        return self._binary.fileno()

    def close(self) -> None:  # the caller's stream stays open: only this wrapper is closed
        self._binary.flush()
        super().close()


def stdout_text() -> contextlib.AbstractContextManager[IO[str]]:
    """Standard output as a text stream in UTF-8, whose every write reaches it whole or raises (see
    :class:`~domaincheck.io.streams.WholeWrites`): ``classify``'s machine formats, JSON, JSONL and CSV, in UTF-8
    whatever the locale or PYTHONIOENCODING says, as ``screen`` writes them (a data engineer's user test found CP932
    and UTF-16 JSON, and a batch stopped at an en dash under CP932). A title given as bytes no encoding reads holds
    lone surrogates (Python's surrogateescape): they are written as backslash escapes (in JSON escapes that read back
    as the same characters, in CSV those characters as text), so the output stays valid UTF-8 and the batch goes on
    (strict stopped it at that title's error record, and the stream's own surrogateescape wrote its raw bytes,
    invalid UTF-8, into the JSON: two reviews)."""
    return stream_text(None, "utf-8", "backslashreplace")


@contextlib.contextmanager
def stream_text(stream: IO[str] | IO[bytes] | None, encoding: str, errors: str = "strict") -> Iterator[IO[str]]:
    """Wrap a caller's stream for text output in ``encoding`` without closing it."""
    if stream is None:
        import sys

        stream = sys.stdout
    if stream is None:  # started with stdout closed (`>&-`): Python has none
        from ..errors import stdout_closed

        raise stdout_closed("write the rows to a file with -o FILE", "-o FILE で行をファイルに書き出してください")
    binary: IO[bytes] | None
    binary_stream = isinstance(stream, (io.RawIOBase, io.BufferedIOBase)) or "b" in str(getattr(stream, "mode", ""))
    if isinstance(stream, io.TextIOBase) or not binary_stream:
        binary = getattr(stream, "buffer", None)
        if binary is None:  # a text writer of its own (a tee, a logging wrapper): written to as it is (a review)
            yield stream  # type: ignore[misc]
            return
        stream.flush()
    else:
        binary = stream  # type: ignore[assignment]
    assert binary is not None
    whole = WholeWrites(binary)  # (typeshed wants a raw file behind a TextIOWrapper)
    wrapper = io.TextIOWrapper(whole, encoding=encoding, errors=errors, newline="")  # type: ignore[type-var]
    try:
        yield wrapper
    except BaseException:
        with contextlib.suppress(ValueError, OSError):
            wrapper.flush()
        with contextlib.suppress(ValueError, OSError):
            wrapper.detach()
        raise
    try:
        # The last rows reach the stream here: a reader gone by now (`screen … | head -1` of a short file) is a broken
        # pipe, said with its exit code, not a success whose summary counts rows nobody got (a user test)
        wrapper.flush()
        binary.flush()
    finally:
        with contextlib.suppress(ValueError, OSError):
            wrapper.detach()

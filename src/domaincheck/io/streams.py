"""Standard output as ``screen`` writes to it: a stream that takes every byte it is given or says why not.

Kept apart from :mod:`domaincheck.io.writers`, which mypyc compiles: a compiled class cannot derive from the
standard library's ``io.BufferedIOBase``.
"""

from __future__ import annotations

import errno
import io
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

"""The ``domaincheck`` command's entry point: a Ctrl-C while the command line is still being imported (about a
tenth of a second) ends the run as one later does, with exit 130 and no traceback."""

from __future__ import annotations

import sys

EXIT_INTERRUPTED = 130  # cli.EXIT_INTERRUPTED (tested), repeated here so that nothing is imported before the guard


def main() -> None:
    """Import the command line and run it."""
    try:
        from .cli import main as cli_main
    except KeyboardInterrupt:
        from .errors import env_lang  # small (errno, os, re): the language as every command reads it

        sys.stderr.write(("interrupted" if env_lang() == "en" else "中断しました") + "\n")
        sys.exit(EXIT_INTERRUPTED)
    cli_main()

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
        import os  # already loaded by the interpreter: the language as cli._env_lang reads it

        english = os.environ.get("DOMAINCHECK_LANG", "").strip().lower() == "en"
        sys.stderr.write(("interrupted" if english else "中断しました") + "\n")
        sys.exit(EXIT_INTERRUPTED)
    cli_main()

"""The ``domaincheck`` command's entry point. A signal that arrives while the command line and the compiled core are
being imported (about a third of a second) is held until they are and the handlers are in place, then ends the run
as one later does: exit 130 for Ctrl-C, 128 + the number for SIGTERM or SIGHUP, no traceback.

Held rather than taken at once: a Ctrl-C inside the import of a module compiled with mypyc left it half made, and
the interpreter crashed (SIGSEGV) collecting it at exit in about one run in ten, or the interrupt was swallowed by
the import machinery and the run went on to write its output with exit 0 (a user test, 300 runs)."""

from __future__ import annotations

import signal
import sys

EXIT_INTERRUPTED = 130  # cli.EXIT_INTERRUPTED (tested), repeated here so that nothing is imported before the guard
_HELD = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))
_CORE_FREE = {"programs", "econsec", "source", "--help", "-h", "--version"}
"""Arguments of a run that never imports the classification core (the listings that do not classify, help)."""


def main() -> None:
    """Import the command line and the compiled core with the termination signals held, then run it."""
    holding = hasattr(signal, "pthread_sigmask")  # POSIX; on Windows a Ctrl-C is taken as before
    before = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD) if holding else set()
    try:
        try:
            from .cli import install_signal_handlers
            from .cli import main as cli_main

            _import_core(sys.argv[1:])
            install_signal_handlers()
        finally:
            if holding:  # a signal held meanwhile is delivered here, to the handlers now in place; one the caller
                # had blocked stays blocked (the mask as it was, not every held signal unblocked)
                signal.pthread_sigmask(signal.SIG_SETMASK, before)
    except KeyboardInterrupt:
        say("interrupted", "中断しました")
        sys.exit(EXIT_INTERRUPTED)
    except BaseException as exc:  # cli._Terminated: SIGTERM or SIGHUP
        signum = getattr(exc, "signum", None)
        if not isinstance(signum, int):
            raise
        say("terminated", "終了シグナルを受けて停止しました")
        sys.exit(128 + signum)
    cli_main()


def _import_core(args: list[str]) -> None:
    """Import the compiled modules the run will use (normalising, matching, the learned model, scoring; screen's
    batch loop and writers), which the commands import lazily: here no signal can cut one short."""
    from importlib import import_module

    modules = ["domaincheck.normalize"]  # the taxonomy's, for every command
    if _CORE_FREE.isdisjoint(args):
        modules.append("domaincheck.classify")  # the matcher and the learned model with it
    if "screen" in args:
        modules.append("domaincheck.screen")  # the writers with it
    for module in modules:
        import_module(module)


def say(en: str, ja: str) -> None:
    """A line on stderr in the run's language: ``--lang`` when the command line gives one, else the environment's."""
    from .errors import env_lang, given_lang  # small (errno, os, re)

    lang = given_lang(sys.argv[1:]) or env_lang()
    sys.stderr.write((ja if lang == "ja" else en) + "\n")

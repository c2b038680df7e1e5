"""The command line: parses arguments, calls the core, renders, maps errors to exit codes. The only place that exits."""

from __future__ import annotations

import itertools
import re
import shlex
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, NoReturn, cast

import click
import typer
import typer.core

from .cli_lang import Command as _Command
from .cli_lang import Group as _Group
from .cli_lang import help_lang as _help_lang
from .cli_lang import quiet_stdout as _quiet_stdout
from .errors import LANG_ENV, DomaincheckError, InputError, UsageError
from .errors import env_lang as _env_lang
from .errors import lang_code as _lang_code
from .render import ClassifyFormat, Lang, ListFormat

if TYPE_CHECKING:
    from rich.console import Console

    from .classify import Classifier
    from .models import Result, Taxonomy

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_FINDINGS, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a writer whose reader went away
TERMINATION_SIGNALS = tuple(s for s in ("SIGTERM", "SIGHUP") if hasattr(signal, s))
"""Signals that end a run as Ctrl-C does (exit 128 + the signal's number), cleaning up first."""
REPORT_AT = 50  # default --min-score; equals classify.REPORT_AT (tested), not imported so that starts stay fast

app = typer.Typer(
    cls=_Group,
    name="domaincheck",
    help="Map research project titles (Japanese or English) to Japan's 2025 important technology domains "
    "(CSTI, 2025-11-27), their tier, the 20 economic-security areas, and the support programs and measures. "
    "Messages and tables are in Japanese unless --lang en (before or after a command's name) or DOMAINCHECK_LANG=en "
    "says English.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
taxonomy_app = typer.Typer(cls=_Group, help="Check taxonomy files.", no_args_is_help=True)
app.add_typer(taxonomy_app, name="taxonomy")

_state: dict[str, Any] = {"taxonomy_dir": None, "learned": True}


PIPED_WIDTH = 160
"""Columns of tables and text written to a pipe or a file when COLUMNS does not say: rich would take 80, which folds
ids and squeezes the classify table's evidence out. 160 holds every table's id columns and the classify table (its
longest area name is 36 cells wide) with room for evidence, and is still a line that a log viewer or `less` shows
whole; long free text (program facts) folds at it instead of making lines of hundreds of characters."""


def _fit(console: Console) -> Console:
    """``console`` at :data:`PIPED_WIDTH` when it writes to a pipe or a file and COLUMNS is not set; a terminal (or
    COLUMNS) keeps the width rich measures. COLUMNS=0 counts as not set, as it does for ``shutil`` (rich took it for
    no width at all, and printed nothing, errors included; then for a 20-column terminal: 187 lines for one title)."""
    import os

    columns = os.environ.get("COLUMNS", "").strip()
    given = columns.isdigit() and int(columns) > 0
    if not console.is_terminal and not given:
        console.width = PIPED_WIDTH
    elif not given and columns.isdigit():  # COLUMNS=0 in a terminal: the terminal's own width
        import shutil

        console.width = max(shutil.get_terminal_size().columns, _NARROWEST)
    elif console.width < _NARROWEST:  # COLUMNS=1: the consoles take at least 20 columns
        console.width = _NARROWEST
    return console


_NARROWEST = 20
"""The fewest columns the consoles take, whatever COLUMNS says."""


def _stdout_console() -> Console:
    from rich.console import Console

    class _StdoutConsole(Console):
        def on_broken_pipe(self) -> None:
            # rich exits 1 when the reader goes away; the other outputs stop quietly with 0 (see _quiet_stdout).
            self.quiet = True
            _quiet_stdout()
            raise SystemExit(EXIT_OK)

    # emoji=False: rich would turn ":office:" in a file's or a column's name into 🏢 (an eighth user test)
    return _fit(_StdoutConsole(soft_wrap=False, file=_trimmed(sys.stdout), emoji=False))


def _trimmed(stream: Any) -> IO[str] | None:
    """``stream`` for a console that writes to a pipe or a file, its lines ending where their text does (rich pads
    every line to the console's width: 80 columns of spaces after a short title, in a file a user greps or diffs);
    None (the console's own stream) for a terminal."""
    piped = not stream.isatty() if hasattr(stream, "isatty") else False
    return cast("IO[str]", _TrimmedLines(stream)) if piped else None


class _TrimmedLines:
    """A text stream that drops the spaces before each line's end, and otherwise is ``stream``."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(_LINE_END_SPACES.sub("\n", text))
        return len(text)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, encoding, fileno: the stream's own
        return getattr(self._stream, name)


_LINE_END_SPACES = re.compile(r" +\n")


def _stderr_console() -> Console:
    from rich.console import Console

    # screen's summary, redirected (a review); names as written, no emoji codes read (see _stdout_console)
    return _fit(Console(stderr=True, file=_trimmed(sys.stderr), emoji=False))


class _LangChoice(click.Choice):
    """The type of every ``--lang`` (and so of :data:`LANG_ENV`): ja or en in any case (``EN``, ``Ja``), or a locale
    of either (:func:`_lang_code`); any other value is refused as it was given (exit 2), naming :data:`LANG_ENV`
    when the value came from it."""

    def __init__(self) -> None:
        super().__init__([lang.value for lang in Lang])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        code = _lang_code(value) if isinstance(value, str) else value
        if code in self.choices:
            return code
        if ctx is not None and param is not None and param.name is not None \
                and ctx.get_parameter_source(param.name) is click.core.ParameterSource.ENVIRONMENT:
            if isinstance(value, str) and not value.strip():  # set to blank: not set, as --version reads it
                return Lang.ja.value
            self.fail(_bad_env_lang(value) if _help_lang(ctx) == "ja" else _bad_env_lang_en(value), param, ctx)
        if ctx is not None and _help_lang(ctx) == "ja":
            # the language asked for is unknown, and Japanese only the default: both (a user test with --lang fr
            # got a message in Japanese alone)
            self.fail(f"{value!r} は 'ja'、'en' のいずれでもありません / {value!r} is not one of 'ja', 'en'",
                      param, ctx)
        return super().convert(value, param, ctx)


def _say(lang: str | None, en: str, ja: str) -> None:
    """A line on stderr, in Japanese or English (``lang`` None: :func:`_env_lang`), as plain text."""
    _stderr_console().print(ja if (lang or _env_lang()) == "ja" else en, highlight=False, markup=False,
                            soft_wrap=True)  # fmt: skip


def _fail(error: DomaincheckError, lang: str | None = None) -> NoReturn:
    """Print ``Error: message`` (and the hint) to stderr, ``エラー:`` and ``ヒント:`` in Japanese (``lang`` None:
    :func:`_env_lang`), and exit with the error's code. Both are plain text: a title or a file name with brackets in
    them ([/], [bold]) is shown as it is, never read as markup."""
    from rich.markup import escape

    lang = lang or _env_lang()
    label, hint_label = ("エラー:", "ヒント:") if lang == "ja" else ("Error:", "Hint:")
    console = _stderr_console()
    console.print(f"[bold red]{label}[/] {escape(error.text(lang))}", highlight=False, markup=True, soft_wrap=True)
    hint = error.hint_text(lang)
    if hint:
        console.print(f"[dim]{hint_label}[/] {escape(hint)}", highlight=False, soft_wrap=True)
    raise typer.Exit(error.exit_code)


@contextmanager
def _errors(broken_pipe: int = EXIT_OK, lang: str | None = None, stdout: bool = True) -> Iterator[None]:
    """Turn the core's expected failures into a message and an exit code, never a traceback. ``broken_pipe``: the
    exit code when the reader of stdout goes away (0 for a listing read in part, `… | head`). ``lang``: the language
    of the messages, the command's ``--lang`` (None: :func:`_env_lang`). ``stdout``: the command writes its output
    there, so a closed one (`>&-`) is an error before anything is done (a table written nowhere ended with 0)."""
    try:
        if stdout and sys.stdout is None:
            from .errors import stdout_closed

            raise stdout_closed()
        yield
    except DomaincheckError as exc:
        _fail(exc, lang)
    except BrokenPipeError as exc:
        _quiet_stdout()
        code, said, said_ja = _failure(exc, broken_pipe)
        if broken_pipe != EXIT_OK:
            _say(lang, f"{said}, exit {broken_pipe}", f"{said_ja}。終了コード {broken_pipe}")
        raise typer.Exit(code) from None
    except (KeyboardInterrupt, _Terminated) as exc:
        failure = _failure(exc)
        _say(lang, *failure[1:])  # (English, Japanese), both written in _failure
        raise typer.Exit(failure[0]) from None
    except OSError as exc:  # the disk is full, a file went away mid-run: what the system said, not a traceback
        _, said, said_ja = _failure(exc)
        _fail(DomaincheckError(said, ja=said_ja), lang)
    except UnicodeEncodeError as exc:  # stdout in ASCII (LC_ALL=C without UTF-8 mode): Japanese cannot be written
        encoding = getattr(sys.stdout, "encoding", None) or exc.encoding
        _fail(DomaincheckError(f"standard output's encoding ({encoding}) cannot hold the characters to write",
                               hint="set PYTHONIOENCODING=utf-8 (or PYTHONUTF8=1)",
                               ja=f"標準出力の文字コード（{encoding}）では書き出す文字を表せません",
                               hint_ja="PYTHONIOENCODING=utf-8（または PYTHONUTF8=1）を設定してください"),
              lang)  # fmt: skip


def _failure(exc: BaseException, broken_pipe: int = EXIT_OK) -> tuple[int, str, str]:
    """The exit code and the English and Japanese message of a failure, as :func:`_errors` says it (and a failed
    run's --summary-json records it); another exception is exit 1 with its type and text."""
    if isinstance(exc, DomaincheckError):
        return exc.exit_code, exc.message, exc.ja or exc.message
    if isinstance(exc, BrokenPipeError):
        return (broken_pipe, "the reader of standard output went away before everything was written",
                "標準出力の読み手が書き出しの途中で終了しました（すべては書き出していません）")
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED, "interrupted", "中断しました"
    if isinstance(exc, _Terminated):
        return 128 + exc.signum, "terminated", "終了シグナルを受けて停止しました"
    if isinstance(exc, OSError):
        from .errors import reason_ja

        if exc.filename and exc.strerror:
            return EXIT_ERROR, f"{exc.filename}: {exc.strerror}", f"{exc.filename}: {reason_ja(exc)}"
        return EXIT_ERROR, f"{exc.strerror or exc}", reason_ja(exc)
    return EXIT_ERROR, f"{type(exc).__name__}: {exc}", f"{type(exc).__name__}: {exc}"


@contextmanager
def _windows_hint(encoding: str | None) -> Iterator[None]:
    """A decoding error under ``--encoding shift_jis`` (sjis, shift-jis) suggests cp932: Python's shift_jis lacks the
    characters Windows added (髙, ①, ㈱), which Japanese files are full of."""
    try:
        yield
    except InputError as exc:
        from .io.writers import windows_superset, windows_superset_hint, windows_superset_hint_ja

        if encoding is not None and "cannot decode" in exc.message and windows_superset(encoding):
            exc.hint = (windows_superset_hint(encoding, "髙, ①, ㈱", "--encoding")
                        + "; or leave --encoding out to have it detected")
            exc.hint_ja = (windows_superset_hint_ja(encoding, "髙、①、㈱", "--encoding")
                           + "。--encoding を省けば自動判定します")
        raise


class _Terminated(BaseException):
    """SIGTERM or SIGHUP: unwinds like Ctrl-C, so that output files are finished or removed, never left half-written."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _on_termination(signum: int, frame: object) -> None:
    raise _Terminated(signum)


def _taxonomy() -> Taxonomy:
    """The taxonomy for the commands that read the lists; they never classify, so neither the matcher nor the learned
    model is unpickled from the cache, and a broken ``learned.json`` does not stop them (``taxonomy validate`` and the
    classifying commands still report it)."""
    from .cache import load_taxonomy

    return load_taxonomy(_state["taxonomy_dir"])


def _classifier(min_score: int = REPORT_AT) -> Classifier:
    from .classify import Classifier

    return Classifier.load(_state["taxonomy_dir"], learned=_state["learned"], min_score=min_score)


def _check_env_lang() -> None:
    """A usage error (exit 2) for a :data:`LANG_ENV` that names neither language, for the commands without --lang
    (whose --lang option checks it): ``DOMAINCHECK_LANG=fr domaincheck --version`` ran on in Japanese."""
    import os

    value = os.environ.get(LANG_ENV, "")
    if value.strip() and _lang_code(value) not in ("ja", "en"):  # naming no language, it leaves Japanese, the default
        raise click.UsageError(_bad_env_lang(value))


def _bad_env_lang(value: str) -> str:
    """The error for a :data:`LANG_ENV` that names no language, in both: Japanese, the default it leaves, and English
    for whoever set it (DOMAINCHECK_LANG=fr got a message an English-speaking user test could not read)."""
    return f"{value!r}（{LANG_ENV} の値）は 'ja'、'en' のいずれでもありません / {_bad_env_lang_en(value)}"


def _bad_env_lang_en(value: str) -> str:
    """The English half of :func:`_bad_env_lang`, alone for an English run."""
    return f"{value!r} (from {LANG_ENV}) is not one of 'ja', 'en'"


def _version(value: bool) -> None:
    if value:
        _check_env_lang()
        from . import __version__, compiled
        from .taxonomy import packaged_provenance

        core = "compiled with mypyc" if compiled() else "plain Python"
        from .errors import given_lang

        if sys.stdout is None:  # `--version >&-`: an AttributeError's traceback (an integrator's user test)
            from .errors import stdout_closed

            _fail(stdout_closed(), given_lang(sys.argv[1:]))
        try:
            typer.echo(f"domaincheck {__version__} (classification core: {core}; packaged {packaged_provenance()})")
            sys.stdout.flush()
        except BrokenPipeError:  # `--version | true`: the reader went away, as for a listing read in part
            _quiet_stdout()
        except OSError as exc:  # `--version > /dev/full`
            _quiet_stdout()
            from .errors import reason_ja

            _fail(DomaincheckError(f"cannot write the version: {exc.strerror or exc}",
                                   ja=f"バージョンを書き出せません: {reason_ja(exc)}"), given_lang(sys.argv[1:]))
        raise typer.Exit()


@app.callback()
def root(
    taxonomy: Annotated[
        Path | None,
        typer.Option("--taxonomy", metavar="DIR", help="Use the taxonomy in DIR instead of the packaged one.",
                     envvar="DOMAINCHECK_TAXONOMY"),
    ] = None,
    terms_only: Annotated[
        bool, typer.Option("--terms-only", help="Decide by taxonomy terms alone: leave out the learned model's "
                           "areas (faster; every reported area then rests on a term of the source).",
                           envvar="DOMAINCHECK_TERMS_ONLY"),
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Map research project titles to Japan's 2025 important technology domains."""
    if click.get_current_context().invoked_subcommand == "taxonomy":  # the one command without --lang
        _check_env_lang()
    _state["taxonomy_dir"] = taxonomy
    _state["learned"] = not terms_only


_MIN_SCORE_HELP = ("Report areas scoring at least this (trade recall for precision), each by its own score: a raised "
                   "value may drop the area a title names and keep another.")
_TermsOnly = Annotated[bool, typer.Option("--terms-only", help="Taxonomy terms alone, no learned model (as the "
                                           "global option; either place works).")]


def _terms_only(value: bool) -> None:
    if value:
        _state["learned"] = False


_TaxonomyDir = Annotated[Path | None, typer.Option("--taxonomy", metavar="DIR", show_default=False,
                                                   help="Use the taxonomy in DIR (as the global option; either place "
                                                        "works).")]  # fmt: skip


def _use_taxonomy(directory: Path | None) -> None:
    if directory is not None:
        _state["taxonomy_dir"] = directory


# ---- classify ----------------------------------------------------------------------------------------------------


def _read_stdin_titles(allow_empty: bool = False, encoding: str | None = None) -> list[tuple[str, str]]:
    """Titles from stdin as (where, title): one per line, blank lines skipped, ``where`` naming the line; with
    ``allow_empty``, none when there are none (else an InputError); ``encoding``: read in it, not detected."""
    from .io.titles import titles_from_bytes

    if sys.stdin is None:  # started with `<&-`
        from .errors import stdin_closed

        raise stdin_closed()
    return titles_from_bytes(sys.stdin.buffer.read(), allow_empty=allow_empty, encoding=encoding)


def _stdin_warnings(items: list[tuple[str, str]], lang: str) -> None:
    """Warn of what `classify -` reads as titles but is likely something else (a fourth user test): a first line
    that names a title column (研究課題名, title: a header pasted with its column, classified as a title), and lines
    of tab-separated cells (several columns pasted from Excel: an affiliation beside a title, 宇宙航空研究開発機構,
    flagged a history project as space). Each is still classified, whole, as given."""
    from .io.columns import detect_title_column

    where, first = items[0]
    if detect_title_column([first.strip()]) is not None:
        _say(lang, f"Warning: the first title ({first.strip()!r}, {where}) looks like a column name: a header line was "
             "classified as a title; leave it out, or screen the table with `domaincheck screen`",
             f"警告: 最初のタイトル（{first.strip()!r}、{_where_ja(where)}）は列名のようです: 見出し行をタイトルとして"
             "分類しました。除くか、表を `domaincheck screen` でスクリーニングしてください")
    tabbed = [where for where, title in items if "\t" in title.strip()]
    if tabbed:
        at = tabbed[0]
        _say(lang, f"Warning: {len(tabbed)} line(s) hold tab-separated cells ({at} the first), as several columns "
             "pasted from Excel do: each line was classified whole, every cell as part of one title; paste the title "
             "column alone, or save the table and use `domaincheck screen`",
             f"警告: {len(tabbed)} 行がタブ区切りのセルを含みます（最初は {_where_ja(at)}）。Excel から複数の列を貼り"
             "付けたようです: 各行の全セルを 1 件のタイトルとして分類しました。タイトルの列だけを貼り付けるか、表を保存"
             "して `domaincheck screen` を使ってください")


def _where_ja(where: str) -> str:
    """``title 3`` or ``line 3`` (where a title came from) in Japanese."""
    kind, _, number = where.partition(" ")
    return f"{number} 行目" if kind == "line" else f"{number} 番目のタイトル"


_NUMBERED_ITEM = re.compile(r"[(（]?(\d{1,3})[.)．）:：、]\s*[^\d\s]")
"""A line that starts like a numbered list's item: 1. …, (2) …, 3） … (not 2.5次元, 9.4テスラ: a digit follows)."""
_BULLET_ITEM = re.compile(r"[•・●○◦▪■*\-–—]\s*\S")
"""A line that starts like a bulleted list's item."""
_RUNS_ON = frozenset("のをにでとへはがもやた、・，,-‐–")
"""Last characters of a line that a title's next line continues (a particle, a comma, a hyphen)."""
_LINKING_WORDS = frozenset({"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the",
                            "to", "toward", "towards", "using", "via", "with", "without"})  # fmt: skip
"""English words a line of a wrapped title ends with."""
_SUBTITLE_LINE = re.compile(r"[―－\-−–—〜~～（(「『【\[:：]")
"""A line that starts like a subtitle or a note on the line before it (―予備的検討―, （英文）)."""


_DATA_SUFFIXES = frozenset({".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".jsonl", ".ndjson", ".json"})


def _not_a_file(title: str, n: int, lang: str) -> None:
    """Fail when a title argument names an existing data file (`classify proposals.csv`): its name would be
    classified as a title and come back ``none``, silently (a user test). A title is never such a name. Warn when it
    looks like one that does not exist (a data file's name, no space in it) or names a folder by a path
    (`data/`): it is classified as a title, but the user may have meant a file (a third user test)."""
    if len(title) > 255 or "\n" in title:
        return
    path = Path(title)
    try:
        folder = ("/" in title or "\\" in title) and path.is_dir()
        exists = path.is_file()
    except OSError:  # a name the file system rejects is a title
        return
    quoted = shlex.quote(title)  # a path with a space, as the shell needs it (a third user test)
    if folder:
        _say(lang, f"Warning: title {n} ({title!r}) is a folder; it was classified as a title. To screen a file, "
             "give it to `domaincheck screen FILE`", f"警告: タイトル {n}（{title!r}）はフォルダです。タイトルとして"
             "分類しました。ファイルをスクリーニングするには `domaincheck screen ファイル` を使ってください")
        return
    if path.suffix.lower() not in _DATA_SUFFIXES:
        return
    if not exists:
        if not any(ch.isspace() for ch in title):
            _say(lang, f"Warning: title {n} ({title!r}) looks like a file name, but there is no such file; it was "
                 f"classified as a title. To screen a file, give its path to `domaincheck screen`",
                 f"警告: タイトル {n}（{title!r}）はファイル名のようですが、そのファイルはありません。タイトルとして"
                 "分類しました。ファイルをスクリーニングするには、そのパスを `domaincheck screen` に渡してください")
        return
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):  # a workbook has no lines to give classify -
        raise UsageError(f"title {n} ({title!r}) is a file: classify takes titles. Screen a workbook with "
                         f"`domaincheck screen {quoted}`", ja=f"タイトル {n}（{title!r}）はファイルです。classify は"
                         f"タイトルを受け取ります。ブックは `domaincheck screen {quoted}` で分類してください")
    raise UsageError(f"title {n} ({title!r}) is a file: classify takes titles. Screen a table with "
                     f"`domaincheck screen {quoted}`, or classify its lines with `domaincheck classify - < {quoted}`",
                     ja=f"タイトル {n}（{title!r}）はファイルです。classify はタイトルを受け取ります。表は "
                     f"`domaincheck screen {quoted}` で、1行1件のファイルは `domaincheck classify - < {quoted}` "
                     "で分類してください")


def _listed(title: str) -> int:
    """How many titles a pasted list in one argument holds: its numbered lines when they count 1, 2, 3 … in order
    ((110)面 or a year is no list), or its bulleted lines when there are two or more; 0 for one title (a subtitle on
    a second line, ―予備的検討―, is no list)."""
    lines = [line.strip() for line in title.splitlines() if line.strip()]
    if len(lines) < 2:
        return 0
    numbers = [int(m.group(1)) for m in map(_NUMBERED_ITEM.match, lines) if m]
    if len(numbers) >= 2 and numbers == list(range(1, len(numbers) + 1)):
        return len(numbers)
    bullets = sum(1 for line in lines if _BULLET_ITEM.match(line))
    if bullets >= 2:
        return bullets
    # Three lines or more with no subtitle among them: cells copied from a column of Excel into one argument (a user
    # test: 量子暗号通信, 全固体電池 and 中世文学 came to none together, damped by the third one's framing word).
    if len(lines) < 3 or any(map(_SUBTITLE_LINE.match, lines[1:])):
        return 0
    # A title wrapped over lines (from a PDF or a form: 量子センサを用いた / 生体イメージング手法の / 開発, "… for" /
    # "biological imaging") runs on: a line ends in a particle or a linking word, or the next starts in lower case
    # (a review).
    wrapped = any(a[-1] in _RUNS_ON or a.rsplit(None, 1)[-1].lower() in _LINKING_WORDS or b[0].islower()
                  for a, b in itertools.pairwise(lines))  # fmt: skip
    return 0 if wrapped else len(lines)


@app.command()
def classify(
    titles: Annotated[list[str], typer.Argument(help="Titles to classify; '-' reads one title per line from stdin.",
                                                show_default=False)],
    fmt: Annotated[ClassifyFormat, typer.Option("--format", "-f", help="Output format.")] = ClassifyFormat.table,
    explain: Annotated[bool, typer.Option("--explain", help="Show every term that fired, where, with what weight, "
                                          "and near misses (table format).")] = False,
    min_score: Annotated[int, typer.Option("--min-score", min=0, max=100,
                                           help="Only report areas scoring at least this: each area by its own "
                                           "score, so a raised value may drop the area a title names and keep "
                                           "another (areas held back or yielding to another are near misses at "
                                           "any score: --explain).")]
    = REPORT_AT,
    top: Annotated[int | None, typer.Option("--top", min=1, metavar="N", help="Report at most N areas per title.")
                   ] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the table: its labels, names and reason (ja, "
                                       "the default) or en; in csv, the name columns and reason_text. json and "
                                       "jsonl are the same in both. Errors and hints follow it too.", envvar=LANG_ENV,
                                       click_type=_LangChoice())] = Lang.ja,
    no_fuzzy: Annotated[bool, typer.Option("--no-fuzzy", help="Exact term matches only: misspelt words (typos) are not "
                                                       "corrected.")]
    = False,
    encoding: Annotated[str | None, typer.Option("--encoding", help="Encoding of the titles on stdin ('-'), "
                                                 "when detection (BOM, UTF-8, CP932, EUC-JP with kana, UTF-16) "
                                                 "cannot tell it: euc-jp, cp932, utf-16-le ….")] = None,
    terms_only: _TermsOnly = False,
    taxonomy_dir: _TaxonomyDir = None,
) -> None:
    """Classify proposal titles: areas with tier and score, economic-security areas, programs, and why."""
    _terms_only(terms_only)
    _use_taxonomy(taxonomy_dir)
    # A reader that goes away from a machine format (`classify - -f jsonl | loader`) leaves records unwritten: exit
    # 141, as screen's (a user test); the table read in part (`| head`) ends quietly, as a listing does.
    with _errors(lang=lang.value, broken_pipe=EXIT_OK if fmt is ClassifyFormat.table else EXIT_BROKEN_PIPE):
        if explain and fmt is not ClassifyFormat.table:
            # (not BadParameter, which called the flag's value invalid: a flag has none, a README audit)
            raise UsageError("--explain works with --format table; json/jsonl always include the evidence, csv the "
                             "terms", ja="--explain は --format table でのみ使えます（json/jsonl には根拠が常に、csv "
                             "には語が入ります）")  # fmt: skip
        if titles.count("-") > 1:
            raise UsageError("'-' (read stdin) is given more than once: give it once",
                             ja="'-'（標準入力から読む）が2回以上あります。1回だけ指定してください")
        if "-" in titles and len(titles) > 1:
            raise UsageError("'-' (read stdin) cannot be combined with titles on the command line",
                             ja="'-'（標準入力から読む）とコマンドラインのタイトルは一緒に使えません")
        table = fmt is ClassifyFormat.table
        # No title on stdin: an error for the table; the machine formats write their empty shape ([], no line, the
        # header) and warn, so that a nightly job with no new records does not fail (a user test)
        if encoding is not None and titles != ["-"]:
            raise UsageError("--encoding is for titles read from stdin ('-'); titles given as arguments are text "
                             "already", ja="--encoding は標準入力（'-'）から読むタイトルに使います。引数のタイトルは"
                             "すでにテキストです")  # fmt: skip
        items = _read_stdin_titles(allow_empty=not table, encoding=encoding) if titles == ["-"] else [
            (f"title {n}", t) for n, t in enumerate(titles, 1)]  # fmt: skip
        if not items:
            _say(lang.value, "Warning: no titles on standard input: nothing was classified",
                 "警告: 標準入力にタイトルがありません: 何も分類していません")
        elif titles == ["-"]:
            _stdin_warnings(items, lang.value)
        if titles != ["-"]:
            for n, t in enumerate(titles, 1):
                _not_a_file(t, n, lang.value)
                listed = _listed(t)
                if listed:  # a pasted list is one title to the shell; a subtitle on a second line is not a list
                    _say(lang.value, f"Warning: title {n} looks like a list of {listed} titles, classified as one; "
                         "give each as its own argument, or one per line with `classify -`",
                         f"警告: タイトル {n} は {listed} 件のタイトルの一覧のようですが、1 件として分類しました。"
                         "別々の引数で渡すか、`classify -` で1行に1件ずつ渡してください")  # fmt: skip
        clf = _classifier()
        problems: list[str] = []
        problems_ja: list[str] = []
        hints: list[InputError] = []  # the title errors with a hint, one of each hint
        error_texts: dict[str, str] = {}  # an error record's reason (English) in Japanese, for the CSV's reason_text

        def results() -> Iterator[Result]:
            for where, t in items:
                try:
                    yield clf.classify(t, fuzzy=not no_fuzzy, min_score=min_score, top=top)
                except InputError as exc:
                    # each kind's hint once, of the titles the message names (the first five)
                    if exc.hint and len(problems) < 5 and all(exc.hint != h.hint for h in hints):
                        hints.append(exc)
                    problems.append(exc.message + (f" ({where})" if len(items) > 1 else ""))
                    problems_ja.append(exc.text("ja") + (f"（{_where_ja(where)}）" if len(items) > 1 else ""))
                    if not table:
                        # Machine formats keep one record per input title, as screen keeps every row.
                        from .models import Result

                        reason = f"{exc.message} ({where})"
                        error_texts[reason] = f"{exc.text('ja')}（{_where_ja(where)}）"
                        yield Result(t, "error", reason, (), (), (), (), ())

        from .render import write_results

        if table:
            # Each title's table is printed as it is classified: 20,000 titles showed nothing for a minute (a user
            # test). A title that could not be classified has no table, so a run of such titles alone prints none.
            write_results(results(), fmt, sys.stdout, _stdout_console(), lang.value, explain, min_score,
                          clf.taxonomy)  # fmt: skip
            if len(problems) == len(items):
                raise InputError("; ".join(problems[:5]) + (f"; … {len(problems) - 5} more" if len(problems) > 5
                                                            else ""),
                                 ja="；".join(problems_ja[:5])
                                 + (f"；…ほか {len(problems) - 5} 件" if len(problems) > 5 else ""),
                                 **_hint_of(hints))  # fmt: skip
        else:
            # Machine formats are written as each title is classified, so that memory does not grow with the input
            # (JSON held some 35 KB a title until the end: 7 GB for 200,000 titles, a user test); they keep their
            # shape even when no title was usable: one error record per title. Every write reaches stdout whole or
            # raises: a reader gone mid-way is a broken pipe (exit 141), not a success.
            from .io.streams import stdout_text

            with stdout_text() as out:
                write_results(results(), fmt, out, None, lang.value, explain, min_score, clf.taxonomy,
                              error_texts if lang.value == "ja" else None)
        if problems:
            # The usable titles are classified; the rest are named (in the machine formats they also have their record,
            # verdict error; the table leaves them out), and the exit code says that some could not be classified.
            shown = "verdict error" if fmt is not ClassifyFormat.table else "not shown"
            shown_ja = "判定 error" if fmt is not ClassifyFormat.table else "表には出していません"
            more = len(problems) - 5
            _fail(InputError(f"{len(problems)} of {len(items)} title{'s' if len(items) != 1 else ''} could not be "
                             f"classified ({shown}): " + "; ".join(problems[:5]) + (f"; … {more} more" if more > 0
                                                                                      else ""),
                             ja=f"{len(items)} 件中 {len(problems)} 件のタイトルを分類できませんでした（{shown_ja}）: "
                             + "；".join(problems_ja[:5]) + (f"；…ほか {more} 件" if more > 0 else ""),
                             **_hint_of(hints)), lang.value)  # fmt: skip


def _hint_of(errors: list[InputError]) -> dict[str, str | None]:
    """The hints of ``errors`` (the first three) as InputError's keyword arguments (none when the list is empty)."""
    if not errors:
        return {}
    return {"hint": "; ".join(str(e.hint) for e in errors[:3]),
            "hint_ja": "。".join(str(e.hint_text("ja")).rstrip("。") for e in errors[:3])}  # fmt: skip


# ---- evaluate ----------------------------------------------------------------------------------------------------


class ScreenFormat(str, Enum):
    """File formats of ``screen`` (input and output) and of ``evaluate``'s input."""

    csv = "csv"
    tsv = "tsv"
    xlsx = "xlsx"
    jsonl = "jsonl"


# The options that say how an input file is read, the same for screen and evaluate
_ColumnOpt = Annotated[str | None, typer.Option("--column", "-c", help="Title column: name or 1-based index "
                                                "(default: detect title, 課題名, 研究課題名 …).")]
_EncodingOpt = Annotated[str | None, typer.Option("--encoding", help="Input encoding (default: detect BOM, UTF-8, "
                                                  "CP932, telling EUC-JP apart).")]
_SheetOpt = Annotated[str | None, typer.Option("--sheet", help="xlsx input: worksheet name, or its 1-based number "
                                               "(default: the first visible sheet with a title column).")]
_InputFormatOpt = Annotated[ScreenFormat | None, typer.Option("--input-format", help="Input format when the suffix "
                                                              "does not tell (default: from the suffix; CSV for "
                                                              "'-').")]
_HeaderRowOpt = Annotated[int | None, typer.Option("--header-row", min=1, help="Row that holds the column names "
                                                   "(CSV/TSV/xlsx), when a banner sits above them; the rows above "
                                                   "are skipped (default: the first non-blank row, or the row "
                                                   "below it that holds the title column when that one does "
                                                   "not).")]


class EvalFormat(str, Enum):
    """Formats of ``evaluate``."""

    table = "table"
    json = "json"


@app.command()
def evaluate(
    file: Annotated[str, typer.Argument(help="Labelled titles: a .csv, .tsv, .xlsx or .jsonl file ('-' = CSV on "
                                        "stdin) with a title column ('title', 研究課題名…) and 'labels' "
                                        "(area ids or names separated by '|', or 'none').", show_default=False)],
    fmt: Annotated[EvalFormat, typer.Option("--format", "-f", help="Output format.")] = EvalFormat.table,
    worst: Annotated[int | None, typer.Option("--worst", min=0, help="How many of the worst errors to list "
                                              "(default: 15 in the table, all in JSON).", show_default=False)] = None,
    min_score: Annotated[int, typer.Option("--min-score", min=0, max=100, help=_MIN_SCORE_HELP)] = REPORT_AT,
    column: _ColumnOpt = None,
    labels_column: Annotated[str | None, typer.Option("--labels-column", help="Labels column: name or 1-based "
                                                      "index (default: labels, label, ラベル, 正解 …).")] = None,
    encoding: _EncodingOpt = None,
    sheet: _SheetOpt = None,
    input_format: _InputFormatOpt = None,
    header_row: _HeaderRowOpt = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the table, errors and hints (ja, the default, or "
                                       "en); json is the same in both.", envvar=LANG_ENV,
                                       click_type=_LangChoice())] = Lang.ja,
    terms_only: _TermsOnly = False,
    taxonomy_dir: _TaxonomyDir = None,
) -> None:
    """Measure accuracy on labelled titles: per-area precision/recall/F1, micro/macro, false alarms."""
    _terms_only(terms_only)
    _use_taxonomy(taxonomy_dir)
    from .evaluate import evaluate as run_eval
    from .evaluate import label_names, read_labelled
    from .render import evaluation_input

    with _errors(lang=lang.value), _windows_hint(encoding):
        clf = _classifier(min_score)
        read = read_labelled(file, [a.id for a in clf.taxonomy.areas], encoding, label_names(clf.taxonomy.areas),
                             column=column, labels_column=labels_column, sheet=sheet, header_row=header_row,
                             input_format=None if input_format is None else input_format.value,
                             econsec=clf.taxonomy.econsec)  # fmt: skip
        evaluation_input(read, _stderr_console(), lang.value)
        report = run_eval(clf, read.cases)
        if fmt is EvalFormat.json:
            from .classify import provenance
            from .io.streams import stdout_text
            from .render import dump_json

            with stdout_text() as out:  # UTF-8, as every command's JSON
                dump_json(report.to_dict(worst) | {"input": read.to_dict(), "provenance": provenance(clf)}, out)
        else:
            from .render import evaluation_table

            evaluation_table(report, _stdout_console(), 15 if worst is None else worst, lang.value)


# ---- listings ----------------------------------------------------------------------------------------------------


class TierChoice(str, Enum):
    """Tier filter."""

    strategic = "strategic"
    emerging = "emerging"


FormatOpt = Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of labels (json has both), errors and hints.",
                                       envvar=LANG_ENV, click_type=_LangChoice())]


@app.command()
def domains(
    tier: Annotated[TierChoice | None, typer.Option("--tier", help="Only this tier.")] = None,
    notes: Annotated[bool, typer.Option(
        "--notes", help="Also what the source says of each tier: its definition, criteria, scope and notes (how "
        "long it holds, that it is reviewed), each with its line; csv and markdown list these alone.")] = False,
    fmt: FormatOpt = ListFormat.table,
    lang: LangOpt = Lang.ja,
    taxonomy_dir: _TaxonomyDir = None,
) -> None:
    """List both tiers and their areas with the technologies the source names."""
    _use_taxonomy(taxonomy_dir)
    from .render import domains_rows, domains_title, tier_data, tier_notes_rows

    with _errors(lang=lang.value):
        tax = _taxonomy()
        areas = [a for a in tax.areas if tier is None or a.tier == tier.value]
        tiers = [t for t in tax.tiers if tier is None or t.id == tier.value]
        if fmt is ListFormat.table:  # a tree, not rows
            from .render import domains_tree

            _stdout_console().print(domains_tree(tax, areas, lang.value, notes))
            return
        _listing(fmt, lang, lambda: {  # JSON: the notes always, new keys after the areas
            "taxonomy_version": tax.version,
            "source": {"title_ja": tax.document.title_ja, "issuer_ja": tax.document.issuer_ja,
                       "date": tax.document.date, "title_en": tax.document.title_en,
                       "issuer_en": tax.document.issuer_en},  # new keys last (a review: English ones were missing)
            "tiers": [tier_data(tax, t, areas) for t in tiers],
        }, lambda: tier_notes_rows(tax, tiers, lang.value) if notes else domains_rows(tax, areas, lang.value),
            cards=False, title=domains_title(tax, lang.value == "ja"))  # fmt: skip (Markdown's title line)


def _listing(fmt: ListFormat, lang: Lang, data: Callable[[], Any], rows: Callable[[], list[dict[str, str]]],
             title: str = "", ids: tuple[str, ...] = (), cards: bool = True, fold_ja: tuple[str, ...] = ()) -> None:
    """Write a listing to stdout: ``data()`` as JSON; else ``rows()`` as a table (on the terminal's console), CSV or
    Markdown, with ``title``, the columns ``ids`` kept whole and long texts as cards (see
    :func:`domaincheck.render.write_rows`)."""
    from .render import dump_json, write_rows

    if fmt in (ListFormat.json, ListFormat.csv):
        # UTF-8 whatever the locale says, as classify's and screen's machine output (an integrator's user test:
        # PYTHONIOENCODING=cp932 gave CP932 JSON with exit 0, and an error for a program's en dash)
        from .io.streams import stdout_text

        with stdout_text() as out:
            if fmt is ListFormat.json:
                dump_json(data(), out)
            else:
                write_rows(rows(), fmt, out, None, title, ids=ids, lang=lang.value, cards=cards, fold_ja=fold_ja)
        return
    write_rows(rows(), fmt, sys.stdout, _stdout_console() if fmt is ListFormat.table else None, title, ids=ids,
               lang=lang.value, cards=cards, fold_ja=fold_ja)  # fmt: skip


def _for_people(fmt: ListFormat) -> bool:
    """Whether a listing's rows name things for people (the table and Markdown, in either language: an English
    reader had ids, advanced_energy_storage, a review) rather than by id (CSV, for machines)."""
    return fmt is not ListFormat.csv


def _resolve_area(tax: Taxonomy, query: str, lang: str | None = None) -> str:
    """The id of the area ``query`` names (:func:`domaincheck.lookup.find_area`), saying on stderr when it is not
    the area's own name; ``lang``: the language of what is said (None: :func:`_env_lang`)."""
    from .lookup import find_area

    lang = lang or _env_lang()
    if not query.strip():
        raise typer.BadParameter("領域の id か名前を指定してください（例: quantum、量子）" if lang == "ja"
                                 else "give an area id or name, e.g. quantum or 量子", param_hint="AREA")
    area_id, note = find_area(tax, query, _term_reader(tax))
    if note is not None:
        _say(lang, *note)
    return area_id


def _term_reader(tax: Taxonomy) -> Callable[[str], list[tuple[str, int]]]:
    """For :func:`domaincheck.lookup.find_area`: the areas whose terms a name holds (reported or near misses, on
    terms alone), best score first. The matcher is loaded only when a name is no area's, as it costs a warm start."""

    def read(query: str) -> list[tuple[str, int]]:
        from .classify import Classifier
        from .taxonomy import PACKAGED

        try:
            result = Classifier.load(None if tax.location == PACKAGED else tax.location, learned=False).classify(query)
        except DomaincheckError:  # a name of punctuation alone, say: no terms
            return []
        return sorted([(h.id, h.score) for h in (*result.areas, *result.near_misses)], key=lambda h: -h[1])

    return read


@app.command()
def show(
    area: Annotated[str | None, typer.Argument(metavar="AREA", help="Area id, Japanese or English name, a near miss "
                                               "(e.g. 'qantum'), or a technology or term of the area (drones, 核融合).",
                                               show_default=False)] = None,
    fmt: FormatOpt = ListFormat.table,
    lang: LangOpt = Lang.ja,
    taxonomy_dir: _TaxonomyDir = None,
) -> None:
    """Everything about one area: tier, technologies, econ-security areas, programs, countries, markets, sources."""
    _use_taxonomy(taxonomy_dir)
    from .render import show_data, show_rows

    with _errors(lang=lang.value):
        if area is None:  # click's "Missing argument 'AREA'" left a user to guess what an area is (a user test)
            from .errors import UsageError

            raise UsageError("give an area to show: its id (ai_robotics, quantum …) or its name (量子, drones)",
                             hint="`domaincheck domains` lists the 16 areas with their ids",
                             ja="表示する領域を指定してください: id（ai_robotics、quantum など）か名称（量子、"
                             "ドローン など）",
                             hint_ja="16 の領域とその id は `domaincheck domains` で一覧できます")  # fmt: skip
        tax = _taxonomy()
        data = show_data(tax, tax.area(_resolve_area(tax, area, lang.value)))
        name = data.get(f"name_{lang.value}") or data["name_ja"]
        _listing(fmt, lang, lambda: data, lambda: show_rows(data, lang.value, brief=fmt is ListFormat.table,
                                                               machine=fmt is ListFormat.csv),
                 f"{data['id']}: {name}", ids=("section", "item", "source_line"))  # fmt: skip


@app.command()
def econsec(
    area: Annotated[str | None, typer.Argument(
        help="Only this economic-security area, with its terms: an id or a name (cbrn, 先端材料科学).",
        show_default=False)] = None,
    fmt: FormatOpt = ListFormat.table,
    lang: LangOpt = Lang.ja,
    taxonomy_dir: _TaxonomyDir = None,
) -> None:
    """List the 20 economic-security technology areas with their crosswalk to the 16 areas; or one, with its terms."""
    _use_taxonomy(taxonomy_dir)
    from .render import econsec_caption, econsec_data, econsec_rows

    with _errors(lang=lang.value):
        tax = _taxonomy()
        person = _for_people(fmt)
        if area is not None:
            from .lookup import find_econsec
            from .render import econsec_detail_data, econsec_detail_rows

            es, note = find_econsec(tax, area)
            if note is not None:
                _say(lang.value, *note)
            _listing(fmt, lang, lambda: econsec_detail_data(es, tax),
                     lambda: econsec_detail_rows(tax, es, lang.value, by_name=person, machine=fmt is ListFormat.csv),
                     f"{es.id}: {es.name(lang.value)}", ids=("section", "item", "source_line"))  # fmt: skip
            return
        _listing(fmt, lang, lambda: [econsec_data(e) for e in tax.econsec],
                 lambda: econsec_rows(tax, lang.value, by_name=person), econsec_caption(lang.value),
                 ids=("id", "source_line"))  # fmt: skip


class KindChoice(str, Enum):
    """Program kind filter."""

    program = "program"
    measure = "measure"
    protection = "protection"
    promotion = "promotion"


@app.command()
def programs(
    program: Annotated[str | None, typer.Argument(
        help="Only this program, or this item of one: an id or a name, whole or in part (moonshot, SIP, "
        "moonshot_goal_6, 目標6, ムーンショット).",
        show_default=False)] = None,
    kind: Annotated[KindChoice | None, typer.Option("--kind", help="Only this kind.")] = None,
    fmt: FormatOpt = ListFormat.table,
    lang: LangOpt = Lang.ja,
    taxonomy_dir: _TaxonomyDir = None,
) -> None:
    """List support programs, end-to-end measures, protection and promotion uses, and what each serves; or one."""
    _use_taxonomy(taxonomy_dir)
    from .render import program_data, programs_rows

    with _errors(lang=lang.value):
        tax = _taxonomy()
        progs = [p for p in tax.programs if kind is None or p.kind == kind.value]
        if program is not None:
            import dataclasses

            from .lookup import find_program

            found, item, note = find_program(tax, program)
            if kind is not None and found.kind != kind.value:
                raise UsageError(f"--kind {kind.value} does not fit {found.id}, a {found.kind}: give one or the "
                                 "other", ja=f"--kind {kind.value} は {found.id}（種別 {found.kind}）に合いません。"
                                 "どちらか一方を指定してください")  # fmt: skip
            if note is not None:
                _say(lang.value, *note)
            # An item is shown under its program, alone: the program's summary says what the item belongs to.
            progs = [dataclasses.replace(found, items=(item,)) if item is not None else found]
        person = _for_people(fmt)
        _listing(fmt, lang, lambda: [program_data(p) for p in progs],
                 lambda: programs_rows(progs, lang.value, tax if person else None,
                                       nested=person and fmt is ListFormat.table, machine=fmt is ListFormat.csv),
                 "支援プログラム・施策・保護と育成への活用" if lang is Lang.ja else "programs and measures",
                 ids=("id", "parent", "kind", "source_line"))  # fmt: skip


@app.command()
def source(
    lines: Annotated[list[str] | None, typer.Argument(
        metavar="[LINES]...", help="Lines to show: N or N-M, several; none: the whole document.",
        show_default=False)] = None,
    context: Annotated[int, typer.Option("--context", "-C", min=0, max=100,
                                         help="Also N lines before and after each.")] = 0,
    fmt: FormatOpt = ListFormat.table,
    lang: LangOpt = Lang.ja,
    taxonomy_dir: _TaxonomyDir = None,
) -> None:
    """Show the source document's lines, which every entry's line (source_line) points into, verbatim."""
    _use_taxonomy(taxonomy_dir)
    from .render import source_data, source_rows
    from .taxonomy import line_numbers, source_lines

    with _errors(lang=lang.value):
        tax = _taxonomy()
        text = source_lines(tax.location)
        numbers = line_numbers(lines or [], len(text), context)
        doc = tax.document
        title = f"{doc.title_ja if lang is Lang.ja else doc.title_en} ({doc.date})"
        _listing(fmt, lang, lambda: source_data(tax, text, numbers), lambda: source_rows(text, numbers), title,
                 ids=("line",), cards=False, fold_ja=("text",))


class FailOn(str, Enum):
    """Findings that make ``screen`` exit with :data:`EXIT_FINDINGS`."""

    strategic = "strategic"
    emerging = "emerging"
    econsec = "econsec"
    any = "any"


@app.command()
def screen(
    input_path: Annotated[str, typer.Argument(metavar="INPUT", help="Proposals file: .csv, .tsv, .xlsx or .jsonl "
                                              "('-' = CSV on stdin).", show_default=False)],
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="FILE", help="Output file (format from its "
                                               "suffix); default: CSV on stdout.")] = None,
    fmt: Annotated[ScreenFormat | None, typer.Option(
        "--format", "-f", help="Output format (default: from the -o suffix, CSV on stdout); must agree with the "
        "suffix when both are given.")] = None,
    column: _ColumnOpt = None,
    extra_column: Annotated[list[str] | None, typer.Option("--extra-column", "-x", help="Also classify the text of "
                                                           "this column (keywords, abstract); repeatable.")] = None,
    encoding: _EncodingOpt = None,
    output_encoding: Annotated[str | None, typer.Option(
        "--output-encoding", help="CSV/TSV output encoding: utf-8-sig, utf-8 or cp932 (default: utf-8-sig, with the "
        "BOM Excel needs, for a file; utf-8 when piped or appended to a longer file).")] = None,
    output_errors: Annotated[str, typer.Option(
        "--output-errors", click_type=click.Choice(["strict", "replace"]),
        help="A character the output encoding cannot hold (cp932 has no emoji, no en dash): "
        "strict = stop with an error (exit 1) naming its row, column and character, writing no output file; "
        "replace = write '?' for it, and count the cells altered in the summary and --summary-json.")
    ] = "strict",
    sheet: _SheetOpt = None,
    input_format: _InputFormatOpt = None,
    header_row: _HeaderRowOpt = None,
    no_header: Annotated[bool, typer.Option("--no-header", help="The input (CSV/TSV/xlsx) has no header row: its "
                                            "first row is data, its columns are column_1, column_2 …; the title "
                                            "column is the only one, else --column N.")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, help="Worker processes (0 = every core; at most one per "
                                                  "core is started).")] = 1,
    summary_json_name: Annotated[str | None, typer.Option("--summary-json", metavar="FILE", help="Also write the "
                                                      "summary as JSON to FILE ('-' = stdout, when the rows go "
                                                      "to a file).")] = None,
    fail_on: Annotated[FailOn | None, typer.Option("--fail-on", help="Exit 3 when a row has such a finding "
                                                   "(strategic; emerging = strategic or emerging; econsec; any).")]
    = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary on stderr (warnings "
                                        "are still shown).")] = False,
    min_score: Annotated[int, typer.Option("--min-score", min=0, max=100, help=_MIN_SCORE_HELP)] = REPORT_AT,
    terms_only: _TermsOnly = False,
    taxonomy_dir: _TaxonomyDir = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the summary, warnings and errors on stderr and "
                                       "of the output's name columns (dc_verdict_name, dc_area_names, "
                                       "dc_econsec_names, dc_protection, dc_program_names); the id columns and "
                                       "--summary-json keep "
                                       "their ids.", envvar=LANG_ENV, click_type=_LangChoice())]
    = Lang.ja,
) -> None:
    """Screen a CSV/TSV/Excel/JSONL file of proposals: every row back, in order, with the classification added."""
    _terms_only(terms_only)
    _use_taxonomy(taxonomy_dir)
    import functools

    from .classify import Classifier
    from .screen import ScreenOptions, findings
    from .screen import screen as run_screen

    # A reader of the rows that goes away (`… | head`) leaves them unwritten and --fail-on unchecked: not a success.
    with _errors(broken_pipe=EXIT_BROKEN_PIPE, lang=lang.value, stdout=False), _windows_hint(encoding):
        from .io.writers import is_stdout

        summary_json, summary_to_stdout = _summary_json_target(summary_json_name, input_path, output)
        if output_encoding is None:  # a BOM starts a file, for Excel; in a pipe or mid-file it is a stray character
            from .io.writers import starts_a_file

            piped = (output is None or is_stdout(output)) and (fmt is None or fmt.value in ("csv", "tsv"))
            output_encoding = "utf-8" if piped and not starts_a_file(sys.stdout) else "utf-8-sig"
        options = ScreenOptions(input=input_path, output=output, fmt=fmt.value if fmt else None, column=column,
                                extra_columns=tuple(extra_column or ()), encoding=encoding,
                                output_encoding=output_encoding, output_errors=output_errors, jobs=jobs,
                                sheet=sheet,
                                input_fmt=input_format.value if input_format else None,
                                header_row=header_row, no_header=no_header, lang=lang.value)  # fmt: skip
        factory = functools.partial(Classifier.load, _state["taxonomy_dir"], _state["learned"], min_score)
        err = _stderr_console()
        show_progress = not quiet and err.is_terminal
        try:
            if show_progress:
                from .progress import ScreenProgressBar

                # The share of the input read (bytes of a text file, rows of a sheet) with the time left when its
                # size is known, the rows and rows per second always; in the run's language.
                with ScreenProgressBar(err, lang.value) as bar:
                    summary = run_screen(options, factory, stdout=sys.stdout, on_progress=bar.update)
            else:
                summary = run_screen(options, factory, None, stdout=sys.stdout)
            if output is None or is_stdout(output):
                sys.stdout.flush()  # a reader gone before the last rows: here, not at the interpreter's exit
        except BaseException as exc:
            if summary_json is not None and not summary_to_stdout:
                _failed_summary(summary_json, exc, fail_on.value if fail_on is not None else None)
            raise
        found = findings(summary, fail_on.value) if fail_on is not None else 0
        if summary_json is not None:
            # The gate's result beside the counts, for a script that reads this file rather than the exit code.
            data = summary.to_dict() | {"fail_on": None if fail_on is None else {
                "level": fail_on.value, "rows": found, "exit_code": EXIT_FINDINGS if found else EXIT_OK},
                "status": "ok", "error": None}
            _write_summary_json(summary_json, summary_to_stdout, data)
        if not quiet:
            from .render import screen_summary

            screen_summary(summary, err, lang.value, _taxonomy())
        from .render import screen_warnings

        screen_warnings(summary, err, lang.value, output_encoding, None if fail_on is None else fail_on.value,
                        summarised=not quiet)
        if fail_on is not None and found:
            # Said even with --quiet: a log should say why the run ended with the gate's exit code.
            gate = (f"--fail-on {fail_on.value}: 該当 {found:,} 行、終了コード {EXIT_FINDINGS}" if lang is Lang.ja
                    else f"--fail-on {fail_on.value}: {found:,} row{'s' if found != 1 else ''} with findings, exit "
                         f"{EXIT_FINDINGS}")  # fmt: skip
            err.print(gate, highlight=False, soft_wrap=True)  # one line, for logs
            raise typer.Exit(EXIT_FINDINGS)


def _summary_json_target(name: str | None, input_path: str, output: str | None) -> tuple[Path | None, bool]:
    """Where --summary-json goes (None: nowhere) and whether that is stdout, checked before any work, as --output
    is: never the input, never the output, a folder that exists, not stdout when the rows go there or it is closed."""
    from .io.writers import check_output_path, check_path_given, is_descriptor_file, is_stdout, same_file

    if name is None:
        return None, False
    check_path_given(name, "--summary-json")  # Path("") would be the current folder
    summary_json = Path(name)
    if is_stdout(summary_json):
        if sys.stdout is None:  # `--summary-json - >&-`: the summary would go nowhere
            from .errors import stdout_closed

            raise stdout_closed("write the summary to a file: --summary-json FILE",
                                "要約はファイルに書き出してください: --summary-json FILE")
        if is_stdout(output):
            raise UsageError("--summary-json - and the rows would both go to stdout",
                             hint="give -o FILE for the rows, or a file name for --summary-json",
                             ja="--summary-json - では行と要約がどちらも標準出力に出てしまいます",
                             hint_ja="行は -o FILE に書き出すか、--summary-json にファイル名を指定してください")
        return summary_json, True
    check_output_path(summary_json, None if input_path == "-" else Path(input_path), stdin=input_path == "-")
    if output is not None and not is_stdout(output) and same_file(summary_json, Path(output)):
        raise UsageError("--summary-json and --output name the same file", hint="choose two file names",
                         ja="--summary-json と --output が同じファイルを指しています",
                         hint_ja="別々のファイル名を指定してください")
    if (output is None or is_stdout(output)) and is_descriptor_file(1, summary_json):
        # `screen in.csv --summary-json res.csv > res.csv`: the summary would be written over the rows (a user test)
        raise UsageError("--summary-json names the file standard output is redirected to, where the rows go",
                         hint="give the summary another file name, or the rows -o FILE",
                         ja="--summary-json が、行を書き出す標準出力のリダイレクト先と同じファイルです",
                         hint_ja="要約には別のファイル名を指定するか、行を -o FILE に書き出してください")
    return summary_json, False


def _write_summary_json(path: Path, to_stdout: bool, data: dict[str, Any]) -> None:
    """The summary on stdout, or in ``path`` written whole (a failed write leaves no earlier run's summary)."""
    if to_stdout:
        import json

        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    try:
        _write_json_atomic(path, data)
    except InputError:  # an earlier run's summary must not stand for this one (a user test: disk full)
        _remove_summary(path)
        raise


def _failed_summary(path: Path, exc: BaseException, fail_on: str | None) -> None:
    """After a failed run, the summary file says so, rather than holding the last run's counts, which a script
    reading it (as for --fail-on's result) would take for tonight's: ``status`` ``error``, the error (in English, as
    the JSON's other texts) and the exit code the run ends with, and no counts. If even that cannot be written, a
    summary of an earlier run is removed."""
    code, message, _ = _failure(exc, EXIT_BROKEN_PIPE)  # screen's code for a reader gone
    data = {"status": "error", "error": {"message": message, "exit_code": code},
            "fail_on": None if fail_on is None else {"level": fail_on, "rows": None, "exit_code": code}}
    try:
        _write_json_atomic(path, data)
    except Exception:  # the run's own error is the one to report
        _remove_summary(path)


def _remove_summary(path: Path) -> None:
    """Remove an earlier run's summary at ``path`` when this run's cannot be written: the regular file there, or the
    one a symbolic link there points at (the file the run would have replaced), never a device or a named pipe the
    summary was to be written into (a review: --summary-json /dev/full, failing, deleted the device)."""
    import contextlib
    import os
    import stat

    with contextlib.suppress(OSError):
        target = os.path.realpath(path)
        if stat.S_ISREG(os.stat(target).st_mode):
            os.unlink(target)


def _write_json_atomic(path: Path, data: Any) -> None:
    import json

    from .io.writers import atomic_file

    target = Path(path)
    try:
        with atomic_file(target) as temp:
            temp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        from .errors import reason_ja

        raise InputError(f"cannot write {target}: {exc.strerror}", ja=f"{target} を書き出せません: {reason_ja(exc)}") \
            from None


@taxonomy_app.command("validate")
def taxonomy_validate(
    directory: Annotated[Path | None, typer.Argument(
        help="Directory with meta/areas/econsec/programs/reference.yaml (and learned.json, if it has a learned "
             "model); default: the taxonomy in use (--taxonomy, else the packaged one).", show_default=False,
        readable=False)] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the result line, the problems, errors and hints.",
                                       envvar=LANG_ENV, click_type=_LangChoice())] = Lang.ja,
    taxonomy_dir: Annotated[Path | None, typer.Option(
        "--taxonomy", metavar="DIR", show_default=False,
        help="The taxonomy directory to validate (the same as DIRECTORY: give one or the other).")] = None,
) -> None:
    """Validate a taxonomy directory without using it; list every problem."""
    from .learned import load as load_learned
    from .taxonomy import load, packaged_dir

    with _errors(lang=lang.value):
        from .taxonomy import learned_digest

        if directory is not None and taxonomy_dir is not None and directory != taxonomy_dir:
            raise UsageError("give the directory once: as DIRECTORY or with --taxonomy",
                             ja="ディレクトリは DIRECTORY か --taxonomy のどちらか一方で指定してください")
        # --taxonomy after the command, as every other command takes it (a session's own run found it refused)
        directory = directory or taxonomy_dir
        if directory is None:  # a user who installed with pip does not know where the packaged one is (a user test)
            directory = _state["taxonomy_dir"] or packaged_dir()

        tax = load(directory)
        from .errors import TaxonomyError
        from .taxonomy import schema_doc, source_line_problems

        wrong = source_line_problems(Path(directory))
        if wrong:  # lines the source text does not have: checked here, not at every start
            from .taxonomy import ja_of

            raise TaxonomyError(wrong, hint=f"fix the lines in {directory} (see {schema_doc()})",
                                problems_ja=[ja_of(p) for p in wrong],
                                hint_ja=f"{directory} の行番号を直してください（{schema_doc()} を参照）")
        model = load_learned(Path(directory), [a.id for a in tax.areas])
        terms = sum(len(t.strong) + len(t.support) for a in tax.areas for t in a.technologies)
        digest = learned_digest(directory) if model is not None else None
        if lang is Lang.ja:  # the success line in the language of the errors (a user test: English under ja)
            learned = f"学習モデル {len(model.vocabulary)} 語" if model is not None else "学習モデルなし"
            typer.echo(f"{directory}: 問題ありません — {len(tax.areas)} 領域、経済安保 {len(tax.econsec)} 領域、"
                       f"プログラム {len(tax.programs)} 件、領域の語 {terms} 語、{learned}"
                       f"（タクソノミー {tax.version}、内容 {tax.digest}"
                       + (f"、モデル {digest}" if digest else "") + "）")  # fmt: skip
        else:
            learned = (f"a learned model of {len(model.vocabulary)} words" if model is not None
                       else "no learned model")  # fmt: skip
            typer.echo(f"{directory}: valid — {len(tax.areas)} areas, {len(tax.econsec)} econ-security areas, "
                       f"{len(tax.programs)} programs, {terms} area terms, {learned} (taxonomy {tax.version}, "
                       f"content {tax.digest}" + (f", model {digest}" if digest else "") + ")")  # fmt: skip


for _info in (*app.registered_commands, *taxonomy_app.registered_commands):
    if _info.cls in (None, typer.core.TyperCommand):  # typer's default: help and usage line in English alone
        _info.cls = _Command


def install_signal_handlers() -> None:
    """SIGTERM and SIGHUP end a run as Ctrl-C does (see :class:`_Terminated`); an ignored one stays ignored."""
    for name in TERMINATION_SIGNALS:
        number = getattr(signal, name)
        if signal.getsignal(number) is not signal.SIG_IGN:  # nohup's ignored SIGHUP stays ignored
            signal.signal(number, _on_termination)


def main() -> None:
    """Entry point of the ``domaincheck`` command (after :mod:`domaincheck.launcher`)."""
    install_signal_handlers()
    args = sys.argv[1:]
    try:
        _app_for(args)()
    except (DomaincheckError, OSError) as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        # What a command's own handling (_errors) does not say: a help written nowhere (`--help >&-`, said by
        # cli_lang's help_writes) or onto a full disk (`--help > /dev/full`), said, not a traceback (an integrator's
        # user test)
        from .errors import given_lang

        _, said, said_ja = _failure(exc)
        if not isinstance(exc, DomaincheckError):
            said, said_ja = f"cannot write the output: {said}", f"出力を書き出せません: {said_ja}"
        try:
            _fail(exc if isinstance(exc, DomaincheckError) else DomaincheckError(said, ja=said_ja),
                  given_lang(args))
        except click.exceptions.Exit as done:
            sys.exit(done.exit_code)
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(EXIT_OK)
    except KeyboardInterrupt:  # outside a command's own handling, while typer builds the command line (one while the
        # arguments are parsed typer ends itself, with exit 130 too); plain write, nothing more imported
        from .launcher import say

        say("interrupted", "中断しました")
        sys.exit(EXIT_INTERRUPTED)
    except _Terminated as exc:
        from .launcher import say

        say("terminated", "終了シグナルを受けて停止しました")
        sys.exit(128 + exc.signum)


def _app_for(args: list[str]) -> typer.Typer:
    """The app with the one command that ``args`` start with, when they start with a command's name: typer makes
    every registered command's click command before it parses anything (about 15 ms of a start for the eight, 4 ms
    for one); global options may come first (``--taxonomy DIR``, ``--lang en``). Otherwise (help, a mistyped name) the
    whole app."""
    import copy

    at = 0
    while at < len(args) and args[at] in ("--taxonomy", "--lang", "--terms-only"):
        at += 1 if args[at] == "--terms-only" else 2
    name = args[at] if at < len(args) else ""
    for info in app.registered_commands:
        if info.callback is not None and (info.name or info.callback.__name__.replace("_", "-")) == name:
            single = copy.copy(app)
            single.registered_commands, single.registered_groups = [info], []
            return single
    return app

"""The command line's help (``--help``) and the argument parser's usage errors in the command's language.

The language is the command's ``--lang`` as given on the command line, before or after ``--help``, else
:func:`domaincheck.errors.env_lang` (``DOMAINCHECK_LANG``, which is also every ``--lang``'s default; Japanese when it
is not set). In English typer formats the help and shows the errors, as it always has; in Japanese this module does,
in typer's layout, with the texts of :mod:`domaincheck.help_ja`. Nothing global is changed: the classes below are
the command line's own (cli.py builds its commands with them), and click's and typer's modules are left as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import TYPE_CHECKING, Any

import click
import typer.core

from .errors import LANGS, env_lang, given_lang, lang_code
from .wrap_ja import Wrapped

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

LANG_META = "domaincheck.lang"
"""The key in click's ``ctx.meta`` (one dict for a command and the groups above it) of the language a command's
``--lang`` gives on the command line."""


def help_lang(ctx: click.Context | None) -> str:
    """The language of the help and of the argument parser's messages in ``ctx``: the command's ``--lang`` as given
    on the command line (:func:`peek_lang`), else :func:`env_lang`."""
    found = ctx.meta.get(LANG_META) if ctx is not None else None
    return found if isinstance(found, str) else env_lang()


def peek_lang(command: click.Command, args: Sequence[str]) -> str | None:
    """The language ``--lang`` names in ``args`` (the last one, as click takes it), or None: the command has no
    ``--lang``, it is not given, or it names neither language. Read before click parses ``args``, because ``--help``
    is eager: click shows the help (or stops at a bad option) before it converts ``--lang``. The values of the other
    options are stepped over as click's parser takes them (``--column --lang`` is the column ``--lang``), and so is
    everything after ``--``."""
    options = [p for p in command.params if isinstance(p, click.Option)]
    lang = next((p for p in options if p.name == "lang"), None)
    if lang is None:
        return None
    valued = {name for p in options if not p.is_flag and not p.count for name in (*p.opts, *p.secondary_opts)}
    found: str | None = None
    rest = iter(args)
    for arg in rest:
        if arg == "--":
            break
        if arg.startswith("--"):
            name, equals, value = arg.partition("=")
            if name in lang.opts:
                found = value if equals else next(rest, None)
            elif name in valued and not equals:
                next(rest, None)
        elif arg.startswith("-") and len(arg) > 1:  # short options: -q, -qf csv, -fcsv
            for end, letter in enumerate(arg[1:], start=2):
                if f"-{letter}" in valued:
                    if end == len(arg):
                        next(rest, None)
                    break
    code = lang_code(found) if found is not None else None
    return code if code in LANGS else None


def command_key(ctx: click.Context) -> str:
    """The command's path under ``domaincheck`` (``""``, ``classify``, ``taxonomy validate``): the key of its texts in
    :mod:`domaincheck.help_ja`."""
    names: list[str] = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


def lang_after_command(group: click.Group, ctx: click.Context, args: list[str]) -> list[str]:
    """``args`` of ``group`` with a ``--lang`` given before the command's name moved to just after it, where the
    command takes it (``domaincheck --lang en classify …`` runs as ``domaincheck classify --lang en …``; each command
    has its own ``--lang``, and a group's moves on to its command). With no command named (``domaincheck --lang en
    --help``, a mistyped name) a ``--lang`` naming ja or en sets the language of the help and of the error, and is
    dropped. Otherwise (a bare ``--lang``, or one naming neither language with no command to check it) ``args`` are
    returned as they are, for the parser's error. The values of the group's own options are stepped over
    (``--taxonomy --lang`` is the folder ``--lang``)."""
    valued = {name for p in group.params if isinstance(p, click.Option) and not p.is_flag and not p.count
              for name in (*p.opts, *p.secondary_opts)}  # fmt: skip
    before: list[str] = []
    langs: list[str] = []
    at = 0
    while at < len(args) and args[at].startswith("-") and args[at] != "--":
        name, equals, _ = args[at].partition("=")
        taken = 1 if equals or (name not in valued and name != "--lang") else 2
        if name == "--lang" and at + taken > len(args):
            return args  # `domaincheck --lang`: the parser's error says what --lang takes
        (langs if name == "--lang" else before).extend(args[at:at + taken])
        at += taken
    if not langs:
        if at < len(args) and args[at] != "--" and args[at] not in group.list_commands(ctx):
            # A mistyped name with a --lang after it (`domaincheck clasify --lang en …`): the error in that language
            # (an English-speaking user test had it in Japanese)
            rest = args[at + 1:]
            code = given_lang(rest[:rest.index("--")] if "--" in rest else rest)  # after --, an argument
            if code is not None:
                ctx.meta[LANG_META] = code
        return args
    last = langs[-1]  # click takes the last
    code = lang_code(last.partition("=")[2] if last.startswith("--lang=") else last)
    named = at + 1 if at < len(args) and args[at] == "--" else at  # `--lang en -- classify`: the name after --
    if named < len(args) and args[named] in group.list_commands(ctx):
        if code in LANGS:  # the group's own errors (an unknown option before the name) in that language too
            ctx.meta[LANG_META] = code
        return [*before, *args[at:named + 1], *langs, *args[named + 1:]]
    if code not in LANGS:
        return args
    ctx.meta[LANG_META] = code
    return [*before, *args[at:]]


_LANG_AFTER = {
    "en": "--lang takes ja or en, before or after the command's name ({command} --lang {lang} …).",
    "ja": "--lang には ja か en を指定します。コマンド名の前でも後でも指定できます（{command} --lang {lang} …）。",
}
"""The error of a ``--lang`` before a command that :func:`lang_after_command` leaves: one with no value, or one
naming neither language where no command is named to check it."""


_DASH_TITLE = {
    "en": "{title!r} starts with '-' and is read as an option: put it after `--` ({command} -- {title!r}).",
    "ja": "{title!r} は '-' で始まるためオプションとして読まれます。`--` の後に置いてください"
          "（{command} -- {title!r}）。",
}
"""The error of an argument that starts with a dash and reads as a title, not an option."""


class _Localized(click.Command):
    """A command whose help and usage line are in the command's language (:func:`help_lang`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if isinstance(self, click.Group):
            args = lang_after_command(self, ctx, args)
        lang = peek_lang(self, args)
        if lang is not None:
            ctx.meta[LANG_META] = lang
        given = list(args)  # click's parser consumes the list
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            # click's parser raises a missing option value without a context, and so without the usage line the
            # other errors show; and it runs "No such option: --fromat" into "Did you mean --format?" with no stop.
            if exc.ctx is None:
                exc.ctx = ctx
            if isinstance(exc, click.NoSuchOption) and exc.option_name == "--lang" and isinstance(self, click.Group):
                # `domaincheck --lang`, `domaincheck --lang xx --help`: what --lang takes
                names = self.list_commands(ctx)
                named = next((arg for arg in given if arg in names), 'classify' if 'classify' in names else names[0])
                command = f"{ctx.command_path} {named}"
                asked = given_lang(given)  # said in the language asked for, when it names one
                if asked is not None:
                    ctx.meta[LANG_META] = asked
                said = help_lang(ctx)
                raise click.UsageError(_LANG_AFTER[said].format(command=command, lang=asked or said), ctx) from None
            if isinstance(exc, click.NoSuchOption) and not isinstance(self, click.Group):
                # -量子暗号: a title that starts with a dash, which click read as the short options -量 -子 … (a user
                # test: "no such option -量" gave no way out). Words beyond ASCII or a space are no option.
                title = next((arg for arg in given if arg.startswith(exc.option_name) and arg != "--"), None)
                # one dash: a mistyped long option (--ｆormat, an IME's full-width f) keeps click's "did you mean"
                if title is not None and not title.startswith("--") and (not title.isascii() or " " in title):
                    said = help_lang(ctx)
                    raise click.UsageError(_DASH_TITLE[said].format(title=title, command=ctx.command_path),
                                           ctx) from None  # fmt: skip
            if isinstance(exc, click.NoSuchOption) and len(exc.possibilities or ()) == 1 and exc.message[-1:] != ".":
                exc.message += "."
            raise

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        help_writes()
        print_help(self, ctx, help_lang(ctx))

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if help_lang(ctx) == "ja":
            from .help_ja import METAVARS, USAGE

            pieces = (METAVARS.get(piece, piece) for piece in " ".join(self.collect_usage_pieces(ctx)).split(" "))
            formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=USAGE)
        else:
            super().format_usage(ctx, formatter)


def help_writes() -> None:
    """Before a help is written: standard output closed is an error (exit 2, as for every command, said by cli.main),
    and a reader gone mid-help (`--help | head -1`) ends the run with 0 as a listing read in part does, where rich's
    consoles, typer's for the English help among them, exit 1 without a word (an integrator's user test). Here, when
    a help is written, not on a -h in the arguments, which may be an option's value (a review)."""
    import sys

    if sys.stdout is None:
        from .errors import stdout_closed

        raise stdout_closed()
    from rich.console import Console

    def quiet(console: Console) -> None:
        console.quiet = True
        quiet_stdout()
        raise SystemExit(0)

    Console.on_broken_pipe = quiet  # type: ignore[method-assign,assignment]


def quiet_stdout() -> None:
    """The reader went away (`domaincheck … | head`): stop quietly, as other command-line tools do."""
    import os
    import sys

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def help_only_lang() -> click.Option:
    """The ``--lang`` row of the top help (see :meth:`Group.format_help`)."""
    return click.Option(["--lang"], type=click.Choice(list(LANGS)), envvar="DOMAINCHECK_LANG", show_envvar=True,
                        expose_value=False, help="Language of messages, tables and help: ja (the default) or en; "
                        "before or after the command's name.")  # fmt: skip


class Command(_Localized, typer.core.TyperCommand):
    """The class of every command of cli.py."""


class Group(_Localized, typer.core.TyperGroup):
    """``domaincheck`` and ``domaincheck taxonomy``. The top one also shows the argument parser's errors (a missing
    argument, an unknown option, a bad value, and what a command raises as ``typer.BadParameter``) in Japanese when
    the command's language is Japanese: in typer's layout, with the same exit code (2). In English typer shows them,
    as before; run with ``standalone_mode=False``, they are raised, as click raises them."""

    _standalone = True

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The top help lists ``--lang`` among its options: the group takes none of its own (each command does, and
        one given before a command's name moves to it), so the option is put in for the help alone (a user test
        found it only in the description)."""
        if ctx.parent is not None or any(p.name == "lang" for p in self.params):
            super().format_help(ctx, formatter)
            return
        shown = help_only_lang()
        self.params.append(shown)
        try:
            super().format_help(ctx, formatter)
        finally:
            self.params.remove(shown)

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:  # fmt: skip
        self._standalone = standalone_mode
        return super().main(args, prog_name, complete_var, standalone_mode, windows_expand_args, **extra)

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:  # fmt: skip
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            if parent is None:
                self._japanese(exc, exc.ctx)
            raise

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            if ctx.parent is None:
                self._japanese(exc, ctx)
            raise

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None,
                                                                           list[str]]:  # fmt: skip
        """As click's, and an unknown command's error names the commands it may be a misspelling of, as an unknown
        option's does (``domaincheck clasify`` → ``Did you mean 'classify'?``)."""
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            import difflib
            from gettext import gettext  # as click words its messages

            from .help_ja import NO_SUCH_COMMAND_LIKE, NO_SUCH_COMMAND_LIKE_ANY

            name = click.utils.make_str(args[0]) if args else ""
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=3, cutoff=0.6) if name else []
            if close and exc.message == gettext("No such command {name!r}.").format(name=name):
                exc.message = (NO_SUCH_COMMAND_LIKE.format(name=name, one=repr(close[0])) if len(close) == 1 else
                               NO_SUCH_COMMAND_LIKE_ANY.format(name=name, names=", ".join(map(repr, close))))
            raise

    def _japanese(self, exc: click.UsageError, ctx: click.Context | None) -> None:
        """Show ``exc`` in Japanese and exit with its code, when the language is Japanese and click would show it.
        ``ctx``: where the language is found when ``exc`` has no context (click's parser raises some without one);
        its ``meta`` is the one the command's shares."""
        if self._standalone and help_lang(exc.ctx or ctx) == "ja":
            show_usage_error_ja(exc)
            raise click.exceptions.Exit(exc.exit_code) from None


def _console(stderr: bool = False) -> Console:
    """A console as typer's for help and errors (its width, colour and terminal settings)."""
    from rich.console import Console
    from typer import rich_utils

    return Console(stderr=stderr, width=rich_utils.MAX_WIDTH, force_terminal=rich_utils.FORCE_TERMINAL,
                   color_system=rich_utils.COLOR_SYSTEM, emoji=False)  # fmt: skip  # a name's ":smile:" as written


def show_usage_error_ja(exc: click.UsageError) -> None:
    """``exc`` as typer shows a usage error (the usage line, where the help is, the message in a box), in Japanese."""
    from rich.panel import Panel
    from rich.text import Text
    from typer import rich_utils

    from . import help_ja

    console = _console(stderr=True)
    ctx = exc.ctx
    if ctx is not None:
        console.print(Text(ctx.get_usage()))
        if ctx.command.get_help_option(ctx) is not None:
            console.print(Text(help_ja.TRY_HELP.format(command=ctx.command_path, option=ctx.help_option_names[0])),
                          style=rich_utils.STYLE_ERRORS_SUGGESTION)  # fmt: skip
    console.print(Panel(Wrapped(Text(help_ja.usage_error(exc))), border_style=rich_utils.STYLE_ERRORS_PANEL_BORDER,
                        title=help_ja.ERROR, title_align=rich_utils.ALIGN_ERRORS_PANEL))  # fmt: skip


_HELP_OPTION_EN = "Show this message and exit."
_ADDED_EN = ("[default: {}]", "[env var: {}]", "[required]")
_PANELS_EN = {"arguments": "Arguments", "options": "Options", "commands": "Commands"}
"""The English of what :func:`print_help` adds to the texts cli.py declares (typer's own words)."""


def print_help(command: click.Command, ctx: click.Context, lang: str) -> None:
    """The help of ``command`` in ``lang``, in typer's layout: the usage line, the description, and boxes of the
    arguments, the options and (a group) the commands. Printed here rather than by typer: typer's tables cut a run of
    text wider than the column at the column's edge ("…"), and Japanese has no spaces to wrap at, so most of a
    Japanese help would be cut off, and an English one lost a character of a Japanese word in it (正解 of
    --labels-column's defaults at 83, 93 or 130 columns: a user test); these tables fold it instead."""
    from rich.padding import Padding
    from rich.text import Text
    from typer import rich_utils

    from . import help_ja

    ja = lang == "ja"
    key = command_key(ctx)
    console = _console()
    console.print(Padding(Text(ctx.get_usage()), 1), style=rich_utils.STYLE_USAGE_COMMAND)
    description = (help_ja.COMMANDS.get(key) if ja else None) or command.help
    if description:
        console.print(Padding(Wrapped(Text(description, style=rich_utils.STYLE_HELPTEXT_FIRST_LINE), not ja),
                              (0, 1, 1, 1)))  # fmt: skip
    texts = help_ja.PARAMS.get(key, {}) if ja else {}
    help_option = command.get_help_option(ctx)
    arguments: list[tuple[Any, ...]] = []
    options: list[tuple[Any, ...]] = []
    panels = help_ja.PANELS if ja else _PANELS_EN
    for param in command.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        shown = (help_ja.HELP_OPTION if ja else _HELP_OPTION_EN) if param is help_option \
            else texts.get(param.name or "")  # fmt: skip
        row = _help_row(param, ctx, shown or getattr(param, "help", None) or "", ja)
        if isinstance(param, click.Argument):
            arguments.append((Text("*" if param.required else ""), *row[1:]))
        else:
            options.append(row)
    _panel(console, panels["arguments"], _table(arguments, console.width))
    _panel(console, panels["options"], _table(options, console.width))
    if isinstance(command, click.MultiCommand):
        commands: list[tuple[Any, ...]] = []
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            said = (help_ja.COMMANDS.get(f"{key} {name}".strip()) if ja else None) or sub.short_help or sub.help or ""
            commands.append((Text(name, style=rich_utils.STYLE_COMMANDS_TABLE_FIRST_COLUMN), Text(""),
                             Wrapped(_folding(said), not ja)))  # fmt: skip
        _panel(console, panels["commands"], _table(commands, console.width))
    if ja and key:  # the top level's description says it; a command's help did not (a docs audit's English user)
        console.print(Padding(Text(f"In English: domaincheck {key} --lang en --help"), (0, 1)))


_HELP_MIN = 30
"""The narrowest help column beside an option's names and value; on a terminal that leaves less, the help goes
below them (at 50 columns it was 5 wide, English words broken every few letters: Outpu/t, a third user test)."""


def _table(rows: list[tuple[Any, ...]], width: int) -> Table:
    """A box's table of ``rows`` (names that keep to one line: an option's long and short names, a command's name;
    then the value's, a metavar or choices; then the help). Where the terminal is wide enough, one row a line: the
    names, then the value (at most 26 wide, a third of a narrow terminal: longer choices break after a |), then the
    help, which takes the rest and breaks as Japanese does (:class:`~domaincheck.wrap_ja.Wrapped`). Where that
    leaves the help less than :data:`_HELP_MIN` columns, the names and the value on a line and the help indented
    below them."""
    from rich.cells import cell_len
    from rich.padding import Padding
    from rich.table import Column, Table
    from rich.text import Text

    names = len(rows[0]) - 2 if rows else 1
    value_width = max(8, min(26, width // 3))
    used = sum(max((cell_len(row[i].plain) for row in rows), default=0) + 2 for i in range(names))
    values = max((cell_len(row[names].text.plain) for row in rows if isinstance(row[names], Wrapped)), default=0)
    if width - 4 - used - min(values, value_width) - 2 >= _HELP_MIN:
        table = Table.grid(*[Column(no_wrap=True) for _ in range(names)],
                           Column(overflow="fold", max_width=value_width), Column(overflow="fold", ratio=1),
                           padding=(0, 2), expand=True)  # fmt: skip
        for row in rows:
            table.add_row(*row)
        return table
    table = Table.grid(Column(overflow="fold", ratio=1), expand=True)
    for row in rows:
        head = Text("  ").join(cell if isinstance(cell, Text) else cell.text for cell in row[: names + 1]
                               if (cell.plain if isinstance(cell, Text) else cell.text.plain))
        table.add_row(Wrapped(head))
        table.add_row(Padding(row[-1], (0, 0, 0, 4)))
    return table


def _folding(text: str, style: str = "") -> Any:
    """``text`` that folds at the column's edge instead of being cut there."""
    from rich.text import Text

    return Text(text, style=style, overflow="fold")


def _help_row(param: click.Parameter, ctx: click.Context, text: str, ja: bool = True) -> tuple[Any, ...]:
    """The cells of ``param``'s row: the option's names (long, short), its value (a metavar, the choices, the range)
    and its help with what typer adds to it (the environment variable, the default, required), in Japanese (``ja``)
    or English."""
    from rich.text import Text
    from typer import rich_utils

    from . import help_ja

    default_said, envvar_said, required_said = (help_ja.DEFAULT, help_ja.ENVVAR, help_ja.REQUIRED) if ja \
        else _ADDED_EN  # fmt: skip

    names = [*param.opts, *param.secondary_opts]
    long = ", ".join(n for n in names if n.startswith("--"))
    short = ", ".join(n for n in names if not n.startswith("--"))
    flag = isinstance(param, click.Option) and (param.is_flag or param.count)
    metavar = "" if flag else param.make_metavar()
    metavar = help_ja.METAVARS.get(metavar, metavar) if ja else metavar
    if isinstance(param.type, click.IntRange | click.FloatRange):
        low, high = param.type.min, param.type.max
        metavar += f" [{low}<=x<={high}]" if low is not None and high is not None \
            else f" [x>={low}]" if low is not None else f" [x<={high}]" if high is not None else ""  # fmt: skip
    help_text = _folding(text, rich_utils.STYLE_OPTION_HELP)
    envvar = param.envvar if getattr(param, "show_envvar", False) else None
    if envvar:
        help_text.append("\n" + envvar_said.format(envvar if isinstance(envvar, str) else ", ".join(envvar)),
                         style=rich_utils.STYLE_OPTION_ENVVAR)  # fmt: skip
    default = _default(param, ctx)
    if default is not None:
        help_text.append("\n" + default_said.format(default), style=rich_utils.STYLE_OPTION_DEFAULT)
    if param.required:
        help_text.append("\n" + required_said, style=rich_utils.STYLE_REQUIRED_LONG)
    value = Wrapped(Text(metavar, style=rich_utils.STYLE_METAVAR))
    if isinstance(param, click.Argument):
        return "", value, Wrapped(help_text, not ja)
    return (Text(long, style=rich_utils.STYLE_OPTION), Text(short, style=rich_utils.STYLE_SWITCH), value,
            Wrapped(help_text, not ja))  # fmt: skip


def _default(param: click.Parameter, ctx: click.Context) -> str | None:
    """The default typer shows beside ``param``'s help, or None: an option's, when it shows defaults and has one
    that is not a flag's off, nothing or empty."""
    if not isinstance(param, click.Option) or param.show_default is False:
        return None
    if isinstance(param.show_default, str):
        return param.show_default
    value = param.get_default(ctx, call=False)
    if value is None or value is False or value == [] or value == () or (param.is_flag and value is not True):
        return None
    if isinstance(value, Enum):
        value = value.value
    return "True" if value is True else str(value)


def _panel(console: Console, title: str, table: Table) -> None:
    from rich.panel import Panel
    from typer import rich_utils

    if table.row_count:
        console.print(Panel(table, border_style=rich_utils.STYLE_OPTIONS_PANEL_BORDER, title=title,
                            title_align=rich_utils.ALIGN_OPTIONS_PANEL))  # fmt: skip

"""--help and the argument parser's usage errors in the command's language: Japanese by default (DOMAINCHECK_LANG,
or a command's --lang before or after --help), English exactly as typer shows it."""

from __future__ import annotations

import inspect
import re
from collections import Counter
from typing import Any

import click
import click.testing
import pytest
import typer.core
import typer.main
from typer.testing import CliRunner

from domaincheck import help_ja
from domaincheck.cli import EXIT_USAGE, app
from domaincheck.cli_lang import peek_lang

runner = CliRunner(mix_stderr=False)
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
WIDE = {"COLUMNS": "2000"}  # nothing folds: each text is on one line
CLICK_WORDS = ("Usage:", "Try '", "Invalid value", "No such option", "No such command", "Missing argument",
               "Did you mean", "Error", "Got unexpected", "requires an argument", "does not take a value",
               "is not one of", "not a valid", "is not in the range")  # fmt: skip


def _tree() -> list[tuple[str, click.Command]]:
    """Every command of the command line, by its path under ``domaincheck`` ("" for the top)."""
    found: list[tuple[str, click.Command]] = []

    def walk(key: str, command: click.Command) -> None:
        found.append((key, command))
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(f"{key} {name}".strip(), sub)

    walk("", typer.main.get_command(app))
    return found


KEYS = [key for key, _ in _tree()]
WITH_LANG = [key for key, command in _tree() if any(p.name == "lang" for p in command.params)]


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, list(args), env={**WIDE, **(env or {})})


def _help(key: str, *extra: str, env: dict[str, str] | None = None) -> str:
    result = run(*key.split(), "--help", *extra, env=env)
    assert result.exit_code == 0, result.stderr
    return str(result.stdout)


def _squeezed(text: str) -> str:
    return "".join(text.replace("│", "").split())


def test_every_command_and_parameter_has_a_japanese_help() -> None:
    """A new command or option cannot come without its Japanese help, nor a Japanese text stay for one that went."""
    commands = dict(_tree())
    assert set(help_ja.COMMANDS) == set(commands) == set(help_ja.PARAMS)
    for key, command in commands.items():
        assert JAPANESE.search(help_ja.COMMANDS[key]), key
        names = {p.name for p in command.params} | ({"lang"} if key == "" else set())  # the top help's own row
        assert set(help_ja.PARAMS[key]) == names, f"{key or 'domaincheck'}: {set(help_ja.PARAMS[key]) ^ names}"
        for name, text in help_ja.PARAMS[key].items():
            assert JAPANESE.search(text), (key, name)


@pytest.mark.parametrize("key", KEYS)
def test_japanese_help_by_default(key: str) -> None:
    """Japanese by default: the description, every parameter's help (the help option's too), the usage heading, and
    for a group its commands' descriptions; none of the English texts declared in cli.py."""
    command = dict(_tree())[key]
    out = _help(key)
    assert help_ja.COMMANDS[key] in out
    for text in help_ja.PARAMS[key].values():
        assert text in out
    assert help_ja.HELP_OPTION in out and help_ja.USAGE.strip() in out and "Usage:" not in out
    if isinstance(command, click.Group):
        for name in command.commands:
            assert help_ja.COMMANDS[f"{key} {name}".strip()] in out
    english = [command.help or "", *(getattr(p, "help", None) or "" for p in command.params)]
    assert not [text for text in english if text and text in out]
    assert "Show this message and exit." not in out
    # every command's says how to read it in English, as the top level's description does (an English user of a
    # docs audit found only the top level's)
    assert f"In English: domaincheck {key} --lang en --help" in out if key else "--lang en --help" in out


@pytest.mark.parametrize("key", KEYS)
def test_japanese_help_is_not_cut_off_in_a_narrow_terminal(key: str) -> None:
    """At 80 columns every Japanese character of the texts is shown: typer's tables would cut a run of Japanese wider
    than the column (it has no space to wrap at) with an ellipsis; the Japanese help folds it."""
    out = run(*key.split(), "--help", env={"COLUMNS": "80"}).stdout
    texts = [help_ja.COMMANDS[key], help_ja.HELP_OPTION, *help_ja.PARAMS[key].values()]
    wanted = Counter(ch for text in texts for ch in text if JAPANESE.match(ch))
    shown = Counter(ch for ch in out if JAPANESE.match(ch))
    assert not wanted - shown


@pytest.mark.parametrize("columns", ["60", "80", "83", "93", "130", "160"])
@pytest.mark.parametrize("key", KEYS)
def test_english_help_shows_every_declared_text_whole(key: str, columns: str) -> None:
    """The English help is laid out as the Japanese one (typer's boxes), with the English texts declared in cli.py,
    each whole at any width, and no Japanese one. typer's own tables cut a Japanese word in an English text at the
    column's edge: 正解 of --labels-column's defaults lost 解 at 83, 93 and 130 columns (a user test)."""
    plain = click.testing.CliRunner(mix_stderr=False)
    args = [*key.split(), "--help"]
    r = plain.invoke(typer.main.get_command(app), args, env={"DOMAINCHECK_LANG": "en", "COLUMNS": columns})
    assert r.exit_code == 0
    out = _squeezed(r.stdout)
    command = dict(_tree())[key]
    texts = [t for t in [command.help, *(getattr(p, "help", None) for p in command.params)] if t]
    # every character of the texts is shown (a row's value may wrap beside its help, so not each text in one piece)
    assert not Counter(_squeezed("".join(texts))) - Counter(out), columns
    assert max(len(line) for line in r.stdout.splitlines()) <= int(columns)
    assert not [t for t in [help_ja.COMMANDS[key], *help_ja.PARAMS[key].values()] if _squeezed(t) in out]
    assert "Usage:" in r.stdout and "Showthismessageandexit." in out


@pytest.mark.parametrize("key", WITH_LANG)
def test_lang_before_or_after_help_chooses_the_help_language(key: str) -> None:
    english = dict(_tree())[key].help or ""
    for args in (("--lang", "en"), ("--lang=EN",), ("--lang", "en_US.UTF-8")):
        assert english in _help(key, *args)  # after --help
        r = run(*key.split(), *args, "--help", env=WIDE)  # before
        assert english in r.stdout and help_ja.COMMANDS[key] not in r.stdout
    assert help_ja.COMMANDS[key] in _help(key, "--lang", "ja", env={"DOMAINCHECK_LANG": "en"})
    assert english in _help(key, env={"DOMAINCHECK_LANG": "en"})
    assert help_ja.COMMANDS[key] in _help(key, env={"DOMAINCHECK_LANG": "ja_JP.UTF-8"})
    # a --lang that names no language leaves the variable's choice (click never reads it: --help comes first)
    assert english in _help(key, "--lang", "fr", env={"DOMAINCHECK_LANG": "en"})


def test_commands_without_lang_follow_the_environment() -> None:
    for key in (k for k in KEYS if k not in WITH_LANG):
        command = dict(_tree())[key]
        assert help_ja.COMMANDS[key] in _help(key)
        assert (command.help or "") in _help(key, env={"DOMAINCHECK_LANG": "EN"})


def test_no_arguments_shows_the_help_in_the_language() -> None:
    assert help_ja.COMMANDS[""] in run().stdout
    assert help_ja.COMMANDS["taxonomy"] in run("taxonomy").stdout
    assert help_ja.COMMANDS["taxonomy"] not in run("taxonomy", env={"DOMAINCHECK_LANG": "en"}).stdout


@pytest.mark.parametrize(("args", "lang"), [
    (["--lang", "en"], "en"), (["--lang=ja"], "ja"), (["--lang", "ja", "--lang", "en"], "en"),
    (["-f", "json", "--lang", "en"], "en"), (["-fjson", "--lang", "en"], "en"),
    (["--format=json", "--lang", "en"], "en"),
    (["--format", "--lang", "en"], None),  # --lang is the value of --format, as click reads it
    (["--", "--lang", "en"], None), (["--lang", "fr"], None), (["--lang"], None), ([], None),
    (["--explain", "--lang", "EN"], "en"), (["--nosuch", "--lang", "en"], "en"),
])  # fmt: skip
def test_peek_lang_reads_the_command_line_as_click_does(args: list[str], lang: str | None) -> None:
    classify = dict(_tree())["classify"]
    assert peek_lang(classify, ["title", *args]) == lang
    assert peek_lang(dict(_tree())["evaluate"], ["file.csv", *args]) == lang  # evaluate's --lang reads alike
    if "--format" not in args:  # it has no --format to take --lang as its value
        assert peek_lang(dict(_tree())["taxonomy validate"], ["dir", *args]) == lang  # its --lang too (a user test)


USAGE_ERRORS = [
    # (arguments, what the English message says (click's words), what the Japanese one says (help_ja's))
    (["classify"], "Missing argument 'TITLES...'.", "引数 'TITLES...' を指定してください。"),
    (["classify", "x", "--fomat", "json"], "No such option: --fomat. Did you mean --format?",
     "オプション --fomat はありません。--format のことですか？"),
    (["screen", "x.csv", "--output-e", "x"], "No such option: --output-e (Possible options: --output, "
     "--output-encoding, --output-errors)", "オプション --output-e はありません（候補: --output、--output-encoding、"
     "--output-errors）。"),
    (["classify", "x", "--format", "yaml"], "Invalid value for '--format' / '-f': 'yaml' is not one of 'table', "
     "'json', 'jsonl', 'csv'.", "'--format' / '-f' の値が不正です: 'yaml' は 'table'、'json'、'jsonl'、'csv' の"
     "いずれでもありません。"),
    (["classify", "x", "--min-score", "200"], "Invalid value for '--min-score': 200 is not in the range 0<=x<=100.",
     "'--min-score' の値が不正です: 200 は使えません（使える値: 0<=x<=100）。"),
    (["classify", "x", "--top", "many"], "Invalid value for '--top': 'many' is not a valid integer range.",
     "'--top' の値が不正です: 'many' は整数ではありません。"),
    (["classify", "x", "--format"], "Option '--format' requires an argument.",
     "オプション '--format' には値が必要です。"),
    (["classify", "x", "--explain=yes"], "Option '--explain' does not take a value.",
     "オプション '--explain' は値をとりません。"),
    (["show", "quantum", "extra"], "Got unexpected extra argument (extra)", "余分な引数があります（extra）。"),
    (["show", "quantum", "a", "b"], "Got unexpected extra arguments (a b)", "余分な引数があります（a b）。"),
    (["nosuch"], "No such command 'nosuch'.", "コマンド 'nosuch' はありません。"),
    # a misspelt command is named, as a misspelt option is (a user test: `clasify` had no hint)
    (["clasify", "量子"], "No such command 'clasify'. Did you mean 'classify'?",
     "コマンド 'clasify' はありません。'classify' のことですか？"),
    (["--terms-only"], "Missing command.", "コマンドを指定してください。"),
    (["show", " "], "Invalid value for AREA: give an area id or name", "AREA の値が不正です: 領域の id か名前を指定"),
]


@pytest.mark.parametrize(("args", "english", "japanese"), USAGE_ERRORS)
def test_usage_errors_in_both_languages(args: list[str], english: str, japanese: str) -> None:
    """The argument parser's errors follow the language as the command's other messages do, with the same exit code
    (2, a usage error); in English they are click's and typer's own, in Japanese none of their English words stays.
    The usage line and where the help is are there when click gives them; they are added where click's parser gives
    none (an option's missing value)."""
    en = run(*args, env={"DOMAINCHECK_LANG": "en"})
    ja = run(*args)
    assert en.exit_code == ja.exit_code == EXIT_USAGE
    assert en.stdout == ja.stdout == ""
    assert _squeezed(english) in _squeezed(en.stderr), en.stderr
    assert _squeezed(japanese) in _squeezed(ja.stderr), ja.stderr
    assert not [word for word in CLICK_WORDS if word in ja.stderr], ja.stderr
    assert "─ Error ─" in en.stderr and f"─ {help_ja.ERROR} ─" in ja.stderr
    has_usage = "Usage: " in en.stderr
    assert (help_ja.USAGE in ja.stderr) == has_usage
    assert has_usage or args[0].startswith("-")  # every command's error shows its usage line
    if has_usage:
        path = " ".join(["domaincheck", *(a for a in args[:1] if not a.startswith("-") and a not in ("nosuch",
                                                                                                  "clasify"))])
        assert f"Try '{path} -h' for help." in en.stderr
        assert help_ja.TRY_HELP.format(command=path, option="-h") in ja.stderr


def test_usage_errors_follow_the_commands_lang() -> None:
    """A command's --lang, before or after the mistake, sets the language of the parser's error; the environment
    does where the command has none (evaluate), and for the top level."""
    for args in (["classify", "--lang", "en", "x", "--fomat"], ["classify", "x", "--fomat", "--lang", "en"],
                 ["classify", "x", "--explain=1", "--lang", "en"]):  # fmt: skip
        r = run(*args)
        assert r.exit_code == EXIT_USAGE, r.stderr
        assert "No such option: --fomat" in r.stderr or "'--explain' does not take a value" in r.stderr, r.stderr
    r = run("classify", "x", "--fomat", "--lang", "ja", env={"DOMAINCHECK_LANG": "en"})
    assert r.exit_code == EXIT_USAGE and "オプション --fomat はありません" in r.stderr
    # taxonomy validate has its --lang too, as the hint for one given before it says (a user test)
    r = run("taxonomy", "validate", "taxonomy", "--fomat", "--lang", "en")
    assert r.exit_code == EXIT_USAGE and "No such option: --fomat" in r.stderr
    r = run("taxonomy", "validate", "taxonomy", "--fomat")
    assert r.exit_code == EXIT_USAGE and "オプション --fomat はありません" in r.stderr


@pytest.mark.parametrize(("before", "after"), [
    (["--lang", "en", "classify", "量子コンピュータ"], ["classify", "--lang", "en", "量子コンピュータ"]),
    (["--lang=EN", "--terms-only", "classify", "-f", "csv", "ARグラス"],
     ["--terms-only", "classify", "--lang=EN", "-f", "csv", "ARグラス"]),
    (["--lang", "ja", "domains"], ["domains", "--lang", "ja"]),
    (["--lang", "en", "show", "fusoin"], ["show", "fusoin", "--lang", "en"]),
    (["--lang", "xx", "screen", "in.csv"], ["screen", "in.csv", "--lang", "xx"]),
    (["--lang", "en", "taxonomy", "validate", "no-such-dir"], ["taxonomy", "validate", "no-such-dir", "--lang", "en"]),
    (["taxonomy", "--lang", "en", "validate", "no-such-dir"], ["taxonomy", "validate", "--lang", "en", "no-such-dir"]),
    (["--lang", "en", "--lang", "ja", "programs", "moonshot"], ["programs", "--lang", "ja", "moonshot"]),
    (["--lang", "en", "--", "classify", "量子コンピュータ"], ["classify", "--lang", "en", "量子コンピュータ"]),
])  # fmt: skip
def test_lang_before_the_command_is_the_commands(before: list[str], after: list[str]) -> None:
    """``domaincheck --lang en classify …`` runs as ``domaincheck classify --lang en …``: the same output, errors and
    exit code, under either language of the environment (a bad value is refused by the command's option)."""
    for env in ("ja", "en"):
        moved, there = run(*before, env={"DOMAINCHECK_LANG": env}), run(*after, env={"DOMAINCHECK_LANG": env})
        assert (moved.exit_code, moved.stdout, moved.stderr) == (there.exit_code, there.stdout, there.stderr)
    assert moved.exit_code == (EXIT_USAGE if "xx" in before else 1 if "no-such-dir" in before else 0), moved.stderr
    assert (moved.stdout if moved.exit_code == 0 else moved.stderr).strip()


def test_lang_before_no_command_sets_the_help_and_the_error() -> None:
    """With no command to take it, ``--lang`` gives the top level's help and an unknown command's error their
    language, whatever the environment says; a bare ``--lang``, or one naming neither language, says what it takes."""
    for env in ("ja", "en"):
        english, japanese = run("--lang", "en", "--help", env={"DOMAINCHECK_LANG": env}), run(
            "--lang", "ja", "--help", env={"DOMAINCHECK_LANG": env})
        assert english.exit_code == japanese.exit_code == 0
        assert "Usage: domaincheck [OPTIONS] COMMAND" in english.stdout and "使い方" not in english.stdout
        assert "使い方: domaincheck" in japanese.stdout
        wrong = run("--lang", "en", "clasify", "x", env={"DOMAINCHECK_LANG": env})
        assert wrong.exit_code == EXIT_USAGE and "No such command 'clasify'" in wrong.stderr, wrong.stderr
        # after the mistyped name too (an English-speaking user test had the error in Japanese)
        for lang, said in (("en", "No such command 'clasify'"), ("ja", "コマンド 'clasify' はありません")):
            wrong = run("clasify", "--lang", lang, "x", env={"DOMAINCHECK_LANG": env})
            assert wrong.exit_code == EXIT_USAGE and said in wrong.stderr, wrong.stderr
        # but not from after --, where it is an argument (a review)
        wrong = run("clasify", "--", "--lang", "en" if env == "ja" else "ja", env={"DOMAINCHECK_LANG": env})
        assert ("No such command" in wrong.stderr) is (env == "en"), wrong.stderr
        for lang, said in (("en", "No such option: --bogus"), ("ja", "オプション --bogus はありません")):
            bogus = run("--lang", lang, "--bogus", "classify", "x", env={"DOMAINCHECK_LANG": env})  # the group's
            assert bogus.exit_code == EXIT_USAGE and said in bogus.stderr, bogus.stderr
    for args in (["--lang"], ["--lang", "xx", "--help"]):
        for env in ("ja", "en"):
            r = run(*args, env={"DOMAINCHECK_LANG": env})
            example = f"domaincheck classify --lang {env} …"
            expected = (f"--lang takes ja or en, before or after the command's name ({example})." if env == "en" else
                        f"--lang には ja か en を指定します。コマンド名の前でも後でも指定できます（{example}）。")
            assert r.exit_code == EXIT_USAGE and r.stdout == "" and _squeezed(expected) in _squeezed(r.stderr), r.stderr


def test_a_bad_boolean_from_the_environment() -> None:
    ja = run("domains", env={"DOMAINCHECK_TERMS_ONLY": "maybe"})
    en = run("domains", env={"DOMAINCHECK_TERMS_ONLY": "maybe", "DOMAINCHECK_LANG": "en"})
    assert ja.exit_code == en.exit_code == EXIT_USAGE
    assert "'maybe' is not a valid boolean." in en.stderr
    assert "'--terms-only' の値が不正です: 'maybe' は真偽値" in ja.stderr


def test_every_message_template_is_clicks() -> None:
    """help_ja.MESSAGES translates click's messages by their English template: each must be one of click's, word for
    word, or it would never match (a click upgrade that rewords one fails here)."""
    source = "".join(inspect.getsource(m) for m in (click.core, click.parser, click.types, click.exceptions))
    for english, japanese in help_ja.MESSAGES:
        assert f'"{english}"' in source, english
        assert JAPANESE.search(japanese)


def test_without_standalone_mode_the_error_is_raised_as_click_raises_it() -> None:
    """A caller that runs the command line with standalone_mode=False gets click's exception, in either language."""
    command = typer.main.get_command(app)
    with pytest.raises(click.MissingParameter):
        command.main(["classify"], standalone_mode=False)


def test_nothing_global_changes() -> None:
    """After a Japanese help and error, another click program's messages, and typer's, are still English."""
    run("classify", "--help")
    run("classify")

    @click.command()
    @click.argument("name")
    def other(name: str) -> None:
        """Another program."""

    r = click.testing.CliRunner(mix_stderr=False).invoke(other, [])
    assert r.exit_code == 2 and "Usage: other [OPTIONS] NAME" in r.stderr and "Missing argument 'NAME'" in r.stderr
    from typer import rich_utils

    assert rich_utils.RICH_HELP.startswith("Try ") and rich_utils.ERRORS_PANEL_TITLE == "Error"


def test_clicks_words_in_the_usage_line_and_values_are_japanese() -> None:
    """The Japanese help and usage errors say [オプション], コマンド, 整数, 文字列 where click says [OPTIONS], COMMAND,
    INTEGER RANGE, TEXT; the names the tool gives a value (DIR, TITLES) stay, as the texts name them. English is
    click's."""
    top, classify, screen = _help(""), _help("classify"), _help("screen")
    assert "使い方: domaincheck [オプション] コマンド [引数]..." in top
    assert "使い方: domaincheck classify [オプション] TITLES..." in classify and "TITLES..." in classify
    assert "整数 [0<=x<=100]" in classify and "DIR" in classify
    assert "文字列" in screen and "整数 [x>=1]" in screen
    for text in (top, classify, screen):
        assert not re.search(r"\[OPTIONS\]|\bINTEGER\b|\bTEXT\b|\bCOMMAND\b", text), text
    error = run("classify", "--top", "x", "y")
    assert error.exit_code == EXIT_USAGE and "使い方: domaincheck classify [オプション] TITLES..." in error.stderr
    english = _help("classify", env={"DOMAINCHECK_LANG": "en"})
    assert "[OPTIONS] TITLES..." in english and "INTEGER RANGE" in english


_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_JAPANESE_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u9fff々]+")


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("columns", ["40", "50", "56", "60", "67", "72", "80"])
@pytest.mark.parametrize("key", ["", "classify", "screen", "evaluate"])
def test_a_narrow_help_breaks_no_latin_word(key: str, columns: str, lang: str) -> None:
    """At 50 to 60 columns the help column beside an option's names was a few cells wide, and English words broke
    every few letters (Outpu / t, DOMAINCHECK_L / ANG), and an English help split 課題名 at 60 to 72 (a third user
    test). Where the help would be that narrow, it goes below the option's names: every Latin word shown at a narrow
    width is a word of the wide help, and so is every Japanese word of the English one; no line is wider than the
    terminal."""
    from rich.cells import cell_len

    wide = _help(key, env={"DOMAINCHECK_LANG": lang})
    narrow = _help(key, env={"DOMAINCHECK_LANG": lang, "COLUMNS": columns})
    words = set(_LATIN_WORD.findall(wide))
    broken = [w for w in _LATIN_WORD.findall(narrow) if w not in words]
    assert not broken, (columns, broken)
    if lang == "en":
        split = [w for w in _JAPANESE_WORD.findall(narrow) if w not in set(_JAPANESE_WORD.findall(wide))]
        assert not split, (columns, split)
    assert max(cell_len(line) for line in narrow.splitlines()) <= int(columns)

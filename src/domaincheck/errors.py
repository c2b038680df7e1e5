"""Errors raised by the core; the CLI maps them to messages and exit codes.

Every error carries its English text (``message``, ``hint``) and may carry a Japanese one (``ja``, ``hint_ja``): the
CLI shows the Japanese under ``--lang ja`` (the default) and the English under ``--lang en``; an error without a
Japanese text shows its English in either (tests/test_errors_ja.py lists the raise sites that lack one)."""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Sequence

LANGS = ("ja", "en")
LANG_ENV = "DOMAINCHECK_LANG"
"""The environment variable that sets the language of messages, and the default of every ``--lang``: ja or en."""


def lang_code(value: str) -> str:
    """``value`` as a language code: in lower case, and a locale's language alone (``ja_JP.UTF-8`` → ``ja``,
    ``en-US`` → ``en``, and the C or POSIX locale of servers and containers, ``C.UTF-8``, → ``en``, whose messages
    it means), so that ``DOMAINCHECK_LANG=$LANG`` works; a language's name or three-letter code is its code
    (``english``, ``eng``, ``日本語``: a user test's first mistake drew an error in Japanese only)."""
    code = re.split(r"[_.@-]", value.strip(), maxsplit=1)[0].lower()
    return _LANG_NAMES.get(code, code)


_LANG_NAMES = {"c": "en", "posix": "en", "eng": "en", "english": "en", "英語": "en", "jpn": "ja", "jp": "ja",
               "japanese": "ja", "日本語": "ja"}
"""Other names of the two languages (ISO 639-2 codes, their names in English and Japanese), and the C locale's."""


def given_lang(args: Sequence[str]) -> str | None:
    """The language a ``--lang`` in ``args`` names (the first), or None (no --lang, or one naming neither)."""
    for n, arg in enumerate(args):
        name, equals, value = arg.partition("=")
        if name == "--lang":
            code = lang_code(value if equals else args[n + 1] if n + 1 < len(args) else "")
            return code if code in LANGS else None
    return None


def env_lang() -> str:
    """The language of messages where no ``--lang`` says it (evaluate; errors before a command's options are read,
    or before the command line is even imported): :data:`LANG_ENV` when it names ja or en (as every ``--lang`` reads
    it), else Japanese, as the tables are by default."""
    value = lang_code(os.environ.get(LANG_ENV, ""))
    return value if value in LANGS else "ja"


class DomaincheckError(Exception):
    """Base class for every expected failure; carries an optional hint for the user, in English and in Japanese."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None, *, ja: str | None = None,
                 hint_ja: str | None = None) -> None:  # fmt: skip
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.ja = ja
        self.hint_ja = hint_ja

    def text(self, lang: str) -> str:
        """The message in ``lang`` (``ja`` or ``en``); the English one when it has no Japanese text."""
        return self.ja if lang == "ja" and self.ja else self.message

    def hint_text(self, lang: str) -> str | None:
        """The hint in ``lang``; the English one when it has no Japanese text."""
        return self.hint_ja if lang == "ja" and self.hint_ja else self.hint


class TaxonomyError(DomaincheckError):
    """The taxonomy could not be found, parsed or validated. ``problems_ja``: the problems in Japanese, one for each
    (the validator's findings carry theirs, :class:`~domaincheck.taxonomy.Problem`; those it has none for yet are
    listed in English under the Japanese head)."""

    def __init__(self, problems: list[str], hint: str | None = None, *, problems_ja: list[str] | None = None,
                 hint_ja: str | None = None) -> None:  # fmt: skip
        self.problems = problems
        head = f"invalid taxonomy ({len(problems)} problem{'s' if len(problems) != 1 else ''})"
        head_ja = f"タクソノミーが不正です（{len(problems)} 件の問題）"
        listed = problems_ja if problems_ja and len(problems_ja) == len(problems) else problems
        super().__init__(head + ":\n  " + "\n  ".join(problems), hint,
                         ja=head_ja + ":\n  " + "\n  ".join(listed), hint_ja=hint_ja)  # fmt: skip


class InputError(DomaincheckError):
    """User input (a title, a file, a column, an encoding) cannot be used."""


class UsageError(InputError):
    """Options that contradict each other: exit code 2, as for any usage error."""

    exit_code = 2


def stdout_closed(hint: str = "run it with standard output open (not `>&-`)",
                  hint_ja: str = "標準出力を開いたまま実行してください（`>&-` を付けずに）") -> UsageError:
    """The error of a command started with standard output closed (`>&-`, a daemon's closed descriptors): Python
    then has no ``sys.stdout``, and a command would write nothing and end as if it had succeeded."""
    return UsageError("standard output is closed: the output has nowhere to go", hint=hint,
                      ja="標準出力が閉じています: 出力の書き出し先がありません", hint_ja=hint_ja)  # fmt: skip


def link_loop_error(path: object) -> InputError:
    """The error of a path that is a loop of symbolic links (which ``Path.exists`` takes for a missing file, and which
    written through would be replaced by a file), as the shell names it."""
    return InputError(f"{path}: too many levels of symbolic links", ja=f"{path}: シンボリックリンクが循環しています")


def stdin_closed() -> UsageError:
    """The error of ``-`` (read standard input) given with standard input closed (`<&-`)."""
    return UsageError("standard input is closed: '-' has nothing to read", hint="give the input on standard input "
                      "(`< FILE` or a pipe), or name a file", ja="標準入力が閉じています: '-' で読むものがありません",
                      hint_ja="標準入力に入力を渡すか（`< FILE` やパイプ）、ファイルを指定してください")  # fmt: skip


class UnknownNameError(DomaincheckError):
    """A name (area, program) did not resolve to any taxonomy entry."""


_REASONS_JA = {
    errno.ENOENT: "ファイルまたはフォルダがありません",
    errno.EACCES: "アクセスが拒否されました",
    errno.EPERM: "操作が許可されていません",
    errno.ENOSPC: "ディスクの空き容量がありません",
    errno.EROFS: "読み取り専用のファイルシステムです",
    errno.EISDIR: "フォルダです",
    errno.ENOTDIR: "フォルダではありません",
    errno.EEXIST: "すでに存在します",
    errno.EIO: "入出力エラー",
    errno.EBUSY: "使用中です",
    errno.ENAMETOOLONG: "名前が長すぎます",
}
"""What the system says, in Japanese, for the errors a user meets (a locked or read-only file, a full disk)."""


def reason_ja(exc: OSError) -> str:
    """The system's reason for ``exc`` in Japanese, the English text beside it; the English alone for a rarer one."""
    english = exc.strerror or str(exc)
    ja = _REASONS_JA.get(exc.errno) if exc.errno is not None else None
    return f"{ja}（{english}）" if ja else english

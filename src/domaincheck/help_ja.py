"""The command line's help and the argument parser's usage errors in Japanese.

The English texts are the ones declared in cli.py (a command's docstring or ``help=``, each option's ``help=``); the
Japanese ones are here, keyed by the command's path under ``domaincheck`` (``""`` for the top level, ``classify``,
``taxonomy validate``) and the parameter's name (its Python name in cli.py: ``fmt`` for ``--format``). cli_lang.py shows
them when the command's language is Japanese; tests/test_help_ja.py fails when a command or a parameter has no
Japanese text here, or when one here names no command or parameter.

Click's own messages (a missing argument, an unknown option, a value that is not one of the choices) are put into
Japanese from the exception's parts and, for the text a parameter type gives, by :data:`MESSAGES`: click's English
template (its gettext message id) beside the Japanese one. A message that none of them matches is shown as click
wrote it."""

from __future__ import annotations

import re
import string
from gettext import gettext
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import click

_FORMAT = "出力形式。"
_LANG = "表示の言語（json は両方を含みます）。エラーとヒントもこの言語になります。"
_MIN_SCORE = ("スコアがこの値以上の領域を報告します（再現率と適合率の兼ね合い）。領域ごとに自らのスコアで決まるため、"
              "値を上げるとタイトルが名指す領域が外れ、ほかの領域が残ることがあります。")
_TERMS_ONLY = ("タクソノミーの語だけで判定し、学習モデルを使いません（グローバルオプションと同じです。"
               "どちらの位置でも指定できます）。")  # fmt: skip
_TAXONOMY = "DIR のタクソノミーを使います（グローバルオプションと同じです。どちらの位置でも使えます）。"

HELP_OPTION = "このヘルプを表示して終了します。"
"""The help of ``-h``/``--help``, which click adds to every command."""

COMMANDS: dict[str, str] = {
    "": "研究課題名（日本語・英語）を、2025年の重要技術領域（CSTI、2025-11-27）に対応づけます。"
    "その区分（国家戦略技術領域・新興・基盤技術領域）、経済安全保障の20の技術領域、支援プログラムと施策も示します。"
    "表示は日本語です（--lang ja|en はコマンド名の前でも後でも指定できます）。 In English: domaincheck --lang en"
    " --help.",
    "classify": "研究課題名を分類します: 領域とその区分・スコア、経済安全保障の技術領域、支援プログラム、その根拠。",
    "evaluate": "正解ラベル付きの研究課題名で精度を測ります: 領域ごとの適合率・再現率・F1、マイクロ・マクロ平均、"
    "誤検出。",
    "domains": "2つの区分（国家戦略技術領域、新興・基盤技術領域）とその領域を、出典が挙げる技術とともに一覧します。",
    "show": "1つの領域のすべて: 区分、技術、経済安全保障の技術領域、支援プログラム、主要国、市場、出典。",
    "econsec": "経済安全保障の20の技術領域を、16領域との対応とともに一覧します。1 領域を指定すると、その用語も"
    "示します。",
    "programs": "支援プログラム、一気通貫の施策、保護と育成への活用と、それぞれが何に資するかを一覧します。または、"
    "その1つを示します。",
    "screen": "研究課題の CSV/TSV/Excel/JSONL ファイルをスクリーニングします: すべての行を元の順に、"
    "分類結果の列を加えて返します。",
    "source": "出典の文書の行をそのまま示します。各項目の行（出典の行、source_line）はこの行を指します。",
    "taxonomy": "タクソノミーのファイルを検査します。",
    "taxonomy validate": "タクソノミーのフォルダを、使わずに検証します。問題はすべて挙げます。",
}
"""Each command's description, by its path under ``domaincheck``."""

PARAMS: dict[str, dict[str, str]] = {
    "": {
        "taxonomy": "同梱のタクソノミーの代わりに DIR のタクソノミーを使います。",
        "lang": "表示・エラー・ヒント・ヘルプの言語: ja（既定）または en。コマンド名の前でも後でも指定できます。",
        "terms_only": "タクソノミーの語だけで判定します: 学習モデルによる領域を加えません（より速く、報告する領域は"
        "どれも出典の語に基づきます）。",
        "version": "バージョンを表示して終了します。",
    },
    "classify": {
        "titles": "分類する研究課題名。'-' を指定すると標準入力から1行に1件ずつ読みます。",
        "fmt": _FORMAT,
        "explain": "反応したすべての語を、その位置と重み、惜しくも届かなかった候補とともに示します（table 形式）。",
        "min_score": "スコアがこの値以上の領域だけを報告します。領域ごとに自らのスコアで決まるため、値を上げると"
                     "タイトルが名指す領域が外れ、ほかの領域が残ることがあります（保留された領域、ほかの領域に譲った"
                     "領域は、スコアにかかわらず惜しい候補です: --explain）。",
        "encoding": "標準入力（'-'）のタイトルの文字コード。自動判定（BOM、UTF-8、CP932、仮名のある EUC-JP、UTF-16）で"
                    "決まらないときに: euc-jp、cp932、utf-16-le など。",
        "top": "1件の研究課題名につき報告する領域を N 件までにします。",
        "lang": "表の言語: 見出し・名称・根拠を日本語（ja、既定）または英語（en）で示します。csv では"
        "名称の列と reason_text の言語です。json・jsonl はどちらでも同じです。エラーとヒントもこの言語になります。",
        "no_fuzzy": "綴りの誤り（タイプミス）の補正をしません: 用語は正規化した表記の一致だけで見つけます。",
        "terms_only": _TERMS_ONLY,
        "taxonomy_dir": _TAXONOMY,
    },
    "evaluate": {
        "file": "正解ラベル付きのタイトル: タイトル列（'title'、研究課題名 など）と 'labels' 列（'|' 区切りの領域 id "
        "か領域名、または 'none'・なし）をもつ .csv、.tsv、.xlsx、.jsonl のファイル（'-' は標準入力の CSV）。",
        "column": "タイトルの列: 列名、または1から数えた列番号（既定: title、なければ 課題名、研究課題名 … を"
        "自動検出）。",
        "labels_column": "正解ラベルの列: 列名、または1から数えた列番号（既定: labels、label、ラベル、正解 …）。",
        "sheet": "xlsx 入力: ワークシート名、または1から数えたシート番号（既定: タイトル列がある最初の表示シート）。",
        "input_format": "拡張子で判別できないときの入力形式（既定: 拡張子から。'-' は CSV）。",
        "header_row": "列名のある行（CSV/TSV/xlsx）。上に表題があるときに指定します（既定: 最初の空でない行。そこに"
        "タイトル列がなければ、タイトル列のあるその下の行）。",
        "fmt": _FORMAT,
        "worst": "挙げる誤りの件数（悪いものから。既定: table では15件、JSON ではすべて）。",
        "min_score": _MIN_SCORE,
        "encoding": "ファイルの文字コード（既定: BOM、UTF-8、CP932 の順に判定し、EUC-JP も見分けます）。",
        "lang": "表・エラー・ヒントの言語（ja が既定、または en）。json はどちらでも同じです。",
        "terms_only": _TERMS_ONLY,
        "taxonomy_dir": _TAXONOMY,
    },
    "domains": {"tier": "この区分だけを示します。",
                "notes": "出典が各区分について述べること（定義、観点、対象、期間や見直しなどの留意事項）も、その行と"
                         "ともに示します。csv と markdown ではこれだけを一覧します。",
                "fmt": _FORMAT, "lang": _LANG, "taxonomy_dir": _TAXONOMY},
    "show": {
        "area": "領域の id、日本語名・英語名、近い綴り（例: 'qantum'）、またはその領域の技術・用語（例: ドローン、"
                "核融合）。",
        "fmt": _FORMAT,
        "lang": _LANG,
        "taxonomy_dir": _TAXONOMY,
    },
    "econsec": {"area": "この経済安全保障の技術領域だけを、その用語とともに示します: id か名前（cbrn、先端材料科学）。",
                "fmt": _FORMAT, "lang": _LANG, "taxonomy_dir": _TAXONOMY},
    "programs": {"program": "このプログラム、またはその項目だけを示します: id か名前、またはその一部（moonshot、SIP、"
                 "moonshot_goal_6、目標6、ムーンショット）。", "kind": "この種別だけを示します。", "fmt": _FORMAT,
                 "lang": _LANG, "taxonomy_dir": _TAXONOMY},
    "source": {"lines": "示す行: N または N-M（複数可）。指定しなければ文書全体です。",
               "context": "それぞれの前後 N 行も示します。", "fmt": _FORMAT, "lang": _LANG, "taxonomy_dir": _TAXONOMY},
    "screen": {
        "input_path": "研究課題のファイル: .csv、.tsv、.xlsx、.jsonl（'-' は標準入力の CSV）。",
        "output": "出力ファイル（形式は拡張子で決まります）。既定: 標準出力に CSV。",
        "fmt": "出力形式（既定: -o の拡張子から。標準出力には CSV）。両方を指定するときは拡張子と一致させてください。",
        "column": "研究課題名の列: 列名、または1から数えた列番号（既定: 研究課題名、課題名、title … を自動検出。"
        "日本語のタイトルの列を英語のものより先に）。",
        "extra_column": "この列（キーワード、概要など）のテキストも分類します。繰り返し指定できます。",
        "encoding": "入力の文字コード（既定: BOM、UTF-8、CP932 の順に判定し、EUC-JP も見分けます）。",
        "output_encoding": "CSV/TSV 出力の文字コード: utf-8-sig、utf-8、cp932（既定: ファイルには Excel が必要とする "
        "BOM 付きの utf-8-sig、パイプへの出力や長いファイルへの追記には utf-8）。",
        "output_errors": "出力の文字コードで表せない文字（cp932には絵文字も en ダッシュもありません）の扱い: "
        "strict = その行・列・文字を示してエラーで止まり（終了コード1）、出力ファイルを書きません。"
        "replace = その文字を '?' にして書き出し、変えたセルの数を要約と --summary-json に記録します。",
        "sheet": "xlsx 入力: ワークシート名、または1から数えたシート番号（既定: 研究課題名の列がある最初の表示"
        "シート）。",
        "input_format": "拡張子で判別できないときの入力形式（既定: 拡張子から。'-' は CSV）。",
        "header_row": "列名のある行（CSV/TSV/xlsx）。上に表題があるときに指定し、それより上の行は読み飛ばします"
        "（既定: 最初の空でない行。そこにタイトル列がなければ、下の行から列名の行を探します）。",
        "no_header": "入力（CSV/TSV/xlsx）に見出し行がありません。1 行目もデータとして読み、列は column_1、column_2 …"
        "とします。タイトル列は、列が 1 つならその列、でなければ --column N で番号を指定します。",
        "jobs": "ワーカープロセスの数（0 = すべてのコア。起動するのはコアあたり1つまで）。",
        "summary_json_name": "要約を JSON でも FILE に書き出します（'-' = 標準出力。行をファイルに書き出すとき）。",
        "fail_on": "この判定の行があれば終了コード3で終わります（strategic = 国家戦略技術領域、emerging = "
        "国家戦略技術領域または新興・基盤技術領域、econsec = 経済安全保障の技術領域、any = いずれか）。",
        "quiet": "進捗バーと標準エラー出力の要約を表示しません（警告は表示します）。",
        "min_score": _MIN_SCORE,
        "terms_only": _TERMS_ONLY,
        "taxonomy_dir": _TAXONOMY,
        "lang": "標準エラー出力の要約・警告・エラーと、出力の名称列（dc_verdict_name、dc_area_names、"
        "dc_econsec_names、dc_protection、dc_program_names）の言語。id の列と --summary-json は id のままです。",
    },
    "taxonomy": {},
    "taxonomy validate": {
        "directory": "meta/areas/econsec/programs/reference.yaml（学習モデルがあれば learned.json も）のあるフォルダ。"
        "既定: 使用中のタクソノミー（--taxonomy、なければ同梱のもの）。",
        "lang": "結果の行・問題・エラーとヒントの言語。",
        "taxonomy_dir": "検証するタクソノミーのフォルダ（DIRECTORY と同じ。どちらか一方で指定します）。",
    },
}
"""Each parameter's help, by command path and the parameter's name; ``-h``/``--help`` is :data:`HELP_OPTION`."""

PANELS = {"arguments": "引数", "options": "オプション", "commands": "コマンド"}
"""The headings of the help's boxes."""

DEFAULT = "[既定: {}]"
ENVVAR = "[環境変数: {}]"
REQUIRED = "[必須]"
"""What the help adds after a parameter's text (typer's ``[default: …]``, ``[env var: …]``, ``[required]``)."""

USAGE = "使い方: "
"""The heading of the usage line (click's ``Usage: ``)."""

METAVARS = {"[OPTIONS]": "[オプション]", "COMMAND": "コマンド", "[ARGS]...": "[引数]...", "INTEGER RANGE": "整数",
            "INTEGER": "整数", "TEXT": "文字列"}
"""click's own words in a usage line and an option's value, in Japanese; the names this tool gives a value (DIR,
FILE, AREA, INPUT, TITLES) stay, as the help's texts name them."""

TRY_HELP = "ヘルプは '{command} {option}' で表示できます。"
"""The line under the usage line of an error (click's ``Try '{command} {option}' for help.``)."""

ERROR = "エラー"
"""The title of the error's box."""

MESSAGES: tuple[tuple[str, str], ...] = (
    # click's message ids (click 8.1: core.py, parser.py, types.py) and their Japanese text. A field keeps its value as
    # click wrote it ({value!r} is already quoted), except the words in _WORDS.
    ("Got unexpected extra argument ({args})", "余分な引数があります（{args}）。"),
    ("Got unexpected extra arguments ({args})", "余分な引数があります（{args}）。"),
    ("No such command {name!r}.", "コマンド {name} はありません。"),
    ("Missing command.", "コマンドを指定してください。"),
    ("Option {name!r} requires an argument.", "オプション {name} には値が必要です。"),
    ("Option {name!r} does not take a value.", "オプション {name} は値をとりません。"),
    ("{value!r} is not one of {choices}.", "{value} は {choices} のいずれでもありません。"),
    ("{value!r} is not a valid boolean.", "{value} は真偽値（true、false、1、0 など）ではありません。"),
    ("{value!r} is not a valid {number_type}.", "{value} は{number_type}ではありません。"),
    ("{value} is not in the range {range}.", "{value} は使えません（使える値: {range}）。"),
)
"""Click's messages that reach a user of domaincheck, in Japanese."""

NO_SUCH_COMMAND_LIKE = "No such command {name!r}. Did you mean {one}?"
NO_SUCH_COMMAND_LIKE_ANY = "No such command {name!r}. Did you mean one of: {names}?"
OWN_MESSAGES: tuple[tuple[str, str], ...] = (
    (NO_SUCH_COMMAND_LIKE, "コマンド {name} はありません。{one} のことですか？"),
    (NO_SUCH_COMMAND_LIKE_ANY, "コマンド {name} はありません（候補: {names}）。"),
)
"""The command line's own messages on click's pattern (an unknown command's error naming the commands it may be a
misspelling of: cli_lang's ``Group.resolve_command``), in English and Japanese."""

_WORDS = {"integer": "整数", "integer range": "整数", "float": "数値", "float range": "数値"}
"""Click's words inside its messages (a number type's name) in Japanese."""

_PARAM_KINDS = {"argument": "引数", "option": "オプション", "parameter": "パラメーター"}


def message(text: str) -> str:
    """``text``, a message of click's, in Japanese when it is one of :data:`MESSAGES` (as gettext gives click the
    template) or :data:`OWN_MESSAGES`, else as it is."""
    for english, japanese in OWN_MESSAGES + MESSAGES:
        fields = _fields(gettext(english), text)
        if fields is not None:
            return japanese.format(**{name: _WORDS.get(value, value).replace(", ", "、") if name == "choices"
                                      else _WORDS.get(value, value) for name, value in fields.items()})  # fmt: skip
    return text


def _fields(template: str, text: str) -> dict[str, str] | None:
    """The values of ``template``'s fields in ``text`` (as formatted), or None when ``text`` is not made from it."""
    pattern = "".join(re.escape(literal) + (f"(?P<{name}>.*?)" if name is not None else "")
                      for literal, name, _, _ in string.Formatter().parse(template))  # fmt: skip
    found = re.fullmatch(pattern, text, re.DOTALL)
    return found.groupdict() if found else None


def usage_error(exc: click.UsageError) -> str:
    """The message of ``exc`` (click's, or one raised with a Japanese text) in Japanese: the parts click builds it
    from (the parameter, the option's name, the suggestions) under a Japanese frame, the rest by :func:`message`."""
    import click

    if isinstance(exc, click.MissingParameter):
        kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "parameter")
        hint = _param_hint(exc)
        said = f"{_PARAM_KINDS.get(kind, kind)} {hint} を指定してください。" if hint \
            else f"{_PARAM_KINDS.get(kind, kind)}を指定してください。"  # fmt: skip
        return f"{said} {message(exc.message)}" if exc.message else said
    if isinstance(exc, click.BadParameter):
        hint = _param_hint(exc)
        return f"{hint} の値が不正です: {message(exc.message)}" if hint else f"値が不正です: {message(exc.message)}"
    if isinstance(exc, click.NoSuchOption):
        said = f"オプション {exc.option_name} はありません"
        possibilities = sorted(exc.possibilities or ())
        if len(possibilities) == 1:
            return f"{said}。{possibilities[0]} のことですか？"
        return f"{said}（候補: {'、'.join(possibilities)}）。" if possibilities else f"{said}。"
    return message(exc.message)


def _param_hint(exc: click.BadParameter) -> str | None:
    """How click names the parameter of ``exc`` (``'--format' / '-f'``, ``'TITLES...'``)."""
    hint = exc.param_hint
    if hint is None and exc.param is not None:
        hint = exc.param.get_error_hint(exc.ctx)  # type: ignore[arg-type]
    if isinstance(hint, list | tuple):
        return " / ".join(repr(x) for x in hint)
    return hint

"""Find columns in a header: by name or 1-based index, or detect the title column among common names.

Names are compared after NFKC normalisation, case folding and removal of spaces, underscores, hyphens
and middle dots, so ``Project_Title``, ``ＴＩＴＬＥ`` and ``研究 課題名`` all match. A parenthesised or
bracketed suffix such as ``研究課題名（和文）`` or ``Title [EN]``, or a number (``研究課題名１``), matches too, at lower
priority, and so does a name
decorated as forms mark required items (``研究課題名※必須``, ``【研究課題名】``, ``*タイトル``), and so does a bilingual
name whose halves a slash or a line break parts (``研究課題名／Project Title``). A Japanese title's column is detected
before an English title's, and either before a theme's or a subject's; the title's column in the other language
(:func:`other_language_column`) is read for a row whose title is missing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any, NamedTuple

from domaincheck.errors import InputError

__all__ = ["TITLE_COLUMN_NAMES", "detect_title_column", "joined_subheadings", "normalize_column_name",
           "other_language_column", "resolve_column"]

TITLE_COLUMN_NAMES: tuple[str, ...] = (
    # A Japanese title first: of 研究課題名 and Project Title in one export, the Japanese (a user test: the English
    # column was read, and rows with only a Japanese title went unclassified); its thesaurus is the larger
    "タイトル",
    "課題名",
    "研究課題名",
    "課題名称",
    "研究課題名称",
    "研究開発課題名",
    "提案課題名",
    "申請課題名",
    "応募課題名",
    "申請課題名称",
    "応募課題名称",
    "提案課題名称",
    "title ja",
    "title jp",
    "japanese title",
    "title japanese",
    "和文課題名",
    "和文タイトル",
    "課題タイトル",
    "提案タイトル",
    "提案名",
    "研究の名称",
    "研究計画名",
    "課題名 和",
    "研究課題名 和",
    "研究題目",
    "研究題目名",
    # a user test: forms that name the title 研究題名 or 申請研究課題名 went undetected
    "研究題名",
    "申請研究課題名",
    "応募研究課題名",
    "提案研究課題名",
    "研究開発題目",
    "研究課題",
    "申請課題",
    "応募課題",
    "title",
    "project title",
    "research title",
    "proposal title",
    "title of project",
    "name of project",
    "project name",
    "research theme",
    "theme",
    "subject",
    "titles",
    "title of proposal",
    "title of the project",
    "title of research project",
    "title of the research project",
    "proposal name",
    "paper title",
    "research topic",
    "research project title",
    "research project name",
    "name of the project",
    "name of the research project",
    "件名",
    "研究テーマ",
    "テーマ",
    "テーマ名",
    "申請テーマ",
    "題目",
    "題名",
    "表題",
    "プロジェクト名",
    "事業名",
    "研究名",
    # English titles last: a Japanese one beside them is read first
    "英文課題名",
    "英文タイトル",
    "english title",
    "title en",
    "title english",
    "課題名 英",
    "研究課題名 英",
)
"""Title column names tried in this order (after normalisation) when no column is given."""

_IGNORED = re.compile(r"[\s_\-・･]+")
_NUMBER = re.compile(r"[+-]?[0-9]+")
_SUFFIX = re.compile(r"[(\[【「『〔][^)\]】」』〕]*[)\]】」』〕]")


def normalize_column_name(name: str) -> str:
    """Normalise a column name for comparison: NFKC, casefold, no spaces/underscores/hyphens/dots."""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", name).casefold())


_LINE_BREAK = re.compile(r"[\n\r\v\f\x85\u2028\u2029]+")


def _halves(name: str) -> list[str]:
    """The normalised lines of a name written on several (研究課題名⏎Project Title, a spreadsheet's bilingual header
    cell: a user test), each of which may name the column as a slash's halves do; [] for a name on one line. The
    name joined stays a name too: 課題⏎名称 is 課題名称 wrapped (a review)."""
    lines = [normalize_column_name(line) for line in _LINE_BREAK.split(name.strip())]
    return [line for line in lines if line] if len(lines) > 1 else []


def _without_suffix(key: str) -> str:
    """``key`` without its bracketed suffix (研究課題名（和文）), or a number after a name that only titles have
    (研究課題名1, a form's first of several: a user test; not Subject1 or テーマ1, which may be anything: a review)."""
    key = _SUFFIX.sub("", key)
    plain = _COUNTED.sub("", key)
    return plain if plain in _NUMBERED else key


_COUNTED = re.compile(r"(?<=\D)[0-9]+$")


_MARKS = re.compile(r"^[*★☆●○◎◆◇■□▼▽※]+|[*★☆●○◎◆◇■□▼▽]+$"
                    r"|(?<=.)※(必須|任意|required|(全角|半角)?[0-9]*文?字以内)?$")  # fmt: skip
_WRAPPED = re.compile(r"[(\[【「『〔<〈《](.+)[)\]】」』〕>〉》]")


def _undecorated(key: str) -> str:
    """A form's name without the marks it is decorated with: a required mark (``研究課題名※必須``, ``*課題名``,
    ``★タイトル``) or brackets around the whole name (``【研究課題名】``). A note after ※ that says more than that
    stays (``研究課題名※英文で記入`` is not the Japanese title)."""
    key = _MARKS.sub("", key)
    wrapped = _WRAPPED.fullmatch(key)
    return wrapped.group(1) if wrapped is not None else key


_CANDIDATES: dict[str, int] = {}
for _rank, _name in enumerate(TITLE_COLUMN_NAMES):
    _CANDIDATES.setdefault(normalize_column_name(_name), _rank)
_NUMBERED = frozenset(key for key in _CANDIDATES if any(w in key for w in ("課題", "title", "タイトル", "題目", "題名",
                                                                         "表題")))  # fmt: skip
"""The title names a number may follow (研究課題名1, title2): names of a title alone, not subject, theme or 件名."""


_STALE = re.compile(r"[(\[【「『〔<〈《][^)\]】」』〕>〉》]*?"
                    r"(?:(?<!復)旧|変更前|修正前|前回|(?<![a-z])(?:old|previous|former|original|prior)(?![a-z]))"
                    r"[^)\]】」』〕>〉》]*[)\]】」』〕>〉》]")  # fmt: skip
"""A bracketed suffix that names a title as the one replaced (研究課題名（変更前）, （和文・変更前）, Title (old), not
(folder)): read after the others, since the title now in force is the one to screen (an office's user test: 変更前
was read, its rows none)."""


def detect_title_column(header: Sequence[str], hidden: Sequence[bool] | None = None) -> int | None:
    """Return the 0-based index of the best title column, or None: a column shown in the sheet and not named as the
    title replaced (:data:`_STALE`) before others, then one shown before a hidden one
    (``hidden``, by column: two columns named 研究課題名, the first hidden, gave the hidden one's stale titles, a user
    test), a Japanese title's before an English title's before any other (研究課題名（和文） before Project Title, a
    user test and a review: the Japanese thesaurus is the larger, and the English one is read for an empty cell),
    exact names before suffixed ones, earlier names, then left columns."""
    best: tuple[int, int, int, int, int] | None = None
    for index, name in enumerate(header):
        key = normalize_column_name(name)
        # a decorated name ranks as the name does: its marks say only that the item is required
        plain = _undecorated(key)
        forms: tuple[tuple[int, str], ...] = ((0, key), (1, _without_suffix(key))) if plain == key else (
            (0, key), (0, plain), (1, _without_suffix(key)), (1, _without_suffix(plain)))
        halves = [*(part for part in plain.split("/") if part), *_halves(name)] if "/" in plain else _halves(name)
        if halves:  # a bilingual name, 研究課題名/Project Title or on two lines (a user test): either half names it
            forms += tuple((1, form) for part in halves for form in (_undecorated(part), _without_suffix(part)))
        for fuzz, candidate in forms:
            rank = _CANDIDATES.get(candidate)
            if rank is not None:
                concealed = int(hidden is not None and index < len(hidden) and hidden[index])
                score = (concealed + 2 * bool(_STALE.search(key)), _language_order(name), fuzz, rank, index)
                if best is None or score < best:
                    best = score
                break
    return None if best is None else best[4]


_NAMED_LANGUAGE = {normalize_column_name(name): language for names, language in (
    (("title ja", "title jp", "japanese title", "title japanese", "和文課題名", "和文タイトル", "課題名 和",
      "研究課題名 和"), "ja"),
    (("title en", "english title", "title english", "英文課題名", "英文タイトル", "課題名 英", "研究課題名 英"),
     "en"))
    for name in names}
"""Title names that say their language."""
_MARKED = {normalize_column_name(mark): language for marks, language in (
    (("和文", "和", "日", "日本語", "邦文", "日本文", "japanese", "ja", "jp"), "ja"),
    (("英文", "英", "英語", "english", "en"), "en"))
    for mark in marks}  # fmt: skip
"""What a bracketed suffix may say of a title's language (研究課題名（英文）, Title (Japanese))."""
_MARK_WORDS = re.compile(r"表記|名|版|記入|記載|による|で|^in")
"""Words a suffix may add to its language (（英文表記）, （英語名）, (in English)) and still say only that."""
_OPTIONAL = re.compile(r"必須|任意|required|optional|全角|半角|[0-9]*文?字以内|以内|正式名称|予定|仮")
"""What else a bracketed suffix may say and leave the title's name as it is: an input form's notes (英文課題名（必須）,
研究課題名（全角100字以内）, （正式名称）, a review). Any other word (フリガナ, 変更前, 旧) makes it another column."""
_SEPARATORS = re.compile(r"[、,:：/;；]")
"""What parts a language from a note in one suffix: （和文、全角100字以内）."""
_THEMES = frozenset(normalize_column_name(name) for name in (
    "件名", "研究テーマ", "テーマ", "テーマ名", "申請テーマ", "事業名", "プロジェクト名", "theme", "research theme",
    "subject", "research topic", "project name", "name of project", "name of the project"))
"""Names a title column may have that also name other things (a theme, a subject, a program or the project a
results list groups its themes under, プロジェクト名 beside テーマ名, a review): ranked after a title's, in either
language, and never another title's other language."""
_TITLE_BASES = frozenset(key for key in _CANDIDATES if key not in _THEMES)
"""The names of a title alone, in either language (研究課題名, 提案名, Project Title)."""


class _Language(NamedTuple):
    language: str
    base: str
    """The name without its language: 研究課題名 for 研究課題名（英文）."""
    explicit: bool
    """Whether the name says its language, rather than its script alone (研究課題名（英文）, English title)."""


def _title_language(name: str) -> _Language | None:
    """The language of a title column's name: a suffix naming it (研究課題名（英文表記）, Title (in English)), a name
    that says it (英文課題名, title_en), else Japanese for a name in Japanese and English for one in Latin letters.
    None for a name that is no title's (テーマ, 事業名, Subject), or whose suffix says something else
    (研究課題名（フリガナ）, 研究課題名（和文・変更前）: a reading, an earlier title)."""
    key = _undecorated(normalize_column_name(name))
    lines = _halves(name)
    if "/" not in key and lines and _without_suffix(_SUFFIX.sub("", key)) not in _TITLE_BASES:
        key = "/".join(_undecorated(line) for line in lines)  # 研究課題名⏎Project Title: as with a slash
    language: str | None = None
    for suffix in _SUFFIX.findall(key):
        said = _SEPARATORS.sub("", _OPTIONAL.sub("", suffix[1:-1]))  # 研究課題名（和文、全角100字以内）: 和文
        if not said:
            continue
        marked = _MARKED.get(said, _MARKED.get(_MARK_WORDS.sub("", said)))
        if marked is None or (language is not None and marked != language):
            return None
        language = marked
    base = _SUFFIX.sub("", key)
    named = _NAMED_LANGUAGE.get(base)
    if named is not None:
        return _Language(named, base, True) if language in (None, named) else None
    # a bilingual name (研究課題名/Project Title) is a title's when a half is; its suffix, or a half that names its
    # language (英文課題名/English Title), says its language
    halves = [half for half in base.split("/") if half] if "/" in base else [base]
    if not any(_without_suffix(half) in _TITLE_BASES or half in _NAMED_LANGUAGE for half in halves):
        return None
    language = language or next((_NAMED_LANGUAGE[half] for half in halves if half in _NAMED_LANGUAGE), None)
    if language is not None:
        return _Language(language, base, True)
    return _Language("en" if base.isascii() else "ja", base, False)


def _language_order(name: str) -> int:
    """Where a column's language puts it among title columns: a Japanese title's 0, an English title's 1, any other
    2: a theme or a subject, a reading, an earlier title (a bilingual 研究課題名／Project Title is a Japanese title's
    unless its suffix says English)."""
    found = _title_language(name)
    return 2 if found is None else 0 if found.language == "ja" else 1


def other_language_column(header: Sequence[str], title: int, hidden: Sequence[bool] | None = None) -> int | None:
    """The column that holds the title of column ``title`` in the other language, to classify a row whose title
    cell is empty (an export's 研究課題名（和文） left blank beside its 研究課題名（英文）, a user test): a title's
    column in the other language (:func:`_title_language`), the one named as the title is first (研究課題名1（英文）
    for 研究課題名1（和文）, not 研究課題名2（英文）), then the leftmost (Project Title for 研究課題名, 英文課題名 for
    課題名). Never a column of the same language (研究課題名2（和文）, 研究課題名（日本語）), one that is no title's (a
    theme, a program's name), a reading or an earlier title, nor a hidden one. None when there is none, or when the
    title column is no title's either."""
    if not 0 <= title < len(header):
        return None
    own = _title_language(header[title])
    if own is None:
        return None
    # A name in Latin letters that says no language (Title) may be either: then any title's column that says its
    # language (Title (English), English title) or is named in Japanese is the other (a review)
    either = not own.explicit and own.language == "en"
    best: tuple[int, int] | None = None
    for index, name in enumerate(header):
        if index == title or (hidden is not None and index < len(hidden) and hidden[index]):
            continue
        other = _title_language(name)
        if other is None or (other.language == own.language and not (either and other.explicit)):
            continue
        rank = (0 if other.base == own.base else 1, index)
        if best is None or rank < best:
            best = rank
    return None if best is None else best[1]


def joined_subheadings(header: Sequence[str], cells: Sequence[Any], beyond: bool = False) -> tuple[str, ...] | None:
    """``header`` with the sub-headings of ``cells`` joined to it, or None when ``cells`` is no sub-heading row. Every
    cell that is not empty must be a sub-heading of one of two kinds, and a row may mix them (研究課題名 over 和文 and
    英文 beside 研究代表者 over 氏名 and 所属: a third user test found such a row screened as a proposal):

    - a language (:func:`_language_label`: 和文, 英文, (English) …) under a title's column name or to the right of
      one;
    - a heading (:func:`_merged_label`: 氏名, 所属, 直接経費, Name …) under a heading that spans several columns.

    Languages alone make such a row when one at least lies under an empty name (the merged heading's other cells) or
    two name both languages (the heading filled into every cell it spans, 研究課題名, 研究課題名; or 和文課題名,
    英文課題名: a second review); not a 言語 column's first 英語 (a review). Headings alone make one when two at least
    do, one under an empty or a repeated name; none may lie under a title's column: a proposal's row has its title (a
    user test found such a row screened as a proposal with an empty title, and the columns under the heading
    nameless). Not a header under a banner (one name spans the row, and the row names a title's column).

    ``beyond``: the header ends at its last name, as a workbook's does, so a sub-heading may lie past it, under the
    merge's empty cells, and the names grow to hold it (in a text file such cells are a long row's)."""
    filled = [at for at, cell in enumerate(cells) if not (cell is None or (type(cell) is str and not cell.strip()))]
    if not filled:
        return None
    if filled[-1] >= len(header):
        if not beyond or sum(1 for name in header if name.strip()) < 2:
            return None
        header = [*header, *[""] * (filled[-1] + 1 - len(header))]
    names = list(header)
    languages: set[str] = set()
    under_blank = spread = False
    headings = 0
    for at in filled:
        cell = cells[at]
        if type(cell) is not str:
            return None
        if (language := _language_label(header, at, cell)) is not None:
            names[at], code, blank = language
            languages.add(code)
            under_blank = under_blank or blank
        elif (heading := _merged_label(header, at, cell)) is not None:
            names[at], repeated = heading
            spread = spread or repeated
            headings += 1
        else:
            return None
    if headings and not (spread and (headings >= 2 or languages)):
        return None
    if languages and not headings and not (under_blank or len(languages) > 1):
        return None
    return tuple(names)


def _language_label(header: Sequence[str], at: int, cell: str) -> tuple[str, str, bool] | None:
    """The column name a language sub-heading ``cell`` at ``at`` gives (研究課題名（英文）; the column that holds the
    title's name keeps it when the label is Japanese, so that ``--column 研究課題名`` finds it as before and the
    Japanese title's column is detected first, and a name that says its language already keeps it), the language,
    and whether it lies under an empty name; None when ``cell`` names no language or lies under no title's column."""
    label = unicodedata.normalize("NFKC", cell).strip().strip("()[]（）【】 ")
    language = _MARKED.get(normalize_column_name(label))
    parent = next((header[i].strip() for i in range(at, -1, -1) if header[i].strip()), None)
    if language is None or parent is None or _title_language(parent) is None:
        return None
    own = header[at].strip()
    said = _title_language(own) if own else None
    keep = (language == "ja" and own) or (said is not None and said.explicit)
    return (header[at] if keep else _joined(parent, label)), language, not own


def _merged_label(header: Sequence[str], at: int, cell: str) -> tuple[str, bool] | None:
    """The column name a sub-heading ``cell`` at ``at`` gives under a merged heading (研究代表者 over 氏名 and 所属:
    研究代表者（氏名）), and whether it lies under the merge's empty or repeated cells; None when ``cell`` reads as no
    heading (:data:`_HEADING_WORD`; a first data row whose title is empty holds a name and an institution, 山田太郎,
    東京大学, which is no heading: a review), lies under a title's column or under a heading over one column (then
    the row is a proposal's)."""
    label = unicodedata.normalize("NFKC", cell).strip()
    if len(label) > _SUBHEADING_MAX or _title_language(label) is not None or not _HEADING_WORD.search(label):
        return None
    if sum(1 for name in header if name.strip()) < 2:
        return None  # one name over the row: a banner
    own = header[at].strip()
    parent = next((header[i].strip() for i in range(at, -1, -1) if header[i].strip()), None)
    if parent is None or _title_language(parent) is not None:
        return None
    after = header[at + 1].strip() if at + 1 < len(header) else None
    before = header[at - 1].strip() if at else None
    if own and after not in ("", own) and before != own:  # a heading over one column: this is a data row
        return None
    return _joined(parent, label), not own or before == own


def _joined(parent: str, label: str) -> str:
    """A merged heading and its sub-heading as one column name: 研究代表者（氏名）, or PI (Name) when both are
    written in Latin letters (an English header took full-width brackets, PI（Name）: a third user test)."""
    if parent.isascii() and label.isascii():
        return f"{parent} ({label})"
    return f"{parent}（{label}）"


_SUBHEADING_MAX = 20
"""The longest sub-heading (in characters) a merged heading's row holds: 氏名, 所属機関・部局・職, Affiliation."""
_HEADING_WORD = re.compile(
    r"(?:名|名前|氏名|姓|ふりがな|フリガナ|所属|機関|部局|部署|学部|研究科|専攻|職|職名|役職|職位|身分|連絡先|電話|メール|"
    r"住所|番号|区分|種別|分野|費|経費|額|金額|計|数|率|日|年度|期間|者|先|開始|終了|直接|間接|合計|小計|総額|"
    r"単年度|初年度|前期|後期|上期|下期|予定|実績|年月|時期)$"
    r"|^(?:e-?mail|name|names|first name|last name|family name|given name|affiliation|institution|organi[sz]ation|"
    r"department|position|title of position|role|phone|tel|address|amount|total|subtotal|year|fiscal year|id|"
    r"no\.?|number|start|end|from|to|begin|finish|direct|indirect|direct costs?|indirect costs?|date|period)$",
    re.IGNORECASE)
"""What a sub-heading under a merged heading ends with (氏名, 所属機関, 直接経費, 初年度, 開始, 間接) or is (Name,
Affiliation, Start, Direct): a first data row whose title is empty holds a name and an institution (山田太郎,
東京大学), which is no heading (a review found such a row taken for one, and lost)."""


JSONL_HINT = "the input looks like JSON Lines: pass --input-format jsonl (or name the file .jsonl)"
JSONL_HINT_JA = "入力は JSON Lines のようです: --input-format jsonl を付けてください（またはファイル名を .jsonl に）"
_ROLES_JA = {"column": "列", "title column": "タイトル列", "extra column": "追加の列（--extra-column）",
             "labels column": "ラベル列（--labels-column）"}


def looks_like_jsonl(first: object) -> bool:
    """Whether the first line of a file read as CSV or TSV, or its first column name, starts a JSON object: a JSON
    Lines file read as CSV (piped to ``screen -``, or named .txt)."""
    return isinstance(first, str) and first.lstrip("\ufeff \t").startswith("{")


def numeric_spec(spec: str) -> str | None:
    """``spec`` (a --column value) as the text of a number, signed or not (``2``, ``-1``, ``+2``), or None when it is
    no number. Full-width digits and minus, as a Japanese input method types them (２, －１), are numbers too."""
    text = unicodedata.normalize("NFKC", spec).strip().replace("\u2212", "-")
    return text if _NUMBER.fullmatch(text) is not None else None


def resolve_column(header: Sequence[str], spec: str, *, role: str = "column") -> int:
    """Return the 0-based index of ``spec`` (exact name, normalised name, the name without the marks a form decorates
    it with: 研究課題名 for 【研究課題名】 or 研究課題名※必須, or 1-based index); InputError if absent."""
    if spec in header:
        return list(header).index(spec)
    number = numeric_spec(spec)
    # A signed number is a number: normalising would drop the minus of "-1", making it a column named "1" (and a data
    # row holding a 1 the header below a banner)
    if number is None or number.isdigit():
        key = normalize_column_name(spec)
        keys = [normalize_column_name(name) for name in header]
        for index, name in enumerate(keys):
            if name == key or (key and "/".join(_halves(header[index])) == key):
                return index  # a name on two lines, given with a space or a slash between them (a review)
        # --column 研究課題名 for a header 【研究課題名】: it found a data cell of the instructions sheet instead (a
        # user test), and the call went unread
        for index, name in enumerate(keys):
            if _undecorated(name) == key:
                return index
    if number is not None:
        if 1 <= int(number) <= len(header):
            return int(number) - 1
        raise InputError(
            f"{role} index {int(number)} is out of range: the input has {len(header)} "
            f"column{'' if len(header) == 1 else 's'}, numbered from 1",
            hint="columns found: " + describe_columns(header),
            ja=f"{_ROLES_JA.get(role, role)}の番号 {int(number)} は範囲外です: 入力の列は {len(header)} 列です"
               "（1 から数えます）",
            hint_ja="見つかった列: " + describe_columns(header),
        )  # fmt: skip
    jsonl = bool(header) and looks_like_jsonl(header[0])
    # --column 研究課題名 for 研究課題名（和文） and 研究課題名（英文）: which one is for the user to say (a user test)
    key = normalize_column_name(spec)
    suffixed = [quoted(name) for name in header
                if key and _SUFFIX.sub("", _undecorated(normalize_column_name(name))) == key]
    hint = JSONL_HINT if jsonl else "give a column name or a 1-based column number"
    hint_ja = JSONL_HINT_JA if jsonl else "列名か、1 から数えた列番号を指定してください"
    near = suffixed or ([] if jsonl else _near_names(header, key))
    if near and not jsonl:
        hint = f"did you mean {' or '.join(near)}? Give the whole name, or the column's number"
        hint_ja = f"{' か '.join(near)} のことですか？ 列名全体か、列番号を指定してください"
    raise InputError(
        f"{role} {quoted(spec)} not found; columns found: {describe_columns(header)}",
        hint=hint,
        ja=f"{_ROLES_JA.get(role, role)} {quoted(spec)} が見つかりません。見つかった列: {describe_columns(header)}",
        hint_ja=hint_ja,
    )


def _near_names(header: Sequence[str], key: str, most: int = 3) -> list[str]:
    """Quoted names of the columns a mistyped or shortened ``key`` (normalised) may have meant, in the header's
    order: a name holding it or held by it (課題名 for 研究課題名称, a user test), or spelt alike (rapidfuzz's ratio
    at least 75, titel for title; or a part of the longer at least 80 alike, title for Project Titel). At most
    ``most``; none for an empty key."""
    if not key:
        return []
    from rapidfuzz import fuzz  # only on this error's path

    near = []
    for name in header:
        other = normalize_column_name(name)
        if other and (key in other or (len(other) > 1 and other in key) or fuzz.ratio(key, other) >= 75
                      or (min(len(key), len(other)) > 3 and fuzz.partial_ratio(key, other) >= 80)):
            near.append(quoted(name))
    return near[:most]


def describe_columns(header: Sequence[str]) -> str:
    """List columns as ``1:'id', 2:'課題名'`` for error messages (:func:`quoted` names)."""
    return ", ".join(f"{i}:{quoted(name)}" for i, name in enumerate(header, 1)) or "(none)"  # in either language


def quoted(name: str) -> str:
    """A column name quoted for a message, as ``repr`` quotes it (control characters and invisible spaces escaped,
    so that a name's trailing tab or no-break space shows), but a full-width space as itself: a Japanese header's
    '研究課題名　' read '研究課題名\\u3000' (an office's user test)."""
    return _ESCAPED_IDEOGRAPHIC_SPACE.sub(lambda m: m.group(1) + "\u3000", repr(name))


_ESCAPED_IDEOGRAPHIC_SPACE = re.compile(r"(?<!\\)((?:\\\\)*)\\u3000")
"""``\\u3000`` in a repr, not after an escaped backslash (a name holding the text \\u3000 stays as repr shows it)."""

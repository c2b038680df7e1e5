"""Accuracy of the classifier on a labelled CSV (columns ``title`` and ``labels``, ``|``-separated, ``none``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from .classify import Classifier
from .errors import InputError


@dataclass(frozen=True, slots=True)
class Case:
    """One labelled title."""

    title: str
    """The title."""
    labels: frozenset[str]
    """Expected area ids (empty for ``none``)."""


@dataclass(frozen=True, slots=True)
class AreaScore:
    """Precision, recall and F1 of one area."""

    id: str
    """Area id."""
    tp: int
    """True positives."""
    fp: int
    """False positives."""
    fn: int
    """False negatives."""

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def shown(self) -> tuple[float | None, float | None, float | None]:
        """Precision, recall and F1 to report: None where there is nothing to measure (no prediction for precision,
        no label for recall, neither for F1), rather than the 1.0 the properties use for averaging."""
        if not self.tp + self.fp + self.fn:
            return None, None, None
        return (self.precision if self.tp + self.fp else None, self.recall if self.tp + self.fn else None, self.f1)


@dataclass(frozen=True, slots=True)
class Error:
    """A title the classifier got wrong."""

    title: str
    """The title."""
    expected: tuple[str, ...]
    """Expected areas."""
    predicted: tuple[str, ...]
    """Predicted areas."""
    missed: tuple[str, ...]
    """Expected but not predicted."""
    extra: tuple[str, ...]
    """Predicted but not expected."""


@dataclass(frozen=True, slots=True)
class Report:
    """Evaluation result."""

    cases: int
    """Number of titles."""
    areas: tuple[AreaScore, ...]
    """Per-area scores, taxonomy order."""
    none_cases: int
    """Titles labelled none."""
    none_false_alarms: int
    """Of those, how many got an area."""
    errors: tuple[Error, ...]
    """Wrong titles, worst first."""

    @property
    def micro(self) -> AreaScore:
        """Scores pooled over all areas."""
        return AreaScore("micro", sum(a.tp for a in self.areas), sum(a.fp for a in self.areas),
                         sum(a.fn for a in self.areas))  # fmt: skip

    @property
    def macro_f1(self) -> float | None:
        """Mean F1 over areas that occur in the labels or predictions; None when no area does."""
        used = [a for a in self.areas if a.tp + a.fp + a.fn]
        return sum(a.f1 for a in used) / len(used) if used else None

    @property
    def false_alarm_rate(self) -> float | None:
        """Share of none titles that got an area; None when no title is labelled none."""
        return self.none_false_alarms / self.none_cases if self.none_cases else None

    def to_dict(self, worst: int | None = None) -> dict[str, Any]:
        """JSON-ready form; ``worst``: how many of the worst errors to list (None: all)."""
        def ratios(score: AreaScore) -> dict[str, float | None]:
            return {k: None if x is None else round(x, 4)
                    for k, x in zip(("precision", "recall", "f1"), score.shown(), strict=True)}  # fmt: skip

        return {
            "cases": self.cases,
            "micro": ratios(self.micro),
            "macro_f1": _rounded(self.macro_f1),
            "none": {"cases": self.none_cases, "false_alarms": self.none_false_alarms,
                     "false_alarm_rate": _rounded(self.false_alarm_rate)},
            "areas": [
                {"id": a.id, "tp": a.tp, "fp": a.fp, "fn": a.fn, **ratios(a), "support": a.tp + a.fn}
                for a in self.areas
            ],
            "errors": [
                {"title": e.title, "expected": list(e.expected), "predicted": list(e.predicted),
                 "missed": list(e.missed), "extra": list(e.extra)}
                for e in self.errors[:worst]
            ],
        }  # fmt: skip


def _rounded(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def label_names(areas: Iterable[Any]) -> dict[str, str]:
    """The names a label may give an area by (its Japanese and English names and official names) → its id."""
    return {name: a.id for a in areas for name in (a.name_ja, a.name_en, a.official_ja, a.official_en)}


LABELS_COLUMNS = ("labels", "label", "ラベル", "正解", "正解ラベル", "領域")
"""The names of the labels column, in any case (the first present is read)."""
NONE_LABELS = frozenset(["none", "なし", "該当なし"])
"""The labels that say a title is in no area."""


def read_cases(path: Path, known: Iterable[str], encoding: str | None = None,
               names: Mapping[str, str] | None = None) -> list[Case]:  # fmt: skip
    """Read a labelled CSV (UTF-8, UTF-8 with BOM or CP932, detected as ``screen`` does, or ``encoding``).

    The title column is ``title`` or one ``screen`` detects (研究課題名, 課題名…); the labels column one of
    :data:`LABELS_COLUMNS`. A label is an area id, ``none`` (or なし, 該当なし), or a name in ``names`` (name → id:
    the areas' Japanese and English names, compared normalised: 量子, AI・先端ロボット). Unknown labels, missing
    columns, an empty labels cell (write ``none`` for no area) and titles the classifier cannot use (empty, no
    letters or digits, too long) are input errors naming the line.
    """
    from .classify import checked
    from .io.columns import detect_title_column
    from .io.encoding import resolve_encoding
    from .io.readers import InputSource
    from .normalize import normalize_text

    known = list(known)
    known_set = set(known)
    by_area_name = {normalize_text(name): area for name, area in (names or {}).items()}

    def label_id(label: str) -> str:
        key = label.casefold()
        if key in known_set or key in NONE_LABELS:
            return "none" if key in NONE_LABELS else key
        return by_area_name.get(normalize_text(label), key)

    source = None
    try:
        source = InputSource(str(path))  # a named pipe, <(…), is read once into a spool, as screen reads one
        with source.open() as raw:
            enc = resolve_encoding(raw, encoding, name=str(path))
            # A given encoding was not checked by detection: the whole file is decoded before a row is read, so
            # that an undecodable byte is the error even after a bad row, and decoded once (the text is kept).
            text = _decode_whole(raw, enc, path) if encoding is not None else None
        with io.StringIO(text, newline="") if text is not None else io.TextIOWrapper(
                source.open(), encoding=enc, newline="") as fh:  # fmt: skip
            reader = csv.DictReader(fh)
            cols = reader.fieldnames or []
            # Column names and labels in any case, with spaces around them (Title, Labels or Label; Quantum, NONE).
            # A name repeated exactly (labels, labels) is one key of csv's rows, holding the last column's cell.
            by_name = {c.strip().casefold(): c for c in reversed(cols)}
            title_col = by_name.get("title")
            if title_col is None:
                detected = detect_title_column(cols)
                title_col = None if detected is None else cols[detected]
            labels_col = next((by_name[n] for n in LABELS_COLUMNS if n in by_name), None)
            if title_col is None or labels_col is None:
                tabs = len(cols) == 1 and "\t" in cols[0]  # a TSV file read as CSV: one column, tabs in its name
                raise InputError(f"{path}: needs a title column ('title', or one screen detects such as 研究課題名) "
                                 f"and a labels column ({', '.join(LABELS_COLUMNS)}); found: "
                                 f"{', '.join(cols) or 'none'}",
                                 hint="the file looks tab-separated: evaluate reads CSV (save it as CSV)" if tabs
                                 else None,
                                 ja=f"{path}: タイトル列（'title'、または 研究課題名 など screen が見つける列）と"
                                 f"ラベル列（{'、'.join(LABELS_COLUMNS)}）が必要です。見つかった列: "
                                 f"{'、'.join(cols) or 'なし'}",
                                 hint_ja="タブ区切り（TSV）のようです: evaluate は CSV を読みます（CSV で保存して"
                                 "ください）" if tabs else None)  # fmt: skip
            cases = []
            problems: list[_Problem] = []  # every line's problem is reported at once (a file labelled by hand)
            for row in reader:
                n = reader.line_num
                cell = (row[labels_col] or "").strip()
                if not cell:
                    problems.append(_Problem(n, f"empty {labels_col} cell", f"{labels_col} のセルが空です",
                                             "write none for a title with no area",
                                             "どの領域にも当たらないタイトルには none と書いてください"))  # fmt: skip
                    continue
                labels = {label_id(x.strip()) for x in cell.replace("｜", "|").split("|") if x.strip()}
                if "none" in labels and len(labels) > 1:
                    problems.append(_Problem(n, f"'none' together with areas ({cell})",
                                             f"'none' と領域が一緒に書かれています（{cell}）",
                                             "write none alone, or only the area ids",
                                             "none だけか、領域の id だけを書いてください"))  # fmt: skip
                    continue
                labels.discard("none")
                bad = labels - known_set
                if bad:
                    problems.append(_unknown_labels(n, sorted(bad), known))
                    continue
                title = row[title_col] or ""
                try:
                    checked(title)  # the classifier's own test of a usable title
                except InputError as exc:
                    problems.append(_Problem(n, exc.message, exc.text("ja"), None, None))
                    continue
                cases.append(Case(title, frozenset(labels)))
            if problems:
                raise _problems_error(path, problems)
    except OSError as exc:
        from .errors import reason_ja

        raise InputError(f"cannot read {path}: {exc.strerror or exc}", ja=f"{path} を読めません: {reason_ja(exc)}") \
            from None
    except csv.Error as exc:
        raise InputError(f"{path}: malformed CSV: {exc}", ja=f"{path}: CSV の形が崩れています: {exc}") from None
    except (UnicodeError, LookupError) as exc:
        raise InputError(f"{path}: cannot decode ({exc})", hint="pass the file's encoding with --encoding",
                         ja=f"{path}: ファイルをデコードできません（{exc}）",
                         hint_ja="--encoding でファイルの文字コードを指定してください") from None  # fmt: skip
    finally:
        if source is not None:
            source.close()
    if not cases:
        raise InputError(f"{path}: no labelled titles", ja=f"{path}: ラベル付きのタイトルがありません")
    return cases


class _Problem(NamedTuple):
    """What is wrong with one line of a labelled file, in English and Japanese, and how to mend it."""

    line: int
    en: str
    ja: str
    hint: str | None
    hint_ja: str | None


_PROBLEMS_SHOWN = 10
"""Lines with problems listed in the error; the rest are counted."""


def _unknown_labels(line: int, labels: list[str], known: list[str]) -> _Problem:
    """Unknown labels of a line, each with the id it is closest to (quantm → quantum)."""
    import difflib

    named = [(x, next(iter(difflib.get_close_matches(x, known, n=1, cutoff=0.75)), None)) for x in labels]
    en = ", ".join(x + (f" (did you mean {near}?)" if near else "") for x, near in named)
    ja = "・".join(x + (f"（{near} のことですか？）" if near else "") for x, near in named)
    return _Problem(line, "unknown label(s) " + en, "不明なラベル " + ja,
                    "labels are none or area ids or names, |-separated: " + ", ".join(known),
                    "ラベルは none（なし）か、領域の id または名前を | で区切ったものです: "
                    + "、".join(known))  # fmt: skip


def _problems_error(path: Path, problems: list[_Problem]) -> InputError:
    """One error for every line with a problem (one run, not one per typo): a single line as it always read, several
    listed (ten, then a count), with each kind's hint once."""
    hints = list(dict.fromkeys((p.hint, p.hint_ja) for p in problems if p.hint))
    hint, hint_ja = "; ".join(h for h, _ in hints) or None, "。".join(j or "" for _, j in hints) or None
    if len(problems) == 1:
        p = problems[0]
        return InputError(f"{path}: line {p.line}: {p.en}", hint=hint, ja=f"{path}: {p.line} 行目: {p.ja}",
                          hint_ja=hint_ja)  # fmt: skip
    shown = problems[:_PROBLEMS_SHOWN]
    more = len(problems) - len(shown)
    en = "; ".join(f"line {p.line}: {p.en}" for p in shown) + (f"; and {more} more line(s)" if more else "")
    ja = "、".join(f"{p.line} 行目: {p.ja}" for p in shown) + (f"、ほか {more} 行" if more else "")
    return InputError(f"{path}: {len(problems)} lines have problems: {en}", hint=hint,
                      ja=f"{path}: {len(problems)} 行に問題があります: {ja}", hint_ja=hint_ja)


def _decode_whole(raw: BinaryIO, encoding: str, path: Path) -> str:
    """The text of ``raw`` from its start in ``encoding``; InputError naming the line, byte offset and bytes where it
    does not decode."""
    from .io.encoding import find_decode_error, untried_encodings

    raw.seek(0)
    data = raw.read()
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        failure = find_decode_error(io.BytesIO(data), encoding)  # only a bad file is read a second time
        if failure is None:
            raise
    others = untried_encodings((encoding,), data[: 1 << 16])
    eg, eg_ja = ", ".join(others), "、".join(others)
    raise InputError(f"{path}: cannot decode as {encoding} at {failure.describe()}",
                     hint=f"pass the file's encoding with --encoding (e.g. {eg})",
                     ja=f"{path}: {encoding} として読めません（{failure.describe_ja()}）",
                     hint_ja=f"--encoding でファイルの文字コードを指定してください（例: {eg_ja}）")  # fmt: skip


def evaluate(classifier: Classifier, cases: list[Case]) -> Report:
    """Classify every case and compare with its labels."""
    ids = [a.id for a in classifier.taxonomy.areas]
    tp = dict.fromkeys(ids, 0)
    fp = dict.fromkeys(ids, 0)
    fn = dict.fromkeys(ids, 0)
    errors: list[tuple[int, Error]] = []
    none_cases = none_alarms = 0
    for case in cases:
        try:
            predicted = {a.id for a in classifier.classify(case.title).areas}
        except InputError:
            predicted = set()
        for a in predicted & case.labels:
            tp[a] += 1
        for a in predicted - case.labels:
            fp[a] += 1
        for a in case.labels - predicted:
            fn[a] += 1
        if not case.labels:
            none_cases += 1
            none_alarms += bool(predicted)
        if predicted != case.labels:
            missed = tuple(sorted(case.labels - predicted))
            extra = tuple(sorted(predicted - case.labels))
            err = Error(case.title, tuple(sorted(case.labels)), tuple(sorted(predicted)), missed, extra)
            errors.append((len(missed) + len(extra), err))
    errors.sort(key=lambda e: -e[0])
    return Report(len(cases), tuple(AreaScore(a, tp[a], fp[a], fn[a]) for a in ids), none_cases, none_alarms,
                  tuple(e for _, e in errors))  # fmt: skip

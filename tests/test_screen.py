"""Tests for domaincheck.screen: every row back in order, every format, encodings, safety, processes."""

from __future__ import annotations

import csv
import dataclasses
import datetime
import functools
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, ClassVar

import openpyxl
import pytest

from domaincheck.errors import DomaincheckError, InputError, UsageError
from domaincheck.io.readers import InputSource, open_table
from domaincheck.io.writers import neutralize
from domaincheck.screen import RESULT_COLUMNS, ScreenOptions, Summary, screen, should_fail

# --- a small classifier with the real one's shape ---------------------------------------------------


@dataclass(frozen=True)
class FakeEvidence:
    term: str


@dataclass(frozen=True)
class FakeArea:
    id: str
    tier: str
    score: int
    evidence: tuple[FakeEvidence, ...]


@dataclass(frozen=True)
class FakeRef:
    id: str


@dataclass(frozen=True)
class FakeResult:
    title: str
    verdict: str
    areas: tuple[FakeArea, ...]
    econsec: tuple[FakeRef, ...]
    programs: tuple[FakeRef, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "verdict": self.verdict,
            "primary": self.areas[0].id if self.areas else None,
            "areas": [{"id": a.id, "tier": a.tier, "score": a.score} for a in self.areas],
            "econsec": [{"id": e.id} for e in self.econsec],
            "programs": [{"id": p.id} for p in self.programs],
        }


AREA_RULES = {
    "量子": ("quantum", "strategic", 80),
    "quantum": ("quantum", "strategic", 75),
    "半導体": ("semiconductor_comm", "strategic", 72),
    "AI": ("ai_robotics", "strategic", 65),
    "海洋": ("ocean", "emerging", 60),
    "ocean": ("ocean", "emerging", 55),
}
ECONSEC_RULES = {"暗号": "cryptography", "crypto": "cryptography", "宇宙": "space_tech"}


class FakeClassifier:
    """Keyword rules; rejects text with no letters or digits, like the real classifier."""

    def __init__(self) -> None:
        self.calls = 0

    def classify(self, title: str) -> FakeResult:
        self.calls += 1
        if not any(ch.isalnum() for ch in title) or len(title) > 10_000:
            raise InputError(f"cannot classify {title[:20]!r}")
        areas: dict[str, FakeArea] = {}
        for term, (area, tier, score) in AREA_RULES.items():
            if term in title and area not in areas:
                areas[area] = FakeArea(area, tier, score, (FakeEvidence(term),))
        ordered = tuple(sorted(areas.values(), key=lambda a: -a.score))
        econsec = tuple(FakeRef(e) for t, e in ECONSEC_RULES.items() if t in title)
        tiers = {a.tier for a in ordered}
        verdict = (
            "strategic" if "strategic" in tiers else "emerging" if tiers else "econsec_only" if econsec else "none"
        )
        programs = (FakeRef("moonshot_6"),) if "quantum" in areas else ()
        return FakeResult(title, verdict, ordered, econsec, programs)


def fake_factory() -> FakeClassifier:
    return FakeClassifier()


class InterruptingClassifier(FakeClassifier):
    """Raises KeyboardInterrupt (a user's Ctrl-C) after a number of titles."""

    def __init__(self, after: int) -> None:
        super().__init__()
        self.after = after

    def classify(self, title: str) -> FakeResult:
        if self.calls >= self.after:
            raise KeyboardInterrupt
        return super().classify(title)


def run(tmp_path: Path, **kwargs: Any) -> Summary:
    kwargs.setdefault("jobs", 1)
    return screen(ScreenOptions(**kwargs), fake_factory)


# --- fixtures built from code -----------------------------------------------------------------------

HEADER_JA = ["課題番号", "研究課題名", "研究代表者", "概要"]
ROWS_JA = [
    ["A-001", "量子コンピュータの誤り訂正", "山田 太郎", "超伝導量子ビット"],
    ["A-002", "海洋観測ブイのデータ解析", "佐藤 花子", "海洋, 観測\n複数行"],
    ["A-003", "日本中世文学の研究", "鈴木 一郎", ""],
    ["A-004", "耐量子暗号の実装評価", "髙橋 ～ 次郎", '=HYPERLINK("http://x")'],
    ["A-005", "AIによる半導体設計", "-田中", "@mention"],
]


def write_csv(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[str]], encoding: str, delimiter: str = ","
) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def read_csv(path: Path, delimiter: str = ",", encoding: str = "utf-8-sig") -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def read_xlsx(path: Path) -> list[list[Any]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def expected_cells(row: Sequence[str]) -> list[str]:
    return [neutralize(c) for c in row]


def dir_names(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir())


# --- round trips ------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_csv_round_trip_each_input_encoding(tmp_path: Path, encoding: str) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, HEADER_JA, ROWS_JA, encoding)
    out = tmp_path / "out.csv"
    summary = run(tmp_path, input=str(src), output=str(out))
    assert summary.encoding == encoding
    assert summary.title_column == "研究課題名" and summary.title_column_detected
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM so Excel reads Japanese
    rows = read_csv(out)
    assert rows[0] == [*HEADER_JA, *RESULT_COLUMNS]
    assert [r[: len(HEADER_JA)] for r in rows[1:]] == [expected_cells(r) for r in ROWS_JA]
    results = [dict(zip(RESULT_COLUMNS, r[len(HEADER_JA) :], strict=True)) for r in rows[1:]]
    assert [r["dc_verdict"] for r in results] == ["strategic", "emerging", "none", "strategic", "strategic"]
    assert results[0]["dc_primary_area"] == "quantum" and results[0]["dc_primary_tier"] == "strategic"
    assert results[3]["dc_econsec"] == "cryptography"
    assert results[4]["dc_areas"] == "semiconductor_comm|ai_robotics"
    assert results[4]["dc_scores"] == "72|65"
    assert results[4]["dc_terms"] == "半導体|AI"
    assert all(r["dc_problem"] == "" for r in results)
    assert summary.rows_read == summary.rows_written == 5
    assert dict(summary.verdicts) == {"strategic": 3, "emerging": 1, "econsec_only": 0, "none": 1, "error": 0}
    assert dict(summary.tiers) == {"emerging": 1, "strategic": 3}
    assert summary.areas["quantum"] == 2 and summary.econsec == {"cryptography": 1}
    assert dir_names(tmp_path) == ["in.csv", "out.csv"]


def test_tsv_round_trip(tmp_path: Path) -> None:
    src = tmp_path / "in.tsv"
    write_csv(src, HEADER_JA, ROWS_JA, "utf-8", delimiter="\t")
    out = tmp_path / "out.tsv"
    run(tmp_path, input=str(src), output=str(out))
    rows = read_csv(out, delimiter="\t")
    assert rows[0] == [*HEADER_JA, *RESULT_COLUMNS]
    assert [r[: len(HEADER_JA)] for r in rows[1:]] == [expected_cells(r) for r in ROWS_JA]


def test_jsonl_output_round_trip(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, HEADER_JA, ROWS_JA, "cp932")
    out = tmp_path / "out.jsonl"
    run(tmp_path, input=str(src), output=str(out))
    records = read_jsonl(out)
    assert [r["row"] for r in records] == [1, 2, 3, 4, 5]
    # JSONL is data, not a spreadsheet: original cells come back exactly, formulas included.
    assert [list(r["fields"].values()) for r in records] == ROWS_JA
    assert list(records[0]["fields"]) == HEADER_JA
    assert records[0]["verdict"] == "strategic" and records[0]["primary"] == "quantum"
    assert list(records[0])[:3] == ["row", "title", "verdict"]
    assert records[0]["problem"] is None


def test_xlsx_in_and_out(tmp_path: Path) -> None:
    src = tmp_path / "in.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "申請一覧"
    sheet.append(["No", "研究課題名", "予算"])
    sheet.append([1, "量子センサの開発", 1500000])
    sheet.append([2, "=1+1", -3.5])  # a formula saved without a value (openpyxl stores none)
    sheet.append([None, None, None])
    sheet.append([3, "海洋ロボット", None])
    workbook.save(src)
    out = tmp_path / "out.xlsx"
    summary = run(tmp_path, input=str(src), output=str(out))
    assert summary.encoding is None and summary.input_format == "xlsx"
    assert summary.blank_rows_skipped == 1
    rows = read_xlsx(out)
    assert rows[0] == ["No", "研究課題名", "予算", *RESULT_COLUMNS]
    assert rows[1][:4] == [1, "量子センサの開発", 1500000, "strategic"]  # numbers stay numbers
    assert rows[2][:4] == [2, "=1+1", -3.5, "error"]  # the formula's text kept as text, with Excel's quote prefix
    written = openpyxl.load_workbook(out).worksheets[0]
    assert written.title == "申請一覧"  # the input sheet's name (it came back as 'screened': a fifth user test)
    assert written["B3"].quotePrefix and written["B3"].data_type == "s" and not written["B2"].quotePrefix
    assert rows[2][rows[0].index("dc_problem")] == "formula_not_evaluated"
    assert rows[3][:4] == [3, "海洋ロボット", None, "emerging"]
    assert len(rows) == 4
    assert summary.problems == {"formula_not_evaluated": 1}


@pytest.mark.parametrize(("name", "written"), [
    ("a[b]:c*d?e/f\\g", "a_b__c_d_e_f_g"),  # characters Excel bars, which another program's workbook may hold
    ("x" * 40, "x" * 31),
    ("'lead'", "lead"),
    ("[]", "__"),
])  # fmt: skip
def test_xlsx_output_sheet_takes_the_inputs_name_as_excel_allows_it(tmp_path: Path, name: str, written: str) -> None:
    """openpyxl refused such a name with a traceback when it was given to the output sheet (a review)."""
    from domaincheck.io.writers import open_writer

    out = tmp_path / "out.xlsx"
    with open_writer("xlsx", str(out), sheet=name) as writer:
        writer.write_header(["研究課題名"], ["dc_verdict"])
        writer.write_rows([2], [["量子センサ", "strategic"]])
    assert openpyxl.load_workbook(out).worksheets[0].title == written


def _save_empty_strings(src: Path, refs: Sequence[str], *, refs_kept: bool = True) -> None:
    """Rewrite the first sheet of the workbook ``src`` (saved by openpyxl, whose formulas carry ``<v/>`` and no type)
    so that the formula cells ``refs`` hold what Excel saves for a formula whose value is the empty string:
    ``t="str"`` and ``<v></v>``; without ``refs_kept``, no cell keeps its ``r``."""
    with zipfile.ZipFile(src) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    for ref in refs:
        cell = re.search(f'<c r="{ref}"[^>]*>.*?</c>', xml)
        assert cell is not None and ' t="' not in cell.group(0)
        xml = xml.replace(cell.group(0), re.sub(r"<v\s*/>|<v>.*?</v>", "<v></v>", cell.group(0)).replace(
            f'<c r="{ref}"', f'<c r="{ref}" t="str"', 1))
    if not refs_kept:
        xml = re.sub(r'(<c) r="[A-Z]+[0-9]+"', r"\1", xml)
        assert '<c r="' not in xml
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(src, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


@pytest.mark.parametrize("refs", [True, False])
def test_a_formula_whose_saved_value_is_empty_is_an_empty_cell(tmp_path: Path, refs: bool) -> None:
    """Excel saves =IFERROR(VLOOKUP(…),"") that found nothing as ``<v></v>``, which openpyxl reads as None, as it
    reads a formula saved without a value: the row was formula_not_evaluated and its cell written as the formula's
    text where Excel shows a blank (a research-security office's user test). It is an empty title, and the formula
    saved without a value beside it is still marked, a row below a blank row above the header too; also when the
    cells carry no ``r`` (counted as openpyxl counts them: a review found the fix lost there)."""
    src = tmp_path / "in.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([])
    sheet.append(["No", "研究課題名"])
    sheet.append([1, '=IFERROR(VLOOKUP(A3,M!A:B,2,FALSE),"")'])  # B3: given an empty saved value below
    sheet.append([2, '=IFERROR(VLOOKUP(A4,M!A:B,2,FALSE),"")'])  # B4: saved without a value
    sheet.append([3, "量子センサの開発"])
    workbook.save(src)
    _save_empty_strings(src, ["B3"], refs_kept=refs)
    out = tmp_path / "out.csv"
    summary = run(tmp_path, input=str(src), output=str(out))
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    problem = rows[0].index("dc_problem")
    assert [(row[1], row[problem]) for row in rows[1:]] == [
        ("", "empty_title"), ("'=IFERROR(VLOOKUP(A4,M!A:B,2,FALSE),\"\")", "formula_not_evaluated"),
        ("量子センサの開発", "")]
    assert summary.problems == {"empty_title": 1, "formula_not_evaluated": 1}


def test_rows_of_formulas_that_saved_nothing_are_blank_not_lost(tmp_path: Path) -> None:
    """A template's rows of =IFERROR(…,"") that found nothing, saved as "" (t="str", <v></v>), are blank rows, and
    not counted among the rows whose formulas may have lost their values (the summary told to open and save the
    workbook in Excel: a review); a row whose formula was saved without a value still is."""
    src = tmp_path / "in.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["No", "研究課題名"])
    sheet.append([1, "量子センサの開発"])
    for row in range(3, 6):
        sheet.append([f'=IFERROR(VLOOKUP({row},M!A:B,1,FALSE),"")', f'=IFERROR(VLOOKUP({row},M!A:B,2,FALSE),"")'])
    workbook.save(src)
    _save_empty_strings(src, ["A3", "B3", "A4", "B4"])  # row 5 stays as openpyxl wrote it: no value saved
    summary = run(tmp_path, input=str(src), output=str(tmp_path / "out.csv"))
    assert summary.rows_read == 1 and summary.blank_rows_skipped == 3
    assert summary.formula_rows_skipped == 1


def test_xlsx_formulas_without_values_are_kept_and_marked(tmp_path: Path) -> None:
    src = tmp_path / "in.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([])  # a blank row above the header: both passes over the sheet must stay aligned
    sheet.append(["課題名", "キーワード", "メモ"])
    sheet.append(["量子センサの開発", "=B9", '=CONCAT("a","b")'])  # formula in an extra column and elsewhere
    sheet.append(['=CONCAT("量子","暗号")', "暗号", None])  # formula title
    sheet.append(["海洋観測ブイの開発", "ブイ", "=1+1"])  # formula only in a column that is not classified
    workbook.save(src)
    plain = tmp_path / "plain.csv"
    summary = run(tmp_path, input=str(src), output=str(plain), extra_columns=("キーワード",))
    with plain.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    problem = rows[0].index("dc_problem")
    verdict = rows[0].index("dc_verdict")
    assert [r[:3] for r in rows[1:]] == [
        ["量子センサの開発", "'=B9", "'=CONCAT(\"a\",\"b\")"],
        ["'=CONCAT(\"量子\",\"暗号\")", "暗号", ""],
        ["海洋観測ブイの開発", "ブイ", "'=1+1"],
    ]
    # the formula title gives way to its keyword, as a number in the title cell does; a formula keyword is left out
    # and the title read, the row marked (a review: a CSV's formula text was read so, a workbook's row not at all)
    expected = (["formula_not_evaluated", "formula_not_evaluated|title_from_extra_column", ""],
                ["strategic", "econsec_only", "emerging"])
    assert ([r[problem] for r in rows[1:]], [r[verdict] for r in rows[1:]]) == expected
    assert summary.problems == {"formula_not_evaluated": 2, "title_from_extra_column": 1}
    # screened again, the output's formula texts are still no titles and no keywords (a user test: they came back
    # none): the same results
    again = tmp_path / "again.csv"
    summary = run(tmp_path, input=str(plain), output=str(again), extra_columns=("キーワード",))
    with again.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert ([r[problem] for r in rows[1:]], [r[verdict] for r in rows[1:]]) == expected
    assert summary.problems == {"formula_not_evaluated": 2, "title_from_extra_column": 1}


@pytest.mark.parametrize(
    ("title", "formula"),
    [
        ("=VLOOKUP(A2,課題マスタ!A:B,2,FALSE)", True),
        ("=A1&B1", True),
        ("= $B$2", True),
        ("=課題マスタ!B2", True),
        ("='2025年度'!B2", True),
        ("'=CONCAT(\"量子\",\"暗号\")", True),
        ("=量子コンピュータの研究", False),  # a title a person typed with a stray =
        ("=H2 エネルギー貯蔵の研究", False),  # a cell's name, then words: a title (a review)
        ("=AI (人工知能) による創薬", False),
        ("=Wow! 量子", False),
        ("=課題マスタ!A:B", True),
        ("=SUM(B2:B9)", True),
        ("=B9", True),
        ("量子コンピュータ=A1", False),
        ("'量子ビット", False),
        ("", False),
    ],
)
def test_formula_text(title: str, formula: bool) -> None:
    from domaincheck.io.readers import is_formula_text

    assert is_formula_text(title) is formula


def test_formula_text_in_a_csv_title_gives_way_to_the_other_language(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    rows = [["=VLOOKUP(A2,課題マスタ!A:B,2,FALSE)", "quantum error correction"], ["=A1&B1", ""],
            ["海洋観測ブイの開発", ""]]
    write_csv(src, ["研究課題名", "Project Title"], rows, "utf-8")
    out = tmp_path / "out.csv"
    summary = run(tmp_path, input=str(src), output=str(out))
    with out.open(encoding="utf-8-sig", newline="") as fh:
        records = list(csv.DictReader(fh))
    assert [(r["dc_verdict"], r["dc_problem"]) for r in records] == [
        ("strategic", "formula_not_evaluated|title_from_other_column"), ("error", "formula_not_evaluated"),
        ("emerging", "")]
    assert records[0]["研究課題名"] == "'=VLOOKUP(A2,課題マスタ!A:B,2,FALSE)"  # kept, neutralised
    assert summary.problems["formula_not_evaluated"] == 2


def test_formula_scan_finds_formula_elements_only(tmp_path: Path) -> None:
    from domaincheck.io.readers import _scan_sheet

    for name, cells, expected in [("plain", ["=text typed as text", 1], False), ("formula", ["=1+1", 1], True)]:
        path = tmp_path / f"{name}.xlsx"
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["title", "n"])
        cell = sheet.cell(row=2, column=1, value=cells[0])
        if not expected:
            cell.data_type = "s"  # a string that merely starts with '=' is not a formula
        workbook.save(path)
        read = openpyxl.load_workbook(path, read_only=True)
        try:
            assert _scan_sheet(read.worksheets[0])[:2] == (expected, 0)
        finally:
            read.close()


def test_rows_the_input_hides_are_counted_and_said(tmp_path: Path) -> None:
    """A filtered workbook's hidden rows were screened and shown in the output with no word of it (a user test): the
    summary counts them (rows below the header only) and a warning says so, quiet or not."""
    from domaincheck.io.readers import _scan_sheet

    path = tmp_path / "filtered.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["No", "研究課題名"], [1, "量子センサ"], [2, "海洋観測"], [3, "中世文学"], [4, "量子通信"]):
        sheet.append(row)
    for hidden in (3, 4, 20):  # row 20: a blank row below the data, hidden, is not counted (a review)
        sheet.row_dimensions[hidden].hidden = True
    book.save(path)
    read = openpyxl.load_workbook(path, read_only=True)
    try:
        assert _scan_sheet(read.worksheets[0], below=1)[:2] == (False, 2)
        assert _scan_sheet(read.worksheets[0], below=3)[:2] == (False, 1)
    finally:
        read.close()
    sheet.row_dimensions[1].hidden = True  # read with no header, row 1 is data: counted when hidden
    book.save(tmp_path / "headless.xlsx")
    headless = run(tmp_path, input=str(tmp_path / "headless.xlsx"), output=str(tmp_path / "h.csv"), no_header=True,
                   column="2")
    assert headless.hidden_rows == 3
    summary = run(tmp_path, input=str(path), output=str(tmp_path / "out.csv"))
    assert summary.hidden_rows == 2 and summary.rows_read == 4 and summary.to_dict()["hidden_rows"] == 2
    from rich.console import Console

    from domaincheck.render import screen_warnings

    for lang, said in (("en", "2 rows hidden in the input (a filter's) were screened"),
                       ("ja", "入力で非表示の 2 行（フィルターなど）もスクリーニングしました")):
        out = io.StringIO()
        screen_warnings(summary, Console(file=out, width=200), lang, "utf-8-sig")
        assert said in out.getvalue(), out.getvalue()


def test_xlsx_output_neutralises_formulas_and_keeps_every_cell(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, HEADER_JA, ROWS_JA, "utf-8")
    out = tmp_path / "out.xlsx"
    run(tmp_path, input=str(src), output=str(out))
    workbook = openpyxl.load_workbook(out)
    sheet = workbook.worksheets[0]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    rows = [[c if c is not None else "" for c in r] for r in sheet.iter_rows(values_only=True)]
    # every cell as it was (an office's user test: the guard's ' showed in the cell); a text that could start a
    # formula is a text cell with Excel's quote prefix, which keeps it text when the cell is edited
    assert [r[: len(HEADER_JA)] for r in rows[1:]] == [list(r) for r in ROWS_JA]
    assert rows[4][3] == '=HYPERLINK("http://x")'
    marked = [[c.quotePrefix for c in r[: len(HEADER_JA)]] for r in sheet.iter_rows(min_row=2)]
    assert marked == [[c != expected for c, expected in zip(r, expected_cells(r), strict=True)] for r in ROWS_JA]
    assert any(any(r) for r in marked)


def test_jsonl_input_with_varying_keys(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    lines = [
        {"id": 1, "title": "quantum sensing", "tags": ["a", "b"]},
        {"id": 2, "title": "ocean robots", "budget": 10},
    ]
    src.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    run(tmp_path, input=str(src), output=str(out))
    rows = read_csv(out)
    assert rows[0][:4] == ["id", "title", "tags", "budget"]
    assert rows[1][:5] == ["1", "quantum sensing", '["a", "b"]', "", "strategic"]
    assert rows[2][:5] == ["2", "ocean robots", "", "10", "emerging"]
    out2 = tmp_path / "out.jsonl"
    run(tmp_path, input=str(src), output=str(out2))
    assert [r["fields"] for r in read_jsonl(out2)] == [
        {"id": 1, "title": "quantum sensing", "tags": ["a", "b"], "budget": None},
        {"id": 2, "title": "ocean robots", "tags": None, "budget": 10},
    ]


# --- columns ----------------------------------------------------------------------------------------


def test_explicit_column_by_index_and_extra_columns(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, ["id", "name", "summary"], [["1", "Study A", "uses 量子 effects"], ["2", "Study B", ""]], "utf-8")
    out = tmp_path / "out.jsonl"
    summary = run(tmp_path, input=str(src), output=str(out), column="2", extra_columns=("summary",))
    assert summary.title_column == "name" and not summary.title_column_detected
    assert summary.extra_columns == ("summary",)
    records = read_jsonl(out)
    assert records[0]["title"] == "Study A" and records[0]["text"] == "Study A; uses 量子 effects"  # classified
    assert records[0]["verdict"] == "strategic"
    assert records[1]["title"] == records[1]["text"] == "Study B" and records[1]["verdict"] == "none"


def test_no_title_column_lists_the_columns(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, ["番号", "氏名", "所属"], [["1", "山田", "東大"]], "cp932")
    out = tmp_path / "out.csv"
    with pytest.raises(InputError) as info:
        run(tmp_path, input=str(src), output=str(out))
    assert "1:'番号', 2:'氏名', 3:'所属'" in str(info.value)
    assert dir_names(tmp_path) == ["in.csv"]


# --- malformed rows and problems -------------------------------------------------------------------


def test_a_row_with_stray_quotes_is_classified_marked_and_counted(tmp_path: Path) -> None:
    """An office's user test: `3,鈴木,"全固体電池"の研究` refused the whole call. The row is read as its line stands,
    classified, marked bad_quotes (with long_row when the split gave it more cells) and counted; every other row
    and cell comes back as it was."""
    src = tmp_path / "in.csv"
    src.write_text('受付番号,代表者,研究課題名\n1,山田,量子コンピュータ\n2,佐藤 "花子",核融合炉の"ブランケット"\n'
                   '3,鈴木,"全固体電池"の研究\n4,田中,"量子暗号"の研究,"備考, あり"\n', encoding="utf-8")  # fmt: skip
    out = tmp_path / "out.csv"
    summary = run(tmp_path, input=str(src), output=str(out))
    rows = read_csv(out)
    problem = 3 + RESULT_COLUMNS.index("dc_problem")
    assert [r[:3] for r in rows[1:]] == [["1", "山田", "量子コンピュータ"],
                                         ["2", '佐藤 "花子"', '核融合炉の"ブランケット"'],
                                         ["3", "鈴木", '"全固体電池"の研究'], ["4", "田中", '"量子暗号"の研究']]
    assert [r[problem] for r in rows[1:]] == ["", "", "bad_quotes", "bad_quotes|long_row"]
    assert rows[3][3] != "error" and rows[4][3] != "error"  # classified (an error before: the file refused)
    assert rows[4][3 + RESULT_COLUMNS.index("dc_areas")] == rows[1][3 + RESULT_COLUMNS.index("dc_areas")] == "quantum"
    assert rows[4][3 + len(RESULT_COLUMNS):] == ["備考, あり"]  # the cell quoted whole, kept after the results
    assert dict(summary.problems) == {"bad_quotes": 2, "long_row": 1} and summary.rows_with_problems == 2


def test_a_stray_quote_leaves_the_cells_quoted_whole_after_it_intact(tmp_path: Path) -> None:
    """A user test: `1,"量子"コンピュータの研究,"1,234,000",山田` was split at every comma, so 金額 read `"1`, 代表者
    `234`, and two cells ran past the header. Read leniently, the stray-quoted cell is kept as written and the cell
    quoted whole is read as the csv module reads it: every column holds its own value."""
    src = tmp_path / "in.csv"
    src.write_text('No,研究課題名,金額,代表者\n1,"量子"コンピュータの研究,"1,234,000",山田\n'
                   '2,"全固体電池"の""研究"","""A"" 案, 改",鈴木\n', encoding="utf-8")  # fmt: skip
    out = tmp_path / "out.csv"
    summary = run(tmp_path, input=str(src), output=str(out))
    rows = read_csv(out)
    assert [r[:4] for r in rows[1:]] == [["1", '"量子"コンピュータの研究', "1,234,000", "山田"],
                                         ["2", '"全固体電池"の""研究""', '"A" 案, 改', "鈴木"]]
    assert dict(summary.problems) == {"bad_quotes": 2} and len(rows[1]) == len(rows[0])


def test_malformed_rows_are_kept_marked_and_counted(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "id,title,note\n"
        "1,quantum dots,ok\n"
        "2,ocean\n"  # short
        "3,AI chips,x,EXTRA1,EXTRA2\n"  # long
        "4,,empty title\n"
        "5,!!!,punctuation only\n"
        "\n"  # blank record: skipped, counted
        "7,plain history,fine\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    summary = run(tmp_path, input=str(src), output=str(out))
    rows = read_csv(out)
    width = 3 + len(RESULT_COLUMNS)
    assert [r[:3] for r in rows[1:]] == [
        ["1", "quantum dots", "ok"],
        ["2", "ocean", ""],
        ["3", "AI chips", "x"],
        ["4", "", "empty title"],
        ["5", "!!!", "punctuation only"],
        ["7", "plain history", "fine"],
    ]
    problems = [r[3 + RESULT_COLUMNS.index("dc_problem")] for r in rows[1:]]
    assert problems == ["", "short_row", "long_row", "empty_title", "unclassifiable_title", ""]
    verdicts = [r[3] for r in rows[1:]]
    assert verdicts == ["strategic", "emerging", "strategic", "error", "error", "none"]
    assert rows[3][width:] == ["EXTRA1", "EXTRA2"]  # extra cells kept, after the result columns
    assert summary.rows_read == summary.rows_written == 6
    assert summary.blank_rows_skipped == 1
    assert summary.rows_with_problems == 4
    assert dict(summary.problems) == {
        "empty_title": 1,
        "long_row": 1,
        "short_row": 1,
        "unclassifiable_title": 1,
    }
    assert summary.verdicts["error"] == 2
    out2 = tmp_path / "out.jsonl"
    run(tmp_path, input=str(src), output=str(out2))
    records = read_jsonl(out2)
    assert records[2]["extra_fields"] == ["EXTRA1", "EXTRA2"]
    assert records[3] == {
        "row": 4,
        "title": "",
        "verdict": "error",
        "reason": "not classified: see problem",
        "primary": None,
        **{key: [] for key in ("areas", "econsec", "programs", "near_misses", "excluded", "held_back",
                               "econsec_near_misses")},
        "problem": "empty_title",
        "fields": {"id": "4", "title": "", "note": "empty title"},
    }
    assert records[5]["row"] == 7  # row numbers point back at input records


def test_huge_field_is_read_and_long_title_is_not_classified(tmp_path: Path) -> None:
    huge = "量子" * 1_000_000  # 2,000,000 characters
    src = tmp_path / "in.csv"
    write_csv(src, ["id", "title", "abstract"], [["1", huge, "x"], ["2", "AI", huge], ["3", "ocean", "y"]], "utf-8")
    out = tmp_path / "out.csv"
    summary = run(tmp_path, input=str(src), output=str(out), extra_columns=("abstract",))
    rows = read_csv(out)
    assert rows[1][1] == huge and rows[2][2] == huge
    problem = rows[0].index("dc_problem")
    assert rows[1][3] == "error" and rows[1][problem] == "title_too_long"
    assert rows[2][3] == "strategic" and rows[2][problem] == "text_truncated"
    assert rows[3][3] == "emerging"
    assert summary.problems == {"text_truncated": 1, "title_too_long": 1}
    xlsx = tmp_path / "out.xlsx"
    summary = run(tmp_path, input=str(src), output=str(xlsx))
    assert summary.problems["cell_truncated"] == 2
    assert len(read_xlsx(xlsx)[1][1]) == 32_767  # what an Excel cell holds
    # a cell of exactly 32,767 characters is whole (a review: it was cut and said to be over); so is one that starts
    # like a formula, marked as text by Excel's quote prefix, a style, not a ' in its text (it kept room for one)
    write_csv(src, ["id", "title", "memo"], [["1", "量子", "x" * 32_767], ["2", "AI", "=" + "y" * 32_766],
                                             ["3", "AI", "-" * 32_767]], "utf-8")  # fmt: skip
    summary = run(tmp_path, input=str(src), output=str(xlsx))
    memo = [row[2] for row in read_xlsx(xlsx)[1:]]
    assert memo[0] == "x" * 32_767 and memo[1] == "=" + "y" * 32_766
    assert memo[2] == "-" * 32_767  # signs alone take no guard (a review: it was cut all the same)
    assert summary.problems == {}
    # a cell's CRs and control characters take 7 characters each as the workbook stores them (_x000D_): a CRLF
    # abstract of 32,000 characters was cut by openpyxl, silently, to 29,695 (a review); it is cut to what fits and
    # marked, and what is kept reads back as it was
    abstract = "研究の概要。\r\n" * 4000  # 32,000 characters, 4,000 of them CR
    write_csv(src, ["id", "title", "memo"], [["1", "量子", abstract], ["2", "AI", "短い\r\n概要"]], "utf-8")
    summary = run(tmp_path, input=str(src), output=str(xlsx))
    assert summary.problems == {"cell_truncated": 1}
    with open_table(InputSource(str(xlsx)), "xlsx") as table:
        memo = [row.cells[2] for row in table.rows]
    assert abstract.startswith(memo[0]) and 18_000 < len(memo[0]) < 19_000 and memo[1] == "短い\r\n概要"
    stored = [str(c.value or "") for row in openpyxl.load_workbook(xlsx).active.iter_rows() for c in row]
    assert max(map(len, stored)) <= 32_767


def test_header_only_and_empty_inputs(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,title\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    summary = run(tmp_path, input=str(src), output=str(out))
    assert read_csv(out) == [["id", "title", *RESULT_COLUMNS]]
    assert summary.rows_read == summary.rows_written == 0
    src.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        run(tmp_path, input=str(src), output=str(out))


def test_a_lone_surrogate_or_a_nul_leaves_a_title_classified_and_jsonl_keeps_it(tmp_path: Path) -> None:
    """A user test: half an emoji (the JSON escape \\ud83d of a cut-off export) made the whole title unclassifiable,
    so a quantum-cryptography title passed --fail-on strategic, and anywhere in a JSONL row it stopped JSONL output.
    Now such a character (or a NUL) is read as U+FFFD for classifying, the row marked title_characters_replaced, and
    JSONL writes it as the escape it came as (JSON reads it back as the same string). CSV names it for what it is."""
    src = tmp_path / "in.jsonl"
    src.write_text('{"title": "ok"}\n{"title": "量子暗号 \\ud83d", "memo": "\\ud800"}\n'
                   '{"title": "全固体\\u0000電池"}\n', encoding="utf-8")  # fmt: skip
    summary = run(tmp_path, input=str(src), output=str(tmp_path / "out.jsonl"))
    assert summary.problems == {"title_characters_replaced": 2}
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["problem"] for r in out[1:]] == ["title_characters_replaced"] * 2
    assert out[1]["verdict"] == "strategic" and out[2]["verdict"] != "error"  # classified (the fake: 量子 is strategic)
    assert out[1]["fields"] == {"title": "量子暗号 \ud83d", "memo": "\ud800"} and out[1]["title"] == "量子暗号 \ud83d"
    assert "\\ud83d" in (tmp_path / "out.jsonl").read_text(encoding="utf-8")  # the escape, as it came
    with pytest.raises(InputError, match=r"data row 2, column 'title': .* is half a character \(a lone surrogate"):
        run(tmp_path, input=str(src), output=str(tmp_path / "out.csv"))
    assert dir_names(tmp_path) == ["in.jsonl", "out.jsonl"]


def test_rescreening_an_output_replaces_old_result_columns(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, HEADER_JA, ROWS_JA, "utf-8")
    first = tmp_path / "first.csv"
    run(tmp_path, input=str(src), output=str(first))
    second = tmp_path / "second.csv"
    summary = run(tmp_path, input=str(first), output=str(second))
    assert summary.replaced_columns == RESULT_COLUMNS
    assert read_csv(second)[0] == [*HEADER_JA, *RESULT_COLUMNS]


def test_rescreening_an_output_judges_its_rows_as_the_first_run_did(tmp_path: Path) -> None:
    """A screen's output screened again read its unfilled, note and totals rows as proposals with an empty title
    (their dc_ cells filled in; a user test: the README says a second run gives the same results). The old result
    columns say nothing of a row's shape. (JSONL: test_cli, with the real classifier's records.)"""
    src = tmp_path / "in.csv"
    write_csv(src, ["No", "研究課題名", "代表者", "金額"], [
        ["1", "量子暗号通信の実装", "山田", "100"], ["2", "", "", ""], ["※ 金額は千円単位", "", "", ""],
        ["合計", "", "", "100"], ["3", "", "佐藤", ""]], "utf-8")  # fmt: skip
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    one = run(tmp_path, input=str(src), output=str(first))
    two = run(tmp_path, input=str(first), output=str(second))
    problem = read_csv(first)[0].index("dc_problem")
    assert [r[problem] for r in read_csv(first)[1:]] == ["", "unfilled_row", "note_row", "totals_row", "empty_title"]
    assert read_csv(second) == read_csv(first) and two.problems == one.problems


# --- encodings ---------------------------------------------------------------------------------------


def test_undecodable_input_names_the_line_and_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes("研究課題名\n量子\n".encode("cp932") + b"\x81\x20\xff\n")
    out = tmp_path / "out.csv"
    with pytest.raises(InputError, match=r"line 3 \(byte offset"):
        run(tmp_path, input=str(src), output=str(out))
    assert dir_names(tmp_path) == ["in.csv"]


def test_explicit_input_encoding_overrides_detection(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes("title\nカタカナ\n".encode("euc_jp"))
    out = tmp_path / "out.jsonl"
    summary = run(tmp_path, input=str(src), output=str(out), encoding="euc-jp")
    assert summary.encoding == "euc_jp"
    assert read_jsonl(out)[0]["fields"]["title"] == "カタカナ"


def test_cp932_output(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, ["title"], [["量子 2020年〜2025年 — 髙﨑"]], "utf-8")
    out = tmp_path / "out.csv"
    run(tmp_path, input=str(src), output=str(out), output_encoding="cp932")
    assert read_csv(out, encoding="cp932")[1][0] == "量子 2020年～2025年 ― 髙﨑"
    write_csv(src, ["title", "note"], [["ok", "fine"], ["海洋", "𠮷野家"]], "utf-8")
    with pytest.raises(InputError, match=r"row 2, column 'note': character '𠮷' \(U\+20BB7\)"):
        run(tmp_path, input=str(src), output=str(out), output_encoding="cp932")


UNENCODABLE_ROWS = [["量子", "ok"], ["AI–ロボット", "fine"], ["海洋 😀 と 🌊", "1–2 😀"], ["半導体", "x"]]
"""Rows with characters CP932 cannot hold: an en dash (U+2013), emoji; three cells of rows 2 and 3 hold some."""


def _cp932_unencodable(text: str) -> list[str]:
    out = []
    for char in text:
        try:
            char.encode("cp932")
        except UnicodeEncodeError:
            out.append(char)
    return out


@pytest.mark.parametrize("suffix", ["csv", "tsv"])
def test_cp932_output_stops_at_a_character_it_cannot_hold(tmp_path: Path, suffix: str) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, ["title", "note"], UNENCODABLE_ROWS, "utf-8")
    before = src.read_bytes()
    out = tmp_path / f"out.{suffix}"
    with pytest.raises(InputError, match=r"^data row 2, column 'title': character '–' \(U\+2013\) cannot be written "
                       r"in cp932$") as caught:  # fmt: skip
        run(tmp_path, input=str(src), output=str(out), output_encoding="cp932")
    assert caught.value.hint is not None and "--output-errors replace" in caught.value.hint
    assert dir_names(tmp_path) == ["in.csv"] and src.read_bytes() == before  # no output, no .part file


@pytest.mark.parametrize(("suffix", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_cp932_output_errors_replace(tmp_path: Path, suffix: str, delimiter: str) -> None:
    """--output-errors replace: '?' for each character the encoding cannot hold, every other character as it was,
    and the altered cells counted, with where the first ones are."""
    src = tmp_path / "in.csv"
    rows = UNENCODABLE_ROWS * 300  # several batches
    write_csv(src, ["title", "n😀te"], rows, "utf-8")
    out = tmp_path / f"out.{suffix}"
    summary = run(tmp_path, input=str(src), output=str(out), output_encoding="cp932", output_errors="replace")
    written = read_csv(out, delimiter, "cp932")
    header = ["title", "n😀te"]
    expected = [[re.sub("|".join(_cp932_unencodable(c)) or "(?!)", "?", c) for c in row] for row in [header, *rows]]
    assert [row[:2] for row in written] == expected
    altered = sum(c != e for row, exp in zip([header, *rows], expected, strict=True) for c, e in zip(row, exp,
                                                                                                      strict=True))
    assert altered == 1 + 3 * 300 and summary.cells_replaced == altered
    assert summary.replacements[:3] == ((0, "n😀te", ("U+1F600",)), (2, "title", ("U+2013",)),
                                        (3, "title", ("U+1F600", "U+1F30A")))  # fmt: skip
    assert summary.rows_written == len(rows) and written[2][2] == "strategic"  # still classified from the original
    data = summary.to_dict()
    assert data["cells_replaced"] == altered
    assert data["replacements"][1] == {"row": 2, "column": "title", "characters": ["U+2013"]}


def test_output_errors_replace_to_stdout_and_its_limits(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, ["title"], [["AI–ロボット"], ["量子"]], "utf-8")
    stdout = io.BytesIO()
    summary = screen(ScreenOptions(input=str(src), output="-", output_encoding="cp932", output_errors="replace"),
                     fake_factory, stdout=stdout)  # fmt: skip
    lines = stdout.getvalue().decode("cp932").splitlines()
    assert [line.split(",")[0] for line in lines] == ["title", "AI?ロボット", "量子"]
    assert summary.cells_replaced == 1 and summary.output is None
    # UTF-8 holds every character: nothing to replace, nothing counted.
    summary = screen(ScreenOptions(input=str(src), output=str(tmp_path / "o.csv"), output_errors="replace"),
                     fake_factory)  # fmt: skip
    assert summary.cells_replaced == 0 and read_csv(tmp_path / "o.csv")[1][0] == "AI–ロボット"
    for options, message in [({"output": str(tmp_path / "o.jsonl"), "output_errors": "replace"}, "CSV and TSV"),
                             ({"output": str(tmp_path / "o.csv"), "output_errors": "ignore"}, "strict or replace")]:
        with pytest.raises(UsageError, match=message):
            screen(ScreenOptions(input=str(src), **options), fake_factory)
    assert dir_names(tmp_path) == ["in.csv", "o.csv"]


# --- safety ------------------------------------------------------------------------------------------


def openpyxl_temp_files() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("openpyxl.*")}


def test_interrupted_run_leaves_no_output_and_no_temp_file(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, ["title"], [[f"quantum {i}"] for i in range(3000)], "utf-8")
    before = openpyxl_temp_files()
    for name in ("out.csv", "out.xlsx", "out.jsonl"):
        out = tmp_path / name
        factory = functools.partial(InterruptingClassifier, 1200)
        with pytest.raises(KeyboardInterrupt):
            screen(ScreenOptions(input=str(src), output=str(out)), factory)
        assert dir_names(tmp_path) == ["in.csv"]
    assert openpyxl_temp_files() <= before  # openpyxl's own sheet spool is removed too


def test_failed_run_keeps_the_previous_output(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, ["title"], [["quantum"]] * 800, "utf-8")
    out = tmp_path / "out.csv"
    out.write_text("previous")
    with pytest.raises(KeyboardInterrupt):
        screen(ScreenOptions(input=str(src), output=str(out)), functools.partial(InterruptingClassifier, 600))
    assert out.read_text() == "previous"
    assert dir_names(tmp_path) == ["in.csv", "out.csv"]


def test_never_overwrites_the_input(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, ["title"], [["quantum"]], "utf-8")
    before = src.read_bytes()
    (tmp_path / "sub").mkdir()

    def never_called() -> FakeClassifier:
        raise AssertionError("the destination is checked before any work")

    for output in (tmp_path / "sub" / ".." / "in.csv", tmp_path / "in.csv"):
        with pytest.raises(InputError, match="overwrite the input"):
            screen(ScreenOptions(input=str(src), output=str(output)), never_called)
    assert src.read_bytes() == before
    assert dir_names(tmp_path) == ["in.csv", "sub"]


def test_formula_injection_neutralised_in_original_and_header_cells(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, ["title", "=cmd"], [["=quantum()", "+1+2"], ["@AI", "-12"], ["\tocean", "\r=x"]], "utf-8")
    out = tmp_path / "out.csv"
    run(tmp_path, input=str(src), output=str(out))
    rows = read_csv(out)
    assert rows[0][:2] == ["title", "'=cmd"]
    assert [r[:2] for r in rows[1:]] == [["'=quantum()", "'+1+2"], ["'@AI", "-12"], ["'\tocean", "'\r=x"]]
    # an export's text literal (="00123", a receipt number with its zeros) is left as it was in CSV and TSV, since
    # it can only show its text; a workbook holds that text (an office's user test)
    write_csv(src, ["受付番号", "title"], [['="00123"', "quantum dots"], ['="a"&B1', "ocean"], ['="=""x"""', "AI"]],
              "utf-8")  # fmt: skip
    for fmt in ("csv", "tsv"):
        out = tmp_path / f"out.{fmt}"
        run(tmp_path, input=str(src), output=str(out))
        dialect = csv.excel_tab if fmt == "tsv" else csv.excel
        written = list(csv.reader(io.StringIO(out.read_text("utf-8-sig")), dialect))
        assert [r[:2] for r in written[1:]] == [['="00123"', "quantum dots"], ['\'="a"&B1', "ocean"],
                                                ['="=""x"""', "AI"]], fmt
    out = tmp_path / "out.xlsx"
    run(tmp_path, input=str(src), output=str(out))
    sheet = openpyxl.load_workbook(out).worksheets[0]
    cells = [r[:2] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert cells == [("00123", "quantum dots"), ('="a"&B1', "ocean"), ('="x"', "AI")]  # texts, the last two marked
    assert [c.quotePrefix for c in sheet["A"][1:]] == [False, True, True]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)  # a literal in a literal too (a review)


# --- streams, processes, progress ------------------------------------------------------------------


def test_stdin_to_stdout(tmp_path: Path) -> None:
    data = "研究課題名\n量子\n海洋\n".encode("cp932")
    stdout = io.BytesIO()
    summary = screen(
        ScreenOptions(input="-", output=None),
        fake_factory,
        stdin=io.BytesIO(data),
        stdout=stdout,
    )
    assert summary.encoding == "cp932" and summary.output is None
    text = stdout.getvalue().decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["研究課題名", *RESULT_COLUMNS],
        # The name columns of a classifier without a taxonomy (this double) hold its ids.
        # The test double reports no near misses and no editorial programs: the last two cells are empty.
        ["量子", "strategic", "quantum", "strategic", "quantum", "80", "", "moonshot_6", "量子", "", "", "",
         "strategic", "quantum", "", "", "", "", ""],
        ["海洋", "emerging", "ocean", "emerging", "ocean", "60", "", "", "海洋", "", "", "",
         "emerging", "ocean", "", "", "", "", ""],
    ]
    text_stream = io.StringIO()
    screen(ScreenOptions(input="-", fmt="jsonl"), fake_factory, stdin=io.BytesIO(data), stdout=text_stream)
    assert [json.loads(line)["verdict"] for line in text_stream.getvalue().splitlines()] == ["strategic", "emerging"]
    assert dir_names(tmp_path) == []


def test_xlsx_to_stdout_is_refused_with_one_error_class_by_either_layer() -> None:
    """screen and open_writer share the destination checks: the same mistake is a UsageError (exit 2) whichever
    meets it first (open_writer raised InputError, exit 1, for xlsx to standard output, a review found)."""
    from domaincheck.errors import UsageError
    from domaincheck.io.writers import open_writer

    with pytest.raises(UsageError, match="output file"):
        screen(ScreenOptions(input="-", fmt="xlsx"), fake_factory, stdin=io.BytesIO(b"title\nx\n"), stdout=io.BytesIO())
    with pytest.raises(UsageError, match="xlsx output needs an output file"), open_writer("xlsx", None):
        pass
    with pytest.raises(UsageError, match="--output-errors is strict or replace, not 'ignore'"), \
            open_writer("csv", None, errors="ignore", stream=io.StringIO()):
        pass


@pytest.fixture(autouse=True)
def _at_least_two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """screen starts at most one worker per core; the tests of two workers must mean two on any machine."""
    import os

    cores = os.cpu_count() or 1
    monkeypatch.setattr(os, "cpu_count", lambda: max(2, cores))
    if hasattr(os, "sched_getaffinity"):
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(max(2, cores))))


def test_more_jobs_than_cores_are_capped_at_one_per_core_in_the_summary(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    if hasattr(os, "sched_getaffinity"):
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    src = tmp_path / "in.csv"
    write_csv(src, ["title"], [[f"quantum {i}"] for i in range(300)], "utf-8")
    for jobs, used in ((64, 2), (0, 2), (1, 1)):
        summary = screen(ScreenOptions(input=str(src), output=str(tmp_path / "out.csv"), jobs=jobs), fake_factory,
                         chunk_rows=100)  # fmt: skip
        assert summary.jobs == used and summary.jobs_requested == used
    # a file of one batch is screened in this process, whatever was asked, and the summary says what was asked
    summary = screen(ScreenOptions(input=str(src), output=str(tmp_path / "out.csv"), jobs=64), fake_factory,
                     chunk_rows=1000)  # fmt: skip
    assert (summary.jobs, summary.jobs_requested) == (1, 2)
    assert summary.to_dict()["jobs_requested"] == 2


def test_jobs_2_gives_the_same_output_as_jobs_1(tmp_path: Path) -> None:
    titles = ["量子センサ", "ocean data", "中世文学", "耐量子暗号", "AI と 半導体", "", "!!!", "crypto 宇宙"]
    rows = [[str(i), titles[i % len(titles)] + f" {i}" * (i % 3 != 0), f"note {i}"] for i in range(700)]
    src = tmp_path / "in.csv"
    write_csv(src, ["id", "title", "note"], rows, "utf-8")
    outputs = {}
    for jobs in (1, 2):
        for suffix in ("csv", "jsonl"):
            out = tmp_path / f"out{jobs}.{suffix}"
            summary = screen(ScreenOptions(input=str(src), output=str(out), jobs=jobs), fake_factory, chunk_rows=100)
            assert summary.jobs == jobs
            outputs[jobs, suffix] = (out.read_bytes(), summary.verdicts, summary.problems, summary.areas)
    assert outputs[1, "csv"] == outputs[2, "csv"]
    assert outputs[1, "jsonl"] == outputs[2, "jsonl"]
    assert sum(outputs[1, "csv"][1].values()) == 700


class PidClassifier(FakeClassifier):
    """Reports the process that classified each title as its only program."""

    def classify(self, title: str) -> FakeResult:
        import dataclasses
        import os
        import time

        time.sleep(0.003)  # enough work that both workers get chunks, however fast one of them starts
        result = super().classify(title)
        return dataclasses.replace(result, programs=(FakeRef(str(os.getpid())),))


def test_jobs_2_really_uses_two_worker_processes(tmp_path: Path) -> None:
    import os

    src = tmp_path / "in.csv"
    write_csv(src, ["title"], [[f"quantum {i}"] for i in range(300)], "utf-8")
    out = tmp_path / "out.csv"
    screen(ScreenOptions(input=str(src), output=str(out), jobs=2), PidClassifier, chunk_rows=20)
    pids = {row[7] for row in read_csv(out)[1:]}
    assert len(pids) == 2 and str(os.getpid()) not in pids


def test_failure_while_workers_run_cleans_up(tmp_path: Path) -> None:
    rows = [["量子"]] * 650 + [["𠮷 quantum"]] + [["海洋"]] * 300
    src = tmp_path / "in.csv"
    write_csv(src, ["title"], rows, "utf-8")
    out = tmp_path / "out.csv"
    with pytest.raises(InputError, match="row 651"):
        screen(
            ScreenOptions(input=str(src), output=str(out), jobs=2, output_encoding="cp932"),
            fake_factory,
            chunk_rows=100,
        )
    assert dir_names(tmp_path) == ["in.csv"]


def test_worker_failure_to_build_the_classifier_is_reported(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, ["title"], [["quantum"]] * 50, "utf-8")
    out = tmp_path / "out.csv"
    with pytest.raises(DomaincheckError, match="could not load the classifier"):
        screen(ScreenOptions(input=str(src), output=str(out), jobs=2), ParentOnlyFactory(), chunk_rows=10)
    assert dir_names(tmp_path) == ["in.csv"]


class ParentOnlyFactory:
    """Builds a classifier in the process that created it, fails in any other (a broken worker)."""

    def __init__(self) -> None:
        import os

        self.pid = os.getpid()

    def __call__(self) -> FakeClassifier:
        import os

        if os.getpid() != self.pid:
            raise RuntimeError("taxonomy missing")
        return FakeClassifier()


def test_progress_reports_rows_done(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, ["title"], [["quantum"]] * 1200, "utf-8")
    calls: list[tuple[int, int | None]] = []
    screen(
        ScreenOptions(input=str(src), output=str(tmp_path / "o.csv")),
        fake_factory,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(500, None), (1000, None), (1200, None)]


def _records(kind: str, count: int) -> tuple[bytes, list[int]]:
    """A file of ``count`` data records (about 100 bytes each, so that a batch of 500 is many decoder chunks) and the
    byte offset where each record ends (the header's end first)."""
    encoding = "cp932" if kind == "cp932" else "utf-8"
    delimiter = "\t" if kind == "tsv" else ","

    def record(cells: list[str]) -> bytes:
        if kind == "jsonl":
            return (json.dumps(dict(zip(["title", "note"], cells, strict=True)), ensure_ascii=False) + "\n").encode()
        buffer = io.StringIO(newline="")
        csv.writer(buffer, delimiter=delimiter).writerow(cells)
        return buffer.getvalue().encode(encoding)

    data = b"" if kind == "jsonl" else record(["title", "note"])
    ends = [len(data)]
    for i in range(count):
        note = f"備考 {i} " + "x" * 60
        if kind == "multiline" and i % 3 == 0:
            note = f"一行目 {i}\n二行目, \"引用\"\n" + "y" * 40  # a quoted cell over three lines
        data += record([f"量子センサの研究 {i}", note])
        ends.append(len(data))
    return data, ends


@pytest.mark.parametrize("kind", ["csv", "tsv", "jsonl", "cp932", "multiline"])
def test_on_progress_reads_the_file_in_bytes_to_its_size(tmp_path: Path, kind: str) -> None:
    data, ends = _records(kind, 1_700)
    src = tmp_path / ("in.tsv" if kind == "tsv" else "in.jsonl" if kind == "jsonl" else "in.csv")
    src.write_bytes(data)
    calls: list[Any] = []
    legacy: list[tuple[int, int | None]] = []
    summary = screen(ScreenOptions(input=str(src), output=str(tmp_path / "o.csv")), fake_factory,
                     progress=lambda done, total: legacy.append((done, total)), on_progress=calls.append)  # fmt: skip
    assert summary.encoding == ("cp932" if kind == "cp932" else "utf-8") and summary.rows_written == 1_700
    # each batch, then once at the end, and once more as the output is finished
    assert [(c.rows, c.writing) for c in calls] == [(500, False), (1_000, False), (1_500, False), (1_700, False),
                                                    (1_700, False), (1_700, True)]
    assert legacy == [(500, None), (1_000, None), (1_500, None), (1_700, None)]  # the old callback, as it was
    assert {(c.size, c.unit) for c in calls} == {(len(data), "bytes")}
    reads = [c.read for c in calls]
    assert reads == sorted(reads) and reads[-1] == len(data)
    for call in calls[:-3]:
        # Past the bytes of the rows written, and not by more than the decoder's read-ahead of one chunk
        assert ends[call.rows] <= call.read <= ends[call.rows] + 8_192 < len(data)


def test_on_progress_with_workers_tells_where_each_written_chunk_ended(tmp_path: Path) -> None:
    """Workers read ahead of the writing (chunks in flight): the position shown is the one of the chunk written."""
    data, ends = _records("csv", 1_000)
    src = tmp_path / "in.csv"
    src.write_bytes(data)
    calls: list[Any] = []
    summary = screen(ScreenOptions(input=str(src), output=str(tmp_path / "o.csv"), jobs=2), fake_factory,
                     chunk_rows=100, on_progress=calls.append)  # fmt: skip
    assert summary.jobs == 2
    assert [c.rows for c in calls] == [*range(100, 1_001, 100), 1_000, 1_000]
    # Four chunks in flight are 40 KB: a position taken when a chunk is written, not read, would be past this bound
    for call in calls[:-2]:
        assert ends[call.rows] <= call.read <= ends[call.rows] + 8_192
    assert calls[-1].read == calls[-1].size == len(data)


def test_on_progress_after_trailing_blank_lines_ends_at_the_file_size(tmp_path: Path) -> None:
    data, _ends = _records("csv", 1_000)  # two full batches: the last batch does not reach the blank lines
    src = tmp_path / "in.csv"
    src.write_bytes(data + b"\r\n" * 5_000)
    calls: list[Any] = []
    screen(ScreenOptions(input=str(src), output=str(tmp_path / "o.csv")), fake_factory, on_progress=calls.append)
    assert [c.rows for c in calls] == [500, 1_000, 1_000, 1_000]
    assert calls[1].read < len(data) + 10_000 == calls[-1].read == calls[-1].size


def test_on_progress_for_xlsx_counts_the_sheet_rows_to_its_dimension(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["title"])
    for i in range(1_200):
        sheet.append([f"quantum {i}" if i != 700 else None])  # one blank row: read, not written
    src = tmp_path / "in.xlsx"
    workbook.save(src)
    calls: list[Any] = []
    legacy: list[tuple[int, int | None]] = []
    screen(ScreenOptions(input=str(src), output=str(tmp_path / "o.csv")), fake_factory,
           progress=lambda done, total: legacy.append((done, total)), on_progress=calls.append)  # fmt: skip
    assert legacy == [(500, 1_200), (1_000, 1_200), (1_199, 1_200)]
    assert [(c.rows, c.read, c.size, c.unit) for c in calls] == [
        (500, 500, 1_200, "rows"), (1_000, 1_001, 1_200, "rows"), (1_199, 1_200, 1_200, "rows"),
        (1_199, 1_200, 1_200, "rows"), (1_199, 1_200, 1_200, "rows")]
    assert calls[-1].writing and not any(c.writing for c in calls[:-1])


def test_on_progress_for_stdin_has_no_size(tmp_path: Path) -> None:
    data, _ends = _records("csv", 1_200)
    calls: list[Any] = []
    screen(ScreenOptions(input="-", output=str(tmp_path / "o.csv")), fake_factory, stdin=io.BytesIO(data),
           on_progress=calls.append)  # fmt: skip
    assert [(c.rows, c.read, c.size, c.unit) for c in calls] == [
        (500, 500, None, "rows"), (1_000, 1_000, None, "rows"), (1_200, 1_200, None, "rows"),
        (1_200, 1_200, None, "rows"), (1_200, 1_200, None, "rows")]


class Level(Enum):
    STRATEGIC = "strategic"


@dataclass(frozen=True)
class TierRef:
    id: str


@dataclass(frozen=True)
class OddArea:
    id: Any
    tier: Any
    score: Any
    evidence: tuple[FakeEvidence, ...]


SHARED_PROGRAMS = (FakeRef("moonshot_6"), FakeRef("k_program"))


class OddClassifier:
    """Results typed the other ways the contract allows: Enums, objects with an id, scores as text."""

    def classify(self, title: str) -> Any:
        import types

        if title.startswith("odd"):
            areas: tuple[OddArea, ...] = (
                OddArea(Level.STRATEGIC, TierRef("emerging"), "61", (FakeEvidence("b"),)),
                OddArea(FakeRef("quantum"), Level.STRATEGIC, 72.9, (FakeEvidence("a"), FakeEvidence("b"))),
            )
            verdict: Any = Level.STRATEGIC
        else:  # plain str/int values: the fast path, with a programs tuple shared between results
            areas = (
                OddArea("ocean", "emerging", 55, (FakeEvidence("sea"),)),
                OddArea("quantum", "strategic", 80, (FakeEvidence("qubit"), FakeEvidence("sea"))),
            )
            verdict = "strategic"
        programs = SHARED_PROGRAMS if "shared" in title else (FakeRef("p1"),)
        # near misses as objects with an id and a score as text on the first; none (no attribute) on the others
        near = {"near_misses": (OddArea(FakeRef("fusion"), "emerging", "42", ()),)} if title.startswith("odd") \
            else {}
        return types.SimpleNamespace(
            verdict=verdict, areas=areas, econsec=(FakeRef("space_tech"),), programs=programs, to_dict=dict, **near
        )


def test_results_of_any_value_type_give_the_same_cells(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, ["title"], [["odd one"], ["plain shared"], ["plain own"], ["plain shared again"]], "utf-8")
    out = tmp_path / "out.csv"
    summary = screen(ScreenOptions(input=str(src), output=str(out)), OddClassifier)
    rows = [dict(zip(RESULT_COLUMNS, r[1:], strict=True)) for r in read_csv(out)[1:]]
    assert rows[0] == {
        "dc_verdict": "strategic",
        "dc_primary_area": "strategic",  # the first area, as the contract lists them best first (not the top score)
        "dc_primary_tier": "emerging",
        "dc_areas": "strategic|quantum",
        "dc_scores": "61|72",
        "dc_econsec": "space_tech",
        "dc_programs": "p1",
        "dc_terms": "b|a",
        "dc_learned": "",
        "dc_held": "",
        "dc_problem": "",
        # No taxonomy on this classifier: its ids stand for their names.
        "dc_verdict_name": "strategic",
        "dc_area_names": "strategic|quantum",
        "dc_econsec_names": "space_tech",
        "dc_protection": "",
        "dc_program_names": "",
        "dc_near_misses": "fusion:42",
        "dc_editorial_programs": "",
    }
    assert [r["dc_near_misses"] for r in rows[1:]] == ["", "", ""]
    assert rows[1]["dc_primary_area"] == "ocean" and rows[1]["dc_scores"] == "55|80"
    assert rows[1]["dc_terms"] == "sea|qubit"
    assert [r["dc_programs"] for r in rows[1:]] == ["moonshot_6|k_program", "p1", "moonshot_6|k_program"]
    assert summary.areas == {"quantum": 4, "ocean": 3, "strategic": 1}
    assert summary.tiers == {"emerging": 4, "strategic": 0}  # both tiers always, for scripts
    assert list(summary.tiers) == ["strategic", "emerging"]  # in the verdicts' order (a user test)
    assert summary.econsec == {"space_tech": 4} and summary.rows_with_econsec == 4


# --- summary and fail-on -----------------------------------------------------------------------------


def summary_with(verdicts: Mapping[str, int], econsec_rows: int = 0) -> Summary:
    return Summary(
        input="in.csv", output="out.csv", input_format="csv", output_format="csv", encoding="utf-8",
        title_column="title", title_column_index=1, title_column_detected=True, extra_columns=(),
        replaced_columns=(), rows_read=1, rows_written=1, blank_rows_skipped=0,
        verdicts={"strategic": 0, "emerging": 0, "econsec_only": 0, "none": 0, "error": 0, **verdicts},
        tiers={}, areas={}, econsec={}, problems={}, rows_with_problems=0, rows_with_econsec=econsec_rows,
        jobs=1, elapsed_seconds=1.0, rows_per_second=1.0,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("verdicts", "econsec_rows", "fail_on", "expected"),
    [
        ({"strategic": 1}, 0, "strategic", True),
        ({"emerging": 1}, 0, "strategic", False),
        ({"emerging": 1}, 0, "emerging", True),
        ({"strategic": 1}, 0, "emerging", True),
        ({"none": 3}, 0, "emerging", False),
        ({"econsec_only": 1}, 1, "econsec", True),
        ({"strategic": 1}, 0, "econsec", False),
        ({"econsec_only": 1}, 1, "any", True),
        ({"none": 2, "error": 1}, 0, "any", False),
    ],
)
def test_should_fail(verdicts: dict[str, int], econsec_rows: int, fail_on: str, expected: bool) -> None:
    assert should_fail(summary_with(verdicts, econsec_rows), fail_on) is expected


def test_should_fail_rejects_unknown_level() -> None:
    with pytest.raises(InputError, match="fail-on"):
        should_fail(summary_with({}), "sometimes")


def test_summary_to_dict_is_json_ready(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, HEADER_JA, ROWS_JA, "cp932")
    summary = run(tmp_path, input=str(src), output=str(tmp_path / "o.csv"))
    data = json.loads(json.dumps(summary.to_dict(), ensure_ascii=False))
    assert data["encoding"] == "cp932" and data["title_column"] == "研究課題名"
    assert data["rows_read"] == 5 and data["verdicts"]["strategic"] == 3
    assert list(data) == [f for f in Summary.__dataclass_fields__]


# --- architecture and the real classifier ------------------------------------------------------------


def test_core_never_imports_the_cli_stack() -> None:
    code = (
        "import sys, domaincheck.screen, domaincheck.io.readers, domaincheck.io.writers;"
        "print(sorted(m for m in ('typer', 'rich', 'click') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def _real_factory() -> Any:
    try:
        from domaincheck.classify import Classifier

        Classifier.load()
    except (ImportError, DomaincheckError) as exc:
        pytest.skip(f"real classifier not available: {exc}")
    return functools.partial(Classifier.load, None)


def test_with_the_real_classifier(tmp_path: Path) -> None:
    factory = _real_factory()
    src = tmp_path / "in.csv"
    write_csv(src, HEADER_JA, ROWS_JA, "cp932")
    out = tmp_path / "out.jsonl"
    summary = screen(ScreenOptions(input=str(src), output=str(out)), factory)
    records = read_jsonl(out)
    assert summary.rows_written == len(records) == len(ROWS_JA)
    assert [list(r["fields"].values()) for r in records] == ROWS_JA
    assert records[0]["verdict"] in ("strategic", "emerging", "econsec_only", "none")
    assert records[0]["primary"] == "quantum"
    assert summary.verdicts["error"] == 0


def test_every_row_with_a_finding_names_its_terms(tmp_path: Path) -> None:
    """dc_terms was empty on every econsec_only row (CBRN ones among them: a user test), the rows a committee most
    needs evidence for. Over the held-out titles, each screened row's dc_terms holds the terms of the classifier's
    evidence for its areas and econ-security areas, and is filled on every econsec_only row (and on every other row
with a finding unless the learned model alone found it: dc_learned names that area)."""
    factory = _real_factory()
    titles = [row["title"] for path in sorted((Path(__file__).parent / "data" / "eval").glob("heldout_[hl].csv"))
              for row in csv.DictReader(path.open(encoding="utf-8"))]  # fmt: skip
    titles += ["Qantum computing for chemistry", "Carbon captur and storage"]  # terms found by the speller
    src = tmp_path / "in.csv"
    write_csv(src, ["title"], [[t] for t in titles], "utf-8")
    out = tmp_path / "out.csv"
    screen(ScreenOptions(input=str(src), output=str(out)), factory)
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    classifier = factory()
    verdicts = set()
    for row in rows:
        result = classifier.classify(row["title"])
        evidence = {e.term + ("~" if e.match == "fuzzy" else "") for part in (*result.areas, *result.econsec)
                    for e in part.evidence}  # fmt: skip
        terms = set(filter(None, row["dc_terms"].split("|")))
        assert terms <= evidence, row
        if row["dc_verdict"] == "econsec_only":
            assert terms, row
        else:
            assert terms or row["dc_learned"] or row["dc_verdict"] == "none", row
        verdicts.add(row["dc_verdict"])
    assert {"econsec_only", "strategic", "emerging"} <= verdicts
    # a term the speller found is marked as the table marks it, so that such rows can be filtered
    assert [row["dc_terms"] for row in rows[-2:]] == ["quantum computing~", "carbon capture~"]


def test_near_misses_column_agrees_with_jsonl_and_classify_whatever_jobs(tmp_path: Path) -> None:
    """dc_near_misses (screen's last column: the areas with evidence that were not reported, ``id:score``) holds,
    for the real classifier over held-out titles, what the JSONL record's ``near_misses`` and ``classify`` give,
    in one process and in two (the test double has none, so a wrong cell went unseen)."""
    factory = _real_factory()
    path = Path(__file__).parent / "data" / "eval" / "heldout_f.csv"
    titles = [row["title"] for row in csv.DictReader(path.open(encoding="utf-8"))]
    src = tmp_path / "in.csv"
    write_csv(src, ["title"], [[t] for t in titles], "utf-8")
    cells = {}
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}.csv"
        screen(ScreenOptions(input=str(src), output=str(out), jobs=jobs), factory, chunk_rows=50)
        rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
        assert list(rows[0])[-2:] == ["dc_near_misses", "dc_editorial_programs"]
        cells[jobs] = [row["dc_near_misses"] for row in rows]
    out = tmp_path / "out.jsonl"
    screen(ScreenOptions(input=str(src), output=str(out)), factory)
    from_jsonl = ["|".join(f"{n['id']}:{n['score']}" for n in r["near_misses"]) for r in read_jsonl(out)]
    classifier = factory()
    from_classify = ["|".join(f"{a.id}:{int(a.score)}" for a in classifier.classify(t).near_misses) for t in titles]
    assert cells[1] == cells[2] == from_jsonl == from_classify
    assert sum(map(bool, cells[1])) >= 10  # enough titles with near misses to have tested something
    # the programs whose link is this taxonomy's reading are marked * in dc_program_names and listed in
    # dc_editorial_programs, as classify's CSV gives them (a research administrator's user test read them as the
    # source's): the same cells for every title
    from domaincheck.render import result_row

    tax = classifier.taxonomy
    lang = ScreenOptions(input=str(src)).lang  # the language the screens above wrote their names in
    expected = [result_row(classifier.classify(t), tax, lang) for t in titles]
    for jobs in (1, 2):
        rows = list(csv.DictReader((tmp_path / f"out{jobs}.csv").open(encoding="utf-8-sig")))
        assert [(r["dc_program_names"], r["dc_editorial_programs"]) for r in rows] == [
            (e["program_names"], e["editorial_programs"]) for e in expected]
    assert sum("*" in r["dc_program_names"] for r in rows) >= 10


def test_keywords_a_line_each_are_read_each_on_its_own(tmp_path: Path) -> None:
    """A user test: keywords a line each (細胞核⏎融合タンパク質) ran together, as the matcher drops the line break
    between Japanese characters, and 核融合 made a cell-biology title strategic fusion. The title and the extra texts
    are joined by "; ", and a cell's short lines are keywords, each read on its own, in any script (nuclear⏎fusion
    protein); a term written with a space within a line is one term, as in a title (量子 コンピュータ: a review found
    it split when spaces separated too), and an abstract's wrapped lines (sentences, 。) are read as they stand."""
    factory = _real_factory()
    title = "細胞周期を制御する分子機構の解明"
    apart = ["細胞核\n融合タンパク質", "細胞核\r\n融合タンパク質", "細胞核、融合タンパク質", "nuclear\nfusion protein"]
    together = ["量子 コンピュータ", "量子　コンピュータ", "We develop 量子 コンピュータ hardware",
                "本研究では超伝導回路を用いた大規模な量子\nコンピュータの実現に向けて誤り訂正の実証実験を行う。"]
    rows = [[title, k] for k in apart + together] + [["核", "融合炉の材料"]]
    src = tmp_path / "in.csv"
    write_csv(src, ["研究課題名", "キーワード"], rows, "utf-8")
    out = tmp_path / "out.jsonl"
    screen(ScreenOptions(input=str(src), output=str(out), extra_columns=("キーワード",)), factory)
    records = read_jsonl(out)
    texts = [r.get("text") for r in records]
    assert [r["verdict"] for r in records[:4]] == ["none"] * 4, texts
    assert records[0]["text"] == f"{title}; 細胞核; 融合タンパク質"
    assert [r["primary"] for r in records[4:8]] == ["quantum"] * 4, texts
    assert records[8]["verdict"] == "none", texts[8]  # no term across the title and the extra cell


def test_jsonl_with_extra_columns_keeps_the_title_as_given(tmp_path: Path) -> None:
    """With --extra-column a JSONL record's `title` used to hold the title and the abstract joined (a user test).
    It is the title as given; `text` is what was classified, into which the evidence offsets point; `text` is null
    for a row that was not classified. The reading matches classify on the same text."""
    factory = _real_factory()
    src = tmp_path / "in.csv"
    rows = [*ROWS_JA, ["A-006", "", "山田 太郎", "量子"], ["A-007", "", "山田 太郎", ""]]
    write_csv(src, HEADER_JA, rows, "utf-8")
    out = tmp_path / "out.jsonl"
    screen(ScreenOptions(input=str(src), output=str(out), extra_columns=("概要",)), factory)
    records = read_jsonl(out)
    classifier = factory()
    for record, row in zip(records, rows, strict=True):
        assert record["title"] == row[1]
        if not row[1] and not row[3]:
            assert record["text"] is None and record["problem"] == "empty_title"
            continue
        extra = "" if row[3].startswith("=HYPERLINK(") else row[3].strip()  # a formula's text is no description
        extra = extra.replace("観測\n複数行", "観測; 複数行")  # keywords a line each, read each on its own
        text = "; ".join(filter(None, (row[1], extra)))  # the cells joined by "; " (EXTRA_JOIN)
        assert record["text"] == text
        expected = classifier.classify(text, framing_within=len(row[1] or extra)).to_dict()
        assert [a["id"] for a in record["areas"]] == [a["id"] for a in expected["areas"]]
        for area in record["areas"]:
            for ev in area["evidence"]:
                if ev["start"] is not None:
                    assert text[ev["start"]:ev["end"]] == ev["text"]
    starts = [ev["start"] for ev in records[0]["areas"][0]["evidence"] if ev["start"] is not None]
    assert any(start >= len(ROWS_JA[0][1]) for start in starts)  # the abstract's 超伝導量子ビット is evidence too


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_header_row_skips_a_banner_above_the_column_names(tmp_path: Path, fmt: str) -> None:
    """Japanese office sheets often put a title row (令和7年度 応募課題一覧) and a blank row above the header."""
    banner = [["令和7年度 応募課題一覧", "", "", ""], ["", "", "", ""]]
    src = tmp_path / f"call.{fmt}"
    if fmt == "csv":
        write_csv(src, banner[0], [banner[1], HEADER_JA, *ROWS_JA], "cp932")
    else:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        for row in [banner[0], [None] * 4, HEADER_JA, *ROWS_JA]:
            sheet.append(row)
        workbook.save(src)
    out = tmp_path / "out.csv"
    for given in (None, 3):  # the header is found below the banner, or named by --header-row
        summary = run(tmp_path, input=str(src), output=str(out), header_row=given)
        assert summary.header_row == (3 if given is None else None)
        rows = read_csv(out)
        assert rows[0][: len(HEADER_JA)] == HEADER_JA  # the banner is not copied: it is not a proposal
        assert [r[1] for r in rows[1:]] == [r[1] for r in ROWS_JA]
        assert summary.rows_read == len(ROWS_JA) == summary.rows_written
    with pytest.raises(InputError, match="no row 40"):
        run(tmp_path, input=str(src), output=str(out), header_row=40)
    with pytest.raises(InputError, match=re.escape("row 2 (--header-row) is blank")):
        run(tmp_path, input=str(src), output=str(out), header_row=2)


def test_header_row_names_a_row_of_the_list_sheet_never_another_sheet(tmp_path: Path) -> None:
    """A sixth user test: an off-by-one --header-row on a list under a banner went on to the instructions sheet,
    whose row 2 named the title column, and screened its lines as proposals (exit 0 under --fail-on strategic)."""
    workbook = openpyxl.Workbook()
    listing = workbook.active
    listing.title = "一覧"
    for row in [["令和8年度 応募課題一覧"], [None], ["No", "研究課題名", "研究代表者"],
                [1, "量子センサーの開発", "山田"], [2, "全固体電池の界面設計", "佐藤"]]:
        listing.append(row)
    notes = workbook.create_sheet("記入要領")
    for row in [["項目", "説明"], ["研究課題名", "40字以内"], ["研究代表者", "氏名を記入"]]:
        notes.append(row)
    later = workbook.create_sheet("若手枠")
    for row in [["研究課題名"], ["核融合炉ブランケットの設計"]]:
        later.append(row)
    src = tmp_path / "call.xlsx"
    workbook.save(src)
    out = tmp_path / "out.csv"
    for wrong in (1, 2, 4):  # row 1 of 若手枠 and row 2 of 記入要領 hold a title column; row 4 of 一覧 is data
        with pytest.raises(InputError) as info:
            run(tmp_path, input=str(src), output=str(out), header_row=wrong)
        assert f"read sheet '一覧', whose title column is found without --header-row: row {wrong} holds none" in (
            info.value.message)
        ja = info.value.ja or ""
        assert f"シート '一覧' を読みました: その {wrong} 行目にはありません" in ja
        assert "--header-row N" not in (info.value.hint or "") + (info.value.hint_ja or "")  # not asked again
        assert not out.exists()
    summary = run(tmp_path, input=str(src), output=str(out), header_row=3)
    assert summary.sheet == "一覧" and summary.rows_read == 2 and summary.other_sheets == ("若手枠",)
    assert [r[1] for r in read_csv(out)[1:]] == ["量子センサーの開発", "全固体電池の界面設計"]
    summary = run(tmp_path, input=str(src), output=str(out), header_row=1, sheet="若手枠")  # named: as given
    assert summary.sheet == "若手枠" and summary.rows_read == 1


def test_header_row_still_finds_a_list_that_detection_cannot_see(tmp_path: Path) -> None:
    """A review: --header-row is also for a list whose header detection cannot see (under wide condition lines);
    another sheet whose header is in row 1 (last year's list, an instructions sheet) must not take its place, and
    the progress bar keeps the sheet's row total though the sheet is started twice."""
    from domaincheck.io.readers import InputSource, open_table

    for other in ("前年度", "記入要領"):
        workbook = openpyxl.Workbook()
        listing = workbook.active
        listing.title = "一覧"
        for row in [["出力条件", "令和8年度", "基盤研究(B)"], ["抽出日", "2026-12-01", "研究推進課"],
                    ["対象", "全部局", "全件"], ["No", "研究課題名", "研究代表者"],
                    *[[i, f"量子センサーの開発 {i}", "山田"] for i in range(1, 6)]]:
            listing.append(row)
        last = workbook.create_sheet(other)
        for row in [["研究課題名", "代表者"], ["全固体電池の界面設計", "佐藤"]]:
            last.append(row)
        src = tmp_path / f"call_{other}.xlsx"
        workbook.save(src)
        out = tmp_path / "out.csv"
        summary = run(tmp_path, input=str(src), output=str(out), header_row=4)
        assert summary.sheet == "一覧" and summary.rows_read == 5, other
        assert [r[1] for r in read_csv(out)[1:]] == [f"量子センサーの開発 {i}" for i in range(1, 6)]
        with open_table(InputSource(str(src)), "xlsx", header_row=4) as table:
            assert table.sheet == "一覧" and table.total == 5  # the rows under the header, by the sheet's dimension


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_blank_rows_above_the_header_are_counted_in_header_row(tmp_path: Path, fmt: str) -> None:
    """A user test: with two blank rows above the header, header_row was null, so a JSONL `row` plus header_row no
    longer gave the sheet's row (nor `row` + 1 the CSV line) as the README says."""
    src = tmp_path / f"call.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows([HEADER_JA, *ROWS_JA])
        src.write_text("\n\n" + buffer.getvalue(), encoding="utf-8")
    else:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        for row in [[None] * 4, [None] * 4, HEADER_JA, *ROWS_JA]:
            sheet.append(row)
        workbook.save(src)
    out = tmp_path / "out.jsonl"
    summary = run(tmp_path, input=str(src), output=str(out))
    assert summary.header_row == 3 and summary.rows_read == len(ROWS_JA)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["row"] + summary.header_row for r in records] == list(range(4, 4 + len(ROWS_JA)))
    assert [r["title"] for r in records] == [r[1] for r in ROWS_JA]


def test_a_symlinked_output_replaces_the_file_it_points_to(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, ["title"], [["quantum"], ["ocean"]], "utf-8")
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "out.csv"
    real.write_text("previous")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    run(tmp_path, input=str(src), output=str(link))
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert [r[0] for r in read_csv(real)] == ["title", "quantum", "ocean"]
    assert dir_names(tmp_path / "real") == ["out.csv"]


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_output_is_written_into_not_replaced(tmp_path: Path) -> None:
    import os
    import threading

    src = tmp_path / "in.csv"
    write_csv(src, ["title"], [["quantum"], ["ocean"]], "utf-8")
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    run(tmp_path, input=str(src), output=str(fifo))
    reader.join(timeout=30)
    assert fifo.is_fifo()  # still a pipe, not a regular file put in its place (so /dev/null stays a device too)
    assert [r[0] for r in csv.reader(io.StringIO(got[0].decode("utf-8-sig")))] == ["title", "quantum", "ocean"]
    assert dir_names(tmp_path) == ["in.csv", "pipe.csv"]


class GcWatchingClassifier(FakeClassifier):
    """Records whether the cyclic garbage collector was on at each title."""

    seen: ClassVar[list[bool]] = []

    def classify(self, title: str) -> FakeResult:
        import gc

        self.seen.append(gc.isenabled())
        return super().classify(title)


def test_the_garbage_collector_is_held_per_batch_and_left_as_it_was(tmp_path: Path) -> None:
    """screen holds the cyclic collector during each batch and must hand it back in the state it found it."""
    import gc

    src = tmp_path / "in.csv"
    write_csv(src, ["title"], [["quantum"], ["ocean"]], "utf-8")
    assert gc.isenabled()
    GcWatchingClassifier.seen.clear()
    screen(ScreenOptions(input=str(src), output=str(tmp_path / "w.csv")), GcWatchingClassifier)
    assert GcWatchingClassifier.seen == [False, False]  # held while the titles were classified
    assert gc.isenabled()
    run(tmp_path, input=str(src), output=str(tmp_path / "a.csv"))
    assert gc.isenabled()
    gc.disable()
    try:
        run(tmp_path, input=str(src), output=str(tmp_path / "b.csv"))
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(KeyboardInterrupt):  # and after a batch that raises
        screen(ScreenOptions(input=str(src), output=str(tmp_path / "c.csv")),
               functools.partial(InterruptingClassifier, 1))
    assert gc.isenabled()


def test_standard_outputs_own_names_are_the_stream(tmp_path: Path) -> None:
    """-o /dev/stdout (and its other names) writes to the stream, never replacing whatever stdout is with a file."""
    src = tmp_path / "in.csv"
    write_csv(src, ["title"], [["quantum"], ["ocean"]], "utf-8")
    for name in ("/dev/stdout", "/dev/fd/1", "-"):
        stdout = io.BytesIO()
        summary = screen(ScreenOptions(input=Path(src), output=name), fake_factory, stdout=stdout)
        assert summary.output is None and summary.input == str(src)  # paths may be given as Path objects too
        rows = list(csv.reader(io.StringIO(stdout.getvalue().decode("utf-8-sig"))))
        assert [r[0] for r in rows] == ["title", "quantum", "ocean"]
    assert dir_names(tmp_path) == ["in.csv"]


# --- xlsx input: damaged files, sheet choice, cell values -----------------------------------------------


def test_a_workbook_damaged_mid_sheet_is_an_input_error_and_writes_nothing(tmp_path: Path) -> None:
    import zipfile

    src = tmp_path / "in.xlsx"
    workbook = openpyxl.Workbook()
    for i in range(2000):
        workbook.active.append(["title", "n"] if i == 0 else [f"quantum {i}", i])
    workbook.save(src)
    with zipfile.ZipFile(src) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = members[sheet][: len(members[sheet]) // 2]  # the sheet's XML cut off half-way
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    for out in ("out.csv", "out.xlsx"):
        with pytest.raises(InputError, match=r"in\.xlsx: damaged workbook \(sheet 'Sheet': "):
            run(tmp_path, input=str(src), output=str(tmp_path / out), jobs=1)
    assert dir_names(tmp_path) == ["in.xlsx"]


@pytest.mark.parametrize("output", ["out.csv", "out.xlsx"])
def test_a_title_column_the_sheet_shows_is_chosen_over_a_hidden_namesake(tmp_path: Path, output: str) -> None:
    """Two columns named 研究課題名, the first hidden (an old copy): detection took the hidden one's titles and said
    nothing (a user test); it takes the column the office sees."""
    src = tmp_path / "in.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (["No", "研究課題名", "研究課題名"], [1, "旧題", "量子センサ"], [2, "旧題", "AIロボット"]):
        sheet.append(row)
    sheet.column_dimensions["B"].hidden = True
    workbook.save(src)
    summary = run(tmp_path, input=str(src), output=str(tmp_path / output))
    assert summary.title_column == "研究課題名" and summary.title_column_index == 3
    if output.endswith(".csv"):
        assert [(r[1], r[2], r[3]) for r in read_csv(tmp_path / output)[1:]] == [
            ("旧題", "量子センサ", "strategic"), ("旧題", "AIロボット", "strategic")]
    sheet.column_dimensions["B"].hidden = False  # both shown: the first, as before
    workbook.save(src)
    assert run(tmp_path, input=str(src), output=str(tmp_path / ("2" + output))).title_column_index == 2


def test_xlsx_default_sheet_and_the_error_when_no_sheet_has_a_title_column(tmp_path: Path) -> None:
    src = tmp_path / "in.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "記入要領"
    workbook.active.append(["このシートは記入要領です"])
    hidden = workbook.create_sheet("旧")
    hidden.append(["課題名"])
    hidden.append(["海洋 (a hidden sheet)"])
    hidden.sheet_state = "hidden"
    call = workbook.create_sheet("応募一覧")
    for row in (["No", "研究課題名"], [1, "量子センサ"], [2, "AIロボット"]):
        call.append(row)
    workbook.save(src)
    out = tmp_path / "out.csv"
    summary = run(tmp_path, input=str(src), output=str(out))
    assert summary.title_column == "研究課題名" and summary.rows_read == 2
    assert [r[1] for r in read_csv(out)[1:]] == ["量子センサ", "AIロボット"]
    run(tmp_path, input=str(src), output=str(out), sheet="2")
    assert [r[0] for r in read_csv(out)[1:]] == ["海洋 (a hidden sheet)"]
    del workbook["応募一覧"]
    del workbook["旧"]
    workbook.create_sheet("集計").append(["件数", 2])
    workbook.save(src)
    with pytest.raises(InputError) as info:
        run(tmp_path, input=str(src), output=str(tmp_path / "none.csv"))
    assert info.value.message == ("no title column found; columns found: 1:'このシートは記入要領です' (read sheet "
                                  "'記入要領', the first visible one: no visible sheet has a title column; sheets: "
                                  "1:'記入要領' (columns 1:'このシートは記入要領です'), 2:'集計' (columns 1:'件数', "
                                  "2:'2'))")  # fmt: skip
    assert (info.value.hint or "").startswith("choose the sheet with --sheet NAME, or --sheet N")
    assert not (tmp_path / "none.csv").exists()


def test_tab_separated_file_named_csv_gets_a_tsv_hint(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("研究課題名\t番号\n量子センサ\t1\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        run(tmp_path, input=str(src), output=str(tmp_path / "out.csv"))
    assert "no title column found" in info.value.message and "looks like TSV" in info.value.message
    assert "--input-format tsv" in (info.value.hint or "")
    summary = run(tmp_path, input=str(src), output=str(tmp_path / "out.csv"), input_fmt="tsv")
    assert summary.title_column == "研究課題名"
    # a quoted cell with a tab made it a quote error, without the hint (a user test); a CSV's quote error keeps its own
    # (such a line is now kept as it stands while the header is looked for: the TSV hint comes with the column's)
    src.write_text('研究課題名\t番号\n量子センサ\t1\n"スマート""農業"""\t2\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        run(tmp_path, input=str(src), output=str(tmp_path / "out.csv"))
    assert "the header is one column holding tabs, so the file looks like TSV" in info.value.message
    assert (info.value.hint or "").startswith("read it as TSV with --input-format tsv")
    # Excel in a European locale saves "CSV" with semicolons: said so, and how to save it again (a user test)
    (tmp_path / "semi.csv").write_text("No;title;memo\n1;量子センサ;x\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        run(tmp_path, input=str(tmp_path / "semi.csv"), output=str(tmp_path / "out.csv"))
    assert "the header is one column holding semicolons" in info.value.message
    assert "with commas" in (info.value.hint or "")
    # a CSV's stray quote on one line is a row kept as the line stands (bad_quotes); one never closed an error
    # whose hint is about quotes, not TSV
    (tmp_path / "bad.csv").write_text('研究課題名,番号\n"量子\tセンサ"x,1\n', encoding="utf-8")
    summary = run(tmp_path, input=str(tmp_path / "bad.csv"), output=str(tmp_path / "out.csv"))
    assert summary.problems == {"bad_quotes": 1}
    (tmp_path / "bad.csv").write_text('研究課題名,番号\n"量子\tセンサ,1\n量子暗号,2\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        run(tmp_path, input=str(tmp_path / "bad.csv"), output=str(tmp_path / "out.csv"))
    assert "TSV" not in (info.value.hint or "") and "quote" in (info.value.hint or "")


def test_xlsx_cell_values_are_written_as_excel_shows_them_and_agree_across_outputs(tmp_path: Path) -> None:
    import datetime

    src = tmp_path / "in.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["課題名", "番号", "採択日", "受付", "可否", "金額"])
    sheet.append(["量子センサ", 123, datetime.datetime(2025, 5, 1), datetime.datetime(2025, 5, 1, 9, 30), True,
                  1.234567890123457e16])  # fmt: skip
    sheet.append([datetime.datetime(2025, 4, 2, 9, 30), 7, None, None, False, 2.5])
    sheet.append([datetime.datetime(2025, 4, 3), 8, None, None, None, None])
    for row in (2, 3, 4):
        sheet.cell(row=row, column=2).number_format = "00000000"
    workbook.save(src)
    run(tmp_path, input=str(src), output=str(tmp_path / "out.csv"))
    rows = read_csv(tmp_path / "out.csv")
    assert [r[:6] for r in rows[1:]] == [
        ["量子センサ", "00000123", "2025-05-01", "2025-05-01T09:30:00", "TRUE", "12345678901234570"],
        ["2025-04-02T09:30:00", "00000007", "", "", "FALSE", "2.5"],
        ["2025-04-03", "00000008", "", "", "", ""],
    ]
    run(tmp_path, input=str(src), output=str(tmp_path / "out.jsonl"))
    records = read_jsonl(tmp_path / "out.jsonl")
    assert [r["title"] for r in records] == [r["fields"]["課題名"] for r in records]  # the same text in both
    assert records[0]["fields"]["採択日"] == "2025-05-01" and records[0]["fields"]["番号"] == "00000123"
    assert records[1]["title"] == "2025-04-02T09:30:00" and records[2]["title"] == "2025-04-03"


def test_titles_that_are_excel_errors_or_not_text_are_marked_not_classified(tmp_path: Path) -> None:
    import datetime

    src = tmp_path / "in.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (["課題名", "申請者"], [12345, "A"], [datetime.date(2025, 1, 1), "B"], ["#N/A", "C"], [True, "D"],
                ["量子センサ", "E"]):  # fmt: skip
        sheet.append(row)
    sheet["A4"].data_type = "e"  # an error cell, as Excel saves #N/A
    workbook.save(src)
    summary = run(tmp_path, input=str(src), output=str(tmp_path / "out.csv"))
    rows = read_csv(tmp_path / "out.csv")
    problem, verdict = rows[0].index("dc_problem"), rows[0].index("dc_verdict")
    assert [(r[0], r[verdict], r[problem]) for r in rows[1:]] == [
        ("12345", "error", "title_not_text"),
        ("2025-01-01", "error", "title_not_text"),
        ("#N/A", "error", "title_excel_error"),
        ("TRUE", "error", "title_not_text"),
        ("量子センサ", "strategic", ""),
    ]
    assert summary.problems == {"title_excel_error": 1, "title_not_text": 3} and summary.rows_with_problems == 4
    csv_src = tmp_path / "excel.csv"  # Excel saves an error cell as its text
    write_csv(csv_src, ["title"], [["#DIV/0!"], ["quantum"]], "utf-8")
    assert run(tmp_path, input=str(csv_src), output=str(tmp_path / "o2.csv")).problems == {"title_excel_error": 1}
    write_csv(csv_src, ["title"], [["00000123"], [" 42"], ["\u3000123"], ["quantum"]], "utf-8")  # a code column
    assert run(tmp_path, input=str(csv_src), output=str(tmp_path / "o3.csv")).problems == {"title_not_text": 3}
    # A JSON Lines title that is a list or an object is no title either (it was classified as its JSON text)
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text('{"title": ["量子センサ"]}\n{"title": {"ja": "量子"}}\n{"title": "量子センサ"}\n',
                     encoding="utf-8")
    assert run(tmp_path, input=str(jsonl), output=str(tmp_path / "o4.csv")).problems == {"title_not_text": 2}


def test_jsonl_lines_that_are_no_object_are_kept_marked_and_counted(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "title": "quantum"}\n["a"]\n{"title": "x",\n{"id": 4, "title": "ocean"}\n',
                   encoding="utf-8")  # fmt: skip
    summary = run(tmp_path, input=str(src), output=str(tmp_path / "out.jsonl"))
    assert summary.rows_read == 4 and summary.problems == {"bad_jsonl_line": 2}
    records = read_jsonl(tmp_path / "out.jsonl")
    assert [(r["row"], r["verdict"], r["problem"]) for r in records] == [
        (1, "strategic", None), (2, "error", "bad_jsonl_line"), (3, "error", "bad_jsonl_line"), (4, "emerging", None)]
    assert records[1]["extra_fields"] == ['["a"]'] and records[2]["extra_fields"] == ['{"title": "x",']
    run(tmp_path, input=str(src), output=str(tmp_path / "out.csv"))
    rows = read_csv(tmp_path / "out.csv")
    assert rows[2][-1] == '["a"]'  # the line's text follows the result columns


def test_an_xlsx_header_below_a_banner_is_found(tmp_path: Path) -> None:
    """A sheet whose first row is a banner (令和7年度 応募課題一覧) used to have no title column, so the next sheet was
    screened instead, silently (last year's, in a user test). The header is now searched for in the rows under a
    first row without a title column, and the summary says where it was found; a sheet with no title column in
    those rows keeps its first row as the header and loses no row."""
    src = tmp_path / "call.xlsx"
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "記入要領"
    notes.append(["この様式に記入してください"])
    current = workbook.create_sheet("R7応募")
    for row in (["令和7年度 応募課題一覧"], [], ["番号", "研究課題名"], [1, "超伝導量子ビットによる量子コンピュータ"],
                [2, "江戸時代の文学"]):  # fmt: skip
        current.append(row)
    last_year = workbook.create_sheet("R6応募")
    last_year.append(["番号", "研究課題名"])
    last_year.append([9, "海洋観測ブイ"])
    workbook.save(src)
    summary = run(tmp_path, input=str(src), output=str(tmp_path / "out.jsonl"))
    assert summary.sheet == "R7応募" and summary.header_row == 3 and summary.to_dict()["header_row"] == 3
    records = read_jsonl(tmp_path / "out.jsonl")
    assert [(r["row"], r["fields"]["研究課題名"], r["verdict"]) for r in records] == [
        (1, "超伝導量子ビットによる量子コンピュータ", "strategic"), (2, "江戸時代の文学", "none")]
    # A banner padded with empty cells, as Excel saves one in CSV, and --column by number (a review found the padded
    # banner taken for the header: its second cell exists, empty)
    padded = tmp_path / "padded.csv"
    padded.write_text("令和7年度 応募課題一覧,,\n,,\nid,課題名,代表者\n1,量子コンピュータ,山田\n", encoding="utf-8")
    summary = run(tmp_path, input=str(padded), output=str(tmp_path / "padded_out.csv"), column="2")
    assert summary.header_row == 3 and summary.title_column == "課題名" and summary.rows_read == 1
    # Regressions a sweep found: an instructions sheet that lists 研究課題名 among its items is not taken for the data
    # (it comes after the other sheets), and a header that leaves the title column's name empty keeps its rows
    guide = tmp_path / "guide.xlsx"
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "記入要領"
    for row in (["記入要領"], [], ["項目", "説明"], ["研究課題名", "40字以内"], ["代表者", "氏名"]):
        notes.append(row)
    data = workbook.create_sheet("応募一覧")
    for row in (["No", "研究課題名", "代表者"], [1, "量子センサ", "山田"], [2, "全固体電池", "佐藤"]):
        data.append(row)
    workbook.save(guide)
    for column in (None, "2"):
        summary = run(tmp_path, input=str(guide), output=str(tmp_path / "guide.csv"), column=column)
        assert summary.sheet == "応募一覧" and summary.rows_read == 2 and summary.header_row is None
    unnamed = tmp_path / "unnamed.csv"
    unnamed.write_text("No,,代表者\n1,量子センサ,山田\n2,全固体電池,佐藤\n", encoding="utf-8")
    summary = run(tmp_path, input=str(unnamed), output=str(tmp_path / "unnamed_out.csv"), column="2")
    assert summary.header_row is None and summary.rows_read == 2 and summary.verdicts["strategic"] == 1
    blanks = tmp_path / "blanks.csv"  # the look-ahead holds at most 1,000 rows, blank ones too
    blanks.write_text("令和7年度 応募課題一覧\n" + ",,\n" * 2_000 + "No,研究課題名\n1,量子センサ\n", encoding="utf-8")
    with pytest.raises(InputError, match="no title column found"):
        run(tmp_path, input=str(blanks), output=str(tmp_path / "blanks_out.csv"))
    # No title column under the first row either: the first row is the header and every other row is data.
    plain = tmp_path / "plain.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (["id", "name"], [1, "量子センサ"], [2, "海洋観測"]):
        sheet.append(row)
    workbook.save(plain)
    summary = run(tmp_path, input=str(plain), output=str(tmp_path / "plain.csv"), column="name")
    assert summary.header_row is None and summary.rows_read == 2
    assert [r[1] for r in read_csv(tmp_path / "plain.csv")[1:]] == ["量子センサ", "海洋観測"]


def test_openpyxl_warnings_about_unread_features_stay_off_stderr(tmp_path: Path) -> None:
    """Excel writes data-validation extensions every day; openpyxl warned of them on stderr even under --quiet,
    which a script reads as errors (a user test). They touch no cell value."""
    import warnings
    import zipfile

    src = tmp_path / "dv.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["title"])
    workbook.active.append(["量子コンピュータ"])
    workbook.save(src)
    with zipfile.ZipFile(src) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    ext = ('<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" xmlns:x14="http://schemas.microsoft.com/'
           'office/spreadsheetml/2009/9/main"><x14:dataValidations count="0"/></ext></extLst>')  # fmt: skip
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"</worksheet>", ext.encode() + b"</worksheet>")
    with zipfile.ZipFile(src, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        summary = run(tmp_path, input=str(src), output=str(tmp_path / "out.csv"))
    assert summary.rows_written == 1
    assert [str(w.message) for w in caught if "openpyxl" in w.filename] == []


@pytest.mark.usefixtures("english")
def test_a_full_disk_while_writing_xlsx_is_one_clear_error(tmp_path: Path) -> None:
    """A full disk while the workbook was written ended with 'Error: No space left on device' (no file named) and
    then a traceback from the unfinished archive at exit (a user test). It names the output, and nothing follows it;
    no file is left."""
    import os
    import subprocess
    import sys

    src = tmp_path / "in.csv"
    write_csv(src, ["title"], [["量子センサ"], ["海洋観測"]], "utf-8")
    out = tmp_path / "out.xlsx"
    script = (
        "import errno, sys, zipfile\n"
        "def full(self, *args, **kwargs):\n"
        "    raise OSError(errno.ENOSPC, 'No space left on device')\n"
        "zipfile.ZipFile.writestr = full\n"
        "from domaincheck.cli import main\n"
        f"sys.argv = ['domaincheck', 'screen', {str(src)!r}, '-o', {str(out)!r}, '-q']\n"
        "main()\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith(f"Error: {out}: No space left on device"), proc.stderr
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_a_lone_surrogate_does_not_damage_an_xlsx_output(tmp_path: Path) -> None:
    """A JSONL cell holding a lone surrogate ("\\ud83d", half an emoji) made a workbook Excel and openpyxl call damaged,
    with exit 0 (a sweep). It is written as U+FFFD: no workbook can hold it."""
    src = tmp_path / "in.jsonl"
    src.write_text('{"title": "量子センサ", "note": "\\ud83d"}\n', encoding="utf-8")
    out = tmp_path / "out.xlsx"
    run(tmp_path, input=str(src), output=str(out))
    row = [c.value for c in next(openpyxl.load_workbook(out).active.iter_rows(min_row=2, max_row=2))]
    assert row[:2] == ["量子センサ", "\ufffd"]


def test_control_characters_and_cr_survive_an_xlsx_output(tmp_path: Path) -> None:
    """Control characters (a vertical tab, some exports' line break; \\x01) became U+FFFD in xlsx output, and a cell's
    CR LF came back as LF (a user test). They are written as the workbook escapes them (_x000B_, _x000D_), as Excel
    writes a cell's CR, so that Excel and this reader give them back as they were, through xlsx to xlsx too."""
    cells = ["量子センサ\x0b海洋観測", "a\x01b\x1fc", "改行を含む\r\n研究課題名", "tab\tand\nLF",
             "typed _x000B_ and _x005F_x000D_ and _x0041_", "_x0041\x0b end"]  # text that reads as an escape is
    # text, also when a control character's escape would close it (a review)
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"title": "量子", **{f"c{i}": c for i, c in enumerate(cells)}}, ensure_ascii=False)
                   + "\n", encoding="utf-8")
    out, again = tmp_path / "out.xlsx", tmp_path / "again.xlsx"
    run(tmp_path, input=str(src), output=str(out))
    run(tmp_path, input=str(out), output=str(again))
    raw = [c.value for c in next(openpyxl.load_workbook(out).active.iter_rows(min_row=2, max_row=2))]
    assert raw[1:7] == ["量子センサ_x000B_海洋観測", "a_x0001_b_x001F_c", "改行を含む_x000D_\n研究課題名",
                        "tab\tand\nLF", "typed _x005F_x000B_ and _x005F_x005F_x005F_x000D_ and _x005F_x0041_",
                        "_x005F_x0041_x000B_ end"]
    for book in (out, again):
        with open_table(InputSource(str(book)), "xlsx") as table:
            [row] = list(table.rows)
        assert row.cells[1:7] == cells, book


def test_xlsx_number_formats_follow_their_cells_when_columns_are_dropped_rows_are_long_and_batches_many(
    tmp_path: Path,
) -> None:
    """Number formats stay with their own cells wherever screening moves them: a banner above the header, a dc_*
    column of the input dropped (its widths and formats too), a long row whose cells beyond the header follow the
    result columns, a short row, a text cell that looks like a zero-padded code (stays text), formats only in rows of
    a later batch, and worker processes."""
    import datetime

    src = tmp_path / "in.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["令和7年度 応募課題一覧"])
    header = ["課題番号", "dc_verdict", "研究課題名", "採択日", "金額"]
    sheet.append(header)
    count = 1_200  # more than one batch (and one worker chunk with chunk_rows=500)
    for n in range(1, count + 1):
        day = datetime.datetime(2025, 4, 1) + datetime.timedelta(days=n % 30) if n >= 700 else None  # a date: a format
        sheet.append([n, "old", f"量子センサ {n}", day, n * 1000])
    for n in range(700, count + 1):  # formats only from the second batch on
        sheet.cell(row=n + 2, column=1).number_format = "00000"
        sheet.cell(row=n + 2, column=4).number_format = "yyyy/mm/dd"
        sheet.cell(row=n + 2, column=5).number_format = "#,##0"
    sheet.cell(row=900 + 2, column=1).value = "00900"  # text, in a zero-padding format: stays text
    for column, value, fmt in ((6, 0.5, "0%"), (7, None, None), (8, datetime.datetime(2025, 5, 1), "ge.m.d")):
        cell = sheet.cell(row=1000 + 2, column=column, value=value)  # a long row
        if fmt is not None:
            cell.number_format = fmt
    sheet.cell(row=1001 + 2, column=5).value = None  # a short row
    sheet.cell(row=1001 + 2, column=4).value = None
    sheet.column_dimensions["B"].width = 5  # the dropped dc_verdict column
    sheet.column_dimensions["C"].width = 40
    sheet.column_dimensions["E"].width = 15.5
    workbook.save(src)
    given = openpyxl.load_workbook(src).active
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}.xlsx"
        summary = screen(ScreenOptions(input=str(src), output=str(out), jobs=jobs), fake_factory, chunk_rows=500)
        assert summary.header_row == 2 and summary.replaced_columns == ("dc_verdict",)
        result = openpyxl.load_workbook(out).active
        names = [c.value for c in result[1]]
        width = len(names) - len(["extra"] * 3)  # the kept header and the result columns
        assert names[:4] == ["課題番号", "研究課題名", "採択日", "金額"] and names[4] == "dc_verdict"
        assert all(c.number_format == "General" for row in result.iter_rows(min_row=2, max_row=699) for c in row)
        for n, row in enumerate(result.iter_rows(min_row=2), 1):
            source = [given.cell(row=n + 2, column=c) for c in (1, 3, 4, 5)]
            assert [(c.value, c.number_format) for c in row[:4]] == [(c.value, c.number_format) for c in source], n
            assert [type(c.value) for c in row[:4]] == [type(c.value) for c in source], n
            extra = [(c.value, c.number_format) for c in row[width:]]
            if n == 1000:
                assert extra[0] == (0.5, "0%") and extra[2] == (datetime.datetime(2025, 5, 1), "ge.m.d")
            else:
                assert all(value is None for value, _ in extra), n
        assert n == count
        assert result.cell(row=1001 + 1, column=names.index("dc_problem") + 1).value in (None, "")  # short: no problem
        assert [result.column_dimensions[x].width for x in "BD"] == [40, 15.5]  # 研究課題名 and 金額, moved left
        assert 10 <= result.column_dimensions["A"].width <= 60


def test_an_empty_title_is_classified_from_the_extra_columns(tmp_path: Path) -> None:
    """A user test: 研究課題名（和文） empty and 研究課題名（英文） filled, screened with -x 研究課題名（英文）, came
    out empty_title and unclassified. The extra columns' text is classified then, the first standing for the title (the
    learned model reads it), and the row is marked title_from_extra_column; a row with nothing anywhere stays
    empty_title and unclassified."""
    factory = _real_factory()
    header = ["課題番号", "研究課題名（和文）", "研究課題名（英文）"]
    rows = [["R7-1", "", "Quantum error correction with superconducting qubits"],
            ["R7-2", "量子誤り訂正符号の研究", "Quantum error correcting codes"],
            ["R7-3", "", ""]]  # fmt: skip
    src = tmp_path / "call.csv"
    write_csv(src, header, rows, "utf-8")
    out = tmp_path / "out.jsonl"
    summary = screen(ScreenOptions(input=str(src), output=str(out), extra_columns=("研究課題名（英文）",)), factory)
    records = read_jsonl(out)
    assert [r["problem"] for r in records] == ["title_from_extra_column", None, "empty_title"]
    classifier = factory()
    english = classifier.classify(rows[0][2], framing_within=len(rows[0][2]))
    assert records[0]["text"] == rows[0][2] and records[0]["title"] == ""
    assert [a["id"] for a in records[0]["areas"]] == [a.id for a in english.areas] == ["quantum"]
    assert records[2]["verdict"] == "error" and records[1]["verdict"] != "error"
    assert summary.problems == {"empty_title": 1, "title_from_extra_column": 1}
    assert summary.verdicts["error"] == 1


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_empty_title_is_read_from_its_other_language_column(tmp_path: Path, jobs: int) -> None:
    """A user test: an export's 研究課題名（和文） left empty beside its 研究課題名（英文） came out empty_title, the
    proposal unscreened, unless -x named the English column. The title's column in the other language is read for
    an empty title (title_from_other_column) and for nothing else; a row empty in both stays empty_title; a number
    there is no title, and one too long is title_too_long. With extra columns the other language's title comes
    first, then their text (a second user test: -x キーワード classified the keyword alone); an extra column that is
    the other language's is read as one. The summary names the column."""
    factory = _real_factory()
    header = ["課題番号", "研究課題名（和文）", "研究課題名（英文）", "キーワード"]
    rows = [["1", "", "Quantum error correction with superconducting qubits", "AI"],
            ["2", "ゲノム編集による作物の育種", "Robotics", ""],
            ["3", "", "", "深層学習"],
            ["4", "", "12345", ""],
            ["5", "", "x" * 10_001, ""]] * 300  # fmt: skip
    src = tmp_path / "call.csv"
    write_csv(src, header, rows, "utf-8")
    out = tmp_path / "out.jsonl"
    summary = screen(ScreenOptions(input=str(src), output=str(out), jobs=jobs), factory, chunk_rows=100)
    records = read_jsonl(out)
    assert len(records) == len(rows)
    classifier = factory()
    english, japanese = classifier.classify(rows[0][2]), classifier.classify(rows[1][1])
    for record in records[:5]:
        assert record["fields"] == dict(zip(header, rows[int(record["fields"]["課題番号"]) - 1], strict=True))
    first, second, third, fourth, fifth = records[:5]
    assert first["problem"] == "title_from_other_column" and (first["title"], first["text"]) == ("", rows[0][2])
    assert [a["id"] for a in first["areas"]] == [a.id for a in english.areas] == ["quantum"]
    assert second["problem"] is None and "text" not in second
    assert [a["id"] for a in second["areas"]] == [a.id for a in japanese.areas]
    assert "ai_robotics" not in [a["id"] for a in second["areas"]]  # the English title is not added to a given one
    assert third["problem"] == fourth["problem"] == "empty_title" and third["verdict"] == fourth["verdict"] == "error"
    assert fifth["problem"] == "title_too_long" and fifth["verdict"] == "error"
    assert summary.title_column_other_language == "研究課題名（英文）"
    assert summary.problems == {"empty_title": 600, "title_from_other_column": 300, "title_too_long": 300}
    assert summary.rows_with_problems == 900  # a title read from the other column is no trouble (a user test)
    keyword = tmp_path / "keyword.jsonl"
    with_extra = screen(ScreenOptions(input=str(src), output=str(keyword), extra_columns=("キーワード",)), factory)
    first, second, third = read_jsonl(keyword)[:3]
    assert with_extra.title_column_other_language == "研究課題名（英文）"
    assert first["problem"] == "title_from_other_column" and first["text"] == rows[0][2] + "; AI"
    assert second["problem"] is None and second["text"] == rows[1][1]
    assert third["problem"] == "title_from_extra_column" and third["text"] == "深層学習"
    english_too = screen(ScreenOptions(input=str(src), output=str(tmp_path / "x.csv"),
                                       extra_columns=("研究課題名（英文）",)), factory)  # fmt: skip
    assert english_too.title_column_other_language is None and "title_from_other_column" not in english_too.problems
    assert english_too.problems["title_from_extra_column"] == 600  # rows 1 and 5; 12345 is no text to classify


def test_a_placeholder_title_is_no_title(tmp_path: Path) -> None:
    """A user test: 未定, なし and (未入力) rows were counted as screened with nothing found, and a number or a
    placeholder beside an English title left the proposal unscreened. A placeholder is title_placeholder, not
    classified; a cell that is no title, with a title in the other language beside it, gives way to that title and
    keeps its problem; a placeholder there is no title either. A title merely holding such a word is a title."""
    factory = _real_factory()
    header = ["課題番号", "研究課題名（和文）", "研究課題名（英文）"]
    rows = [["1", "未定", "Quantum error correction with superconducting qubits"],
            ["2", "（未入力）", ""],
            ["3", "12345", "Quantum error correction with superconducting qubits"],
            ["4", "なし", "TBD"],
            ["5", "－", "N/A"],
            ["6", "未定義動作を検出する静的解析", "Static analysis"],
            ["7", "TBD", ""],
            ["8", "（英文課題名参照）", "Quantum error correction with superconducting qubits"]]  # fmt: skip
    src = tmp_path / "call.csv"
    write_csv(src, header, rows, "utf-8")
    out = tmp_path / "out.jsonl"
    summary = screen(ScreenOptions(input=str(src), output=str(out)), factory)
    records = read_jsonl(out)
    assert [r["problem"] for r in records] == [
        "title_placeholder|title_from_other_column", "title_placeholder", "title_not_text|title_from_other_column",
        "title_placeholder", "title_placeholder", None, "title_placeholder",
        "title_placeholder|title_from_other_column"]  # a pointer to the English title (a user test)
    quantum = [a.id for a in factory().classify(rows[0][2]).areas]
    for record in (records[0], records[2], records[7]):  # the cell as given, and the text the evidence points into
        assert (record["title"], record["text"]) == (rows[int(record["row"]) - 1][1], rows[0][2])
        assert [a["id"] for a in record["areas"]] == quantum
    assert [r["verdict"] for r in records].count("error") == 4 and records[5]["verdict"] != "error"
    assert summary.problems == {"title_placeholder": 6, "title_from_other_column": 3, "title_not_text": 1}
    assert summary.unclassified_problems == {"title_placeholder": 4}  # the rows not classified alone (a review)


def test_a_non_title_gives_way_to_the_extra_columns(tmp_path: Path) -> None:
    """A review: an empty title was classified from the extra columns (title_from_extra_column), 未定 or TBD beside
    the same abstract was not. A title cell that is no title (a placeholder, a number, a run of dashes) gives way
    to the extra columns' text as an empty one does, and keeps its problem (！？！ the one the classifier would refuse);
    with nothing there it stays unclassified;
    --fail-on's count of rows not judged takes only those."""
    factory = _real_factory()
    header = ["課題番号", "研究課題名", "概要"]
    abstract = "超伝導量子ビットを用いた量子誤り訂正符号の実証"
    rows = [["1", "", abstract], ["2", "未定", abstract], ["3", "ＴＢＤ", abstract], ["4", "12345", abstract],
            ["5", "！？！", abstract], ["6", "未定", ""], ["7", "量子センサ", ""]]  # fmt: skip
    src = tmp_path / "call.csv"
    write_csv(src, header, rows, "utf-8")
    out = tmp_path / "out.jsonl"
    summary = screen(ScreenOptions(input=str(src), output=str(out), extra_columns=("概要",)), factory)
    records = read_jsonl(out)
    assert [r["problem"] for r in records] == [
        "title_from_extra_column", "title_placeholder|title_from_extra_column",
        "title_placeholder|title_from_extra_column", "title_not_text|title_from_extra_column",
        "unclassifiable_title|title_from_extra_column", "title_placeholder", None]
    quantum = [a.id for a in factory().classify(abstract).areas]
    assert "quantum" in quantum
    for record in records[:5]:
        assert record["text"] == abstract and [a["id"] for a in record["areas"]] == quantum
        assert record["title"] == rows[int(record["row"]) - 1][1]
    assert records[5]["verdict"] == "error" and summary.unclassified_problems == {"title_placeholder": 1}
    # a review: nothing gives way to an extra cell that is no text either, and such a cell is not classified
    src.write_text("課題番号,研究課題名,概要\n1,未定,なし\n2,,特になし\n3,和文,和文\n4,#N/A,TBD\n", encoding="utf-8")
    summary = screen(ScreenOptions(input=str(src), output=str(out), extra_columns=("概要",)), factory)
    assert [(r["verdict"], r["problem"]) for r in read_jsonl(out)] == [
        ("error", "title_placeholder"), ("error", "empty_title"), ("error", "title_not_text"),
        ("error", "title_excel_error")]


def test_screen_holds_the_garbage_collector_and_restores_it(tmp_path: Path) -> None:
    """screen holds the cyclic collector for its whole loop (its collections cost about 6 % of a run) and gives it
    back as it found it, after a run and after one that fails; the loop makes no cyclic garbage to pile up."""
    import gc

    src = tmp_path / "in.csv"
    write_csv(src, HEADER_JA, ROWS_JA * 300, "utf-8")
    seen: list[bool] = []
    gc.collect()
    try:
        screen(ScreenOptions(input=str(src), output=str(tmp_path / "out.csv"), jobs=1), fake_factory,
               lambda done, total: seen.append(gc.isenabled()))
        assert seen and not any(seen)  # held while rows were written
        assert gc.isenabled()
        assert gc.collect() == 0  # nothing cyclic was left behind
        gc.disable()
        screen(ScreenOptions(input=str(src), output=str(tmp_path / "out2.csv"), jobs=1), fake_factory)
        assert not gc.isenabled()  # a caller's choice is kept
        gc.enable()

        class Broken:
            def classify(self, title: str) -> Any:
                raise ValueError("a classifier that breaks mid-run")

        with pytest.raises(ValueError, match="mid-run"):
            screen(ScreenOptions(input=str(src), output=str(tmp_path / "out3.csv"), jobs=1), Broken)
        assert gc.isenabled() and not (tmp_path / "out3.csv").exists()
    finally:
        gc.enable()


# --- xlsx output from a text input: numbers; the sheet's row limit; the columns a wrong --column lists ------------

NUMBER_TEXTS = ["5247", "-12", "3.75", "0", "0.5", "3.50", "1,234,000", "-1,234.50", "123456789012", "0.1234567891",
                "999999999999999", "2025-04-01"]  # fmt: skip
TEXT_TEXTS = ["007", "00123", "+5", " 5", "5 ", "1e5", "1234567890123456", "5.", ".5", "-0", "12%", "¥1,200",
              "１２３", "1,23", "12,3456", "2025-02-30", "2025/04/01", "1899-12-31", "-", "A-1"]  # fmt: skip


def shown(cell: Any) -> str:
    """The text a spreadsheet shows for an openpyxl cell, for the few formats the writer gives text numbers."""
    value, fmt = cell.value, cell.number_format
    if value is None:
        return ""  # an empty cell
    if isinstance(value, str):
        return value
    if fmt == "General":
        return str(value) if isinstance(value, int) else repr(value)
    if fmt == "yyyy-mm-dd":
        return str(value.date().isoformat())
    if fmt == "0":
        return f"{value:.0f}"
    grouped = fmt.startswith("#,##")
    places = len(fmt.partition(".")[2])
    return f"{value:,.{places}f}" if grouped else f"{value:.{places}f}"


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_text_input_numbers_are_xlsx_numbers_that_show_their_text(tmp_path: Path, fmt: str) -> None:
    """A user test: from CSV every amount was text in the xlsx, and SUM gave 0. A cell whose text is unambiguously a
    number (or an ISO date) is now one, in a format that shows that very text; codes with leading zeros and anything
    else stay text; header names and result cells stay text; the title is still classified (and judged) as text."""
    src = tmp_path / f"in.{fmt}"
    header = ["番号", "研究課題名", "2025", "値"]
    texts = NUMBER_TEXTS + TEXT_TEXTS
    # 2025: numbers only (with blanks), typed; 値: numbers and other texts, which keeps the whole column text
    rows = [[f"A{i}", "量子センサ" if i % 2 else "海洋観測", text if i < len(NUMBER_TEXTS) else "", text]
            for i, text in enumerate(texts)]  # fmt: skip
    rows.append(["B1", "12345", "1", "2", "42"])  # a number for a title; a cell beyond the header
    write_csv(src, header, rows, "utf-8", delimiter="\t" if fmt == "tsv" else ",")
    out = tmp_path / "out.xlsx"
    summary = run(tmp_path, input=str(src), output=str(out))
    assert summary.problems == {"long_row": 1, "title_not_text": 1}
    sheet = openpyxl.load_workbook(out).worksheets[0]
    written = [list(r) for r in sheet.iter_rows()]
    end = 4 + len(RESULT_COLUMNS)
    assert [c.value for c in written[0]] == [*header, *RESULT_COLUMNS, None]  # "2025" stays a name
    for row, cells in zip(rows, written[1:], strict=True):
        originals = [*cells[:4], *cells[end : end + len(row) - 4]]
        # every input cell shows exactly its text (a text cell that could start a formula marked with Excel's quote
        # prefix, and nothing else marked)
        assert [shown(c) for c in originals] == row
        assert [c.quotePrefix for c in originals] == [isinstance(c.value, str) and neutralize(x) != x
                                                      for c, x in zip(originals, row, strict=True)]  # fmt: skip
        assert all(isinstance(c.value, str) for c in cells[4:end] if c.value is not None)
    values = {row[2]: cells[2].value for row, cells in zip(rows, written[1:], strict=False)}
    for text in NUMBER_TEXTS[:-1]:
        assert isinstance(values[text], int | float) and values[text] == float(text.replace(",", "")), text
    assert isinstance(values["2025-04-01"], datetime.datetime)
    # A review: a column of codes or of numbers and words must not be part numbers, part text (sorting, VLOOKUP)
    assert all(isinstance(cells[3].value, str) for cells in written[1:-1])
    # Every decimal has its places, so that no spreadsheet shows it in another form (0.000000001 as 1E-09)
    assert all(c.number_format != "General" for cells in written[1:] for c in cells[2:3] if isinstance(c.value, float))
    # a number for a title stays text in a column of titles; the one cell beyond the header is a number
    assert written[-1][1].value == "12345" and written[-1][-1].value == 42
    scores = [c.value for c in sheet["I"][1:] if c.value]  # dc_scores: digits, still text
    assert scores and all(isinstance(s, str) and s.isdigit() for s in scores)
    # The same file to CSV is unchanged, and a JSONL string or an xlsx text cell stays text in xlsx output
    run(tmp_path, input=str(src), output=str(tmp_path / "out.csv"), input_fmt=fmt)
    assert [r[2:4] for r in read_csv(tmp_path / "out.csv")[1:]] == [[neutralize(c) for c in r[2:4]] for r in rows]
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text('{"title": "量子センサ", "amount": "5247", "n": 5247}\n', encoding="utf-8")
    run(tmp_path, input=str(jsonl), output=str(tmp_path / "j.xlsx"))
    assert read_xlsx(tmp_path / "j.xlsx")[1][1:3] == ["5247", 5247]
    book = openpyxl.Workbook()
    book.active.append(["title", "amount"])
    book.active.append(["量子センサ", "5247"])
    book.save(tmp_path / "in.xlsx")
    run(tmp_path, input=str(tmp_path / "in.xlsx"), output=str(tmp_path / "x.xlsx"))
    assert read_xlsx(tmp_path / "x.xlsx")[1][1] == "5247"


def test_which_columns_are_numbers_is_decided_on_the_whole_file_whatever_jobs(tmp_path: Path) -> None:
    """A user test: a column was typed when the filled cells of the first batch were numbers, and a batch is 500 rows
    in one process, 2,000 with workers: --jobs 1 and --jobs 2 gave different workbooks, and a code column held
    12345678 as a number beside 01234567 as text (a word, or 007, after the first batch, or a column empty in it).
    Now the whole column decides, the output is the same with any --jobs, and a column is numbers throughout or
    text throughout."""
    src = tmp_path / "calls.csv"
    rows = [[str(12345678 + i) if i != 600 else "01234567", "量子コンピュータの研究" if i % 3 else "海洋観測",
             str(1000 + i) if i != 650 else "未定", "" if i < 60 else ("123" if i % 2 else "007"), str(i * 10)]
            for i in range(700)]  # fmt: skip
    write_csv(src, ["code", "title", "amount", "late", "count"], rows, "utf-8")
    sheets = []
    for jobs in (1, 2):  # batches of 500 rows in one process, chunks of 50 with workers here
        out = tmp_path / f"out{jobs}.xlsx"
        screen(ScreenOptions(input=str(src), output=str(out), jobs=jobs), fake_factory, chunk_rows=50)
        with zipfile.ZipFile(out) as book:
            sheets.append(book.read("xl/worksheets/sheet1.xml"))
        kinds = {c: {type(r[c]) for r in read_xlsx(out)[1:] if r[c] not in (None, "")} for c in (0, 2, 3, 4)}
        assert kinds == {0: {str}, 2: {str}, 3: {str}, 4: {int}}, (jobs, kinds)
    assert sheets[0] == sheets[1]


def test_a_row_wider_than_an_xlsx_sheet_is_an_error_not_a_damaged_workbook(tmp_path: Path) -> None:
    """A user test: a stray cell at XFD3 put that row's cells and the filter past XFD (16,384 columns), which Excel
    repairs by dropping them. Such a row, or a header as wide, is now an error naming it, and nothing is written; CSV
    output takes the row whole."""
    from domaincheck.io.writers import XLSX_MAX_COLUMNS

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["研究課題名", "備考"])
    sheet.append(["量子暗号", "x"])
    sheet.append(["全固体電池", "y"])
    sheet["XFD3"] = "stray"
    book.save(tmp_path / "stray.xlsx")
    out = tmp_path / "out.xlsx"
    needs = XLSX_MAX_COLUMNS + len(RESULT_COLUMNS)  # the row's cells to XFD, then the result columns
    with pytest.raises(InputError, match=rf"data row 2 needs {needs:,} columns .* \(16,384, A to XFD\)"):
        run(tmp_path, input=str(tmp_path / "stray.xlsx"), output=str(out))
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    run(tmp_path, input=str(tmp_path / "stray.xlsx"), output=str(tmp_path / "out.csv"))
    assert read_csv(tmp_path / "out.csv")[2][-1] == "stray"
    wide = tmp_path / "wide.csv"
    write_csv(wide, ["title", *(f"c{i}" for i in range(XLSX_MAX_COLUMNS))], [["量子暗号"]], "utf-8")
    with pytest.raises(InputError, match="the header needs"):
        run(tmp_path, input=str(wide), output=str(out))
    assert not out.exists()


def test_an_input_too_long_for_an_xlsx_sheet_fails_before_any_row_is_classified(tmp_path: Path) -> None:
    """A user test: 1.05M rows to xlsx failed after 3 minutes, at the writer, without a row count. The rows are now
    counted first (a read, no classifying), and the error says how many and what to do instead."""
    from domaincheck.io.writers import XLSX_MAX_ROWS

    src = tmp_path / "huge.csv"
    src.write_bytes(b"title\r\n" + b"x\r\n" * XLSX_MAX_ROWS + b"\r\n")  # one data row more than a sheet holds
    made: list[FakeClassifier] = []

    def factory() -> FakeClassifier:
        made.append(FakeClassifier())
        return made[-1]

    with pytest.raises(InputError) as info:
        screen(ScreenOptions(input=str(src), output=str(tmp_path / "huge.xlsx"), jobs=1), factory)
    error = info.value
    assert f"{XLSX_MAX_ROWS:,} data rows" in error.message and f"{XLSX_MAX_ROWS:,} 行" in error.text("ja")
    assert "CSV" in (error.hint or "") and "CSV" in (error.hint_text("ja") or "")
    assert made == []  # failed before the classifier was even loaded
    assert dir_names(tmp_path) == ["huge.csv"]  # no output, no temporary file


def test_row_count_check_counts_rows_not_line_breaks(tmp_path: Path) -> None:
    """Line breaks only bound the rows: cells holding line breaks and blank lines do not count as data rows, and the
    limit is checked again as rows are read (a CR-only file, a file that grows)."""
    from domaincheck.screen import _check_row_count, _plan, _read_batches, _Tally

    src = tmp_path / "in.csv"
    src.write_bytes(b'title,note\r\n"a",x\r\n\r\n"b","1\r\n2\r\n3"\r\n"c",y\r')  # 3 data rows, 7 line breaks
    options = ScreenOptions(input=str(src), output=str(tmp_path / "out.xlsx"))
    source = InputSource(str(src))
    with open_table(source, "csv") as table:
        _check_row_count(source, table, options, 3)
        with pytest.raises(InputError, match=r"the input has 3 data rows"):
            _check_row_count(source, table, options, 2)
        plan, _ = _plan(table, options, "xlsx")
        with pytest.raises(InputError, match=r"stopped after reading 2 data rows"):
            list(_read_batches(table.rows, dataclasses.replace(plan, row_limit=1), False, _Tally(), 2))


def test_a_wrong_column_in_a_workbook_lists_the_columns_of_the_sheet_that_would_be_read(tmp_path: Path) -> None:
    """A user test: --column 研究題目 in a workbook whose first sheet is 記入要領 listed that sheet's one 'column'. The
    error now lists the columns of the first visible sheet with a title column; when no sheet has one, each visible
    sheet's first columns. The Japanese text says 非表示, not (hidden)."""
    src = tmp_path / "call.xlsx"
    header = ["申請番号", "研究課題名", "研究代表者", "申請額"]
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "記入要領"
    for line in (["記入要領"], ["1. 研究課題名は40字以内"]):
        notes.append(line)
    hidden = workbook.create_sheet("集計")
    hidden.append(["区分", "件数"])
    hidden.sheet_state = "hidden"
    data = workbook.create_sheet("応募一覧")
    for row in (["令和7年度 応募課題一覧"], ["（学内締切 5月9日）"], header, ["A1", "量子センサ", "山田", 5247]):
        data.append(row)
    data.merge_cells("A1:D1")
    data.merge_cells("A2:D2")
    workbook.save(src)
    out = tmp_path / "out.csv"
    with pytest.raises(InputError) as info:
        run(tmp_path, input=str(src), output=str(out), column="研究題目")
    error = info.value
    listed = ", ".join(f"{i}:{name!r}" for i, name in enumerate(header, 1))
    for text in (error.message, error.text("ja")):
        assert f"{listed}（" in text or f"{listed} (" in text  # the data sheet's columns, found below its banner
        assert "'応募一覧'" in text and "1:'記入要領'（" not in text and "1:'記入要領' (" not in text
    assert "2:'集計' (hidden)" in error.message
    assert "2:'集計'（非表示）" in error.text("ja") and "(hidden)" not in error.text("ja")
    assert "列 '研究題目' のある" in error.text("ja")
    assert not out.exists()
    # No sheet with a title column: every visible sheet's columns, briefly; a hidden sheet's are not listed
    del workbook["応募一覧"]
    other = workbook.create_sheet("名簿")
    other.append(["No", "氏名", "所属", "職名", "電話", "メール", "備考", "区分"])
    workbook.save(src)
    for column in ("研究題目", None):
        with pytest.raises(InputError) as info:
            run(tmp_path, input=str(src), output=str(out), column=column)
        for text, more in ((info.value.message, "… (8 columns)"), (info.value.text("ja"), "…（全 8 列）")):
            assert "1:'記入要領'" in text.split("sheets:" if "sheets:" in text else "シート:")[1]
            assert "1:'No', 2:'氏名', 3:'所属', 4:'職名', 5:'電話', 6:'メール'" in text and more in text
            assert "'区分'" not in text and "'件数'" not in text


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_stdin_to_xlsx_keeps_every_row(tmp_path: Path, fmt: str) -> None:
    """A review found `screen - -o out.xlsx < big.csv` writing 196 of 5,000 rows (and 0 of a JSONL file), exit 0: the
    xlsx row count read the spooled input through a handle that shared the table's file offset. Every handle of a
    spool now has a position of its own."""
    rows = [[f"A-{i:05d}", f"{ROWS_JA[i % len(ROWS_JA)][1]} 第{i}報", "x" * 30] for i in range(5_000)]
    if fmt == "csv":
        buffer = io.StringIO(newline="")
        csv.writer(buffer).writerows([["課題番号", "研究課題名", "備考"], *rows])
        data = buffer.getvalue().encode("utf-8")
    else:
        data = "".join(json.dumps({"課題番号": a, "研究課題名": b, "備考": c}, ensure_ascii=False) + "\n"
                       for a, b, c in rows).encode("utf-8")  # fmt: skip
    assert len(data) > 100_000  # many read buffers
    out = tmp_path / "out.xlsx"
    summary = screen(ScreenOptions(input="-", output=str(out), input_fmt=fmt), fake_factory, stdin=io.BytesIO(data))
    written = read_xlsx(out)
    assert summary.rows_read == summary.rows_written == len(rows) == len(written) - 1
    assert [r[:3] for r in written[1:]] == rows
    assert not summary.problems


def test_a_jsonl_line_nested_too_deeply_is_a_bad_line(tmp_path: Path) -> None:
    """JSON nested deeper than the parser goes raised RecursionError through the reader: a traceback and no output
    (a review). It is one bad line, kept and marked, as any other line that is no JSON object."""
    src = tmp_path / "in.jsonl"
    src.write_text('{"title": "quantum"}\n{"title": ' + "[" * 100_000 + "]" * 100_000 + '}\n{"title": "ocean"}\n',
                   encoding="utf-8")  # fmt: skip
    summary = run(tmp_path, input=str(src), output=str(tmp_path / "out.jsonl"))
    assert summary.rows_read == 3 and summary.problems == {"bad_jsonl_line": 1}
    assert [(r["row"], r["verdict"]) for r in read_jsonl(tmp_path / "out.jsonl")] == [
        (1, "strategic"), (2, "error"), (3, "emerging")]


def test_the_summary_counts_the_workers_started(tmp_path: Path) -> None:
    """An input of one batch is classified in process whatever --jobs says: the summary said 2 jobs for it (a
    review), where no worker was started."""
    src = tmp_path / "in.csv"
    write_csv(src, ["title"], [["quantum"], ["ocean"]], "utf-8")
    summary = screen(ScreenOptions(input=str(src), output=str(tmp_path / "o.csv"), jobs=2), fake_factory)
    assert summary.jobs == 1


def test_a_list_of_titles_with_no_header_row_is_read_whole_with_no_header(tmp_path: Path) -> None:
    """A plain list of titles, one a line (as collaborators send them): its first title was read as the column name
    and never screened, with --column 1 as the error's hint said (a user test). --no-header reads every line as data
    and names the column column_1."""
    titles = ["Large language models for code vulnerability detection", "quantum sensing", "Medieval poetry"]
    src = tmp_path / "list.csv"
    src.write_text("\n".join(titles) + "\n", encoding="utf-8")
    summary = run(tmp_path, input=str(src), output=str(tmp_path / "out.csv"), no_header=True)
    assert summary.rows_read == 3 and summary.title_column == "column_1"
    assert not summary.title_column_detected  # taken as the only column, not found by its name (a review)
    header, *rows = read_csv(tmp_path / "out.csv")
    assert header[:2] == ["column_1", "dc_verdict"]
    assert [r[0] for r in rows] == titles and rows[1][1] == "strategic"
    summary = run(tmp_path, input=str(src), output=str(tmp_path / "out.jsonl"), no_header=True)
    assert [(r["row"], r["fields"]["column_1"]) for r in read_jsonl(tmp_path / "out.jsonl")] == [
        (1, titles[0]), (2, titles[1]), (3, titles[2])]


def test_no_header_in_a_workbook_keeps_the_first_rows_cells_and_takes_the_title_column_by_number(tmp_path: Path
                                                                                                ) -> None:  # fmt: skip
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([101, "量子センサの開発"])
    sheet.append([102, "源氏物語の研究"])
    src = tmp_path / "list.xlsx"
    book.save(src)
    with pytest.raises(UsageError, match="--no-header: the input has 2 columns"):
        run(tmp_path, input=str(src), output=str(tmp_path / "o.xlsx"), no_header=True)
    summary = run(tmp_path, input=str(src), output=str(tmp_path / "o.xlsx"), no_header=True, column="2")
    assert summary.rows_read == 2 and summary.verdicts.get("strategic") == 1
    got = list(openpyxl.load_workbook(tmp_path / "o.xlsx").active.iter_rows(values_only=True))
    assert got[0][:3] == ("column_1", "column_2", "dc_verdict")
    assert got[1][:3] == (101, "量子センサの開発", "strategic")  # the number stays a number


def test_no_header_is_refused_with_header_row_or_jsonl(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("quantum\n", encoding="utf-8")
    with pytest.raises(UsageError, match="contradict"):
        run(tmp_path, input=str(src), output=str(tmp_path / "o.csv"), no_header=True, header_row=2)
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text('{"title": "quantum"}\n', encoding="utf-8")
    with pytest.raises(UsageError, match="JSONL has no header row"):
        run(tmp_path, input=str(jsonl), output=str(tmp_path / "o.csv"), no_header=True)


def test_no_header_skips_blank_rows_before_the_first_title(tmp_path: Path) -> None:
    """A blank first row was an error naming --header-row, an option not given (a review): blank rows before the
    first title are skipped, in a text file and in a workbook; a row below the first is never taken for a header."""
    src = tmp_path / "list.csv"
    src.write_text("\n\nquantum sensing\n研究課題名\nMedieval poetry\n", encoding="utf-8")
    summary = run(tmp_path, input=str(src), output=str(tmp_path / "out.csv"), no_header=True)
    assert summary.rows_read == 3 and summary.header_row is None
    assert [r[0] for r in read_csv(tmp_path / "out.csv")] == ["column_1", "quantum sensing", "研究課題名",
                                                               "Medieval poetry"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([])
    sheet.append(["quantum sensing"])
    sheet.append(["Medieval poetry"])
    xlsx = tmp_path / "list.xlsx"
    book.save(xlsx)
    summary = run(tmp_path, input=str(xlsx), output=str(tmp_path / "out2.csv"), no_header=True)
    assert summary.rows_read == 2 and summary.verdicts.get("strategic") == 1


@pytest.mark.skipif(not hasattr(__import__("signal"), "pthread_sigmask"), reason="POSIX signal masks")
@pytest.mark.parametrize("to", ["this thread", "the process"])
def test_a_second_interrupt_while_the_workers_stop_leaves_no_running_pool(to: str) -> None:
    """A terminal's Ctrl-C (and `timeout`'s SIGINT) reaches the whole process group, so the run may get a second one
    while it stops its workers. That second one came inside the joins, the pool stayed 'running', and at exit its
    __del__ wrote to a closed queue and printed a traceback (a user test: 2 runs in 36). Now the pool is marked
    stopped first, and the signal waits until every worker is killed: sent to this thread, which blocks it, or to
    the process, where another thread that does not block it (the progress bar's refresh thread) takes it and Python
    runs the handler in this thread all the same."""
    import os
    import signal
    import threading
    import time
    from multiprocessing import pool as mp_pool

    from domaincheck.screen import _abandon

    events: list[str] = []

    class Handler:
        _state = mp_pool.RUN

        def join(self, timeout: float) -> None:
            # the second Ctrl-C, while the worker handler is joined
            if to == "this thread":
                signal.pthread_kill(threading.get_ident(), signal.SIGINT)
            else:
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.05)  # the other thread takes it; this one runs the handler at its next step
            events.append("handler joined")

    class Worker:
        def kill(self) -> None:
            events.append("worker killed")

        def join(self, timeout: float) -> None:
            pass

    class Finalizer:
        def cancel(self) -> None:
            events.append("finalizer cancelled")

    class Pool:
        _state = mp_pool.RUN
        _worker_handler = Handler()
        _pool: ClassVar[list[Worker]] = [Worker(), Worker()]
        _terminate = Finalizer()

    pool = Pool()
    # Ctrl-C as a run has it (an earlier test may have left SIGINT ignored, as a worker's initializer sets it)
    handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    mask = signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    done = threading.Event()
    other = threading.Thread(target=done.wait)  # started with SIGINT unblocked, as a progress bar's thread is
    other.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            _abandon(pool)
    finally:
        done.set()
        other.join()
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        signal.signal(signal.SIGINT, handler)
    assert pool._state == mp_pool.TERMINATE
    assert events == ["finalizer cancelled", "handler joined", "worker killed", "worker killed"]


def test_a_templates_numbered_rows_not_filled_in_are_no_proposals(tmp_path: Path) -> None:
    """A template numbered in advance (No 1–200, 30 filled in) gave 170 empty_title errors and a warning on every
    --fail-on run (a user test). A row with no title and nothing but a number is unfilled_row: not classified, not
    among the rows with problems nor the rows --fail-on could not judge; a row with a number and anything else (a
    name, a budget) is still a proposal whose title is missing."""
    from domaincheck.render import unjudged_rows

    src = tmp_path / "in.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["No", "研究課題名", "研究代表者", "申請額"])
    book.active.append([1, "量子センサの開発", "山田", 1000])
    book.active.append([2, None, None, None])  # numbered, not filled in
    book.active.append(["3", "", "", ""])  # the number as text
    book.active.append([4, None, "佐藤", None])  # a proposal whose title is missing
    book.active.append([5, None, None, 1500000])
    book.active.append([None, None, None, 7])  # a number in another column: a budget, a proposal's
    book.save(src)
    out = tmp_path / "out.csv"
    summary = run(tmp_path, input=str(src), output=str(out))
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["No"], r["dc_verdict"], r["dc_problem"]) for r in rows] == [
        ("1", "strategic", ""), ("2", "error", "unfilled_row"), ("3", "error", "unfilled_row"),
        ("4", "error", "empty_title"), ("5", "error", "empty_title"), ("", "error", "empty_title")]
    assert summary.problems == {"unfilled_row": 2, "empty_title": 3}
    assert summary.rows_with_problems == 3
    assert unjudged_rows(summary) == 3
    # an id and a title alone, or JSONL records, are proposals whose title is missing (a review)
    two = tmp_path / "two.csv"
    write_csv(two, ["申請番号", "研究課題名"], [["2025001", "量子センサの開発"], ["2025002", ""]], "utf-8")
    assert run(tmp_path, input=str(two), output=str(tmp_path / "two_out.csv")).problems == {"empty_title": 1}
    records = tmp_path / "in.jsonl"
    records.write_text('{"id": 1, "title": "量子センサ", "pi": "山田"}\n{"id": 2, "title": "", "pi": null}\n',
                       encoding="utf-8")
    assert run(tmp_path, input=str(records), output=str(tmp_path / "out.jsonl")).problems == {"empty_title": 1}
    # a text file's template row that ends early (no commas for its empty cells) is not counted short as well
    short = tmp_path / "short.csv"
    short.write_text("No,研究課題名,代表者\n1,量子センサの開発,山田\n2\n", encoding="utf-8")
    assert run(tmp_path, input=str(short), output=str(tmp_path / "short_out.csv")).problems == {"unfilled_row": 1}


def test_a_totals_row_is_no_proposal(tmp_path: Path) -> None:
    """A 合計 row at the foot of an export (no title, a label and sums) was an empty_title error and a warning on every
    --fail-on run (a program officer's user test): it is totals_row, not classified, not among the rows with
    problems nor those --fail-on could not judge; a label beside a text is still a proposal whose title is missing."""
    from domaincheck.render import unjudged_rows

    src = tmp_path / "in.csv"
    write_csv(src, ["受付番号", "研究課題名", "費目", "申請額"],
              [["1", "量子センサの開発", "", "1000"], ["合計", "", "", "3,000,000"], ["", "", "Total", "12.5%"],
               ["", "合計", "", "3,500,000"],  # the label in the title column
               ["計", "", "佐藤", "500"], ["2", "", "合計", "2,000,000"]], "utf-8")  # a number first: a proposal's
    out = tmp_path / "out.csv"
    summary = run(tmp_path, input=str(src), output=str(out))
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["受付番号"], r["dc_verdict"], r["dc_problem"]) for r in rows] == [
        ("1", "strategic", ""), ("合計", "error", "totals_row"), ("", "error", "totals_row"),
        ("", "error", "totals_row"), ("計", "error", "empty_title"), ("2", "error", "empty_title")]
    assert summary.problems == {"totals_row": 3, "empty_title": 2}
    assert summary.rows_with_problems == 2 and unjudged_rows(summary) == 2


def test_a_totals_row_whose_sum_is_an_unevaluated_formula_is_no_proposal(tmp_path: Path) -> None:
    """A workbook a program wrote (no saved values) ended with 合計 | =SUM(D2:D3): an empty_title error, among the rows
    with problems (a user test). A sum that is a formula is a totals row's sum."""
    src = tmp_path / "in.xlsx"
    book = openpyxl.Workbook()
    for row in (["受付番号", "研究課題名", "代表者", "申請額"], [1, "量子センサの開発", "山田", 1000],
                [2, "海洋観測", "佐藤", 2000], ["合計", None, None, "=SUM(D2:D3)"]):
        book.active.append(row)
    book.save(src)
    out = tmp_path / "out.jsonl"
    summary = run(tmp_path, input=str(src), output=str(out))
    assert [r["problem"] for r in read_jsonl(out)] == [None, None, "totals_row"]
    assert summary.rows_with_problems == 0


def test_a_note_under_the_list_is_no_proposal(tmp_path: Path) -> None:
    """An office's user test: 以下余白, 以上, ※取り下げ課題を含む and （注）金額は千円単位 under an export's list were
    four proposals with no area. A row with one cell filled in, holding such a note (in any column), is note_row: not
    classified, not among the rows with problems nor those --fail-on could not judge. A proposal whose title starts
    with ※ beside its other cells, and a one-column table's rows, are proposals."""
    from domaincheck.render import unjudged_rows

    src = tmp_path / "in.csv"
    write_csv(src, ["No", "研究課題名", "代表者"],
              [["1", "量子センサの開発", "山田"], ["", "以下余白", ""], ["", "以上", ""],
               ["", "※取り下げ課題を含む", ""], ["", "（注）金額は千円単位", ""], ["※この一覧は内部資料です", "", ""],
               ["2", "※印の課題は量子暗号", "鈴木"], ["3", "", "佐藤"],
               # a review: titles that start as notes do (（注…, *), alone in their rows, are proposals
               ["", "（注射剤）の新規製剤技術とAI創薬", ""], ["", "*量子コンピュータ", ""],
               # a user test: a proposal alone in its row, its title after a note's mark, was hidden from --fail-on
               ["", "※継続 量子暗号通信の研究", ""], ["", "※再申請 中世荘園の研究", ""],
               # a review: notes about the list that name a field are notes still
               ["", "※AI関連の課題は別紙参照", ""], ["", "（注）半導体分野の課題を含む", ""]], "utf-8")  # fmt: skip
    out = tmp_path / "out.csv"
    summary = run(tmp_path, input=str(src), output=str(out))
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["研究課題名"] or r["No"], r["dc_verdict"], r["dc_problem"]) for r in rows] == [
        ("量子センサの開発", "strategic", ""), ("以下余白", "error", "note_row"), ("以上", "error", "note_row"),
        ("※取り下げ課題を含む", "error", "note_row"), ("（注）金額は千円単位", "error", "note_row"),
        ("※この一覧は内部資料です", "error", "note_row"), ("※印の課題は量子暗号", "strategic", ""),
        ("3", "error", "empty_title"), ("（注射剤）の新規製剤技術とAI創薬", "strategic", ""),
        ("*量子コンピュータ", "strategic", ""), ("※継続 量子暗号通信の研究", "strategic", ""),
        ("※再申請 中世荘園の研究", "error", "note_row"),  # naming no area, it cannot be told from a note
        ("※AI関連の課題は別紙参照", "error", "note_row"), ("（注）半導体分野の課題を含む", "error", "note_row")]
    assert summary.problems == {"note_row": 8, "empty_title": 1}
    assert summary.verdicts == {"strategic": 5, "emerging": 0, "econsec_only": 0, "none": 0, "error": 9}
    assert summary.rows_with_problems == 1 and unjudged_rows(summary) == 1
    write_csv(src, ["研究課題名"], [["量子センサの開発"], ["※量子暗号の研究"]], "utf-8")  # one column: titles
    summary = run(tmp_path, input=str(src), output=str(out))
    assert summary.problems == {} and summary.verdicts["strategic"] == 2


def test_jsonl_evidence_offsets_point_into_what_was_classified_when_a_guard_is_dropped(tmp_path: Path) -> None:
    """A title with the ' of a formula guard before it ('=…) is classified without it, and the evidence offsets
    were one character off the title (a data engineer's user test): `text` gives what was classified."""
    from domaincheck import Classifier

    src = tmp_path / "in.csv"
    write_csv(src, ["title"], [["'=already 量子コンピュータ"], ["量子センサ"]], "utf-8")
    out = tmp_path / "out.jsonl"
    screen(ScreenOptions(input=str(src), output=str(out), jobs=1), Classifier.load)
    first, second = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert first["title"] == "'=already 量子コンピュータ" and first["text"] == "=already 量子コンピュータ"
    assert "text" not in second  # the cell is what was classified
    for record in (first, second):
        text = record.get("text", record["title"])
        spans = [(e["text"], text[e["start"]:e["end"]]) for a in record["areas"] for e in a["evidence"]]
        assert spans and all(a == b for a, b in spans), spans


@pytest.mark.parametrize("damage", [b"\xe3\x81", b"\xff\xfe"])
def test_utf8_with_a_broken_byte_is_refused_not_read_as_cp932_mojibake(tmp_path: Path, damage: bytes) -> None:
    """A small UTF-8 file with a character cut in two (or stray bytes) decoded as CP932 and was screened as
    mojibake, exit 0 (a data engineer's user test): it is an error naming the line, UTF-8 with invalid bytes there
    (0xff, which CP932 does not read either, was "neither UTF-8 nor CP932" until a review found a line of UTF-8
    with a character cut, read by CP932 and failing later, said to be CP932 lines and then UTF-8); a CP932 file
    with half-width katakana is still CP932."""
    src = tmp_path / "in.csv"
    src.write_bytes("title\n量子センサの開発\n".encode() + b"AI" + damage + "による創薬\n".encode())
    with pytest.raises(InputError, match=r"UTF-8 text with invalid bytes at line 3"):
        run(tmp_path, input=str(src), output=str(tmp_path / "out.csv"))
    src.write_bytes("title\nｻｲﾊﾞｰｾｷｭﾘﾃｨ演習\nﾃﾞｰﾀ解析ﾂｰﾙ\n量子コンピュータ\n".encode("cp932"))
    assert run(tmp_path, input=str(src), output=str(tmp_path / "out.csv")).encoding == "cp932"


def test_a_dos_end_of_file_mark_is_no_row(tmp_path: Path) -> None:
    """Old Shift_JIS systems end a file with Ctrl-Z (0x1A): it was read as a row with no title (a program officer's
    user test); the rows before it are all read."""
    for marks in (b"\x1a", b"\x1a\x1a\x1a\x1a"):  # one mark, or a sector padded with them (a review)
        src = tmp_path / "in.csv"
        src.write_bytes("研究課題名,番号\r\n量子センサ,1\r\n海洋観測,2\r\n".encode("cp932") + marks)
        out = tmp_path / "out.csv"
        summary = run(tmp_path, input=str(src), output=str(out))
        assert summary.rows_read == 2 and summary.problems == {}
        with out.open(encoding="utf-8-sig", newline="") as fh:
            assert [r["番号"] for r in csv.DictReader(fh)] == ["1", "2"]
    records = tmp_path / "in.jsonl"  # JSONL too: no bad_jsonl_line
    records.write_bytes('{"title": "量子センサ"}\r\n'.encode() + b"\x1a")
    summary = run(tmp_path, input=str(records), output=str(tmp_path / "out.jsonl"))
    assert summary.rows_read == 1 and summary.problems == {}
    # the mark right after the last record, with no line break: not part of its last cell (a user test)

    def screened(data: bytes, read: str, **options: Any) -> tuple[Summary, list[str]]:
        """Screen ``data``; the summary and the output's cells of the column ``read``."""
        src.write_bytes(data)
        summary = run(tmp_path, input=str(src), output=str(out), **options)
        with out.open(encoding="utf-8-sig", newline="") as fh:
            return summary, [r[read] for r in csv.DictReader(fh)]

    summary, cells = screened("研究課題名,番号\r\n量子センサ,1\r\n海洋観測,2".encode("cp932") + b"\x1a", "番号")
    assert cells == ["1", "2"] and summary.rows_read == 2
    records.write_bytes('{"title": "量子センサ"}\r\n{"title": "海洋観測"}'.encode() + b"\x1a")
    summary = run(tmp_path, input=str(records), output=str(tmp_path / "out.jsonl"))
    assert summary.rows_read == 2 and summary.problems == {}
    # nor of a quoted last cell; a mark inside a line is data, kept (a review)
    summary, cells = screened("研究課題名,番号\r\n量子センサ,a\x1a\r\n海洋観測,\"2\"".encode("cp932") + b"\x1a", "番号")
    assert cells == ["a\x1a", "2"] and summary.problems == {}
    # a header alone with the mark after it is a header with no rows; so is one whose first row names no title
    # column and whose title column is looked for below it (--column 2, the read-ahead)
    assert screened("研究課題名".encode("cp932") + b"\x1a", "研究課題名")[0].rows_read == 0
    summary, cells = screened("番号,課題,備考\r\n1,量子センサ,memo".encode("cp932") + b"\x1a", "備考", column="2")
    assert cells == ["memo"] and summary.problems == {}
    # a file of marks alone is empty: no header named '\x1a'
    src.write_bytes(b"\x1a")
    with pytest.raises(InputError, match=r"the input is empty \(no header row\)"):
        run(tmp_path, input=str(src), output=str(tmp_path / "none.csv"))


def test_jsonl_keywords_in_a_list_are_read(tmp_path: Path) -> None:
    """An agency's JSON export keeps keywords as a list: --extra-column left them out unsaid (a program officer's
    user test); a list's or an object's texts are read as the cell's."""
    src = tmp_path / "in.jsonl"
    src.write_text('{"title": "政策の研究", "kw": ["量子", "暗号"]}\n{"title": "政策の研究", "kw": {"ja": ["海洋"]}}\n'
                   '{"title": "政策の研究", "kw": []}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run(tmp_path, input=str(src), output=str(out), extra_columns=("kw",))
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [([a["id"] for a in r["areas"]], [e["id"] for e in r["econsec"]]) for r in rows] == [
        (["quantum"], ["cryptography"]), (["ocean"], []), ([], [])]
    assert rows[0]["fields"]["kw"] == ["量子", "暗号"]  # the original field kept as it was


@pytest.mark.parametrize(("content", "said"), [
    (b"%PDF-1.4\n" + bytes(range(256)) * 20, "this is a PDF document, not a text file"),
    (bytes(range(256)) * 20, "this is not a text file (it holds binary data)"),
    (bytes((i * 7919) % 251 for i in range(5000)), "this is not a text file (it holds binary data)")])
def test_a_binary_file_named_csv_is_said_to_be_no_text(tmp_path: Path, content: bytes, said: str) -> None:
    """Random or compressed bytes named .csv were told to try --encoding utf-16-le or euc-jp (a user test); UTF-16
    text without a byte-order mark still is."""
    src = tmp_path / "in.csv"
    src.write_bytes(content)
    with pytest.raises(InputError) as info:
        run(tmp_path, input=str(src), output=str(tmp_path / "out.csv"))
    assert said in str(info.value)
    # UTF-16 text with a full-width space (a review found it called binary)
    src.write_bytes("研究課題名,代表者\n量子センサの開発,山田\u3000太郎\n".encode("utf-16-le") * 20)
    with pytest.raises(InputError) as info:
        run(tmp_path, input=str(src), output=str(tmp_path / "out.csv"))
    assert "not a text file" not in str(info.value) and "utf-16" in (info.value.hint or "")


def _screen_merged(tmp_path: Path, suffix: str, rows: list[list[Any]], *merged: str
                   ) -> tuple[Path, Summary, list[list[str]]]:  # fmt: skip
    """Write ``rows`` (a header, its sub-headings, data) as a workbook with each range of cells ``merged`` merged, or
    as CSV; screen it to CSV: the input, the summary and the output's records."""
    src = tmp_path / f"in{suffix}"
    if suffix == ".xlsx":
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        for cells in merged:
            book.active.merge_cells(cells)
        book.save(src)
    else:
        write_csv(src, [str(c or "") for c in rows[0]], [[str(c or "") for c in r] for r in rows[1:]], "utf-8")
    out = tmp_path / "out.csv"
    summary = run(tmp_path, input=str(src), output=str(out))
    with out.open(encoding="utf-8-sig", newline="") as fh:
        return src, summary, list(csv.reader(fh))


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_language_subheadings_under_a_merged_heading_join_the_column_names(tmp_path: Path, suffix: str) -> None:
    """研究課題名 merged over 和文 and 英文 (a university form): the sub-heading row was screened as a proposal
    (title_not_text, in every --fail-on warning) and the English column, named by nothing, never read for an empty
    Japanese title (a user test). Its labels join the column names, and the rows after it are read."""
    rows = [["No", "研究課題名", None, "代表者"], [None, "和文", "英文", None],
            [1, "量子センサの開発", "Quantum sensors", "山田"], [2, None, "ocean observation buoys", "佐藤"]]
    src, summary, records = _screen_merged(tmp_path, suffix, rows, "B1:C1")
    assert records[0][:4] == ["No", "研究課題名", "研究課題名（英文）", "代表者"]
    assert [r[:4] for r in records[1:]] == [["1", "量子センサの開発", "Quantum sensors", "山田"],
                                            ["2", "", "ocean observation buoys", "佐藤"]]
    problem = records[0].index("dc_problem")
    assert [r[problem] for r in records[1:]] == ["", "title_from_other_column"]
    assert summary.rows_read == 2 and summary.subheading_row == 1
    assert summary.title_column == "研究課題名" and summary.title_column_other_language == "研究課題名（英文）"
    # the name given to --column finds its column as before
    again = run(tmp_path, input=str(src), output=str(tmp_path / "again.csv"), column="研究課題名")
    assert again.title_column == "研究課題名" and again.subheading_row == 1


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_subheadings_under_another_merged_heading_join_the_column_names(tmp_path: Path, suffix: str) -> None:
    """研究代表者 merged over 氏名 and 所属: the row of sub-headings was screened as a proposal with an empty title,
    and the column under the merge had no name (a user test). The labels join the column names; every data row is
    read, in order, with its cells."""
    rows = [["No", "研究課題名", "研究代表者", None], [None, None, "氏名", "所属"],
            [1, "量子暗号通信の実装", "山田", "東大"], [2, "中世文学の研究", "佐藤", "京大"]]
    _, summary, records = _screen_merged(tmp_path, suffix, rows, "C1:D1")
    assert records[0][:4] == ["No", "研究課題名", "研究代表者（氏名）", "研究代表者（所属）"]
    assert [r[:4] for r in records[1:]] == [[str(c) for c in r] for r in rows[2:]]
    verdict = records[0].index("dc_verdict")
    assert [r[verdict] for r in records[1:]] == ["strategic", "none"]
    assert summary.rows_read == 2 and summary.subheading_row == 1 and not summary.problems


def test_a_heading_merged_over_the_last_columns_spans_them(tmp_path: Path) -> None:
    """研究代表者 merged over C1:D1, the sheet's last columns, with no sub-heading row: the header ended at its last
    name, so every row was long_row and its last cell moved past the result columns (a third user test). The merge
    spans the columns: each row is read whole, in place, under a column without a name of its own."""
    rows = [["No", "研究課題名", "研究代表者", None], [1, "量子暗号通信の実装", "山田", "東大"],
            [2, "海洋観測", "佐藤", "京大"]]
    _, summary, records = _screen_merged(tmp_path, ".xlsx", rows, "C1:D1")
    assert records[0][:5] == ["No", "研究課題名", "研究代表者", "", "dc_verdict"]
    assert [r[:5] for r in records[1:]] == [["1", "量子暗号通信の実装", "山田", "東大", "strategic"],
                                            ["2", "海洋観測", "佐藤", "京大", "emerging"]]
    assert summary.rows_read == 2 and not summary.problems


def test_cells_merged_down_over_data_rows_are_read_in_each(tmp_path: Path) -> None:
    """A project's number and title merged down over the rows of its co-investigators: the second row was an
    error, empty_title, and a filter on the verdict dropped it (a fourth user test). The merged value is read in each
    row of the merge that holds anything else; a row that holds only the merge stays blank."""
    rows = [["課題番号", "研究課題名", "分担者"], ["A-1", "量子暗号通信の実証", "山田"], [None, None, "佐藤"],
            ["A-2", "海洋観測ブイ", "鈴木"], [None, None, None], ["A-3", None, "田中"]]
    _, summary, records = _screen_merged(tmp_path, ".xlsx", rows, "A2:A3", "B2:B3", "B4:B5")
    verdict = records[0].index("dc_verdict")
    assert [[*r[:3], r[verdict]] for r in records[1:]] == [
        ["A-1", "量子暗号通信の実証", "山田", "strategic"], ["A-1", "量子暗号通信の実証", "佐藤", "strategic"],
        ["A-2", "海洋観測ブイ", "鈴木", "emerging"], ["A-3", "", "田中", "error"]]
    assert summary.rows_read == 4 and summary.problems == {"empty_title": 1}


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_subheadings_of_both_kinds_in_one_row_join_the_column_names(tmp_path: Path, suffix: str) -> None:
    """研究課題名 over 和文 and 英文 beside 研究代表者 over 氏名 and 所属, and 研究期間 over 開始 and 終了, in one row:
    the row was screened as a proposal, its cells past the header a long row (a third user test)."""
    rows = [["No", "研究課題名", None, "研究代表者", None, "研究期間", None],
            [None, "和文", "英文", "氏名", "所属", "開始", "終了"],
            [1, "量子暗号通信の実装", "Quantum key distribution", "山田", "東大", "2026-04", "2029-03"],
            [2, None, "ocean observation buoys", "佐藤", "京大", "2026-04", "2028-03"]]
    _, summary, records = _screen_merged(tmp_path, suffix, rows, "B1:C1", "D1:E1", "F1:G1")
    assert records[0][:7] == ["No", "研究課題名", "研究課題名（英文）", "研究代表者（氏名）", "研究代表者（所属）",
                              "研究期間（開始）", "研究期間（終了）"]
    assert [r[:7] for r in records[1:]] == [["" if c is None else str(c) for c in r] for r in rows[2:]]
    verdict = records[0].index("dc_verdict")
    assert [r[verdict] for r in records[1:]] == ["strategic", "emerging"]
    assert summary.rows_read == 2 and summary.subheading_row == 1
    assert summary.problems == {"title_from_other_column": 1}


def test_a_title_formula_of_text_literals_is_computed(tmp_path: Path) -> None:
    """="量子"&"暗号通信" in a workbook saved without its value was formula_not_evaluated, while its output, holding the
    literal's text, was classified when screened again; in a CSV the formula's own text was classified, quotes and
    all (a user test). Text literals alone, joined or not, are computed: the same verdict in every run, the cell
    kept as it was; a formula that refers to anything stays formula_not_evaluated."""
    src = tmp_path / "in.xlsx"
    book = openpyxl.Workbook()
    for row in (["No", "研究課題名"], [1, '="量子"&"暗号通信の実証"'], [2, '="量子暗号"'], [3, '=A1&"量子"'],
                [4, '="She said ""量子"""'],
                # literals joined to a call or a cell, which were classified by the literals' text (a third user test)
                [5, '="量子"&CHAR(10)&"暗号"'], [6, '="核融合"&A1'], [7, '="量子" & T(A2)']):
        book.active.append(row)
    book.save(src)  # openpyxl saves formulas without values, as programs that write workbooks do
    first, second = tmp_path / "first.xlsx", tmp_path / "second.jsonl"
    run(tmp_path, input=str(src), output=str(first))
    run(tmp_path, input=str(first), output=str(second))
    out = tmp_path / "out.jsonl"
    run(tmp_path, input=str(src), output=str(out))
    for records in (read_jsonl(out), read_jsonl(second)):
        assert [(r["verdict"], r["problem"]) for r in records] == [
            ("strategic", None), ("strategic", None), ("error", "formula_not_evaluated"), ("strategic", None),
            *[("error", "formula_not_evaluated")] * 3]
    assert read_jsonl(out)[0]["text"] == "量子暗号通信の実証" and read_jsonl(out)[3]["text"] == 'She said "量子"'
    assert read_jsonl(out)[0]["fields"]["研究課題名"] == '="量子"&"暗号通信の実証"'  # the cell as it was
    # a row whose only cell is such a formula is no blank row (a review found it skipped)
    alone = tmp_path / "alone.xlsx"
    book = openpyxl.Workbook()
    for row in (["研究課題名", "代表者"], ['="量子センサ"', None], ["海洋観測", "佐藤"]):
        book.active.append(row)
    book.save(alone)
    run(tmp_path, input=str(alone), output=str(tmp_path / "alone.jsonl"))
    assert [(r["verdict"], r.get("text")) for r in read_jsonl(tmp_path / "alone.jsonl")] == [
        ("strategic", "量子センサ"), ("emerging", None)]
    csv_src = tmp_path / "in.csv"
    write_csv(csv_src, ["title"], [['="半導体"&"露光装置の量子制御"'], ['=A1&"量子"'], ['="核融合"&A1']], "utf-8")
    run(tmp_path, input=str(csv_src), output=str(tmp_path / "c.jsonl"))
    records = read_jsonl(tmp_path / "c.jsonl")
    assert [(r["verdict"], r["problem"], r.get("text")) for r in records] == [
        ("strategic", None, "半導体露光装置の量子制御"), *[("error", "formula_not_evaluated", None)] * 2]


def test_a_first_row_with_an_empty_title_under_a_merged_heading_is_a_row(tmp_path: Path) -> None:
    """A first data row whose title is empty, under 研究代表者 merged over two columns, was taken for its sub-headings:
    the row was lost and the columns named after its cells (a review). A name and an institution are no headings."""
    src = tmp_path / "in.csv"
    rows = [["", "山田太郎", "東京大学"], ["量子センサの開発", "佐藤", "京大"]]
    write_csv(src, ["研究課題名", "研究代表者", ""], rows, "utf-8")
    out = tmp_path / "out.jsonl"
    summary = run(tmp_path, input=str(src), output=str(out))
    assert summary.rows_read == 2 and summary.subheading_row is None
    assert [(r["problem"], r["fields"]["研究代表者"]) for r in read_jsonl(out)] == [("empty_title", "山田太郎"),
                                                                                 (None, "佐藤")]


def test_a_workbooks_formula_title_gives_way_to_the_other_language(tmp_path: Path) -> None:
    """A formula saved without its value in 研究課題名（和文） is no title: the English title beside it is read, as for
    a number or an empty cell there; with no English title the row stays formula_not_evaluated. A row whose values
    are all empty is blank, formulas or not (a template's lookup and numbering formulas: a review)."""
    src = tmp_path / "in.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["研究課題名（和文）", "研究課題名（英文）", "代表者"])
    book.active.append(['=CONCAT("量子","暗号")', "quantum key distribution", "山田"])
    book.active.append(['=VLOOKUP(A2,B:C,2,FALSE)', None, "佐藤"])
    book.active.append(['=IF(C5="","",VLOOKUP(C5,B:C,2,FALSE))', None, None])  # a template's row: blank
    book.save(src)
    out = tmp_path / "out.csv"
    summary = run(tmp_path, input=str(src), output=str(out))
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["dc_verdict"], r["dc_problem"]) for r in rows] == [
        ("strategic", "formula_not_evaluated|title_from_other_column"), ("error", "formula_not_evaluated")]
    assert summary.problems == {"formula_not_evaluated": 2, "title_from_other_column": 1}
    assert summary.rows_read == 2 and summary.blank_rows_skipped == 1
    assert summary.formula_rows_skipped == 1  # said apart: its value may be lost rather than empty (two reviews)
    assert summary.to_dict()["formula_rows_skipped"] == 1


def _terms_classifier() -> Any:
    from domaincheck.classify import Classifier

    return Classifier.load(learned=False)


def test_the_library_reads_lang_as_the_command_line_does(tmp_path: Path) -> None:
    """ScreenOptions.lang: JA or jpn gave English name columns and fr did too, silently (a user test of the library);
    the command line reads the first two as Japanese and refuses the third. The library now does the same, before any
    output is written."""
    src = tmp_path / "in.csv"
    src.write_text("title\nquantum computer\n", encoding="utf-8")
    names = {}
    for lang in ("JA", "jpn", "en", "English"):
        out = tmp_path / f"out-{lang}.csv"
        screen(ScreenOptions(input=str(src), output=str(out), lang=lang, jobs=1), _terms_classifier)
        with out.open(encoding="utf-8-sig", newline="") as fh:
            names[lang] = next(csv.DictReader(fh))["dc_verdict_name"]
    assert names["JA"] == names["jpn"] != names["en"] == names["English"]
    with pytest.raises(UsageError, match="'fr' is neither ja nor en"):
        run(tmp_path, input=str(src), output=str(tmp_path / "fr.csv"), lang="fr")
    assert not (tmp_path / "fr.csv").exists()


def test_a_script_without_the_main_guard_is_told_why_its_workers_stopped(tmp_path: Path) -> None:
    """An eighth user test: a plain script calling screen() with jobs=2 and no `if __name__ == "__main__":` ran
    itself again in every worker (spawned workers import the main module), which failed in bootstrapping, and the
    error said only "a worker process stopped unexpectedly (exit code 1)". The hint names the guard."""
    src = tmp_path / "in.csv"
    write_csv(src, ["title"], [[f"量子コンピュータの研究 {i}"] for i in range(60)], "utf-8")
    script = tmp_path / "noguard.py"
    script.write_text(
        "import functools\n"
        "from domaincheck import Classifier, DomaincheckError\n"
        "from domaincheck.screen import ScreenOptions, screen\n"
        "try:\n"
        f"    screen(ScreenOptions(input={str(src)!r}, output={str(tmp_path / 'out.csv')!r}, jobs=2),\n"
        "           functools.partial(Classifier.load, None), chunk_rows=10)\n"
        "except DomaincheckError as exc:\n"
        "    print('ERROR', exc.message, '|', exc.hint)\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    said = [line for line in proc.stdout.splitlines() if line.startswith("ERROR")]
    assert said and "a worker process stopped unexpectedly (exit code 1)" in said[-1], (proc.stdout, proc.stderr)
    assert 'under `if __name__ == "__main__":`' in said[-1]
    assert not (tmp_path / "out.csv").exists()

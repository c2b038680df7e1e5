"""Japanese line breaking for the terminal (help texts): kinsoku, whole Latin words, folding what cannot fit."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from rich.cells import cell_len

from domaincheck.wrap_ja import break_offsets


def _lines(text: str, width: int) -> list[str]:
    cuts = [0, *break_offsets(text, width), len(text)]
    return [text[a:b] for a, b in itertools.pairwise(cuts)]


@pytest.mark.parametrize(("text", "width", "lines"), [
    # A Latin word stays whole and the Japanese after it fills the line (rich broke after "json ", leaving a short
    # line)
    ("表示の言語（json は両方を含みます）。エラーとヒントもこの言語になります。", 16,
     ["表示の言語（json ", "は両方を含みま", "す）。エラーと", "ヒントもこの言語", "になります。"]),
    # 。and ） never begin a line: the character before them goes down with them
    ("あいうえおかきくけ。こさし", 18, ["あいうえおかきく", "け。こさし"]),
    # and （ never ends one
    ("あいうえおかき（けこ）さし", 16, ["あいうえおかき", "（けこ）さし"]),
    # choices break after a bar, never before one
    ("[strategic|emerging|econsec|any]", 24, ["[strategic|emerging|", "econsec|any]"]),
    # a word wider than the line folds by characters
    ("abcdefghijklmnopqrstuvwxyz", 10, ["abcdefghij", "klmnopqrst", "uvwxyz"]),
    # an amount keeps its digits together: 3,000万 broke after its comma (a user test); a comma after a word breaks
    ("総額は3,000万円程度", 10, ["総額は", "3,000万円", "程度"]),
    ("AI, 量子", 4, ["AI, ", "量子"]),
    ("", 10, [""]),
])  # fmt: skip
def test_japanese_breaks_as_typesetting_does(text: str, width: int, lines: list[str]) -> None:
    assert _lines(text, width) == lines


@given(st.text(alphabet="あいう漢字カナ。、）（「」ab cd-|[]\u200b\u200d\u0301", max_size=60),
       st.integers(min_value=4, max_value=30))
@example(" \u0301（-い", 4)  # zero-width characters: moving a unit down beside a widow overflowed (a review's sweep)
@example("\u200b。（。b\u200dccbう", 4)
def test_every_line_fits_and_nothing_is_lost(text: str, width: int) -> None:
    lines = _lines(text, width)
    assert "".join(lines) == text  # breaks only: no character is dropped or added
    for line in lines:
        assert cell_len(line.rstrip()) <= width, (line, width)  # spaces at a line's end are never shown
    assert all(line.strip() for line in lines[1:])  # a break never leaves a line of nothing but spaces


@pytest.mark.parametrize(("text", "width", "lines"), [
    ("人工知能機械学習", 14, ["人工知能機械", "学習"]),  # not 人工知能機械学 / 習
    ("材料科学技術振興", 14, ["材料科学技術", "振興"]),
    # a katakana word is kept whole (AI・先端ロボット broke as AI・先端ロ / ボット; バイオ・ヘルスケア as バイ /
    # オ・ヘルスケア, a fourth user test), a long one broken after its middle dot
    ("AI・先端ロボット", 14, ["AI・先端", "ロボット"]),
    ("量子コンピュータ", 14, ["量子", "コンピュータ"]),
    ("モビリティ・輸送・港湾ロジスティクス", 34, ["モビリティ・輸送・港湾", "ロジスティクス"]),
    ("バイオ・ヘルスケア", 12, ["バイオ・", "ヘルスケア"]),
    ("ロジスティクスロジスティクス", 12, ["ロジスティク", "スロジスティ", "クス"]),  # wider than the line: folded
    # folded, but not to leave ス alone (a 12-cell column of classify's table: a review), nor begin a line with ッ
    ("モビリティ・輸送・港湾ロジスティクス", 12, ["モビリティ・", "輸送・港湾", "ロジスティ", "クス"]),
    ("ロジスティクス", 12, ["ロジスティ", "クス"]),
    ("コンピューター", 8, ["コン", "ピュー", "ター"]),
    ("量子", 2, ["量", "子"]),  # one character a line is all the width allows
])  # fmt: skip
def test_the_last_line_never_holds_one_japanese_character_alone(text: str, width: int, lines: list[str]) -> None:
    """A name folded to share a table's width left ト of AI・先端ロボット alone on its line (a user test)."""
    offsets = break_offsets(text, width)
    assert [text[a:b] for a, b in zip([0, *offsets], [*offsets, len(text)], strict=True)] == lines


@pytest.mark.parametrize(("text", "keep", "width", "lines"), [
    ("量子関連技術  [394 語、出典71行]", [(8, 22)], 18, ["量子関連技術  ", "[394 語、出典71行]"]),
    ("量子関連技術  [394 語、出典71行]", [], 18, ["量子関連技術  [394 ", "語、出典71行]"]),  # unkept: as any text
    ("ab [1 line, 2]", [(3, 14)], 8, ["ab ", "[1 line,", " 2]"]),  # wider than the line: folded all the same
])  # fmt: skip
def test_a_kept_span_breaks_before_it_not_inside(text: str, keep: list[tuple[int, int]], width: int,
                                                 lines: list[str]) -> None:  # fmt: skip
    offsets = break_offsets(text, width, keep=keep)
    assert [text[a:b] for a, b in zip([0, *offsets], [*offsets, len(text)], strict=True)] == lines


@pytest.mark.parametrize(("text", "width", "lines"), [
    # a katakana word kept whole left （ alone on a line and ） beginning the next (a review): broken as before
    ("領域 fusion（フュージョンエネルギー）", 22, ["領域 fusion（フュー", "ジョンエネルギー）"]),
    # folded: the next line never begins with small kana or ー, even to spare a character alone (a review)
    ("ムーンショット", 6, ["ムーン", "ショッ", "ト"]),
    ("インターフェース", 7, ["イン", "ター", "フェー", "ス"]),
    # a wide character wider than the line: a line each, and the breaking ends (it looped for ever at width 1)
    ("㋐ｱィ", 1, ["㋐", "ｱ", "ィ"]),
])  # fmt: skip
def test_no_line_is_a_lone_bracket_nor_begins_with_small_kana(text: str, width: int, lines: list[str]) -> None:
    offsets = break_offsets(text, width)
    assert [text[a:b] for a, b in zip([0, *offsets], [*offsets, len(text)], strict=True)] == lines

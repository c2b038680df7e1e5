"""The normaliser folds spelling variants identically for titles and terms and maps offsets back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domaincheck.normalize import normalize, normalize_text

CASES = [
    # (input, expected normalised text, why)
    ("ＡＩを活用した", "aiを活用した", "full-width Latin folds to ASCII lower case"),
    ("ｻｲﾊﾞｰｾｷｭﾘﾃｨ", "サイバーセキュリティ", "half-width katakana composes voiced marks"),
    ("コンピューター", "コンピュータ", "word-final long vowel dropped"),
    ("センサーネットワーク", "センサーネットワーク", "long vowel inside a compound kept"),
    ("ヴァイオリン", "バイオリン", "ヴァ folds to バ"),
    ("A I モデル", "aiモデル", "spaced acronym joined, space before Japanese dropped"),
    ("A I S T", "aist", "a chain of single capitals joins"),
    ("A Investigation", "a investigation", "an article before a word is not an acronym"),
    ("Deep-Learning", "deep learning", "hyphen folds to space"),
    ("deep－learning", "deep learning", "full-width hyphen folds to space"),
    ("deep\u2013learning", "deep learning", "en dash folds to space"),
    ("量子・AI", "量子ai", "middle dot between Japanese and Latin dropped"),
    ("ブレイン・コンピュータ", "ブレインコンピュータ", "middle dot inside katakana dropped"),
    ("量子　コンピュータ", "量子コンピュータ", "ideographic space between Japanese dropped"),
    ("  Hello   World  ", "hello world", "runs of spaces collapse and are trimmed"),
    ("（株）ＡＢＣ", "(株)abc", "full-width parentheses fold"),
]


@pytest.mark.parametrize(("raw", "expected", "why"), CASES, ids=[c[2] for c in CASES])
def test_normalize_cases(raw: str, expected: str, why: str) -> None:
    assert normalize_text(raw) == expected, why


@pytest.mark.parametrize("raw", [c[0] for c in CASES])
def test_offsets_point_at_original_characters(raw: str) -> None:
    norm = normalize(raw)
    for i, ch in enumerate(norm.text):
        start, end = norm.span(i, i + 1)
        original = raw[start:end]
        assert original, (raw, i)
        # the original characters normalise to (or compose into) the normalised one
        assert ch in normalize_text(original) or normalize_text(original) == "" or ch in "バビブベボガ", (raw, i, ch)


def test_span_maps_a_term_back_to_what_the_user_typed() -> None:
    raw = "ＡＩを用いたｻｲﾊﾞｰｾｷｭﾘﾃｨ"
    norm = normalize(raw)
    i = norm.text.index("サイバーセキュリティ")
    start, end = norm.span(i, i + len("サイバーセキュリティ"))
    assert raw[start:end] == "ｻｲﾊﾞｰｾｷｭﾘﾃｨ"


@given(st.text(max_size=60))
@settings(max_examples=500, deadline=None)
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


ALPHABET = [*list("AIＡＩaiｶﾞｰヴァ・-量子センサ\u3000 \t"), "ﾃﾞｰﾀ", "コンピューター", "A I "]


@given(st.lists(st.sampled_from(ALPHABET), max_size=20).map("".join))
@settings(max_examples=500, deadline=None)
def test_offsets_are_monotonic_and_in_range(text: str) -> None:
    norm = normalize(text)
    starts = [norm.span(i, i + 1)[0] for i in range(len(norm.text))]
    assert starts == sorted(starts)
    assert all(0 <= s < len(text) for s in starts)
    for i, _ch in enumerate(norm.text):
        s, e = norm.span(i, i + 1)
        assert e > s


@given(st.one_of(st.text(max_size=40), st.lists(st.sampled_from(ALPHABET), max_size=20).map("".join)))
@settings(max_examples=500, deadline=None)
def test_fast_path_agrees_with_reference(text: str) -> None:
    from domaincheck.normalize import _char_map, _normalize_slow

    fast, slow = normalize(text), _normalize_slow(text)
    assert fast.text == slow.text
    for i in range(len(fast.text)):
        f, r = fast.span(i, i + 1)[0], slow.span(i, i + 1)[0]
        assert f == r or _char_map(text[f]) == _char_map(text[r]) == " ", (i, f, r)

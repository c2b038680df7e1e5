"""Compile every taxonomy term once (Aho-Corasick) and find leftmost-longest, non-overlapping spans."""

from __future__ import annotations

import marshal
import re
import threading
import unicodedata
from array import array
from bisect import bisect_left
from itertools import accumulate
from typing import Any, NamedTuple

import ahocorasick_rs

from .models import Taxonomy
from .normalize import (
    Normalized,
    Quotations,
    crosses_a_mark,
    equivalent_groups,
    normalize_text,
    origins,
    quotations,
    splits_a_quotation,
    term_forms,
    written_as,
)

AREA, ECONSEC, EXCLUDE, FRAMING = 0, 1, 2, 3
STRONG, SUPPORT = "strong", "support"
_FUZZY_EN = re.compile(r"[a-z]{6,}")
_FUZZY_KANA = re.compile(r"[ァ-ヺー]{6,}")
_FUZZY_CACHE_MAX = 50_000
# Words that may be near-miss spellings: whole English words of 6+ letters, katakana runs of 6+ (shorter katakana
# words are too often other real words one edit away: エアロゾル is not a misspelt エアロゲル).
_FUZZY_TOKEN = re.compile(r"(?<![a-z0-9])[a-z]{6,}(?![a-z0-9])|[ァ-ヺー]{6,}")
# Runs of 6+ characters of either kind: a token lies inside one, and the run's neighbours are outside both classes,
# so _FUZZY_TOKEN finds the same tokens in the runs as in the whole text. One character class scans a Japanese
# title in about a third of the time of the alternation with look-arounds.
_FUZZY_RUN = re.compile(r"[a-z0-9ァ-ヺー]{6,}")
_UNSEEN = object()
MISCONVERSIONS = {"人口知能": "人工知能", "機会学習": "機械学習", "人口衛星": "人工衛星", "畜電池": "蓄電池",
                  "強化学集": "強化学習", "機械学集": "機械学習", "深層学集": "深層学習", "自動運点": "自動運転",
                  "半道体": "半導体",
                  # でんち: 電地 alone sits in 発電地点, so only in the batteries' names (a sixth user test)
                  "太陽電地": "太陽電池", "蓄電地": "蓄電池", "燃料電地": "燃料電池", "二次電地": "二次電池",
                  "全固体電地": "全固体電池"}
"""Japanese words an input method writes for another of the same reading (じんこうちのう → 人口知能, きかいがくしゅう →
機会学習: a fifth user test found both titles none) or a neighbouring key: the speller corrects them as it does an
English typo, a near-miss spelling of lower weight, never an exact match. Each wrong form is no word of its own."""
_MISCONVERTED = re.compile("|".join(sorted(MISCONVERSIONS, key=len, reverse=True)))
_tuple_new = tuple.__new__  # builds a NamedTuple without its Python-level __new__ (hot path)
_Entry = tuple[frozenset[str] | None, frozenset[str] | None, tuple["Target", ...], bool]
_Packed = tuple[bytes, "array[int]", tuple[frozenset[str] | None, ...]]
"""A matcher's entries as one block for its pickle: each entry marshalled, where it starts and ends in the block,
and the sets of barred characters that entries name by number (two sets, shared by thousands of English keys)."""
_ENTRY_LOCK = threading.Lock()


class Target(NamedTuple):
    """What a term signals: an area or econ-security area with a strength, an exclusion, or a framing."""

    kind: int
    """AREA, ECONSEC, EXCLUDE or FRAMING."""
    target: str
    """Area or econ-security area id (for EXCLUDE: the entry that lists it)."""
    technology: str | None
    """Technology id for area terms."""
    strength: str
    """``strong`` or ``support`` (``exclude`` for exclusions)."""
    term: str
    """The term as written in the taxonomy."""


class Span(NamedTuple):
    """A match in the normalised text."""

    start: int
    """Start offset in the normalised text."""
    end: int
    """End offset (exclusive)."""
    targets: tuple[Target, ...]
    """What the matched term signals."""
    fuzzy: bool
    """True when found only after correcting a near-miss spelling."""


_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_KATAKANA = frozenset(chr(c) for c in range(ord("ァ"), ord("ヺ") + 1)) | {"ー"}
SHORT_KANA = 2
"""Katakana terms this short (イネ, スギ, ブイ) match only as whole katakana words: not イネ in サイネージ."""


def _boundaries(key: str) -> tuple[frozenset[str] | None, frozenset[str] | None]:
    """The characters that must not touch the start and the end of a match of ``key`` (None: any may)."""
    if len(key) <= SHORT_KANA and all(c in _KATAKANA for c in key):
        return _KATAKANA, _KATAKANA
    return (_WORD_CHARS if key[0] in _WORD_CHARS else None), (_WORD_CHARS if key[-1] in _WORD_CHARS else None)


_SUFFIXES = ("ations", "ation", "ities", "ings", "ions", "ity", "ing", "ion", "ies", "ied", "ers", "ed", "er",
             "es", "al", "ly", "s", "e", "y")  # fmt: skip


def _stem(word: str) -> str:
    """Crude English stem, enough to tell an inflection from a misspelling."""
    if word.isascii():
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                return word[: -len(suffix)]
    return word


def _deletes(word: str) -> list[str]:
    return [word[:i] + word[i + 1 :] for i in range(len(word))]


def is_english_word(word: str) -> bool:
    """Whether ``word`` (lower-case ASCII letters), or the singular it is a regular plural of, is an English word
    (pyspellchecker's dictionary): such a word is left as written by the speller.

    Nearly every English word one edit from a taxonomy word is another real word, not a typo: breaking (braking),
    position (positron), projection (protection), absorption (adsorption), masses (MaaS). On 38,832 labelled titles
    the speller corrected 197 distinct English words, and decided 17 areas by them alone, none of them right. The
    dictionary is read once, when the speller first has a correction to make (about one title in eighty): its
    122,627 words of five or more letters (the speller's words have six letters or more, and a singular found by
    taking off an s five) keep about 2 MB (see :data:`_ENGLISH`), and reading them takes about 20 MB more for a
    moment. A plural counts only when it is a regular one (phonons, boxes, assemblies, photos), so that antibodys
    and batterys are still typos.
    """
    words = _ENGLISH[0] if _ENGLISH else _read_english()
    key = word.encode()
    if _known(words, key):
        return True
    if key.endswith(b"ies"):
        return _known(words, key[:-3] + b"y")
    if key.endswith(b"es") and key[:-2].endswith(_ES_AFTER) and _known(words, key[:-2]):
        return True
    if key.endswith(b"s") and not key.endswith(b"ss"):
        base = key[:-1]
        consonant_y = base.endswith(b"y") and base[-2:-1] not in b"aeiou"  # antibodys: a typo of antibodies
        return not base.endswith(_ES_ONLY) and not consonant_y and _known(words, base)
    return False


_ES_AFTER = (b"s", b"x", b"z", b"ch", b"sh", b"o")
"""Endings whose plural takes -es (boxes, patches, potatoes)."""
_ES_ONLY = _ES_AFTER[:-1]
"""Endings whose plural never takes a bare -s (an -o takes either: potatoes, photos)."""
_Words = tuple[bytes, "array[int]"]
_ENGLISH: list[_Words] = []
"""pyspellchecker's English words, once :func:`is_english_word` has read them: sorted, each followed by a newline in
one bytes object, and where each starts (1.7 MB, where a set of them took 11 MB; looked up in about 10 µs, for the
few words a run's speller asks about)."""
_ENGLISH_LOCK = threading.Lock()


def _read_english() -> _Words:
    with _ENGLISH_LOCK:  # threads classifying at once read it once
        if not _ENGLISH:
            words = sorted(english_words())  # sorted already, as the file keeps them: a pass to make sure
            starts = array("i", accumulate(map(len, words[:-1]), lambda at, n: at + n + 1, initial=0) if words else ())
            _ENGLISH.append((b"\n".join(words) + b"\n", starts))
        return _ENGLISH[0]


def _known(words: _Words, key: bytes) -> bool:
    """Whether ``key`` is one of ``words`` (a binary search)."""
    blob, starts = words

    def word_at(start: int) -> bytes:
        return blob[start : blob.index(b"\n", start)]

    i = bisect_left(starts, key, key=word_at)
    return i < len(starts) and word_at(starts[i]) == key


def english_words() -> list[bytes]:
    """The words of five or more letters of pyspellchecker's English dictionary; none when it cannot be read.

    Read from its data file with one pattern (about 0.1 s), where its own loader parses the whole file as JSON
    (0.45 s); with that loader when the file is not where this version keeps it. A dictionary
    that cannot be read at all (a package without its data files) leaves the speller as it was before it had one,
    correcting English words too, rather than stopping the run.
    """
    import gzip
    from importlib.resources import files

    try:
        return _DICTIONARY_WORD.findall(gzip.decompress((files("spellchecker") / "resources" / "en.json.gz")
                                                        .read_bytes()))  # fmt: skip
    except Exception:  # missing, truncated, no package: the library's own loader, or nothing
        pass
    try:
        from spellchecker import SpellChecker

        return [w.encode() for w in SpellChecker(language="en", distance=1).word_frequency.words()
                if len(w) >= 5 and w.isascii() and w.isalpha()]  # fmt: skip
    except Exception:
        return []


_DICTIONARY_WORD = re.compile(rb'"([a-z]{5,})"')


class _Tables(NamedTuple):
    """What a :class:`Matcher` compiles from a taxonomy, kept when it is pickled (all but the automaton)."""

    families: dict[str, str]
    keys: list[str]
    values: list[_Entry]
    vocab: frozenset[str]
    heads: frozenset[str]
    """The first two characters of each Japanese term (see :meth:`Matcher._overlapping`)."""
    joints: frozenset[str]
    """Every two characters side by side in a Japanese term: a longer term that starts inside a match and runs past
    it holds the match's last character and the next one."""
    cased: dict[int, _Cased]
    """Per key index that a case-sensitive term (``Taxonomy.cased``) makes: what it signals when the title writes
    it in that case (the entry's targets are the other terms', often none)."""


class _Cased(NamedTuple):
    """What a key signals when the title writes it as a case-sensitive term is written."""

    written: tuple[str, ...]
    """The case-sensitive terms that make the key, as written: the match's original text must start with one."""
    targets: tuple[Target, ...]
    strong: bool


CAPITALS_TITLE = 20
"""A title with this many Latin letters and no small one is written in capitals: its case says nothing of a term."""


def _in_capitals(original: str) -> bool:
    """Whether ``original`` is written in capitals: CAPITALS_TITLE Latin letters or more (after NFKC: full width
    too), none small, and no kana or kanji (a Japanese title writes its acronyms in capitals, GANを用いたCT・MRI…)."""
    letters = 0
    for ch in unicodedata.normalize("NFKC", original):
        if "a" <= ch <= "z" or "\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff":
            return False
        letters += "A" <= ch <= "Z"
    return letters >= CAPITALS_TITLE


def _compile_tables(taxonomy: Taxonomy) -> _Tables:
    table: dict[str, list[Target]] = {}
    cased_table: dict[str, list[Target]] = {}  # the same for case-sensitive terms
    written: dict[str, list[str]] = {}  # key -> the case-sensitive terms that make it, NFKC'd
    cased_terms = frozenset(taxonomy.cased)
    parent: dict[str, str] = {}  # union-find over the listed terms' keys: a term and those among its forms
    forms_of: dict[str, list[str]] = {}  # a listed term's key -> the forms made from it
    own: dict[Target, str] = {}  # a target -> its term's own key

    groups = equivalent_groups(taxonomy.equivalents)

    def add(term: str, target: Target) -> None:
        key = normalize_text(term)
        if not key:
            return
        own[target] = key
        forms = forms_of[key] = term_forms(key, groups)
        cased = term in cased_terms
        for form in forms:
            bucket = (cased_table if cased else table).setdefault(form, [])
            if target not in bucket:
                bucket.append(target)
            if cased and (as_written := unicodedata.normalize("NFKC", term)) not in written.setdefault(form, []):
                written[form].append(as_written)

    def find(form: str) -> str:
        root = form
        while parent.get(root, root) != root:
            root = parent[root]
        while form != root:  # path compression
            parent[form], form = root, parent[form]
        return root

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:  # the shorter (then the first in order) names the family: robot, not robots
            ra, rb = sorted((ra, rb), key=lambda x: (len(x), x))
            parent[rb] = ra

    for area in taxonomy.areas:
        for tech in area.technologies:
            for term in tech.strong:
                add(term, Target(AREA, area.id, tech.id, STRONG, term))
            for term in tech.support:
                add(term, Target(AREA, area.id, tech.id, SUPPORT, term))
        for term in area.exclude:
            add(term, Target(EXCLUDE, area.id, None, "exclude", term))
    for es in taxonomy.econsec:
        for term in es.strong:
            add(term, Target(ECONSEC, es.id, None, STRONG, term))
        for term in es.support:
            add(term, Target(ECONSEC, es.id, None, SUPPORT, term))
        for term in es.exclude:
            add(term, Target(EXCLUDE, es.id, None, "exclude", term))
    for term in taxonomy.framing_terms:
        add(term, Target(FRAMING, "framing", None, "framing", term))
    for term in taxonomy.basic_terms:
        add(term, Target(FRAMING, "basic_science", None, "basic_science", term))
    # A term's family: the listed terms among one another's forms ("classifiers", "endoscopic" and "data centre"
    # are forms of "classifier", "endoscopy" and "data center"), so a title that writes one of them has named one
    # thing, however many terms spell it. Only listed terms are joined: "DoS" and "dose" share the form "doses"
    # without being one word. Kept only where a term's family is another term (``Matcher.family`` defaults to
    # the term itself).
    for key, forms in forms_of.items():
        for form in forms[1:]:
            if form in forms_of:
                union(key, form)
    families = {key: root for key in forms_of if (root := find(key)) != key}
    # One target per (kind, area, technology) on a key: the strong term rather than a support one ("drug" makes
    # "drugs", listed as support), then the term's own spelling rather than another term's variant of it (both
    # "data center" and "data centre" were listed, and ブレインマシンインターフェース with and without middle dots),
    # then the first listed. Targets of one area from other technologies stay, since a technology opens crosswalk
    # links and program items ("e-fuels" is a hydrogen and a decarbonisation term); they come after a strong one,
    # and the classifier makes evidence of the first target of each area in a span only.
    def _rank(target: Target, form: str) -> tuple[bool, bool]:
        return target.strength == STRONG, own[target] == form

    def _settled(key: str, bucket: list[Target]) -> tuple[tuple[Target, ...], bool]:
        """A key's targets: one per (kind, area, technology), strong first; and whether one is a strong area's."""
        if len(bucket) > 1:
            best: dict[tuple[int, str, str | None], Target] = {}
            for t in bucket:
                ident = (t.kind, t.target, t.technology)
                held = best.get(ident)
                if held is None or _rank(t, key) > _rank(held, key):
                    best[ident] = t
            bucket = [t for t in bucket if best[(t.kind, t.target, t.technology)] is t]
            bucket.sort(key=lambda t: t.strength != STRONG)  # stable: strong targets first, in listed order
        # An exclusion wins over positives for the same string: it is a known false friend. Unless a positive term is
        # that string as listed and the exclusion reaches it only by a form made of it: the plural "logistics" of
        # the exclusion "logistic" (logistic regression) must not hide the listed term "logistics". A framing term
        # of the same string stays, before the exclusions (which end a span's targets): 防災教育 is no
        # disaster_resilience term, and is education (it hid the framing word 教育 within it)
        if any(t.kind == EXCLUDE for t in bucket):
            made = all(own[t] != key for t in bucket if t.kind == EXCLUDE)
            if not (made and any(own[t] == key for t in bucket if t.kind != EXCLUDE)):
                bucket = [t for t in bucket if t.kind == FRAMING] + [t for t in bucket if t.kind == EXCLUDE]
            else:
                bucket = [t for t in bucket if t.kind != EXCLUDE]
        return tuple(bucket), any(t.kind == AREA and t.strength == STRONG for t in bucket)

    keys: list[str] = []
    values: list[_Entry] = []
    cased: dict[int, _Cased] = {}
    for key in [*table, *(k for k in cased_table if k not in table)]:
        if key in cased_table:
            cased[len(keys)] = _Cased(tuple(written[key]), *_settled(key, cased_table[key]))
        keys.append(key)
        values.append((*_boundaries(key), *_settled(key, table.get(key, []))))
    # Near-miss speller: symmetric deletes of long single words (English) and katakana runs.
    vocab: set[str] = set()
    for key in keys:
        vocab.update(w for w in _FUZZY_EN.findall(key))
        vocab.update(w for w in _FUZZY_KANA.findall(key))
    japanese = [k for k in keys if len(k) >= 2 and not k.isascii()]
    heads = frozenset(k[:2] for k in japanese)
    joints = frozenset(k[i : i + 2] for k in japanese for i in range(len(k) - 1))
    return _Tables(families, keys, values, frozenset(vocab), heads, joints, cased)


def _is_kana(ch: str) -> bool:
    """A katakana letter or the long-vowel mark (not the middle dot, which ends a word)."""
    return "\u30a1" <= ch <= "\u30fc" and ch != "\u30fb"


def _short_kana_tail(text: str, end: int) -> bool:
    """Whether ``text[:end]`` ends in a katakana word of one to three letters: one that runs on into more katakana
    is likely a piece of a longer word (マイク in マイクロプラスチック), while a longer one is likely a word of a
    compound (コンピュータ in コンピュータシステム)."""
    n = 0
    while n < end and _is_kana(text[end - 1 - n]):
        n += 1
    return 0 < n < 4


def _camel_tail(norm: Normalized, start: int, end: int, maps: tuple[list[int], list[int]] | None = None) -> bool:
    """Whether ``norm.text[start:end]`` was written as an acronym in capitals that ends a name in camel case: the
    LLM of SpatialLLM, the GPT of VesselGPT, the BERT of PubMedBERT. The name's last part before it must be a
    capital and two or more small letters, so that prefixes of one or two small letters (mRNA, siRNA, iPS, eVTOL)
    stay part of their word. ``maps``: the start and end offsets of another text in ``norm.text`` (the speller's)."""
    if maps is not None:
        start, end = maps[0][start], maps[1][end - 1]
    s, e = norm.span(start, end)
    original = norm.original
    piece = original[s:e]
    if len(piece) < 2 or not (piece.isascii() and piece.isalpha() and piece.isupper()):
        return False
    j = s
    while j > 0 and "a" <= original[j - 1] <= "z":
        j -= 1
    return s - j >= 2 and j > 0 and "A" <= original[j - 1] <= "Z"


LOOKUPS_PER_KEY = 8
"""Dict lookups a :class:`LazyAutomaton` makes, per key, before it builds the automaton: about a third of the
building's time. Compiled, on the matcher's 17,093 keys: a lookup about 0.08-0.12 µs, the building about 36 ms (on
the learned model's 5,706 words about 6 ms). A Japanese title takes 70-120 lookups of the matcher's keys, an English
one 1,400-1,500 (English keys start with fewer letters and have more lengths), so a classify of a few titles never
builds it, a file of about 100 English or 1,200 Japanese titles does, and a long run pays at most about 14 ms more
than building it at once (the lookups, and the dict, 4 ms)."""


class LazyAutomaton:
    """The leftmost-longest, non-overlapping matches of ``keys`` in a text, as ``ahocorasick_rs.AhoCorasick``
    finds them (``find_matches_as_indexes``: key index, start, end), with the automaton built only once it pays.

    Building the matcher's automaton from its 17,083 keys takes about 36 ms (compiled; 40-90 ms in plain Python),
    most of a one-title run's classifying, and an automaton cannot be pickled, so every process built it again.
    Texts are searched instead by looking up, at each position, the slices of the lengths of the keys that start
    with its character in a dict, longest first: the same matches (leftmost, then longest, then on from its end).
    Once its share of lookups has been made (:data:`LOOKUPS_PER_KEY`), the automaton is built (in the middle of a
    text, it searches that text from the start), and searches every text after."""

    def __init__(self, keys: list[str], lookups: int | None = None) -> None:
        """``lookups``: how many dict lookups to make before building the automaton (0: build it on the first
        search of a text that is not empty; by default :data:`LOOKUPS_PER_KEY` for each key)."""
        if not all(keys):
            raise ValueError("an empty key matches everywhere")  # as the automaton refuses one
        self._keys = keys
        self._automaton: Any = None
        # key -> its index, and by first character the keys' lengths, longest first (one attribute, read at once)
        self._table: tuple[dict[str, int], dict[str, tuple[int, ...]]] | None = None
        self._lookups = LOOKUPS_PER_KEY * len(keys) if lookups is None else lookups
        self._left = self._lookups
        self._lock = threading.Lock()

    def __reduce__(self) -> tuple[Any, ...]:
        return LazyAutomaton, (self._keys, self._lookups)

    def find_matches_as_indexes(self, text: str) -> list[tuple[int, int, int]]:
        automaton = self._automaton
        if automaton is not None:
            return automaton.find_matches_as_indexes(text)  # type: ignore[no-any-return]
        table = self._table
        if table is None:
            table = self._indexed()
            if table is None:  # another thread built the automaton meanwhile
                return self._automaton.find_matches_as_indexes(text)  # type: ignore[no-any-return]
        index, by_first = table
        left = self._left
        out: list[tuple[int, int, int]] = []
        n = len(text)
        pos = 0
        while pos < n:
            if left <= 0:
                return self._built().find_matches_as_indexes(text)  # type: ignore[no-any-return]
            rest = n - pos
            for length in by_first.get(text[pos], ()):
                if length <= rest:
                    left -= 1
                    found = index.get(text[pos : pos + length])
                    if found is not None:
                        out.append((found, pos, pos + length))
                        pos += length
                        break
            else:
                pos += 1
        self._left = left
        return out

    def _indexed(self) -> tuple[dict[str, int], dict[str, tuple[int, ...]]] | None:
        """The dict of keys and, by first character, their lengths, made on the first search; None when the
        automaton has been built instead."""
        with self._lock:
            if self._automaton is not None:
                return None
            if self._table is None:
                index: dict[str, int] = {}
                starting: dict[str, set[int]] = {}
                for i, key in enumerate(self._keys):
                    if key not in index:  # a key listed twice: the automaton reports the first
                        index[key] = i
                        starting.setdefault(key[0], set()).add(len(key))
                self._table = index, {first: tuple(sorted(sizes, reverse=True)) for first, sizes in starting.items()}
            return self._table

    def _built(self) -> Any:
        """The automaton, built once (by one thread), the dict let go."""
        with self._lock:
            if self._automaton is None:
                self._automaton = ahocorasick_rs.AhoCorasick(self._keys,
                                                             matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
                self._table = None  # a search under way keeps the table it read
            return self._automaton

    @property
    def built(self) -> bool:
        """Whether the automaton has been built (the lookups made so far are more than the dict's share)."""
        return self._automaton is not None


class Matcher:
    """All terms of a taxonomy compiled into one automaton, plus a near-miss speller for long terms."""

    def __init__(self, taxonomy: Taxonomy | None, *, tables: _Tables | None = None, packed: _Packed | None = None
                 ) -> None:  # fmt: skip
        """Compile ``taxonomy`` (None only when unpickling, which passes the tables it kept, their entries
        ``packed``)."""
        if tables is None:
            assert taxonomy is not None
            tables = _compile_tables(taxonomy)
        self._tables = tables._replace(values=[])  # what the pickle keeps besides the entries
        self._families = tables.families
        self._keys = tables.keys
        # Per key: characters barred before and after it, targets, holds a strong term. Unpickled, the entries are
        # read from ``packed`` as their keys are first met (see :meth:`_entry`): a title meets a handful of the
        # 17,000, and making them all took about a sixth of a warm start.
        self._values: list[_Entry | None] = list(tables.values) if packed is None else [None] * len(tables.keys)
        self._packed = packed
        self._lookup: dict[str, int] | None = None  # key -> its index, built on first use (rarely needed)
        self._longest = max(map(len, self._keys), default=0)
        self._heads = tables.heads  # for _overlapping; kept in the tables, so that a warm start does not rebuild them
        self._joints = tables.joints
        self._cased = tables.cased
        self._capitals: tuple[str | None, bool] = (None, False)  # the last title _as_written read, and its capitals
        self._automaton = LazyAutomaton(self._keys)  # built when it pays
        self._vocab = tables.vocab
        self._longest_word = max(map(len, self._vocab), default=0)
        # Built on first use: most titles never need the speller, and a warm start should not pay for it.
        self._delete_index: dict[str, list[str]] | None = None
        self._fuzzy_cache: dict[str, str | None] = {}

    def __reduce__(self) -> tuple[Any, ...]:
        # The compiled automaton cannot be pickled; it is rebuilt from the keys (about 36 ms) when it pays (see
        # LazyAutomaton). (__reduce__ rather than __getstate__: the class is compiled with mypyc in the wheel, and
        # a compiled class has no __dict__.)
        packed = self._packed
        if packed is None:
            packed = _pack([self._entry(i) for i in range(len(self._keys))])
        return _restore, (self._tables, packed)

    def _entry(self, index: int) -> _Entry:
        """The entry of key ``index``, read from the packed block the first time (then kept: its target tuple's
        identity keys the classifier's memos, so one key has one tuple for the matcher's lifetime, threads or not)."""
        entry = self._values[index]
        if entry is not None:
            return entry
        packed = self._packed
        assert packed is not None
        with _ENTRY_LOCK:
            entry = self._values[index]
            if entry is None:
                entry = self._values[index] = _unpack(packed, index)
        return entry

    def family(self, term: str) -> str:
        """One name for a taxonomy term and the word forms the matcher generates from it (plural, the adjective of a
        method name): scoring counts each family once per area."""
        key = normalize_text(term)
        return self._families.get(key, key)

    def find(self, norm: Normalized, fuzzy: bool = True) -> list[Span]:
        """Leftmost-longest, non-overlapping matches in a normalised title (exclusions included).

        With ``fuzzy``, words that are near-miss spellings of taxonomy words are corrected and matched as well,
        as long as no strong area term matched exactly: the speller is a fallback against a wrong "none", not a
        second opinion on a title that already has clear evidence.
        """
        return self.find_quoted(norm, quotations(norm), fuzzy)

    def find_quoted(self, norm: Normalized, quoted: Quotations | None, fuzzy: bool = True) -> list[Span]:
        """:meth:`find` for a title whose quotation marks (:func:`~domaincheck.normalize.quotations`) the caller has
        found already, for its evidence too."""
        spans, strong = self._exact(norm.text, norm) if quoted is None else self._exact_quoted(norm, quoted)
        # the speller only where no strong term matched; a word of another reading (機会学習) in any title
        if fuzzy and (not strong or (not norm.text.isascii() and _MISCONVERTED.search(norm.text) is not None)):
            spans = self._with_fuzzy(norm, spans, speller=not strong)
            if quoted is not None:
                spans = [s for s in spans if not splits_a_quotation(norm, s.start, s.end, quoted)]
        return spans

    def _exact_quoted(self, norm: Normalized, quoted: Quotations) -> tuple[list[Span], bool]:
        """:meth:`_exact` for a title with quotation marks, which normalising folds away. A term may run through
        a quotation written for emphasis when it holds all of it (「量子」暗号通信 is quantum cryptography, a user
        test), but not take part of one and words outside it (器官「再生医療」 holds 再生医療, not 器官再生): the
        matches found with a mark's place barred, and those found through marks that split no quotation, are
        taken leftmost-longest together."""
        text = norm.text
        # The text with a NUL, which no term holds, where each mark stood; offsets as norm's for the rest
        where = [*origins(norm), len(norm.original)]
        pieces: list[str] = []
        offsets: list[int] = []
        pos = 0
        for cut in quoted.cuts:
            pieces += [text[pos:cut], "\x00"]
            offsets += [*where[pos:cut], where[cut]]
            pos = cut
        pieces.append(text[pos:])
        offsets += where[pos:]
        barred = Normalized("".join(pieces), tuple(offsets), (), norm.original)
        shift = [0] * (len(barred.text) + 1)  # barred offset -> norm offset
        k = 0
        for i, ch in enumerate(barred.text):
            shift[i] = i - k
            k += ch == "\x00"
        shift[-1] = len(barred.text) - k
        within = [_tuple_new(Span, (shift[s.start], shift[s.end], s.targets, False))
                  for s in self._exact(barred.text, barred)[0]]
        through = [s for s in self._exact(text, norm)[0]
                   if crosses_a_mark(norm, s.start, s.end, quoted) and not splits_a_quotation(norm, s.start, s.end,
                                                                                              quoted)]  # fmt: skip
        out: list[Span] = []
        for span in sorted(within + through, key=lambda s: (s.start, -s.end)):
            if not out or span.start >= out[-1].end:
                out.append(span)
        return out, any(t.kind == AREA and t.strength == STRONG for s in out for t in s.targets)

    def _exact(self, text: str, norm: Normalized, maps: tuple[list[int], list[int]] | None = None
               ) -> tuple[list[Span], bool]:  # fmt: skip
        """The spans, and whether one of them holds a strong area term. An acronym written in capitals at the end
        of a name in camel case counts as a word (see :func:`_camel_tail`): ``text`` is ``norm.text``, or the
        speller's corrected text when ``maps`` maps its start and end offsets to norm's."""
        # The automaton yields the leftmost-longest non-overlapping matches (in Rust, with character offsets);
        # English terms must then sit at word boundaries (no "ai" in "main").
        n = len(text)
        values = self._values
        cased = self._cased
        out: list[Span] = []
        any_strong = False
        pos = 0  # where the automaton (re)starts
        while pos < n:
            restart = n
            for index, start, end in self._automaton.find_matches_as_indexes(text[pos:] if pos else text):
                start += pos
                end += pos
                entry = values[index]
                before, after, targets, strong = entry if entry is not None else self._entry(index)
                if (before is not None and start > 0 and text[start - 1] in before
                    and not _camel_tail(norm, start, end, maps)) or (
                    after is not None and end < n and text[end] in after
                ):  # fmt: skip
                    # The longest match is not a whole word ("quantum computation" in "quantum computational",
                    # "soft robot" in "soft robotics"): look for whole words that start inside its span instead,
                    # whether they end inside it or run past it ("robotics").
                    inside, strong = self._inside(text, start, end, norm, maps)
                    out.extend(inside)
                    any_strong = any_strong or strong
                    if inside and inside[-1].end > end:
                        restart = inside[-1].end  # the automaton's later matches may overlap it: start again there
                        break
                else:
                    if cased and index in cased:
                        targets, strong = self._as_written(norm, start, end, maps, cased[index], targets, strong)
                        if not targets:
                            continue
                    if (not strong and maps is None and end < n and text[end - 1 : end + 1] in self._joints
                            and targets[-1].kind != EXCLUDE):  # fmt: skip
                        later = self._overlapping(norm, start, end)
                        if later:  # a longer term starts inside this one and runs past it: it wins, from there
                            restart = later
                            break
                    out.append(_tuple_new(Span, (start, end, targets, False)))
                    any_strong = any_strong or strong
            pos = restart
        return out, any_strong

    def _overlapping(self, norm: Normalized, start: int, end: int) -> int:
        """Where a strong area term longer than ``norm.text[start:end]`` (a match without one, not a false friend)
        starts inside it and runs past its end, or 0.

        Japanese has no spaces to stop a short term from taking the first characters of a longer one:
        leftmost-longest reads 汎用量子コンピュータ as 用量 (a dose) and loses 量子コンピュータ. The longer term
        is the word meant. Only Japanese terms (no word boundaries to check) are looked for, and only where one can
        start (``_heads``) and the characters across the end can belong to one (``_joints``, checked by the caller).
        Not one that would end in a short katakana piece that runs on into more katakana in the title as written
        (水中マイク in 海水中マイクロプラスチック, see :func:`_short_kana_tail`); a middle dot or a space there ends
        the word (量子コンピュータ・シミュレータ), though normalising drops it.
        """
        text = norm.text
        heads = self._heads
        original = norm.original
        for p in range(start + 1, end):
            if text[p : p + 2] not in heads:
                continue
            # The first match from p, looked for no further than the longest term reaches (not to the title's end)
            for index, s, e in self._automaton.find_matches_as_indexes(text[p : p + self._longest]):
                stop = p + e
                if s == 0 and stop > end and e > end - start and (entry := self._entry(index))[3] and entry[0] is None:
                    last = norm.span(p, stop)[1]  # the term's end in the original text
                    if not (last < len(original) and _is_kana(original[last]) and _short_kana_tail(original, last)):
                        return p
                break
        return 0

    def _as_written(self, norm: Normalized, start: int, end: int, maps: tuple[list[int], list[int]] | None,
                    cased: _Cased, targets: tuple[Target, ...], strong: bool) -> tuple[tuple[Target, ...], bool]:
        """The targets of a match whose key a case-sensitive term makes: that term's when the title writes it so
        (GAN, a network), the other terms' otherwise (GaN, gallium nitride). A title in capitals tells nothing: the
        other terms', or the case-sensitive term's when no other term is spelt so (SLAM)."""
        original = norm.original
        memo = self._capitals
        if memo[0] is not original:  # once per title: a long text of many matches read it again for each
            memo = self._capitals = (original, _in_capitals(original))
        if memo[1]:
            return (targets, strong) if targets else (cased.targets, cased.strong)
        if maps is not None:
            start, end = maps[0][start], maps[1][end - 1]
        s, e = norm.span(start, end)
        if written_as(original[s:e], cased.written):
            return cased.targets, cased.strong
        return targets, strong

    def _inside(self, text: str, lo: int, hi: int, norm: Normalized,
                maps: tuple[list[int], list[int]] | None = None) -> tuple[list[Span], bool]:  # fmt: skip
        """Whole-word matches that start inside ``text[lo:hi]`` (they may end past it), leftmost-longest, other than
        the span itself (rare: only after a boundary failure)."""
        piece = text[lo:hi]
        if piece.isascii() and piece.isalnum():
            return [], False  # inside one English word ("ct" in "abstraction"): no whole word can start here
        n = len(text)
        lookup = self._lookup
        if lookup is None:
            lookup = self._lookup = {key: i for i, key in enumerate(self._keys)}
        cands = []
        for start in range(lo, hi):
            for end in range(start + 1, min(n, start + self._longest) + 1):
                index = lookup.get(text[start:end])
                if index is None or (start, end) == (lo, hi):
                    continue
                before, after, targets, strong = self._entry(index)
                if before is not None and start > 0 and text[start - 1] in before:
                    continue
                if after is not None and end < n and text[end] in after:
                    continue
                if index in self._cased:
                    targets, strong = self._as_written(norm, start, end, maps, self._cased[index], targets, strong)
                    if not targets:
                        continue
                cands.append((start, -end, targets, strong))
        cands.sort(key=lambda c: (c[0], c[1]))
        out: list[Span] = []
        pos = lo
        any_strong = False
        for start, neg_end, targets, strong in cands:
            if start >= pos:
                out.append(_tuple_new(Span, (start, -neg_end, targets, False)))
                pos = -neg_end
                any_strong = any_strong or strong
        return out, any_strong

    def _build_delete_index(self) -> dict[str, list[str]]:
        """Symmetric-delete index: every vocabulary word under itself and each one-letter deletion."""
        index: dict[str, list[str]] = {}
        for word in sorted(self._vocab):
            for d in [word, *_deletes(word)]:
                index.setdefault(d, []).append(word)
        self._delete_index = index
        return index

    def _correct(self, word: str) -> str | None:
        """The vocabulary word a near-miss spelling stands for, or None.

        One edit (insertion, deletion, substitution or transposition, by rapidfuzz's Damerau-Levenshtein), the
        same first letter, a single best candidate, and not merely another inflection of the same stem
        (``simulating`` is not a typo of ``simulation``; but ``captur`` is one of ``capture``, whose stem drops its
        final e), nor an English word in its own right (see :func:`is_english_word`).
        """
        cache = self._fuzzy_cache
        from rapidfuzz.distance import DamerauLevenshtein

        best: str | None = None
        if word not in self._vocab and len(word) <= self._longest_word + 1:
            found: set[str] = set()
            index = self._delete_index if self._delete_index is not None else self._build_delete_index()
            for d in [word, *_deletes(word)]:
                found.update(index.get(d, ()))
            scored = sorted(
                (DamerauLevenshtein.distance(word, c), c)
                for c in found
                if c[0] == word[0] and abs(len(c) - len(word)) <= 1 and (_stem(c) != _stem(word) or c == word + "e")
            )
            if scored and scored[0][0] <= 1 and (len(scored) == 1 or scored[1][0] > scored[0][0]):
                best = scored[0][1]
                if word.isascii() and is_english_word(word):
                    best = None
        if len(cache) < _FUZZY_CACHE_MAX:
            cache[word] = best
        return best

    def _with_fuzzy(self, norm: Normalized, spans: list[Span], speller: bool = True) -> list[Span]:
        """``spans`` with near-miss spellings corrected (by the speller, unless not ``speller``, and the words of
        :data:`MISCONVERSIONS`) and matched again, marked fuzzy."""
        text = norm.text
        fixes: list[tuple[int, int, str]] = []
        cache = self._fuzzy_cache
        for start, end in _fuzzy_tokens(text) if speller else ():
            word = text[start:end]
            fixed = cache.get(word, _UNSEEN)
            if fixed is _UNSEEN:
                fixed = self._correct(word)
            if fixed is None or _in_eponym(norm, start, end):
                continue
            if not any(s.start < end and start < s.end for s in spans):
                fixes.append((start, end, fixed))  # type: ignore[arg-type]
        if not text.isascii():
            # A word of another reading (人口知能) is corrected even where a shorter term matched inside it (人口), but
            # not where a term runs across its edge: 家畜電池 holds 家畜 (livestock), no 畜電池; 人口衛星都市 the
            # exclusion 衛星都市 (a review)
            for m in _MISCONVERTED.finditer(text):
                start, end = m.span()
                if not any(s.start < end and start < s.end and not (start <= s.start and s.end <= end) for s in spans):
                    fixes.append((start, end, MISCONVERSIONS[m.group()]))
        if not fixes:
            return spans
        # Rebuild the text with corrections, keeping a map from corrected offsets to the normalised ones.
        fixes.sort()
        parts: list[str] = []
        pos_map: list[int] = []
        end_map: list[int] = []
        pos = 0
        for start, end, fixed in fixes:
            parts.append(text[pos:start])
            pos_map.extend(range(pos, start))
            end_map.extend(range(pos + 1, start + 1))
            parts.append(fixed)
            pos_map.extend([start] * len(fixed))
            end_map.extend([end] * len(fixed))
            pos = end
        parts.append(text[pos:])
        pos_map.extend(range(pos, len(text)))
        end_map.extend(range(pos + 1, len(text) + 1))
        fixed_ranges = [(s, e) for s, e, _ in fixes]
        # The corrected text's matches through a correction, and the exact ones (quotation-aware: ``spans``) that
        # none of them overlaps: matching the whole corrected text again lost 再生医療 of 器官「再生医療」 (a review)
        found: list[Span] = []
        for span in self._exact("".join(parts), norm, (pos_map, end_map))[0]:
            start, end = pos_map[span.start], end_map[span.end - 1]
            if any(s < end and start < e for s, e in fixed_ranges):
                found.append(Span(start, end, span.targets, True))
        kept = [s for s in spans if not any(f.start < s.end and s.start < f.end for f in found)]
        return sorted(kept + found, key=lambda s: s.start)


_NAME_BEFORE = re.compile(r"([A-Za-z]+)[-\u2010\u2011\u2013]$")
_NAME_AFTER = re.compile(r"[-\u2010\u2011\u2013]([A-Za-z]+)")
"""A Latin word hyphenated to the word before or after it, as written."""


def _in_eponym(norm: Normalized, start: int, end: int) -> bool:
    """Whether the word at ``text[start:end]`` is, as written, a capitalised name hyphenated to another capitalised
    name that is no English word (McCammond-Sulway, Kolmogorov-Arnold): a surname, not a misspelling (the speller made
    Sulway a subway: mobility_logistics for a paper on lattices, a training title). Title case's Low-Latency is
    English words, and keeps the speller."""
    original = norm.original
    lo, hi = norm.span(start, end)
    if not original[lo:lo + 1].isupper():
        return False
    other = _NAME_BEFORE.search(original, 0, lo) or _NAME_AFTER.match(original, hi)
    return other is not None and other[1][0].isupper() and not is_english_word(other[1].lower())


def _fuzzy_tokens(text: str) -> list[tuple[int, int]]:
    """Spans of the words of ``text`` that may be near-miss spellings (``_FUZZY_TOKEN``'s matches)."""
    if text.isascii():
        return [m.span() for m in _FUZZY_TOKEN.finditer(text)]
    out: list[tuple[int, int]] = []
    run = _FUZZY_RUN.search(text)  # most Japanese titles have none: one search, no iterator
    while run is not None:
        lo, hi = run.span()
        if _FUZZY_KANA.fullmatch(text, lo, hi) is not None:
            out.append((lo, hi))  # all katakana (the usual run): the run is the one token in it
        else:
            out.extend([m.span() for m in _FUZZY_TOKEN.finditer(text, lo, hi)])
        run = _FUZZY_RUN.search(text, hi)
    return out


def _restore(tables: _Tables, packed: _Packed) -> Matcher:
    return Matcher(None, tables=tables, packed=packed)


def _pack(entries: list[_Entry]) -> _Packed:
    """``entries`` as one block of marshalled tuples (targets as plain tuples, barred sets by number), so that
    unpickling a matcher makes none of them (see :meth:`Matcher._entry`)."""
    barred: list[frozenset[str] | None] = [None]
    blocks: list[bytes] = []
    for before, after, targets, strong in entries:
        numbers = []
        for chars in (before, after):
            if chars not in barred:
                barred.append(chars)
            numbers.append(barred.index(chars))
        blocks.append(marshal.dumps((numbers[0], numbers[1], tuple(tuple(t) for t in targets), strong)))
    return b"".join(blocks), array("i", accumulate(map(len, blocks), initial=0)), tuple(barred)


def _unpack(packed: _Packed, index: int) -> _Entry:
    blob, offsets, barred = packed
    before, after, targets, strong = marshal.loads(blob[offsets[index] : offsets[index + 1]])
    return barred[before], barred[after], tuple([_tuple_new(Target, t) for t in targets]), strong


__all__ = ["AREA", "ECONSEC", "EXCLUDE", "FRAMING", "LazyAutomaton", "Matcher", "Span", "Target"]

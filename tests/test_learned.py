"""The learned second opinion: how it joins the term layer, its evidence, its file's validation, its scoring."""

from __future__ import annotations

import collections
import csv
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domaincheck.classify import _JAPANESE, Classifier
from domaincheck.errors import TaxonomyError
from domaincheck.learned import Learned, ngrams
from domaincheck.models import LEARNED, Brief

from .conftest import MIN_TAXONOMY

EVAL = Path(__file__).parent / "data" / "eval"


def _eval_titles() -> list[str]:
    titles = []
    for path in sorted(EVAL.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            titles += [row["title"] for row in csv.DictReader(fh)]
    return titles


def test_learned_adds_and_holds_back_areas_and_says_so(classifier, terms_classifier) -> None:  # type: ignore[no-untyped-def]
    from domaincheck.normalize import normalize

    added = held = held_strong = boosts = 0
    model: Learned = classifier.learned
    for title in _eval_titles():
        full = classifier.classify(title)
        terms = terms_classifier.classify(title)
        full_ids = [a.id for a in full.areas]
        extra = set(full_ids) - {a.id for a in terms.areas}
        gone = {a.id for a in terms.areas} - set(full_ids)
        for a in terms.areas:  # a term area is taken away only when held back: doubted, and no strong term or one
            if a.id in gone:  # in a title worded as basic science
                held += 1
                strong = {e.term for e in a.evidence if e.strength == "strong"}
                basic = any(e.strength == "basic_science" for e in full.excluded)
                assert not strong or (len(strong) == 1 and basic), (title, a.id)
                held_strong += bool(strong)
                assert model.doubt is not None and model.logits(normalize(title).text)[
                    model.areas.index(a.id)] < math.log(model.doubt / (1 - model.doubt)) + 1e-3, (title, a.id)
                assert a.id in [n.id for n in full.near_misses] and "held back" in full.reason, (title, a.id)
                assert a.id in full.held, (title, a.id)
        term_score = {a.id: a.score for a in terms.areas}
        for area in full.areas:
            if area.id not in extra:
                # Reported by the terms as well: the model's reading shows (as evidence) only when it scores higher.
                boosted = any(e.strength == "learned" for e in area.evidence)
                assert area.score > term_score[area.id] if boosted else area.score == term_score[area.id], title
                boosts += boosted
                continue
            learned = [e for e in area.evidence if e.strength == "learned"]
            assert learned, (title, area.id)
            for e in learned:  # evidence points at what the user typed
                assert title[e.start : e.end] == e.text and e.text
                assert e.weight > 0
            assert 50 <= area.score <= 100
        if extra:
            added += 1
            found_by_terms = {a.id for a in (*terms.areas, *terms.near_misses)}
            for a in extra:  # the reason marks it: scored by the model above what the terms found, or learned
                mark = "scored by the learned model" if a in found_by_terms else "learned from the whole title"
                assert f"{a} ({mark})" in full.reason, (title, a, full.reason)
            assert full.verdict != "none"
    assert added >= 20  # on the held-out titles the model does add areas
    assert held > held_strong > 0  # and holds back areas of both kinds
    assert boosts >= 20  # and scores some of the terms' areas higher
    assert held >= 5 if model.doubt is not None else held == 0


def _reference_words(vocabulary: set[str], text: str) -> list[str]:
    """Leftmost-longest, non-overlapping cut of ``text`` into vocabulary words, by plain enumeration."""
    words, i = [], 0
    while i < len(text):
        for k in (3, 2):
            if text[i : i + k] in vocabulary:
                words.append(text[i : i + k])
                i += k
                break
        else:
            i += 1
    return words


def test_scores_match_a_reference_computation(classifier) -> None:  # type: ignore[no-untyped-def]
    """The Aho-Corasick pass cuts titles as a plain leftmost-longest scan does, and the logits are their sums."""
    from domaincheck.normalize import normalize

    model: Learned = classifier.learned
    vocabulary = set(model.vocabulary)
    assert all(len(g) in (2, 3) for g in vocabulary)
    for title in _eval_titles()[:400]:
        text = normalize(title).text
        words = _reference_words(vocabulary, text)
        assert model._tokenizer.words(text) == words, title
        assert set(words) <= set(ngrams(text))
        want = list(model.intercepts)
        for word in set(words):
            for j, w in model.weights.get(word, ()):
                want[j] += w
        got = model.logits(text)
        assert all(math.isclose(a, b, abs_tol=1e-9) for a, b in zip(got, want, strict=True)), title


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_the_quick_test_never_hides_an_area(classifier, data) -> None:  # type: ignore[no-untyped-def]
    """The packed integer sum that lets most titles skip the exact sum flags every area the exact sum reports,
    for any set of words: random ones, and words added in random order until an area just crosses its
    threshold (the hardest case), plus all the words of the evaluation titles."""
    model: Learned = classifier.learned
    n = len(model.vocabulary)
    area = data.draw(st.sampled_from([j for j, cut in enumerate(model._cuts) if math.isfinite(cut)]))
    words: set[int] = set(data.draw(st.lists(st.integers(0, n - 1), max_size=40)))
    order = data.draw(st.permutations([i for i in range(n) if any(j == area for j, _ in model._pairs[i])]))
    for i in order:
        if model._logits(words)[area] >= model._cuts[area]:
            break
        words.add(i)
    logits = model._logits(words)
    exact = [a for a, z, cut in zip(model.areas, logits, model._cuts, strict=True) if z >= cut]
    assert [a for a, _ in model._read(words)[0]] == sorted(exact, key=lambda a: -logits[model.areas.index(a)])


def test_the_quick_test_agrees_on_real_titles(classifier) -> None:  # type: ignore[no-untyped-def]
    from domaincheck.normalize import normalize

    model: Learned = classifier.learned
    for title in _eval_titles():
        words = {m[0] for m in model._tokenizer.matches(normalize(title).text)}
        exact = {a for a, z, cut in zip(model.areas, model._logits(words), model._cuts, strict=True) if z >= cut}
        assert {a for a, _ in model._read(words)[0]} == exact, title


def test_a_pickled_model_reads_as_the_freshly_built_one(tmp_path: Path) -> None:
    """The compiled cache pickles the model with its packed weights; the copy must read every title alike."""
    import pickle

    from domaincheck.learned import load
    from domaincheck.normalize import normalize
    from domaincheck.taxonomy import packaged_dir

    fresh = load(packaged_dir(), [a.id for a in Classifier.load(learned=False).taxonomy.areas])
    assert fresh is not None
    copy = pickle.loads(pickle.dumps(fresh))
    assert copy.__reduce__()[1] == fresh.__reduce__()[1]  # the weights and everything packed from them
    for title in _eval_titles():
        text = normalize(title).text
        assert copy.read(text) == fresh.read(text), title
        for area in fresh.areas[:3]:
            assert copy.reasons(text, area) == fresh.reasons(text, area), title


def test_terms_only_option_leaves_the_model_out(classifier, terms_classifier) -> None:  # type: ignore[no-untyped-def]
    def ids(result: Any) -> set[str]:
        return {a.id for a in result.areas}

    title = next(t for t in _eval_titles() if ids(classifier.classify(t)) > ids(terms_classifier.classify(t))
                 and "held back" not in classifier.classify(t).reason)  # the model adds an area
    cmd = [sys.executable, "-m", "domaincheck"]
    full = json.loads(subprocess.run([*cmd, "classify", title, "-f", "json"], capture_output=True, text=True,
                                     check=True).stdout)  # fmt: skip
    terms = json.loads(subprocess.run([*cmd, "--terms-only", "classify", title, "-f", "json"], capture_output=True,
                                      text=True, check=True).stdout)  # fmt: skip
    strengths = {e["strength"] for a in full[0]["areas"] for e in a["evidence"]}
    assert "learned" in strengths
    assert all(e["strength"] != "learned" for a in terms[0]["areas"] for e in a["evidence"])
    assert {a["id"] for a in terms[0]["areas"]} < {a["id"] for a in full[0]["areas"]}
    after = json.loads(subprocess.run([*cmd, "classify", title, "-f", "json", "--terms-only"], capture_output=True,
                                      text=True, check=True).stdout)  # fmt: skip
    assert after == terms  # the option also works after the command


def _min_taxonomy_with(tmp_path: Path, model: object) -> Path:
    target = tmp_path / "tax"
    shutil.copytree(MIN_TAXONOMY, target)
    (target / "learned.json").write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")
    return target


def _model(**changes: object) -> dict[str, object]:
    model: dict[str, object] = {
        "format": 1,
        "areas": ["quantum", "ai_robotics", "agri_food"],
        "thresholds": [0.5, 0.5, 0.5],
        "intercepts": [-6.0, -6.0, -6.0],
        "vocabulary": ["稲作", "収量", "歴史", "予測"],
        "weights": {"稲作": [[2, 3.0]], "収量": [[2, 3.0]], "歴史": [[2, -9.0]]},
    }
    model.update(changes)
    # The minimal taxonomy has the 16 areas of the contract; the model's words name its first three. The other
    # thirteen get a threshold and an intercept no word reaches (given lists of three are padded the same way).
    others = [a for a in _MIN_AREAS if a not in ("quantum", "ai_robotics", "agri_food")]
    for key, pad in (("areas", others), ("thresholds", [0.5] * len(others)), ("intercepts", [-6.0] * len(others))):
        given = model[key]
        if isinstance(given, list) and len(given) == 3:
            model[key] = [*given, *pad]
    return model


_MIN_AREAS = [a["id"] for a in yaml.safe_load((MIN_TAXONOMY / "areas.yaml").read_text(encoding="utf-8"))["areas"]]


def test_a_hand_made_model_adds_its_area(tmp_path: Path) -> None:
    clf = Classifier.load(_min_taxonomy_with(tmp_path, _model()))
    hit = clf.classify("稲作の収量予測")  # 3 + 3 - 6 = 0: probability 0.5, at the threshold
    assert [(a.id, a.score) for a in hit.areas] == [("agri_food", 50)]
    assert {e.text for e in hit.areas[0].evidence} == {"稲作", "収量", "収量予測"}  # a term, and its word
    assert not clf.classify("稲作の歴史と収量").areas  # a negative weight holds it back
    assert not clf.classify("稲作の収量予測", min_score=60).areas  # --min-score applies to learned areas too
    assert not Classifier.load(_min_taxonomy_with(tmp_path / "b", _model()), learned=False).classify(
        "稲作の収量予測").areas  # fmt: skip


def test_a_doubted_area_on_support_terms_alone_is_held_back(tmp_path: Path) -> None:
    """收量 is a support term of agri_food, lifted to 53 by the strong AI term beside it. With a doubt level, the
    model's low probability for agri_food over the whole title holds it back as a near miss and says so; a strong
    term is never held back, and without a doubt level nothing is."""
    doubting = Classifier.load(_min_taxonomy_with(tmp_path / "d", _model(doubt=0.1)))
    title = "AIによる収量の歴史"  # agri_food: -6 + 3 - 9 = -12, probability 6e-6; ai_robotics -6 (but strong)
    got = doubting.classify(title)
    assert [a.id for a in got.areas] == ["ai_robotics"]
    assert [(a.id, a.score) for a in got.near_misses] == [("agri_food", 53)]
    assert "held back" in got.reason and "agri_food" in got.reason
    assert got.held == ("agri_food",) and got.to_dict()["held_back"] == ["agri_food"]
    assert doubting.brief(title).held == ("agri_food",)
    assert doubting.brief(title).areas == (("ai_robotics", "strategic", got.areas[0].score),)
    # 稲作 lifts agri_food to probability 0.5 (not doubted): reported on its terms.
    assert [a.id for a in doubting.classify("AIによる稲作の収量").areas] == ["ai_robotics", "agri_food"]
    plain = Classifier.load(_min_taxonomy_with(tmp_path / "p", _model()))
    assert [a.id for a in plain.classify(title).areas] == ["ai_robotics", "agri_food"]


def test_one_strong_term_under_basic_science_wording_is_held_back_when_doubted(tmp_path: Path) -> None:
    """A strong term names a technology, but in a title worded as elucidating a mechanism (の解明, a basic-science
    word here) one strong term alone is held back when the model doubts its area (歴史: -9); without that wording,
    with two strong terms, or without the doubt, it is reported."""
    target = _min_taxonomy_with(tmp_path, _model(doubt=0.1))
    with (target / "meta.yaml").open("a", encoding="utf-8") as f:
        f.write("basic_science: {factor: 0.5, terms: [の解明]}\n")
    clf = Classifier.load(target)
    got = clf.classify("スマート農業の歴史の解明")
    assert not got.areas and [(a.id, a.score) for a in got.near_misses] == [("agri_food", 70)]
    assert got.held == ("agri_food",) and clf.brief("スマート農業の歴史の解明").held == ("agri_food",)
    assert "held back (one strong term in a study of a mechanism, and the learned model finds the area unlikely " \
           "for the whole title): agri_food" in got.reason and "support terms only" not in got.reason
    assert [a.id for a in clf.classify("スマート農業の歴史").areas] == ["agri_food"]  # no basic-science wording
    assert [a.id for a in clf.classify("スマート農業とcropの歴史の解明").areas] == ["agri_food"]  # two strong terms
    assert [a.id for a in clf.classify("スマート農業の稲作と収量の解明").areas] == ["agri_food"]  # not doubted (0)
    # The model reads the title alone: its doubt holds back a strong term of the title, not one of the keywords
    # or abstract after it (screen's --extra-column), which it never read.
    title = "スマート農業の歴史の解明"
    assert clf.classify(title + "; 歴史", framing_within=len(title)).held == ("agri_food",)
    for within, text in ((len("歴史の解明"), "歴史の解明; スマート農業"), (len(title), title + "; スマート農業")):
        assert [a.id for a in clf.classify(text, framing_within=within).areas] == ["agri_food"], text
        assert [a[0] for a in clf.brief_many([text], framing_within=[within])[0].areas] == ["agri_food"], text
    import io

    from rich.console import Console

    from domaincheck.render import classify_table

    for lang, said in (("en", "agri_food: score 70 was held back: one strong term in a study of a mechanism"),
                       ("ja", "スコア 70、保留: 機序の解明を示すタイトルで強い語が一つのみで")):  # fmt: skip
        out = io.StringIO()
        classify_table([got], Console(file=out, width=1000, color_system=None), lang, True, 50, clf.taxonomy)
        assert said in out.getvalue()


@pytest.mark.parametrize(("weight", "held"), [(0.81, False), (0.80, True)])
def test_the_doubt_level_is_a_sharp_line(tmp_path: Path, weight: float, held: bool) -> None:
    """agri_food's log-odds -6 + 3 + weight lands just above (-2.19) or just below (-2.20) the doubt level 0.1
    (log-odds -2.197): reported on its support term, or held back."""
    model = _model(doubt=0.1, thresholds=[0.5, 0.5, 0.9], weights={"稲作": [[2, 3.0]], "収量": [[2, weight]]})
    got = Classifier.load(_min_taxonomy_with(tmp_path, model)).classify("AIによる稲作の収量")
    assert ("agri_food" in [a.id for a in got.near_misses]) is held
    assert ("agri_food" in [a.id for a in got.areas]) is not held


def test_an_area_the_model_has_no_word_for_is_never_doubted(tmp_path: Path) -> None:
    """quantum has no weighted word in the hand-made model (probability 0.0025 everywhere): that says nothing
    about a title, so its support terms still report it."""
    clf = Classifier.load(_min_taxonomy_with(tmp_path, _model(doubt=0.1)))
    got = clf.classify("量子 quantum の研究")
    assert [a.id for a in got.areas] == ["quantum"] and "held back" not in got.reason


def test_a_word_may_list_an_area_twice(tmp_path: Path) -> None:
    """Repeated (area, weight) pairs of a word add up, in the quick test as in the exact sum."""
    split = _model(weights={"稲作": [[2, 1.5], [2, 1.5]], "収量": [[2, 3.0]]})
    clf = Classifier.load(_min_taxonomy_with(tmp_path, split))
    assert [(a.id, a.score) for a in clf.classify("稲作の収量予測").areas] == [("agri_food", 50)]


def test_titles_that_differ_only_in_doubt_get_their_own_plans(tmp_path: Path) -> None:
    """Same terms, no learned area, one doubted and one not: the memo of plans must tell them apart, in either
    order."""
    model = _model(doubt=0.1, thresholds=[0.5, 0.5, 0.9])  # 稲作 + 収量: probability 0.5, not doubted, not above
    held, kept = "AIによる収量の歴史", "AIによる稲作の収量"
    for k, order in enumerate(((held, kept), (kept, held))):
        clf = Classifier.load(_min_taxonomy_with(tmp_path / str(k), model))
        got = {t: [a.id for a in clf.classify(t).areas] for t in order}
        assert got == {held: ["ai_robotics"], kept: ["ai_robotics", "agri_food"]}
        fresh = Classifier(clf.taxonomy, clf.matcher, clf.learned)  # an empty memo: briefs computed anew
        assert fresh.brief_many([kept, held] if k else [held, kept]) == [
            Brief.of(clf.classify(t)) for t in ([kept, held] if k else [held, kept])]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_the_doubt_mask_follows_the_probabilities(classifier, data) -> None:  # type: ignore[no-untyped-def]
    """For any set of words, an area is doubted exactly when its probability is below the doubt level (but for
    areas within 2e-4 log-odds of it, where the packed sum's rounding may fall either way)."""
    model: Learned = classifier.learned
    if model.doubt is None:
        pytest.skip("the shipped model has no doubt level")
    level = math.log(model.doubt / (1 - model.doubt))
    words = set(data.draw(st.lists(st.integers(0, len(model.vocabulary) - 1), max_size=60)))
    _, doubted = model._read(words)
    for a, z in zip(model.areas, model._logits(words), strict=True):
        if abs(z - level) > 2e-4 and any(j == model.areas.index(a) for p in model._pairs for j, _ in p):
            assert bool(doubted & model.bits[a]) is (z < level), (a, z)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"areas": ["quantum", "ai_robotics"]}, "areas must be exactly"),
        ({"thresholds": [0.5, 0.5, 1.5]}, "thresholds must be"),
        ({"thresholds": [0.5, 0.5]}, "thresholds must be"),
        ({"intercepts": [0.0]}, "intercepts must be"),
        ({"weights": {"稲作": [[99, 1.0]]}}, "weights['稲作']"),
        ({"weights": {"四文字語": [[0, 1.0]]}}, "for a vocabulary word"),
        ({"vocabulary": ["稲作", "稲作"]}, "vocabulary must be distinct strings of 2-3 characters"),
        ({"vocabulary": ["稲"]}, "vocabulary must be"),
        ({"format": 99}, "not a learned model of format 1"),
        ({"doubt": 0.7}, "doubt must be a probability"),
        ({"doubt": 0.45}, "doubt must be a probability"),
        ({"doubt": True}, "doubt must be a probability"),
    ],
)
def test_a_broken_model_is_a_taxonomy_error(tmp_path: Path, change: dict[str, object], message: str) -> None:
    with pytest.raises(TaxonomyError) as err:
        Classifier.load(_min_taxonomy_with(tmp_path, _model(**change)))
    assert message in err.value.message


@pytest.mark.usefixtures("english")
def test_a_broken_model_file_exits_1_without_traceback(tmp_path: Path) -> None:
    tax = _min_taxonomy_with(tmp_path, _model())
    (tax / "learned.json").write_text("{not json", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "domaincheck", "--taxonomy", str(tax), "classify", "稲作"],
                          capture_output=True, text=True)  # fmt: skip
    assert proc.returncode == 1
    assert "learned.json: cannot read the learned model" in proc.stderr
    assert "Traceback" not in proc.stderr
    # The list commands never use the model: a broken one does not stop them.
    for command in (["domains"], ["show", "agri_food"], ["econsec"], ["programs"]):
        listed = subprocess.run([sys.executable, "-m", "domaincheck", "--taxonomy", str(tax), *command],
                                capture_output=True, text=True)  # fmt: skip
        assert listed.returncode == 0, (command, listed.stderr)


def test_screen_marks_the_areas_the_model_added_or_held(classifier, terms_classifier, tmp_path: Path  # type: ignore[no-untyped-def]
                                                         ) -> None:  # fmt: skip
    import functools

    from domaincheck.screen import ScreenOptions, screen

    titles = [t for t in _eval_titles() if "learned from the whole title" in classifier.classify(t).reason][:5]
    titles += [t for t in _eval_titles() if classifier.classify(t).held][:5]
    src = tmp_path / "call.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["title"], *[[t] for t in titles]])
    for learned in (True, False):
        out = tmp_path / f"out-{learned}.csv"
        summary = screen(ScreenOptions(input=str(src), output=str(out)),
                         functools.partial(Classifier.load, None, learned))  # fmt: skip
        with out.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert [r["title"] for r in rows] == titles
        # the summary counts the held rows per area, as dc_held has them (they were in no count: a user test)
        held = collections.Counter(a for r in rows for a in filter(None, r["dc_held"].split("|")))
        assert summary.held == dict(held) and summary.rows_with_held == sum(1 for r in rows if r["dc_held"])
        assert summary.to_dict()["held"] == dict(held) and (summary.rows_with_held >= 5) is learned
        for row, title in zip(rows, titles, strict=True):
            result = classifier.classify(title)
            added = [a.id for a in result.areas if any(e.strength == "learned" for e in a.evidence)]
            if learned:
                assert row["dc_learned"] == "|".join(added), title
                assert set(added) <= set(row["dc_areas"].split("|"))
                assert row["dc_held"] == "|".join(result.held), title
                assert not set(result.held) & set(row["dc_areas"].split("|")), title
            else:
                assert row["dc_learned"] == row["dc_held"] == "", title
                assert row["dc_areas"] == "|".join(a.id for a in terms_classifier.classify(title).areas), title
    assert len(titles) == 10  # five of each kind


def test_taxonomy_validate_checks_the_model_too(tmp_path: Path) -> None:
    """The model's own digest is in the line: the taxonomy's covers its YAML files alone, and two runs whose models
    differed carried the same (a user test)."""
    import hashlib

    cmd = [sys.executable, "-m", "domaincheck", "taxonomy", "validate"]
    tax = _min_taxonomy_with(tmp_path, _model())
    env = {**os.environ, "DOMAINCHECK_LANG": "en"}
    ok = subprocess.run([*cmd, str(tax)], capture_output=True, text=True, env=env)
    digest = hashlib.sha256((tax / "learned.json").read_bytes()).hexdigest()[:16]
    assert ok.returncode == 0 and "a learned model of 4 words" in ok.stdout and f"model {digest})" in ok.stdout
    (tax / "learned.json").write_text(json.dumps(_model(thresholds=[0.5])), encoding="utf-8")
    bad = subprocess.run([*cmd, str(tax)], capture_output=True, text=True, env=env)
    assert bad.returncode == 1 and "thresholds must be" in bad.stderr and "Traceback" not in bad.stderr
    (tax / "learned.json").unlink()
    none = subprocess.run([*cmd, str(tax)], capture_output=True, text=True, env=env)
    assert none.returncode == 0 and "no learned model" in none.stdout and "model " not in none.stdout.split("(")[1]
    (tax / "learned.json").mkdir()  # a folder of that name was taken for no model (a user test)
    folder = subprocess.run([*cmd, str(tax)], capture_output=True, text=True, env=env)
    assert folder.returncode == 1 and "learned.json: not a file" in folder.stderr


def test_the_table_labels_learned_evidence(classifier) -> None:  # type: ignore[no-untyped-def]
    title = next(t for t in _eval_titles() if "learned from the whole title" in classifier.classify(t).reason)
    env = {**os.environ, "COLUMNS": "200"}
    learned = [[e.text for e in a.evidence if e.strength == "learned"] for a in classifier.classify(title).areas]
    assert any(learned)
    for lang, label in (("ja", "学習モデル: "), ("en", "learned: ")):
        out = subprocess.run([sys.executable, "-m", "domaincheck", "classify", title, "--lang", lang],
                             capture_output=True, text=True, env=env, check=True).stdout  # fmt: skip
        for words in filter(None, learned):
            assert label + ", ".join(words) in out


def test_training_titles_never_meet_the_sets_that_judge_the_model() -> None:
    """The model is judged on heldout_f, heldout_h, heldout_i, heldout_k, heldout_l and dev.csv: none of their titles
    may be in what it is trained on, training/ and the read sets heldout_a–e and g."""
    import re

    from domaincheck.normalize import normalize

    def key(title: str) -> str:
        return re.sub(r"[\\W_]+", "", normalize(title).text)

    judges = [EVAL / f"heldout_{s}.csv" for s in "fhikl"]
    dev = Path(__file__).parent.parent.parent / "shared" / "eval" / "dev.csv"
    if dev.is_file():
        judges.append(dev)
    judged = set()
    for path in judges:
        with path.open(encoding="utf-8", newline="") as fh:
            judged |= {key(row["title"]) for row in csv.DictReader(fh)}
    training = sorted((Path(__file__).parent.parent / "training").glob("*.csv"))
    training += [EVAL / f"heldout_{s}.csv" for s in "abcdeg"]
    assert training and len(judged) > 500
    for path in training:
        with path.open(encoding="utf-8", newline="") as fh:
            shared = [row["title"] for row in csv.DictReader(fh) if key(row["title"]) in judged]
        assert not shared, (path.name, shared[:5])


def test_a_batch_reads_as_the_titles_one_by_one(classifier) -> None:  # type: ignore[no-untyped-def]
    """brief_many equals brief per title, with skipped and unusable rows in the batch."""
    from domaincheck.errors import InputError

    titles: list[str | None] = [*_eval_titles()[:700]]
    titles[5:5] = [None, "!!!", "", "x" * 20_000]  # skipped, unusable and over-long rows inside a batch
    fresh = Classifier(classifier.taxonomy, classifier.matcher, classifier.learned)
    got = fresh.brief_many(titles)
    assert len(got) == len(titles) and got[5] is None
    for title, brief in zip(titles, got, strict=True):
        if title is None:
            continue
        try:
            want: Brief | type[InputError] = Brief.of(classifier.classify(title))
        except InputError:
            want = InputError
        assert brief == want or (want is InputError and isinstance(brief, InputError)), title


def test_classify_csv_names_learned_and_held_areas(classifier) -> None:  # type: ignore[no-untyped-def]
    """classify --format csv keeps the model's part apart: learned areas and held-back areas in their own columns,
    and no learned word among the matched terms."""
    from domaincheck.render import CLASSIFY_CSV_COLUMNS, result_row

    seen = {"learned": 0, "held": 0}
    for title in _eval_titles()[:600]:
        r = classifier.classify(title)
        row = result_row(r)
        assert list(row) == CLASSIFY_CSV_COLUMNS
        learned = [a.id for a in r.areas if any(e.strength == "learned" for e in a.evidence)]
        assert row["learned"] == "|".join(learned) and row["held_back"] == "|".join(r.held)
        terms = {e.text for a in r.areas for e in a.evidence if e.strength != "learned"}
        terms |= {e.text for es in r.econsec for e in es.evidence}  # an econ-security area's own terms
        assert set(row["terms"].split("|")) - {""} == terms  # the learned words stay out of it
        seen["learned"] += bool(learned)
        seen["held"] += bool(r.held)
    assert seen["learned"] >= 5 and seen["held"] >= 2


def test_an_interrupted_cache_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pickle

    from domaincheck import cache

    monkeypatch.setenv("DOMAINCHECK_CACHE", str(tmp_path))

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pickle, "dump", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cache.load_compiled(MIN_TAXONOMY)
    assert list(tmp_path.iterdir()) == []


def test_a_cache_entry_is_on_the_disk_before_it_is_renamed_into_place(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash just after the rename must not leave an empty entry where the compiled taxonomy was said to be."""
    import os

    from domaincheck import cache

    monkeypatch.setenv("DOMAINCHECK_CACHE", str(tmp_path))
    done: list[str] = []
    fsync, replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (done.append("fsync"), fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda a, b: (done.append("replace"), replace(a, b))[1])
    cache.load_compiled(MIN_TAXONOMY)
    assert done == ["fsync", "replace"]
    assert [p.name.startswith("compiled-") for p in tmp_path.iterdir()] == [True]


def test_files_edited_while_they_compile_are_not_cached_under_the_old_key(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache key hashes the files before they are parsed: an edit saved meanwhile would have stored the new
    taxonomy under the old files' key, and restoring the old files would have brought the new taxonomy back."""
    import shutil

    from domaincheck import cache

    directory = tmp_path / "tax"
    shutil.copytree(MIN_TAXONOMY, directory)
    store = tmp_path / "cache"
    monkeypatch.setenv("DOMAINCHECK_CACHE", str(store))
    areas = directory / "areas.yaml"
    before = areas.read_text(encoding="utf-8")
    real_load = cache.load

    def edited_while_parsing(where: object) -> object:
        areas.write_text(before + "\n# saved while a screen started\n", encoding="utf-8")
        return real_load(where)  # type: ignore[arg-type]

    monkeypatch.setattr(cache, "load", edited_while_parsing)
    cache.load_compiled(directory)
    assert not store.exists() or list(store.glob("compiled-*.pickle")) == []  # nothing cached under either key
    monkeypatch.setattr(cache, "load", real_load)
    cache.load_compiled(directory)  # unchanged files: cached as before
    assert len(list(store.glob("compiled-*.pickle"))) == 1


def test_learned_evidence_shows_whole_words(classifier) -> None:  # type: ignore[no-untyped-def]
    """The model weighs 2-3-character pieces; its evidence shows the whole Latin or katakana word around each, or a
    short kanji word (迅速検 → 迅速検知, never a whole title of kanji: a review found 小型人工衛星搭載用… shown whole),
    once, with no space and no particle (hiragana beside other characters: 剤の, の開発) at either end, and still
    points at what the user typed."""
    from domaincheck.classify import (
        _KANJI_WIDEN,
        _is_hiragana_char,
        _is_kanji_char,
        _is_katakana_char,
        _is_latin_word_char,
    )

    checked = 0
    for title in _eval_titles():
        for area in classifier.classify(title).areas:
            learned = [e for e in area.evidence if e.strength == "learned"]
            spans = [(e.start, e.end) for e in learned]
            assert len(spans) == len(set(spans)), title
            for e in learned:
                start, end = e.start, e.end
                text = title[start:end]
                assert text and text == text.strip()
                for kind in (_is_latin_word_char, _is_katakana_char):
                    assert not (kind(text[0]) and start > 0 and kind(title[start - 1])), (title, text)
                    assert not (kind(text[-1]) and end < len(title) and kind(title[end])), (title, text)
                if all(map(_is_kanji_char, text)):
                    assert len(text) <= len(e.term) + _KANJI_WIDEN, (title, text, e.term)
                if not all(map(_is_hiragana_char, text)):
                    assert not any(map(_is_hiragana_char, text)), (title, text)  # no particle inside either
                checked += 1
    assert checked > 100


def test_a_repeated_title_in_a_batch_is_read_once_and_reads_the_same(classifier) -> None:  # type: ignore[no-untyped-def]
    """brief_many keeps what it said of a title (files list a project once a year): a repeat is answered from the
    memo, and reads as the title does; one that differs in what decides it (the reporting score, fuzzy matching) is
    read again, and a text with an abstract after it (framing_within) or an over-long one is never kept."""
    titles = [t for t in _eval_titles()[:300] if Brief.of(classifier.classify(t)).areas][:20]
    fresh = Classifier(classifier.taxonomy, classifier.matcher, classifier.learned)
    first = fresh.brief_many(titles)
    for title, brief in zip(titles, first, strict=True):
        assert brief == Brief.of(classifier.classify(title)), title
    again = fresh.brief_many(list(reversed(titles)) + titles)
    assert again[len(titles):] == first and all(a is b for a, b in zip(again[len(titles):], first, strict=True))
    # The memo answers: a brief planted under another title's key comes back for it (were the title read, its own
    # brief would).
    other = next(b for b in first if b != first[1])
    fresh._briefs[(titles[1], True, fresh.min_score)] = other
    assert fresh.brief_many([titles[1]]) == [other]
    assert fresh.brief_many([titles[1]], min_score=95) == [Brief.of(classifier.classify(titles[1], min_score=95))]
    assert fresh.brief_many([titles[1]], fuzzy=False) == [Brief.of(classifier.classify(titles[1], fuzzy=False))]
    typo = "A cybersecurty framework"  # found by the near-miss speller only
    assert fresh.brief_many([typo]) == [Brief.of(classifier.classify(typo))]
    assert fresh.brief_many([typo], fuzzy=False) == [Brief.of(classifier.classify(typo, fuzzy=False))]
    assert fresh.brief_many([typo], fuzzy=False) != fresh.brief_many([typo])
    text = "教育プログラムの開発 量子コンピュータ"  # framing 教育 in the title, the area term in the text after it
    kept = len(fresh._briefs)
    cut = fresh.brief_many([text, text], framing_within=[4, None])
    assert cut == [Brief.of(classifier.classify(text, framing_within=4)), Brief.of(classifier.classify(text))]
    long = titles[0] + " " + "研究" * 300
    fresh.brief_many([long], framing_within=[len(titles[0])])
    fresh.brief_many([long])
    assert len(fresh._briefs) == kept + 1  # the text alone (no framing cut) once; neither long text


_BOILERPLATE = ("本研究では、社会実装に向けた評価手法を確立し、学生の教育にも資する成果を目指す。国際比較を行う。",
                "We propose a new method, evaluate it in several settings and discuss what it means for society.")


def test_an_abstract_without_area_terms_changes_nothing(classifier) -> None:  # type: ignore[no-untyped-def]
    """The learned model reads the title alone when an abstract follows it (screen --extra-column): a user test saw
    a reactor-materials title lose materials once its abstract was added, and over the held-out titles with an
    abstract of boilerplate (no area term) 132 of 4,696 texts lost an area and 116 gained one when the model read
    the whole text. An abstract with no area term now leaves every title's reading as it was, in classify and in
    brief_many; its terms still count (the abstract's own area term adds its area)."""
    titles = _eval_titles()
    batch, cuts = [], []
    for title in titles:
        alone = classifier.classify(title)
        for abstract in _BOILERPLATE:
            text = f"{title} {abstract}"
            both = classifier.classify(text, framing_within=len(title))
            assert [(a.id, a.score) for a in both.areas] == [(a.id, a.score) for a in alone.areas], title
            assert (both.verdict, both.econsec, both.held) == (alone.verdict, alone.econsec, alone.held), title
            batch.append(text)
            cuts.append(len(title))
    assert len(batch) > 4000
    fresh = Classifier(classifier.taxonomy, classifier.matcher, classifier.learned)
    briefs = fresh.brief_many(batch, framing_within=cuts)
    assert briefs == [Brief.of(classifier.classify(t, framing_within=n)) for t, n in zip(batch, cuts, strict=True)]
    title = "次世代原子炉の燃料被覆管材料の照射損傷"
    with_terms = classifier.classify(f"{title} 本研究では全固体電池の電極にも応用する。", framing_within=len(title))
    assert "materials" in [a.id for a in classifier.classify(title).areas]
    assert {"materials", "energy_gx"} <= {a.id for a in with_terms.areas}


def test_a_title_without_letters_lets_the_model_read_the_whole_text(classifier) -> None:  # type: ignore[no-untyped-def]
    """A review: a title cell of punctuation (―) with the real title in an extra column gave the learned model an
    empty text, so an area only the model finds was lost. The model reads the whole text then."""
    learned_only = [t for t in _eval_titles()[:600]
                    if any(e.strength == LEARNED for a in classifier.classify(t).areas for e in a.evidence)
                    and _JAPANESE.search(t)][:10]  # fmt: skip
    assert learned_only
    for title in learned_only:
        alone = classifier.classify(title)
        dashed = classifier.classify(f"― {title}", framing_within=1)
        assert [(a.id, a.score) for a in dashed.areas] == [(a.id, a.score) for a in alone.areas], title


def test_learned_evidence_leaves_out_one_character_pieces_beside_words(classifier) -> None:  # type: ignore[no-untyped-def]
    """A user test read `AI; 学習モデル: AI, 用` (用 of を用いた): a piece trimmed to one character is left out of an
    area's learned evidence when a longer word carries the area too."""
    seen = 0
    for title in _eval_titles()[:1500]:
        for area in classifier.classify(title).areas:
            words = [e.text for e in area.evidence if e.strength == LEARNED]
            if any(len(w) > 1 for w in words):
                seen += 1
                assert all(len(w) > 1 for w in words), (title, area.id, words)
    assert seen > 50


def test_learned_evidence_leaves_out_pieces_across_a_word_edge(classifier) -> None:  # type: ignore[no-untyped-def]
    """An English-speaking user test read "tsunami" as evidence for ai_robotics beside "learning": the model's piece
    "i " runs from the word's end into the space after it. Such a piece is left out when a piece within a word
    carries the area too; over the evaluation titles every piece shown is within a word then."""
    title = "Deep learning surrogate models for tsunami inundation forecasting in coastal cities"
    [ai] = [a for a in classifier.classify(title).areas if a.id == "ai_robotics"]
    assert "tsunami" not in [e.text for e in ai.evidence if e.strength == LEARNED]
    seen = 0
    for text in _eval_titles()[:2000]:
        for area in classifier.classify(text).areas:
            pieces = [e.term for e in area.evidence if e.strength == LEARNED]
            if len(pieces) > 1 and any(p.strip() == p for p in pieces):
                seen += 1
                assert all(p.strip() == p for p in pieces), (text, area.id, pieces)
    assert seen > 50


def test_learned_evidence_names_no_function_word(classifier) -> None:  # type: ignore[no-untyped-def]
    """The model weighs pieces of words, and the evidence shows the word around each: "for" was among the words
    behind ai_robotics for "Graph neural networks for predicting protein-ligand binding affinity" (a fifth user
    test). Over the English evaluation titles, no learned evidence is a function word (for, of, using …)."""
    function_words = {"for", "of", "the", "and", "in", "on", "with", "to", "by", "via", "from", "using", "based"}
    shown = []
    for title in [t for t in _eval_titles() if t.isascii()] + ["Graph neural networks for predicting protein-ligand "
                                                                 "binding affinity"]:  # fmt: skip
        for area in classifier.classify(title).areas:
            shown += [e.text.lower() for e in area.evidence if e.strength == "learned"]
    assert len(shown) > 20
    assert function_words.isdisjoint(shown), sorted(function_words & set(shown))

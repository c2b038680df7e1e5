"""Train the learned second opinion (``taxonomy/learned.json``) from labelled titles.

Usage (needs the ``train`` extra, which brings scikit-learn; the classifier itself never imports it)::

    pip install -e '.[train]'
    python scripts/train_learned.py training/*.csv --out taxonomy/learned.json

Each input CSV has the columns ``title`` and ``labels`` (area ids separated by ``|``, or ``none``), as the
evaluation sets do. Two stages, both L1-penalised logistic regressions per area: the first over every character
2- and 3-gram of the normalised title (the matcher's normaliser) keeps the few thousand that matter, the
vocabulary; the second learns the weights over the vocabulary words present in a title when it is cut
leftmost-longest, which is how the classifier reads it: one Aho-Corasick pass, about 15 words a title.

Each area's reporting threshold is chosen by k-fold cross-validation on the training titles alone: for each
candidate (0.50 to 0.95, or never), the union of the term classifier's areas and the model's areas at or above it is
scored against the labels of titles the fold's model never saw, with titles labelled none weighed as half of a
call, and the threshold with the best micro-F1 wins. Then the doubt level (0.02 to 0.25, or none) is chosen the same
way: below it, an area the terms report without a strong term is held back. No evaluation set is read.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
try:
    import domaincheck  # noqa: F401
except ImportError:  # running from a checkout without installing
    sys.path.insert(0, str(ROOT / "src"))

from domaincheck.classify import Classifier  # noqa: E402
from domaincheck.errors import DomaincheckError  # noqa: E402
from domaincheck.evaluate import read_cases  # noqa: E402
from domaincheck.learned import FORMAT, Tokenizer, ngrams  # noqa: E402
from domaincheck.normalize import normalize, with_quotes  # noqa: E402
from domaincheck.taxonomy import load as load_taxonomy  # noqa: E402


def read_sets(paths: list[Path], area_ids: list[str]) -> tuple[list[str], list[set[str]], list[str]]:
    """Titles and their labels from labelled CSVs (read as ``domaincheck evaluate`` reads them), each title once:
    a later copy of a title (compared after normalisation) is dropped."""
    titles: list[str] = []
    labels: list[set[str]] = []
    seen: set[str] = set()
    for path in paths:
        try:
            cases = read_cases(path, area_ids)
        except DomaincheckError as exc:
            raise SystemExit(exc.message) from None  # it names the file and line
        for case in cases:
            key = normalize(case.title).text
            if key not in seen:
                seen.add(key)
                titles.append(case.title)
                labels.append(set(case.labels))
    return titles, labels, [str(p) for p in paths]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="+", type=Path, help="labelled CSV files (title, labels)")
    parser.add_argument("--out", type=Path, default=ROOT / "taxonomy" / "learned.json")
    parser.add_argument("--C", type=float, default=0.5,
                        help="inverse L1 regularisation strength of the first stage (which n-grams become words)")
    parser.add_argument("--C-words", type=float, default=0.5,
                        help="inverse L1 regularisation strength of the second stage (the weights of the words)")
    parser.add_argument("--min-df", type=int, default=2, help="keep n-grams seen in at least this many titles")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--none-share", type=float, default=0.6,
                        help="weigh titles labelled none as if they were this share of all titles when choosing the "
                             "thresholds and the doubt level (stride samples of real calls hold about two thirds)")
    args = parser.parse_args()

    import warnings

    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold

    warnings.filterwarnings("ignore", module="sklearn")  # 1.8+ deprecates `penalty` in favour of l1_ratio
    clf = Classifier(load_taxonomy(ROOT / "taxonomy"))  # the term layer alone; any existing learned.json is ignored
    area_ids = [a.id for a in clf.taxonomy.areas]
    titles, labels, sources = read_sets(args.data, area_ids)
    texts = [with_quotes(normalize(t)).text for t in titles]  # what the classifier gives the model to read
    # Per title, the areas the terms report and whether a strong term carries each (the rest may be doubted).
    term_strong = [{h.id: any(e.strength == "strong" for e in h.evidence) for h in clf.classify(t).areas}
                   for t in titles]  # fmt: skip
    term_hits = [set(x) for x in term_strong]
    print(f"{len(titles)} titles, {sum(1 for x in labels if not x)} none", file=sys.stderr)

    def fit(idx: np.ndarray, analyzer: Any, C: float) -> tuple[CountVectorizer, list[LogisticRegression | None]]:
        vec = CountVectorizer(analyzer=analyzer, binary=True, min_df=args.min_df, lowercase=False)
        X = vec.fit_transform([texts[i] for i in idx])
        models: list[LogisticRegression | None] = []
        for a in area_ids:
            y = np.array([a in labels[i] for i in idx])
            if y.sum() < 2:
                models.append(None)
                continue
            m = LogisticRegression(C=C, penalty="l1", solver="liblinear", max_iter=5000, random_state=0)
            m.fit(X, y)
            models.append(m)
        return vec, models

    # Stage 1: every character 2- and 3-gram; the L1 penalty keeps a few thousand that matter: the vocabulary.
    vec, models = fit(np.arange(len(titles)), ngrams, args.C)
    grams = vec.get_feature_names_out()
    chosen = set()
    for m in models:
        if m is not None:
            chosen.update(str(grams[k]) for k in np.flatnonzero(m.coef_[0]))
    vocabulary = sorted(chosen)
    # Stage 2: titles cut into vocabulary words, leftmost-longest, as the classifier will cut them.
    tokenizer = Tokenizer(vocabulary)
    print(f"vocabulary: {len(vocabulary)} n-grams", file=sys.stderr)

    # Out-of-fold probabilities for the threshold.
    oof = np.zeros((len(titles), len(area_ids)))
    for train_idx, test_idx in KFold(args.folds, shuffle=True, random_state=2025).split(texts):
        vec, models = fit(train_idx, tokenizer.words, args.C_words)
        Xt = vec.transform([texts[i] for i in test_idx])
        for j, m in enumerate(models):
            if m is not None:
                oof[test_idx, j] = m.predict_proba(Xt)[:, 1]
    n_none = sum(1 for x in labels if not x)
    none_weight = args.none_share / (1 - args.none_share) * (len(labels) - n_none) / max(1, n_none)
    candidates = [x / 100 for x in range(50, 100, 5)] + [1.0]  # at least 0.5: a learned area scores 50+; 1 = never

    def counts(j: int, threshold: float, doubt: float = 0.0) -> tuple[float, float, float]:
        """Weighted tp, fp, fn of area j when the model reports it from ``threshold`` on and holds back a term
        area without a strong term below ``doubt``."""
        a = area_ids[j]
        tp = fp = fn = 0.0
        for i, gold in enumerate(labels):
            said = a in term_hits[i] and (term_strong[i][a] or oof[i, j] >= doubt)
            pred = said or oof[i, j] >= threshold
            if pred and a in gold:
                tp += 1
            elif pred:
                fp += none_weight if not gold else 1.0
            elif a in gold:
                fn += 1
        return tp, fp, fn

    # Per area, the threshold that maximises the micro-F1 of all areas together (the others held at "never").
    base = [counts(j, 2.0) for j in range(len(area_ids))]
    total = [sum(c[k] for c in base) for k in range(3)]
    thresholds: list[float] = []
    for j, a in enumerate(area_ids):
        rest = [total[k] - base[j][k] for k in range(3)]
        scored = []
        for t in candidates:
            tp, fp, fn = counts(j, t)
            scored.append((2 * (rest[0] + tp) / max(1.0, 2 * (rest[0] + tp) + rest[1] + fp + rest[2] + fn), t))
        f1, best_t = max(scored)  # on a tie, the higher threshold: fewer false alarms for the same F1
        thresholds.append(best_t)
        print(f"{a:20s} threshold {best_t:.2f} (cross-validated micro-F1 {f1:.3f})", file=sys.stderr)

    def weighted_f1(cuts: list[float], doubt: float = 0.0) -> float:
        tp = fp = fn = 0.0
        for j, t in enumerate(cuts):
            c = counts(j, t, doubt)
            tp, fp, fn = tp + c[0], fp + c[1], fn + c[2]
        return 2 * tp / max(1.0, 2 * tp + fp + fn)

    term_f1 = weighted_f1([2.0] * len(area_ids))
    best = (weighted_f1(thresholds), thresholds)
    print(f"terms alone: micro-F1 {term_f1:.3f}; with the model: {best[0]:.3f} (cross-validated)", file=sys.stderr)
    # The doubt level: below it, an area the terms report without a strong term is held back. 0: never.
    doubts = sorted(((weighted_f1(thresholds, d), -d, d) for d in (0.0, 0.02, 0.05, 0.08, 0.12, 0.18, 0.25)),
                    reverse=True)  # fmt: skip
    doubt_f1, _, doubt = doubts[0]  # on a tie, the lower level: fewer term areas held back
    print(f"doubt level {doubt:.2f}: micro-F1 {doubt_f1:.3f} (cross-validated)", file=sys.stderr)

    vec, models = fit(np.arange(len(titles)), tokenizer.words, args.C_words)
    vocab = vec.get_feature_names_out()
    weights: dict[str, list[list[float]]] = {}
    intercepts: list[float] = []
    for j, m in enumerate(models):
        if m is None:
            intercepts.append(-20.0)  # never reported: too few examples to learn from
            continue
        intercepts.append(round(float(m.intercept_[0]), 4))
        coef = m.coef_[0]
        for k in np.flatnonzero(coef):
            weights.setdefault(str(vocab[k]), []).append([j, round(float(coef[k]), 4)])
    doc = {
        "format": FORMAT,
        "what": "L1 logistic regression per area over the vocabulary words (character 2-3-grams, leftmost-longest) "
                "present in the normalised title.",
        "trained": {
            "date": datetime.date.today().isoformat(),
            "titles": len(titles),
            "none_titles": sum(1 for x in labels if not x),
            "sources": sources,
            "C": args.C,
            "C_words": args.C_words,
            "min_df": args.min_df,
            "none_share": args.none_share,
            "cross_validated_micro_f1": round(best[0], 4),
            "cross_validated_micro_f1_with_doubt": round(doubt_f1, 4),
            "terms_alone_micro_f1": round(term_f1, 4),
        },
        "areas": area_ids,
        "thresholds": thresholds,
        **({"doubt": doubt} if doubt > 0 else {}),
        "intercepts": intercepts,
        "vocabulary": vocabulary,
        "weights": dict(sorted(weights.items())),
    }
    assert all(math.isfinite(w) for ws in weights.values() for _, w in ws)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    tmp.replace(args.out)
    print(f"wrote {args.out}: {len(vocabulary)} words, {len(weights)} weighted", file=sys.stderr)


if __name__ == "__main__":
    main()

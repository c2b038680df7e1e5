"""Train the learned second opinion (``taxonomy/learned.json``) from labelled titles.

Usage (needs the ``train`` extra, which brings scikit-learn; the classifier itself never imports it)::

    pip install -e '.[train]'
    python scripts/train_learned.py training/*.csv --out taxonomy/learned.json

Each input CSV has the columns ``title`` and ``labels`` (area ids separated by ``|``, or ``none``), as the
evaluation sets do. The model is one logistic regression per area over the presence of character 1-3-grams of the
normalised title (the same normaliser as the matcher's), fitted with an L1 penalty so that only a few thousand
n-grams carry any weight: the file stays small, and scoring a title is one Aho-Corasick pass over those n-grams.

The reporting threshold is chosen by k-fold cross-validation on the training titles alone: for each candidate,
the union of the term classifier's areas and the model's areas at or above it is scored against the labels of
titles the fold's model never saw, and the threshold with the best micro-F1 wins. No evaluation set is read.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
try:
    import domaincheck  # noqa: F401
except ImportError:  # running from a checkout without installing
    sys.path.insert(0, str(ROOT / "src"))

from domaincheck.classify import Classifier  # noqa: E402
from domaincheck.learned import FORMAT, ngrams  # noqa: E402
from domaincheck.normalize import normalize  # noqa: E402


def read_sets(paths: list[Path], area_ids: list[str]) -> tuple[list[str], list[set[str]], list[str]]:
    titles: list[str] = []
    labels: list[set[str]] = []
    seen: set[str] = set()
    for path in paths:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                title = (row.get("title") or "").strip()
                key = normalize(title).text if title else ""
                if not key or key in seen:
                    continue
                seen.add(key)
                found = {x.strip() for x in (row.get("labels") or "").split("|")} - {"", "none"}
                unknown = found - set(area_ids)
                if unknown:
                    raise SystemExit(f"{path}: unknown area id(s) {sorted(unknown)} for {title!r}")
                titles.append(title)
                labels.append(found)
    return titles, labels, [str(p) for p in paths]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="+", type=Path, help="labelled CSV files (title, labels)")
    parser.add_argument("--out", type=Path, default=ROOT / "taxonomy" / "learned.json")
    parser.add_argument("--C", type=float, default=0.5, help="inverse L1 regularisation strength")
    parser.add_argument("--min-df", type=int, default=2, help="keep n-grams seen in at least this many titles")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--none-share", type=float, default=0.5,
                        help="weigh titles labelled none as if they were this share of all titles when choosing the "
                             "threshold (real calls have far more of them than a training set gathered for areas)")
    args = parser.parse_args()

    import warnings

    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold

    warnings.filterwarnings("ignore", module="sklearn")  # 1.8+ deprecates `penalty` in favour of l1_ratio
    clf = Classifier.load(ROOT / "taxonomy", learned=False)
    area_ids = [a.id for a in clf.taxonomy.areas]
    titles, labels, sources = read_sets(args.data, area_ids)
    texts = [normalize(t).text for t in titles]
    term_hits = [{h.id for h in clf.classify(t).areas} for t in titles]
    print(f"{len(titles)} titles, {sum(1 for x in labels if not x)} none", file=sys.stderr)

    def fit(idx: np.ndarray) -> tuple[CountVectorizer, list[LogisticRegression | None]]:
        vec = CountVectorizer(analyzer=ngrams, binary=True, min_df=args.min_df, lowercase=False)
        X = vec.fit_transform([texts[i] for i in idx])
        models: list[LogisticRegression | None] = []
        for a in area_ids:
            y = np.array([a in labels[i] for i in idx])
            if y.sum() < 2:
                models.append(None)
                continue
            m = LogisticRegression(C=args.C, penalty="l1", solver="liblinear", max_iter=5000)
            m.fit(X, y)
            models.append(m)
        return vec, models

    # Out-of-fold probabilities for the threshold.
    oof = np.zeros((len(titles), len(area_ids)))
    for train_idx, test_idx in KFold(args.folds, shuffle=True, random_state=2025).split(texts):
        vec, models = fit(train_idx)
        Xt = vec.transform([texts[i] for i in test_idx])
        for j, m in enumerate(models):
            if m is not None:
                oof[test_idx, j] = m.predict_proba(Xt)[:, 1]
    best = (0.0, 0.5)
    n_none = sum(1 for x in labels if not x)
    none_weight = args.none_share / (1 - args.none_share) * (len(labels) - n_none) / max(1, n_none)

    def weighted_f1(threshold: float) -> float:
        tp = fp = fn = 0.0
        for i, gold in enumerate(labels):
            pred = term_hits[i] | {a for j, a in enumerate(area_ids) if oof[i, j] >= threshold}
            tp += len(gold & pred)
            fp += len(pred - gold) * (none_weight if not gold else 1.0)
            fn += len(gold - pred)
        return 2 * tp / max(1.0, 2 * tp + fp + fn)

    for threshold in [x / 100 for x in range(50, 91, 5)]:  # at least 0.5: a learned area scores 50+
        f1 = weighted_f1(threshold)
        print(f"threshold {threshold:.2f}: cross-validated micro-F1 {f1:.3f}", file=sys.stderr)
        if f1 > best[0]:
            best = (f1, threshold)
    term_f1 = weighted_f1(2.0)  # no probability reaches 2: the terms alone
    print(f"terms alone: micro-F1 {term_f1:.3f}; chosen threshold {best[1]:.2f} (cross-validated {best[0]:.3f})",
          file=sys.stderr)  # fmt: skip

    vec, models = fit(np.arange(len(titles)))
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
        "what": "L1 logistic regression per area over the presence of character 1-3-grams of the normalised title.",
        "trained": {
            "date": datetime.date.today().isoformat(),
            "titles": len(titles),
            "none_titles": sum(1 for x in labels if not x),
            "sources": sources,
            "C": args.C,
            "min_df": args.min_df,
            "none_share": args.none_share,
            "cross_validated_micro_f1": round(best[0], 4),
            "terms_alone_micro_f1": round(term_f1, 4),
        },
        "areas": area_ids,
        "threshold": best[1],
        "intercepts": intercepts,
        "weights": dict(sorted(weights.items())),
    }
    assert all(math.isfinite(w) for ws in weights.values() for _, w in ws)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    tmp.replace(args.out)
    print(f"wrote {args.out}: {len(weights)} n-grams, threshold {best[1]:.2f}", file=sys.stderr)


if __name__ == "__main__":
    main()

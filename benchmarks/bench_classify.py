"""Speed of the classification core and of the CLI's cold start.

Usage: python benchmarks/bench_classify.py [--titles N] [--runs N]

Reports (1) core throughput: normalise + match + score, no I/O, one core, on the ~20,000 distinct real KAKEN titles
of the stride-sampled training files (``training/kaken_calls{,_2,_3}.csv``: what a call holds, two thirds of it no
area), with the learned model and with terms alone (--terms-only), both for ``Classifier.classify`` (full results
with evidence offsets) and for ``Classifier.brief_many`` in batches of 1,000 (what ``screen`` calls). Each pass
starts with an empty memo of plans, so that no title is cheaper for having been seen; best of three. Then the
same in the steady state of a long batch: each pass first classifies (untimed) the 6,000-odd other titles of
``training/kaken_calls_4.csv``, as the earlier rows of a call would, so the memos already hold each term's facts
and the outcomes of common score patterns, but no measured title. Also, for comparison with
earlier figures: N synthetic titles built from a few fragments (``--titles``; they repeat, so the memo helps) and the
196 dev-set titles if ../shared/eval/dev.csv exists. (2) single-title latency; (3) wall time of
`domaincheck classify "…"` in a new process, with a warm and with an empty compiled cache.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
DEV = HERE.parent.parent / "shared" / "eval" / "dev.csv"
CALLS = [HERE.parent / "training" / f"kaken_calls{n}.csv" for n in ("", "_2", "_3")]  # what a call holds
WARM = HERE.parent / "training" / "kaken_calls_4.csv"  # other titles of the same kind, for the steady state

JA_SUBJECTS = ["深層学習", "量子センサ", "全固体電池", "衛星リモートセンシング", "ゲノム編集", "自動運転", "耐震補強",
               "スマート農業", "海洋観測", "サイバー攻撃検知", "希土類磁石", "核融合ブランケット", "抗体医薬",
               "低分子化合物", "ドローン", "光電融合", "水素製造", "地域コミュニティ", "江戸時代の文学", "教育評価"]
JA_FRAMES = ["{}を用いた{}の高度化に関する研究", "{}による{}の新展開", "{}と{}の融合による次世代技術の創出",
             "{}に基づく{}の評価手法の開発", "{}のための{}の基盤構築"]
EN_SUBJECTS = ["deep learning", "quantum sensing", "solid-state batteries", "satellite remote sensing",
               "genome editing", "autonomous driving", "seismic isolation", "smart agriculture", "ocean observation",
               "intrusion detection", "permanent magnets", "fusion blankets", "monoclonal antibodies",
               "small-molecule inhibitors", "drones", "silicon photonics", "hydrogen production",
               "urban sociology", "medieval literature", "teacher education"]
EN_FRAMES = ["{} for {}: a new approach", "Towards robust {} with {}", "On the role of {} in {}",
             "Scalable {} via {}", "Evaluating {} and {} in practice"]


def synthetic_titles(n: int, seed: int = 7) -> list[str]:
    """Mixed Japanese/English titles, about half with area terms."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        if rnd.random() < 0.6:
            out.append(rnd.choice(JA_FRAMES).format(rnd.choice(JA_SUBJECTS), rnd.choice(JA_SUBJECTS)))
        else:
            out.append(rnd.choice(EN_FRAMES).format(rnd.choice(EN_SUBJECTS), rnd.choice(EN_SUBJECTS)))
    return out


def _warm(clf: Any, titles: list[str] | None) -> None:
    """Let ``clf`` classify ``titles`` first (untimed), as the earlier rows of a long batch would."""
    for i in range(0, len(titles or ()), 1000):
        clf.brief_many(titles[i : i + 1000])  # type: ignore[index]


def _fresh(learned: bool) -> Any:
    """A classifier with empty memos, sharing the loaded taxonomy, matcher and model (and their warm caches)."""
    from domaincheck.classify import Classifier

    base = _LOADED.get(learned)
    if base is None:
        base = _LOADED[learned] = Classifier.load(learned=learned)
        for t in synthetic_titles(500, seed=99):
            base.classify(t)  # warm the normaliser's and the speller's caches, as a long batch would
    return Classifier(base.taxonomy, base.matcher, base.learned)


_LOADED: dict[bool, Any] = {}


def core_throughput(titles: list[str], repeat: int = 3, learned: bool = True,
                    warm: list[str] | None = None) -> dict[str, float]:  # fmt: skip
    """Best-of-``repeat`` titles/s for Classifier.classify over ``titles``, each pass on a classifier whose memo of
    plans starts empty (with or without the learned model), or warm as in :func:`batch_throughput`."""
    best = 0.0
    for _ in range(repeat):
        clf = _fresh(learned)
        _warm(clf, warm)
        start = time.perf_counter()
        for t in titles:
            clf.classify(t)
        best = max(best, len(titles) / (time.perf_counter() - start))
    clf = _fresh(learned)
    _warm(clf, warm)
    lat = []
    for t in titles[:2000]:
        s = time.perf_counter_ns()
        clf.classify(t)
        lat.append((time.perf_counter_ns() - s) / 1000)
    lat.sort()
    return {"titles_per_s": round(best), "latency_us_median": round(statistics.median(lat), 1),
            "latency_us_p99": round(lat[int(len(lat) * 0.99)], 1)}  # fmt: skip


def batch_throughput(titles: list[str], repeat: int = 3, learned: bool = True, batch: int = 1000,
                     warm: list[str] | None = None) -> int:  # fmt: skip
    """Best-of-``repeat`` titles/s for Classifier.brief_many in batches (what screen calls: no evidence offsets),
    each pass on a classifier whose memos start empty, or (``warm``) hold what classifying those other titles
    left in them: the steady state of a long batch, where the facts of each term and the outcomes of common
    score patterns are already known, but no measured title has been seen."""
    best = 0.0
    for _ in range(repeat):
        clf = _fresh(learned)
        _warm(clf, warm)
        start = time.perf_counter()
        for i in range(0, len(titles), batch):
            clf.brief_many(titles[i : i + batch])
        best = max(best, len(titles) / (time.perf_counter() - start))
    return round(best)


def call_titles(paths: list[Path] = CALLS) -> list[str]:
    """The distinct real titles of the stride-sampled KAKEN training files (about 20,000)."""
    seen: dict[str, None] = {}
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            seen.update((row["title"], None) for row in csv.DictReader(fh))
    return list(seen)


def cli_wall(runs: int, cache: str | None) -> float:
    """Median wall seconds of `domaincheck classify` in a new process."""
    env = dict(os.environ)
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="dc-cold-") as empty:
            if cache is not None:
                env["DOMAINCHECK_CACHE"] = empty
            s = time.perf_counter()
            subprocess.run([sys.executable, "-m", "domaincheck", "classify", "量子コンピュータとAIを活用した創薬"],
                           env=env, check=True, capture_output=True)  # fmt: skip
            times.append(time.perf_counter() - s)
    return round(statistics.median(times), 3)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--titles", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    import domaincheck

    result: dict[str, object] = {"python": sys.version.split()[0], "cpu_count": os.cpu_count(),
                                 "core": "compiled" if domaincheck.compiled() else "plain Python"}
    calls = call_titles()
    result["call_titles"] = len(calls)
    result["core_call_titles"] = core_throughput(calls)
    result["core_call_titles_terms_only"] = core_throughput(calls, learned=False)
    result["batch_call_titles"] = batch_throughput(calls)
    result["batch_call_titles_terms_only"] = batch_throughput(calls, learned=False)
    measured = set(calls)
    warm = [t for t in call_titles([WARM]) if t not in measured]
    result["warm_titles"] = len(warm)
    result["core_call_titles_steady"] = core_throughput(calls, warm=warm)
    result["batch_call_titles_steady"] = batch_throughput(calls, warm=warm)
    synthetic = synthetic_titles(args.titles)
    result["core_synthetic_repeating"] = core_throughput(synthetic)
    result["core_synthetic_repeating_terms_only"] = core_throughput(synthetic, learned=False)
    if DEV.is_file():
        with DEV.open(encoding="utf-8") as fh:
            dev = [row["title"] for row in csv.DictReader(fh)]
        result["core_dev_titles"] = core_throughput(dev)
        result["core_dev_titles_terms_only"] = core_throughput(dev, learned=False)
    cli_wall(1, None)  # make sure the compiled cache exists
    result["cli_warm_cache_s"] = cli_wall(args.runs, None)
    result["cli_empty_cache_s"] = cli_wall(max(3, args.runs // 3), "fresh")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    result["python_startup_s"] = round(time.perf_counter() - start, 3)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "bench_classify.json").write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

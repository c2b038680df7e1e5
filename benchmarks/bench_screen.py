"""Benchmark `domaincheck screen`: rows per second and peak memory against a plain csv copy.

Usage::

    python benchmarks/bench_screen.py                 # 100,000 rows: floor, jobs=1, jobs=all cores
    python benchmarks/bench_screen.py --rows 1000000  # peak memory on a million rows
    python benchmarks/bench_screen.py --fake          # pipeline only, with a trivial classifier
    python benchmarks/bench_screen.py --shape titles  # a four-column title list instead of an export with abstracts
    python benchmarks/bench_screen.py --output-format jsonl   # screen writes JSONL (or xlsx) instead of CSV

It writes a realistic CSV (ids, real Japanese/English titles and splices of them, people, institutions, an abstract, a
budget) into a temporary folder, then runs each case in its own process and reads that process's peak
resident memory with ``os.wait4``: (a) the floor, Python's csv module reading and writing the same file;
(b) ``screen`` with jobs=1; (c) ``screen`` with one worker per core. For (c) the peak of the main process
and of the largest worker are reported separately (the workers add up). A table goes to stdout and the
numbers to ``benchmarks/out/bench_screen-<time>.json``.
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT_DIR = HERE / "out"

try:
    import domaincheck.screen  # noqa: F401
except ImportError:  # running from a checkout without installing
    sys.path.insert(0, str(ROOT / "src"))

EVAL_DIR = ROOT / "tests" / "data" / "eval"
JA_SUBJECTS = [
    "量子コンピュータ", "超伝導量子ビット", "量子暗号通信", "次世代半導体", "パワー半導体", "生成AI",
    "大規模言語モデル", "自律移動ロボット", "核融合炉ブランケット", "小型衛星コンステレーション", "海洋観測ブイ",
    "低分子創薬", "ゲノム編集", "全固体電池", "水素製造触媒", "洪水予測", "スマート農業", "バイオ医薬品",
    "中世日本文学", "地域経済の持続性", "幼児教育", "古代史料", "都市交通", "マテリアルズインフォマティクス",
]  # fmt: skip
JA_LINKS = ["を用いた", "による", "のための", "に関する", "と", "を活用した"]
JA_GOALS = ["研究", "基盤技術の開発", "高精度化", "社会実装に向けた実証", "評価手法の確立", "国際比較"]
EN_SUBJECTS = [
    "quantum error correction", "post-quantum cryptography", "GaN power devices", "large language models",
    "autonomous mobile robots", "small satellite constellations", "drug discovery", "solid-state batteries",
    "flood forecasting", "medieval Japanese literature", "regional economics", "early childhood education",
]  # fmt: skip
SURNAMES = ["山田", "佐藤", "鈴木", "髙橋", "田中", "渡辺", "伊藤", "中村", "小林", "Smith", "Chen"]
GIVEN = ["太郎", "花子", "一郎", "美咲", "健", "John", "Wei"]
INSTITUTIONS = ["東京大学", "京都大学", "大阪大学", "東北大学", "理化学研究所", "産業技術総合研究所", "JAXA"]
HEADER = ["課題番号", "研究課題名", "研究代表者", "所属機関", "概要", "予算（千円）"]


@functools.cache
def real_titles() -> tuple[str, ...]:
    """The real public titles of the held-out evaluation sets a to l (Japanese and English): the sets the benchmark
    has drawn on since session 13, so that its figures stay comparable (session 36 added sets m to o, and with them in
    the mix the same build ran about 8 MiB higher and a little slower)."""
    titles: list[str] = []
    for path in sorted(EVAL_DIR.glob("heldout_[a-l].csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            titles.extend(row["title"] for row in csv.DictReader(handle))
    if not titles:
        raise SystemExit(f"no evaluation titles found in {EVAL_DIR}")
    return tuple(titles)


def make_title(rng: random.Random) -> str:
    """One title: a real title (40%) or the head of one real title joined to the tail of another (60%).

    The splices keep the text realistic while giving about as many distinct combinations of matched terms
    as rows, so that no memo of the classifier can make the benchmark easier than real calls.
    """
    titles = real_titles()
    first = rng.choice(titles)
    if rng.random() < 0.4:
        return first
    second = rng.choice(titles)
    return first[: rng.randint(1, len(first))] + " " + second[rng.randint(0, len(second) - 1) :]


def make_abstract(rng: random.Random) -> str:
    """An abstract-like paragraph of 4-9 sentences."""
    sentences = []
    for _ in range(rng.randint(4, 9)):
        if rng.random() < 0.7:
            sentences.append(f"本研究では{rng.choice(JA_SUBJECTS)}{rng.choice(JA_LINKS)}{rng.choice(JA_GOALS)}を行う。")
        else:
            sentences.append(f"We study {rng.choice(EN_SUBJECTS)} with {rng.choice(EN_SUBJECTS)}. ")
    return "".join(sentences)


def write_input(path: Path, rows: int, seed: int = 2025, shape: str = "export") -> None:
    """Write the benchmark CSV (UTF-8, as an application system would export it).

    ``export``: six columns with an abstract of 4-9 sentences (about 570 bytes a row); ``titles``: a title list
    (number, title, investigator, institution; about 120 bytes a row), the shape the issue's floor figure suggests.
    """
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER if shape == "export" else HEADER[:4])
        for i in range(rows):
            row = [f"JP{2025_000000 + i}", make_title(rng), f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
                   rng.choice(INSTITUTIONS)]  # fmt: skip
            if shape == "export":
                row += [make_abstract(rng), str(rng.randrange(1_000, 500_000, 100))]
            writer.writerow(row)


# --- cases (each runs in its own process) -------------------------------------------------------------


class FakeClassifier:
    """A trivial classifier with the real one's shape, to measure the pipeline alone (``--fake``)."""

    def classify(self, title: str) -> Any:
        from types import SimpleNamespace

        hit = "量子" in title or "quantum" in title
        area = SimpleNamespace(id="quantum", tier="strategic", score=70, evidence=[SimpleNamespace(term="量子")])
        areas = [area] if hit else []
        return SimpleNamespace(
            verdict="strategic" if hit else "none",
            areas=areas,
            econsec=[],
            programs=[],
            to_dict=lambda: {"title": title, "verdict": "strategic" if hit else "none"},
        )


def fake_factory() -> FakeClassifier:
    return FakeClassifier()


def run_floor(src: Path, dst: Path) -> int:
    """The floor: read every row with csv and write it back with one extra column."""
    csv.field_size_limit(2**31 - 1)
    count = 0
    with open(src, encoding="utf-8", newline="") as fin, open(dst, "w", encoding="utf-8-sig", newline="") as fout:
        reader = csv.reader(fin)
        writer = csv.writer(fout)
        for row in reader:
            row.append("")
            writer.writerow(row)
            count += 1
    return count - 1


def run_screen(src: Path, dst: Path, jobs: int, fake: bool) -> int:
    from domaincheck.screen import ScreenOptions, screen

    if fake:
        factory: Any = fake_factory
    else:
        from domaincheck.classify import Classifier

        factory = functools.partial(Classifier.load, None)
    summary = screen(ScreenOptions(input=str(src), output=str(dst), jobs=jobs), factory)
    return summary.rows_written


def case_main(args: argparse.Namespace) -> None:
    """Child process: run one case and print its numbers as JSON."""
    import resource

    start = time.perf_counter()
    if args.case == "floor":
        rows = run_floor(Path(args.input), Path(args.output))
    else:
        rows = run_screen(Path(args.input), Path(args.output), args.jobs, args.fake)
    elapsed = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"rows": rows, "seconds": elapsed, "main_rss_kib": own, "worker_rss_kib": workers}))


def run_case(script: Path, case: str, src: Path, dst: Path, jobs: int, fake: bool) -> dict[str, Any]:
    """Run one case in a child process; add the child's peak RSS as measured by wait4."""
    cmd = [sys.executable, str(script), "--case", case, "--input", str(src), "--output", str(dst)]
    cmd += ["--jobs", str(jobs)] + (["--fake"] if fake else [])
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(cmd, stdout=out)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    if proc.returncode != 0:
        raise SystemExit(f"case {case} failed with exit code {proc.returncode}")
    result: dict[str, Any] = json.loads(text.strip().splitlines()[-1])
    result["case"] = case
    result["jobs"] = jobs
    result["rows_per_second"] = result["rows"] / result["seconds"] if result["seconds"] else 0.0
    result["peak_rss_mib"] = usage.ru_maxrss / 1024  # the largest of the child and its workers (Linux)
    return result


def classifier_available() -> str | None:
    """None when the real classifier loads, else why not."""
    try:
        from domaincheck.classify import Classifier

        Classifier.load()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the generated CSV")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="workers for the parallel case")
    parser.add_argument("--fake", action="store_true", help="use a trivial classifier (pipeline cost only)")
    parser.add_argument("--shape", choices=["export", "titles"], default="export",
                        help="export: six columns with abstracts; titles: four short columns")  # fmt: skip
    parser.add_argument("--output-format", choices=["csv", "jsonl", "xlsx"], default="csv",
                        help="what screen writes (the floor always copies the CSV)")  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the generated files (prints the folder)")
    parser.add_argument("--case", choices=["floor", "screen"], help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        case_main(args)
        return

    if not args.fake:
        problem = classifier_available()
        if problem is not None:
            raise SystemExit(f"the real classifier is not available ({problem}); use --fake to time the pipeline")

    script = Path(__file__).resolve()
    folder = Path(tempfile.mkdtemp(prefix="bench_screen_"))
    try:
        src = folder / "proposals.csv"
        started = time.perf_counter()
        write_input(src, args.rows, shape=args.shape)
        print(f"input: {args.rows:,} rows, {src.stat().st_size / 2**20:.1f} MiB "
              f"(generated in {time.perf_counter() - started:.1f} s)")  # fmt: skip
        cases = [("floor", 1), ("screen", 1)]
        if args.jobs > 1:
            cases.append(("screen", args.jobs))
        results = []
        for case, jobs in cases:
            dst = folder / f"out_{case}_{jobs}.{'csv' if case == 'floor' else args.output_format}"
            result = run_case(script, case, src, dst, jobs, args.fake)
            results.append(result)
            dst.unlink()
        print_table(results)
        write_json(args, src, results)
    finally:
        if args.keep:
            print(f"files kept in {folder}")
        else:
            for path in folder.iterdir():
                path.unlink()
            folder.rmdir()


def print_table(results: list[dict[str, Any]]) -> None:
    print(f"{'case':<22}{'rows/s':>12}{'seconds':>10}{'peak MiB':>10}{'main MiB':>10}{'worker MiB':>12}")
    for r in results:
        name = "csv copy (floor)" if r["case"] == "floor" else f"screen jobs={r['jobs']}"
        print(
            f"{name:<22}{r['rows_per_second']:>12,.0f}{r['seconds']:>10.2f}{r['peak_rss_mib']:>10.1f}"
            f"{r['main_rss_kib'] / 1024:>10.1f}{r['worker_rss_kib'] / 1024:>12.1f}"
        )


def write_json(args: argparse.Namespace, src: Path, results: list[dict[str, Any]]) -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = OUT_DIR / f"bench_screen-{stamp}.json"
    import domaincheck

    data = {
        "rows": args.rows,
        "shape": args.shape,
        "output_format": args.output_format,
        "input_bytes": src.stat().st_size,
        "classifier": "fake" if args.fake else "real",
        "core": "compiled" if domaincheck.compiled() else "plain Python",
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "cases": results,
    }
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""End to end: what ``python -m pipelines materialize`` costs against what its NLP libraries alone cost.

Run:  .venv/bin/python bench/bench_end_to_end.py [--documents 1000] [--small-dumps 0] [--data ../shared/eval-data]

1. Writes a dump of ``--documents`` news documents in English, French and German (half, three tenths,
   one fifth): real articles of ``../shared/eval-data`` (CoNLL-2003 and PolNeAR for English, HIPE-2022
   for French) where that folder is present, else sentences of the labelled language data in
   ``bench/data/langid`` grouped into paragraphs (German always comes from there); each between the
   furniture of its site (a menu, a byline, a dateline, a footer of boilerplate lines shared by the
   site's documents), as scraped pages are.
2. Times ``materialize`` into a new DuckDB file, as a user runs it: wall time and CPU time of the whole
   process tree (the run, its forkserver and workers), then an unchanged rerun (wall time).
3. Times, in this process, the libraries' floor on the same documents: stock langdetect once per document
   on its text (``detect_langs``, seeded), and each installed spaCy pipeline the entity stage uses, with
   only the components it keeps, over its language's documents (``nlp.pipe``); the models' load time is
   reported apart, not in the floor.
4. Prints floor / pipeline (CPU seconds; the target is >= 0.8 on 1,000 documents).

``--repeat K`` runs materialize (each into a new warehouse) and the floor K times, alternately, and reports
the lowest CPU of each (and each round's ratio): this VM's speed moves by 10-30 % within minutes.
``--small-dumps K`` also times K dumps of two documents each in one ``materialize`` and reports the
cost per dump beyond the first. Results go to bench/out/end_to_end.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.ingest.dumpwriter import format_dump  # noqa: E402

LANGID = ROOT / "bench" / "data" / "langid"
MIX = {"en": 0.5, "fr": 0.3, "de": 0.2}
REAL = {"en": ("conll2003_en_dev.json", "polnear_en_quotes_dev.json"), "fr": ("hipe2022_fr_dev.json",)}
SITES_PER_LANGUAGE = 4
SEED = 20261202
MENUS = ("Home | World | Business | Sport | Culture | Opinion", "News  Politics  Economy  Tech  Science",
         "Accueil | Monde | Économie | Sport | Culture", "Startseite | Politik | Wirtschaft | Sport | Kultur")
FOOTERS = {
    "en": ("Share this article", "Related articles", "Subscribe to our newsletter for the latest news.",
           "Comments are closed.", "Follow us on social media"),
    "fr": ("Partager cet article", "À lire aussi", "Abonnez-vous à notre newsletter pour recevoir l'actualité.",
           "Les commentaires sont fermés.", "Suivez-nous sur les réseaux sociaux"),
    "de": ("Artikel teilen", "Das könnte Sie auch interessieren", "Abonnieren Sie unseren Newsletter.",
           "Kommentare sind geschlossen.", "Folgen Sie uns in den sozialen Medien"),
}


def article_bodies(language: str, data: Path, rng: random.Random) -> list[str]:
    """Bodies of real articles of ``language``, or paragraphs of its labelled sentences."""
    bodies = [d["text"] for name in REAL.get(language, ()) if (data / name).is_file()
              for d in json.loads((data / name).read_text(encoding="utf-8"))]
    if bodies:
        return bodies
    sentences = [s for s in (LANGID / language / "sentences.txt").read_text(encoding="utf-8").splitlines() if s]
    return ["\n\n".join(" ".join(rng.choice(sentences) for _ in range(rng.randint(2, 4)))
                        for _ in range(rng.randint(5, 12))) for _ in range(300)]


def make_documents(count: int, data: Path) -> list[tuple[str, str, str]]:
    """``count`` (name, language, text) documents: an article between its site's furniture."""
    rng = random.Random(SEED)
    bodies = {language: article_bodies(language, data, rng) for language in MIX}
    sites = [(language, rng.choice(MENUS), f"By Staff Reporter {n}", rng.sample(FOOTERS[language], 4))
             for language in MIX for n in range(SITES_PER_LANGUAGE)]
    documents = []
    for number in range(count):
        language = rng.choices(list(MIX), list(MIX.values()))[0]
        _, menu, byline, footer = rng.choice([s for s in sites if s[0] == language])
        body = bodies[language][number % len(bodies[language])]
        dateline = f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.2026 {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
        text = "\n\n".join([menu, byline, dateline, body, *footer, f"Ref. {number:06d}"])
        documents.append((f"{language}/{number:06d}.txt", language, text))
    return documents


def timed_materialize(raw: Path, warehouse: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, the whole process tree) of one ``materialize``."""
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    command = [sys.executable, "-m", "pipelines", "materialize", "--raw-dir", str(raw), "--warehouse", str(warehouse)]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"materialize failed ({process.returncode}):\n{output[-4000:]}")
    return wall, usage.ru_utime + usage.ru_stime


def library_floor(documents: list[tuple[str, str, str]]) -> dict[str, float]:
    """CPU seconds of the libraries alone: langdetect per document, each spaCy pipeline over its documents."""
    import langdetect
    from langdetect import DetectorFactory

    from pipelines.entities.models import MODELS, pipeline_map

    DetectorFactory.seed = 0
    langdetect.detect_langs("warm up the profiles")
    floor: dict[str, float] = {}
    start = time.process_time()
    for _, _, text in documents:
        DetectorFactory.seed = 0
        langdetect.detect_langs(text)
    floor["langdetect"] = time.process_time() - start
    for language, name in pipeline_map().items():
        texts = [text for _, lang, text in documents if lang == language]
        if not texts:
            continue
        start = time.process_time()
        nlp = MODELS.get(name)
        floor[f"load {name}"] = time.process_time() - start
        start = time.process_time()
        for _ in nlp.pipe(texts, batch_size=64):
            pass
        floor[f"spacy {name}"] = time.process_time() - start
    return floor


def small_dumps(count: int, work: Path) -> dict[str, float]:
    """``count`` dumps of two documents in one run: seconds per dump beyond a one-dump run."""
    raw_one, raw_many = work / "small-one", work / "small-many"
    raw_one.mkdir()
    raw_many.mkdir()
    pair = [("a.txt", "Council approves the budget\n\nThe council approved the budget on Monday, said Ann Lee."),
            ("b.txt", "Rain expected\n\nForecasters expect heavy rain in the north of the country this week.")]
    (raw_one / "dump_0000.txt").write_text(format_dump(pair, "banner"), encoding="utf-8")
    for index in range(count):
        named = [(f"{index}_{name}", f"{text} Item {index}.") for name, text in pair]
        (raw_many / f"dump_{index:04d}.txt").write_text(format_dump(named, "banner"), encoding="utf-8")
    one_wall, _ = timed_materialize(raw_one, work / "small-one.duckdb")
    many_wall, many_cpu = timed_materialize(raw_many, work / "small-many.duckdb")
    return {"dumps": count, "one_dump_s": round(one_wall, 2), "all_dumps_s": round(many_wall, 2),
            "all_dumps_cpu_s": round(many_cpu, 2),
            "per_dump_s": round((many_wall - one_wall) / max(count - 1, 1), 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--small-dumps", type=int, default=0, help="also time this many two-document dumps")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "eval-data")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "out" / "end_to_end.json")
    parser.add_argument("--repeat", type=int, default=1,
                        help="materialize (into a new warehouse) and the floor this many times, alternately: on a "
                             "noisy machine the lowest CPU of each is reported, and each pair's ratio")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-e2e-"))
    raw = work / "raw"
    raw.mkdir()
    documents = make_documents(args.documents, args.data)
    (raw / "news.txt").write_text(format_dump([(n, t) for n, _, t in documents], "banner"), encoding="utf-8")
    words = sum(len(text.split()) for _, _, text in documents)
    print(f"{len(documents)} documents, {words:,} words, "
          + ", ".join(f"{lang}={sum(1 for d in documents if d[1] == lang)}" for lang in MIX))

    runs = []  # (wall, cpu, floor) of each round: a materialize, then the floor, minutes apart at most
    for round_ in range(max(args.repeat, 1)):
        wall, cpu = timed_materialize(raw, work / f"corpus-{round_}.duckdb")
        if round_ == 0:
            rerun_wall, _ = timed_materialize(raw, work / "corpus-0.duckdb")
        runs.append((wall, cpu, library_floor(documents)))
    if len(runs) > 1:
        for number, (run_wall, run_cpu, run_floor) in enumerate(runs, start=1):
            run_floor_cpu = sum(v for k, v in run_floor.items() if not k.startswith("load "))
            print(f"round {number}: materialize {run_wall:6.2f} s wall {run_cpu:6.2f} s CPU;"
                  f" floor {run_floor_cpu:6.2f} s; ratio {run_floor_cpu / run_cpu:.3f}")
    wall, cpu = min(((run_wall, run_cpu) for run_wall, run_cpu, _ in runs), key=lambda run: run[1])
    loads = {k: v for k, v in runs[0][2].items() if k.startswith("load ")}  # loaded once: the first round's
    floor = min(({k: v for k, v in run_floor.items() if not k.startswith("load ")} for _, _, run_floor in runs),
                key=lambda f: sum(f.values()))
    floor_cpu = sum(floor.values())
    load_cpu = sum(loads.values())
    floor = {**loads, **floor}
    report = {
        "documents": len(documents), "words": words, "cores": os.cpu_count(),
        "materialize_wall_s": round(wall, 2), "materialize_cpu_s": round(cpu, 2),
        "documents_per_s": round(len(documents) / wall, 1), "unchanged_rerun_wall_s": round(rerun_wall, 2),
        "floor": {k: round(v, 2) for k, v in floor.items()}, "floor_cpu_s": round(floor_cpu, 2),
        "floor_over_pipeline_cpu": round(floor_cpu / cpu, 3),
        "floor_with_model_loads_over_pipeline_cpu": round((floor_cpu + load_cpu) / cpu, 3),
        "rounds": [{"materialize_wall_s": round(w, 2), "materialize_cpu_s": round(c, 2),
                    "floor_cpu_s": round(sum(v for k, v in f.items() if not k.startswith("load ")), 2)}
                   for w, c, f in runs],
    }
    print(f"materialize      {wall:7.2f} s wall  {cpu:7.2f} s CPU  ({len(documents) / wall:.1f} documents/s)")
    print(f"unchanged rerun  {rerun_wall:7.2f} s wall")
    for key, value in floor.items():
        print(f"  {key:28} {value:7.2f} s CPU")
    print(f"libraries' floor {floor_cpu:7.2f} s CPU; floor / pipeline = {floor_cpu / cpu:.3f} (target >= 0.8)")
    print(f"(info) with the models' load counted in the floor too ({load_cpu:.2f} s): "
          f"{(floor_cpu + load_cpu) / cpu:.3f}")
    if args.small_dumps:
        report["small_dumps"] = small_dumps(args.small_dumps, work)
        small = report["small_dumps"]
        print(f"{small['dumps']} dumps of 2 documents: {small['all_dumps_s']} s ({small['per_dump_s']} s a dump "
              f"beyond the first; one dump alone {small['one_dump_s']} s)")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How much human-annotated news text the structure step keeps as clean text (public annotated news).

Run:  .venv/bin/python bench/eval_clean_coverage.py [--eval-data ../shared/eval-data]

The development splits in ``../shared/eval-data`` (CoNLL-2003 English and HIPE-2022 French entities,
PolNeAR English quotes; see that folder's README) are news whose entities and quotes humans
annotated. Each document goes through the pipeline's own text stage; the score is the share of
annotated characters that fall inside a clean paragraph (``title``, ``subtitle``, ``heading``,
``body``): what the structure step throws away as furniture there is article text lost to
entities and quotes. Also prints how many paragraphs got each kind. Skips cleanly when the
folder is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.pipeline import TEXT_STAGE  # noqa: E402
from pipelines.text.document import TextConfig  # noqa: E402
from pipelines.text.structure import CLEAN_KINDS  # noqa: E402

SETS = (("conll2003_en_dev.json", "entities"), ("hipe2022_fr_dev.json", "entities"),
        ("polnear_en_quotes_dev.json", "quotes"))


def coverage(documents: list[dict], key: str) -> tuple[float, Counter]:
    rows = TEXT_STAGE.analyze_texts([(d["id"], "bench", d["text"]) for d in documents], TextConfig())
    clean: dict[str, list[tuple[int, int]]] = {}
    for row in rows["paragraphs"]:
        if row["kind"] in CLEAN_KINDS:
            clean.setdefault(row["doc_id"], []).append((row["char_start"], row["char_end"]))
    total = inside = 0
    for document in documents:
        spans = clean.get(document["id"], [])
        for annotation in document[key]:
            length = annotation["end"] - annotation["start"]
            total += length
            if any(start <= annotation["start"] and annotation["end"] <= end for start, end in spans):
                inside += length
    return inside / total if total else 0.0, Counter(row["kind"] for row in rows["paragraphs"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval-data", type=Path, default=ROOT.parent / "shared" / "eval-data")
    args = parser.parse_args(argv)
    if not args.eval_data.is_dir():
        print(f"skipped: {args.eval_data} not found")
        return 0
    for name, key in SETS:
        path = args.eval_data / name
        if not path.is_file():
            print(f"{name}: not found, skipped")
            continue
        share, kinds = coverage(json.loads(path.read_text("utf-8")), key)
        print(f"{name:28} {key:9} in clean paragraphs {share:7.2%}   kinds: "
              + ", ".join(f"{kind} {count}" for kind, count in kinds.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

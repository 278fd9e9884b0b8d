"""Precision and recall of named entities against the hand-annotated gold set, per document.

Run:  .venv/bin/python bench/eval_entities.py [--gold tests/fixtures/gold] [--errors]

Each gold article goes through the pipeline's own steps (paragraph kinds and
language from the text stage, then ``extract_mentions`` on the clean paragraphs).
Scoring is at the document level, on unique entities: a predicted (type, name)
is right when the gold annotation of that document has the same type and the
same name, compared case-, accent- and hyphen-insensitively; a one-word person
name also matches a gold full name ending with it (the gold set merges short
forms into the full name, and so should the pipeline). ``untyped`` ignores the
type. Results per type, per language and overall.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from pipelines.entities.gazetteer import fold
from pipelines.entities.mentions import extract_mentions
from pipelines.entities.models import EntityConfig
from pipelines.pipeline import TEXT_STAGE
from pipelines.text.document import TextConfig
from pipelines.text.structure import CLEAN_KINDS

ROOT = Path(__file__).resolve().parents[1]
TYPES = ("PER", "ORG", "LOC")


def _matches(predicted: str, gold: str, entity_type: str) -> bool:
    p, g = fold(predicted), fold(gold)
    if p == g:
        return True
    return entity_type == "PER" and " " not in p and g.split()[-1] == p


def _score(
    predicted: set[tuple[str, str]], gold: set[tuple[str, str]], typed: bool
) -> tuple[int, int, int, list, list]:
    matched_gold: set[tuple[str, str]] = set()
    false_positives = []
    for p_type, p_name in sorted(predicted):
        hit = next(
            (g for g in sorted(gold) if g not in matched_gold and (not typed or g[0] == p_type)
             and _matches(p_name, g[1], g[0])),
            None,
        )
        if hit is None:
            false_positives.append((p_type, p_name))
        else:
            matched_gold.add(hit)
    missed = sorted(gold - matched_gold)
    return len(matched_gold), len(false_positives), len(missed), false_positives, missed


def evaluate(gold_dir: Path) -> dict:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    errors = []
    for annotation_path in sorted((gold_dir / "annotations").glob("*.json")):
        gold = json.loads(annotation_path.read_text(encoding="utf-8"))
        text = (gold_dir / "articles" / gold["file"]).read_text(encoding="utf-8")
        rows = TEXT_STAGE.analyze_texts([(gold["file"], "gold", text)], TextConfig())
        language = rows["document_languages"][0]["language"]
        clean = [(p["ordinal"], p["char_start"], p["text"]) for p in rows["paragraphs"] if p["kind"] in CLEAN_KINDS]
        _, mentions = next(extract_mentions([(gold["file"], language, clean)], EntityConfig()))
        predicted = {(m.type, m.canonical) for m in mentions if m.type in TYPES}
        truth = {(t, name) for t in TYPES for name in gold["entities"].get(t, [])}
        for scope, typed in (("all", True), ("untyped", False)):
            tp, fp, fn, fps, missed = _score(predicted, truth, typed)
            for key in (scope, f"{scope}/{language}"):
                totals[key][0] += tp
                totals[key][1] += fp
                totals[key][2] += fn
            if typed:
                errors.append({"doc": gold["file"], "language": language, "false_positives": fps, "missed": missed})
        for entity_type in TYPES:
            tp, fp, fn, _, _ = _score({p for p in predicted if p[0] == entity_type},
                                      {g for g in truth if g[0] == entity_type}, True)
            totals[entity_type][0] += tp
            totals[entity_type][1] += fp
            totals[entity_type][2] += fn
    scores = {}
    for key, (tp, fp, fn) in sorted(totals.items()):
        scores[key] = {"tp": tp, "fp": fp, "fn": fn,
                       "precision": tp / (tp + fp) if tp + fp else None, "recall": tp / (tp + fn) if tp + fn else None}
    return {"scores": scores, "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=ROOT / "tests" / "fixtures" / "gold")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "out" / "entities_eval.json")
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()
    report = evaluate(args.gold)
    print(f"{'scope':14} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8}")
    for key, s in report["scores"].items():
        p = "-" if s["precision"] is None else f"{s['precision']:.1%}"
        r = "-" if s["recall"] is None else f"{s['recall']:.1%}"
        print(f"{key:14} {s['tp']:>4} {s['fp']:>4} {s['fn']:>4} {p:>10} {r:>8}")
    if args.errors:
        for error in report["errors"]:
            print(json.dumps(error, ensure_ascii=False))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

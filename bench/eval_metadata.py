"""Precision and recall of the structure/metadata extraction against the hand-annotated gold set.

Run:  .venv/bin/python bench/eval_metadata.py [--gold tests/fixtures/gold] [--json bench/out/metadata_eval.json]

Each article in ``<gold>/articles`` goes through the same code as the pipeline
(``pipelines.pipeline.TEXT_STAGE.analyze_texts``); its annotation in
``<gold>/annotations/<stem>.json`` is the truth. Matching, per field:

- title, subtitle, section, byline: one value per document, compared after
  casefolding and collapsing whitespace and punctuation at the ends;
- hashtags: the set of (document, normalized tag);
- photo credits: (document, credit text); agencies: (document, agency);
- quotes: a predicted quote matches a gold quote when their texts overlap by at
  least 80% of the shorter one; speaker accuracy is over matched quotes with a gold
  speaker (a surname match counts); attributions are scored as (quote, speaker) pairs;
- amounts (counts): (document, value, thing); money: (document, value, currency);
- dates: (document, text); date values: over matched dates with a gold value;
- boilerplate: (document, paragraph text).
"""

from __future__ import annotations

import argparse
import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

from pipelines.pipeline import TEXT_STAGE
from pipelines.text.document import TextConfig

ROOT = Path(__file__).resolve().parents[1]


def norm(text: str | None) -> str | None:
    if text is None:
        return None
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    return re.sub(r"\s+", " ", text).strip(" .,;:!?\"'«»“”")


class Score:
    """Counts of true positives, false positives and false negatives."""

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add_sets(self, predicted: set, gold: set) -> None:
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    def as_dict(self) -> dict:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else None
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else None
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": precision, "recall": recall}


def overlap(a: str, b: str) -> float:
    a, b = norm(a) or "", norm(b) or ""
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return min(len(a), len(b)) / max(min(len(a), len(b)), 1)
    common = _longest_common_substring(a, b)
    return common / min(len(a), len(b))


def _longest_common_substring(a: str, b: str) -> int:
    best = 0
    previous = [0] * (len(b) + 1)
    for char_a in a:
        current = [0] * (len(b) + 1)
        for j, char_b in enumerate(b, 1):
            if char_a == char_b:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def same_person(predicted: str | None, gold: str | None) -> bool:
    if not predicted or not gold:
        return False
    p, g = norm(predicted), norm(gold)
    return p == g or p.split()[-1] == g.split()[-1]


def evaluate(gold_dir: Path) -> dict:
    scores: dict[str, Score] = defaultdict(Score)
    speaker_right = speaker_total = value_right = value_total = 0
    errors: dict[str, list] = defaultdict(list)
    for annotation_path in sorted((gold_dir / "annotations").glob("*.json")):
        gold = json.loads(annotation_path.read_text(encoding="utf-8"))
        text = (gold_dir / "articles" / gold["file"]).read_text(encoding="utf-8")
        doc = gold["file"]
        rows = TEXT_STAGE.analyze_texts([(doc, "gold", text)], TextConfig())
        meta = rows["document_metadata"][0]
        for field in ("title", "subtitle", "section", "byline"):
            predicted, truth = norm(meta[field]), norm(gold.get(field))
            scores[field].add_sets({(doc, predicted)} if predicted else set(), {(doc, truth)} if truth else set())
            if predicted != truth:
                errors[field].append({"doc": doc, "predicted": meta[field], "gold": gold.get(field)})
        scores["hashtags"].add_sets(
            {(doc, r["tag_normalized"]) for r in rows["hashtags"]},
            {(doc, norm(_strip_accents(t))) for t in gold.get("hashtags", [])},
        )
        scores["photo_credits"].add_sets(
            {(doc, norm(r["credit"])) for r in rows["photo_credits"]},
            {(doc, norm(c["credit"])) for c in gold.get("photo_credits", [])},
        )
        scores["agencies"].add_sets(
            {(doc, a.casefold()) for r in rows["photo_credits"] for a in r["agencies"]},
            {(doc, a.casefold()) for c in gold.get("photo_credits", []) for a in c.get("agencies", [])},
        )
        # quotes
        matched_gold: set[int] = set()
        quote_tp = 0
        for predicted in rows["quotes"]:
            match = next(
                (i for i, g in enumerate(gold.get("quotes", []))
                 if i not in matched_gold and overlap(predicted["quote"], g["text"]) >= 0.8),
                None,
            )
            if match is None:
                scores["quotes"].fp += 1
                errors["quotes_fp"].append({"doc": doc, "quote": predicted["quote"][:80]})
                continue
            matched_gold.add(match)
            quote_tp += 1
            truth = gold["quotes"][match].get("speaker")
            if truth:
                speaker_total += 1
                if same_person(predicted["speaker"], truth):
                    speaker_right += 1
                else:
                    errors["speaker"].append({"doc": doc, "quote": predicted["quote"][:60],
                                              "predicted": predicted["speaker"], "gold": truth})
            right = same_person(predicted["speaker"], truth)
            scores["attributions"].tp += int(bool(truth) and right)
            scores["attributions"].fp += int(bool(predicted["speaker"]) and not right)
            scores["attributions"].fn += int(bool(truth) and not right)
        scores["quotes"].tp += quote_tp
        missed = [g for i, g in enumerate(gold.get("quotes", [])) if i not in matched_gold]
        scores["quotes"].fn += len(missed)
        scores["attributions"].fn += sum(1 for g in missed if g.get("speaker"))
        errors["quotes_fn"] += [{"doc": doc, "quote": g["text"][:80]} for g in missed]
        # amounts and money
        predicted_counts = {(doc, r["value"], norm(r["thing"])) for r in rows["amounts"] if r["kind"] == "count"}
        gold_counts = {(doc, float(a["value"]), norm(a["thing"])) for a in gold.get("amounts", [])}
        scores["amounts"].add_sets(predicted_counts, gold_counts)
        errors["amounts"] += [{"doc": doc, "fp": sorted(map(str, predicted_counts - gold_counts)),
                               "fn": sorted(map(str, gold_counts - predicted_counts))}]
        scores["money"].add_sets(
            {(doc, r["value"], r["thing"]) for r in rows["amounts"] if r["kind"] == "money"},
            {(doc, float(m["value"]), m.get("currency")) for m in gold.get("money", [])},
        )
        # dates
        predicted_dates = {norm(r["text"]): r["value"] for r in rows["dates_mentioned"]}
        gold_dates = {norm(d["text"]): d.get("value") for d in gold.get("dates", [])}
        scores["dates"].add_sets({(doc, t) for t in predicted_dates}, {(doc, t) for t in gold_dates})
        errors["dates"] += [{"doc": doc, "fp": sorted(set(predicted_dates) - set(gold_dates)),
                             "fn": sorted(set(gold_dates) - set(predicted_dates))}]
        for text_key, truth in gold_dates.items():
            if truth is not None and text_key in predicted_dates:
                value_total += 1
                value_right += int(predicted_dates[text_key] == truth)
        # boilerplate
        scores["boilerplate"].add_sets(
            {(doc, norm(p["text"])) for p in rows["paragraphs"] if p["kind"] == "boilerplate"},
            {(doc, norm(b)) for b in gold.get("boilerplate", [])},
        )
    result = {field: score.as_dict() for field, score in scores.items()}
    result["speaker_accuracy"] = {"right": speaker_right, "total": speaker_total,
                                  "accuracy": speaker_right / speaker_total if speaker_total else None}
    result["date_value_accuracy"] = {"right": value_right, "total": value_total,
                                     "accuracy": value_right / value_total if value_total else None}
    return {"scores": result, "errors": {k: v for k, v in errors.items() if v}}


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=ROOT / "tests" / "fixtures" / "gold")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "out" / "metadata_eval.json")
    parser.add_argument("--errors", action="store_true", help="print the disagreements too")
    args = parser.parse_args()
    report = evaluate(args.gold)
    n_docs = len(list((args.gold / "annotations").glob("*.json")))
    print(f"gold set: {n_docs} documents ({args.gold})")
    print(f"{'field':16} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8}")
    for field, s in report["scores"].items():
        if "tp" in s:
            p = "-" if s["precision"] is None else f"{s['precision']:.1%}"
            r = "-" if s["recall"] is None else f"{s['recall']:.1%}"
            print(f"{field:16} {s['tp']:>4} {s['fp']:>4} {s['fn']:>4} {p:>10} {r:>8}")
    for name in ("speaker_accuracy", "date_value_accuracy"):
        s = report["scores"][name]
        accuracy = "-" if s["accuracy"] is None else f"{s['accuracy']:.1%}"
        print(f"{name}: {s['right']}/{s['total']} = {accuracy}")
    if args.errors:
        print(json.dumps(report["errors"], ensure_ascii=False, indent=1))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

"""Named entities and quote speakers of the pipeline against public human-annotated news.

Run:  .venv/bin/python bench/eval_news.py [--data ../shared/eval-data] [--errors] [--limit N]

Reads the development splits in ``../shared/eval-data`` (see that folder's README; the data stays
there and is never copied into the repository) and skips cleanly when the folder is absent.

- NER (CoNLL-2003 English, HIPE-2022 French), PER/ORG/LOC only (MISC ignored on both sides), three systems:
  ``pipeline`` (text stage, then ``extract_mentions`` on the clean paragraphs with the detected language),
  ``rules only`` (the same with every spaCy pipeline off: the gazetteer and rules that languages without
  a pipeline get) and ``raw spaCy`` (the installed pipeline of the gold language on each line of the text, labels
  PERSON/PER -> PER, ORG -> ORG, GPE/LOC/FAC -> LOC). Scored per document on unique
  (type, folded surface) pairs, and per mention on exact (start, end, type); micro over documents.
- Quotes (PolNeAR English): a predicted quote matches a gold one when their spans overlap by at least
  half of the shorter one. Speaker accuracy on gold quotes whose speaker is a name: the speakers agree
  when they end with the same word (surname) once the gold source is cut at its apposition.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.entities.gazetteer import fold  # noqa: E402
from pipelines.entities.mentions import extract_mentions  # noqa: E402
from pipelines.entities.models import MODELS, EntityConfig, installed_pipelines, pipeline_versions  # noqa: E402
from pipelines.pipeline import TEXT_STAGE  # noqa: E402
from pipelines.text.document import TextConfig  # noqa: E402
from pipelines.text.structure import CLEAN_KINDS  # noqa: E402

TYPES = ("PER", "ORG", "LOC")
RAW_LABELS = {"PERSON": "PER", "PER": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}
NER_SETS = (("conll2003_en_dev.json", "en"), ("hipe2022_fr_dev.json", "fr"))
QUOTE_SET = "polnear_en_quotes_dev.json"
SYSTEMS = ("pipeline", "rules only", "raw spaCy")

Span = tuple[int, int, str]  # char_start, char_end, type


def prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def text_rows(documents: list[dict]) -> dict[str, list[dict]]:
    return TEXT_STAGE.analyze_texts([(d["id"], "bench", d["text"]) for d in documents], TextConfig())


def pipeline_spans(
    documents: list[dict], rows: dict[str, list[dict]], rules_only: bool = False
) -> dict[str, list[Span]]:
    """The pipeline's PER/ORG/LOC mentions: clean paragraphs, detected language, one batched call."""
    language = {r["doc_id"]: r["language"] for r in rows["document_languages"]}
    clean: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for p in rows["paragraphs"]:
        if p["kind"] in CLEAN_KINDS:
            clean[p["doc_id"]].append((p["ordinal"], p["char_start"], p["text"]))
    inputs = [(d["id"], language.get(d["id"]) or "und", clean.get(d["id"], [])) for d in documents]
    config = EntityConfig(pipelines={}) if rules_only else EntityConfig()
    return {doc_id: [(m.char_start, m.char_end, m.type) for m in mentions if m.type in TYPES]
            for doc_id, mentions in extract_mentions(inputs, config)}


def raw_spans(documents: list[dict], model_name: str) -> dict[str, list[Span]]:
    """Plain spaCy on every non-empty line of the document, offsets mapped back to the document."""
    nlp = MODELS.get(model_name)
    units: list[tuple[str, int, str]] = []  # doc_id, offset of the line, line
    for d in documents:
        offset = 0
        for line in d["text"].split("\n"):
            if line.strip():
                units.append((d["id"], offset, line))
            offset += len(line) + 1
    spans: dict[str, list[Span]] = {d["id"]: [] for d in documents}
    for (doc_id, offset, _), doc in zip(units, nlp.pipe((u[2] for u in units), batch_size=64), strict=True):
        spans[doc_id].extend((offset + e.start_char, offset + e.end_char, RAW_LABELS[e.label_])
                             for e in doc.ents if e.label_ in RAW_LABELS)
    return spans


def score_ner(documents: list[dict], predicted: dict[str, list[Span]], system: str) -> tuple[dict, list[dict]]:
    """Document-level unique (type, fold(surface)) and mention-level exact spans, per type and overall."""
    counts: dict[str, dict[str, list[int]]] = {"doc": defaultdict(lambda: [0, 0, 0]),
                                               "mention": defaultdict(lambda: [0, 0, 0])}
    errors = []
    for d in documents:
        text = d["text"]
        gold = {(e["start"], e["end"], e["type"]) for e in d["entities"] if e["type"] in TYPES}
        pred = set(predicted.get(d["id"], []))
        for key in (*TYPES, "all"):
            for level in ("doc", "mention"):
                g = {s for s in gold if key in ("all", s[2])}
                p = {s for s in pred if key in ("all", s[2])}
                if level == "doc":
                    g = {(s[2], fold(text[s[0]:s[1]])) for s in g}
                    p = {(s[2], fold(text[s[0]:s[1]])) for s in p}
                c = counts[level][key]
                c[0], c[1], c[2] = c[0] + len(p & g), c[1] + len(p - g), c[2] + len(g - p)
                if level == "doc" and key == "all" and p != g:
                    errors.append({"doc": d["id"], "system": system, "false_positives": sorted(p - g),
                                   "missed": sorted(g - p)})
    return {level: {k: prf(*c) for k, c in by_key.items()} for level, by_key in counts.items()}, errors


def evaluate_ner(documents: list[dict], gold_language: str, models: dict[str, str]) -> tuple[dict, list, dict]:
    timing: dict[str, float] = {}
    start = time.perf_counter()
    rows = text_rows(documents)
    timing["text stage"] = time.perf_counter() - start
    start = time.perf_counter()
    systems = {"pipeline": pipeline_spans(documents, rows)}
    timing["pipeline NER"] = time.perf_counter() - start
    start = time.perf_counter()
    # What every language without a spaCy pipeline gets: the gazetteer and the rules.
    systems["rules only"] = pipeline_spans(documents, rows, rules_only=True)
    timing["rules only"] = time.perf_counter() - start
    start = time.perf_counter()
    systems["raw spaCy"] = raw_spans(documents, models[gold_language])
    timing["raw spaCy"] = time.perf_counter() - start
    # Diagnostic: gold mentions the pipeline cannot find because their paragraph is not clean.
    clean: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for p in rows["paragraphs"]:
        if p["kind"] in CLEAN_KINDS:
            clean[p["doc_id"]].append((p["char_start"], p["char_end"]))
    gold = [(d["id"], e) for d in documents for e in d["entities"] if e["type"] in TYPES]
    outside = sum(not any(s <= e["start"] and e["end"] <= t for s, t in clean[doc_id]) for doc_id, e in gold)
    report = {"documents": len(documents), "gold_mentions": len(gold), "outside_clean": outside,
              "detected_languages": dict(Counter(r["language"] for r in rows["document_languages"]).most_common()),
              "scores": {}}
    errors = []
    for system in SYSTEMS:
        report["scores"][system], system_errors = score_ner(documents, systems[system], system)
        errors.extend(system_errors)
    return report, errors, timing


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def speakers_agree(gold: str, predicted: str | None) -> bool:
    """``Caddell`` ~ ``Pat Caddell``, ``Mr. Kelly, a retired astronaut,`` ~ ``Kelly``: the same last word
    (surname, or an organisation's head word) as the gold speaker's name, which is the annotated source up
    to its first comma, parenthesis or "of" (PolNeAR's sources keep appositions: ``Rep. Gwen Moore (D-Wis.)``,
    ``Mr. Morgan of the Sierra Club``)."""
    name = re.split(r",|\s\(|\s+of\s+", gold, maxsplit=1)[0]  # "Rep. Charles B. Rangel of New York"
    g, p = _words(_POSSESSIVE.sub("", name)), _words(_POSSESSIVE.sub("", predicted or ""))
    return bool(g) and bool(p) and g[-1] == p[-1]


_POSSESSIVE = re.compile(r"[’']s\b")


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Overlap length when it covers at least half of the shorter span, else 0."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return shared if shared > 0 and shared >= 0.5 * min(a[1] - a[0], b[1] - b[0]) else 0


def evaluate_quotes(documents: list[dict]) -> tuple[dict, list[dict], dict]:
    start = time.perf_counter()
    rows = text_rows(documents)
    timing = {"text stage + quotes": time.perf_counter() - start}
    predicted: dict[str, list[dict]] = defaultdict(list)
    for q in rows["quotes"]:
        predicted[q["doc_id"]].append(q)
    n_gold = n_pred = pred_matched = gold_matched = 0
    names = names_matched = agree = none_speaker = 0
    wrong = []
    for d in documents:
        preds = predicted[d["id"]]
        n_pred += len(preds)
        pred_matched += sum(any(_overlap((p["char_start"], p["char_end"]), (g["start"], g["end"]))
                                for g in d["quotes"]) for p in preds)
        for g in d["quotes"]:
            n_gold += 1
            # The predicted quote that overlaps this gold quote the most (at least half of the shorter).
            best = max(preds, key=lambda p: _overlap((p["char_start"], p["char_end"]), (g["start"], g["end"])),
                       default=None)
            if best is None or not _overlap((best["char_start"], best["char_end"]), (g["start"], g["end"])):
                best = None
            gold_matched += best is not None
            if not (g["speaker_is_name"] and g["speaker"]):
                continue
            names += 1
            if best is None:
                continue
            names_matched += 1
            none_speaker += best["speaker"] is None
            if speakers_agree(g["speaker"], best["speaker"]):
                agree += 1
            else:
                wrong.append({"doc": d["id"], "gold_speaker": g["speaker"], "speaker": best["speaker"],
                              "speaker_text": best["speaker_text"], "verb": best["verb"],
                              "before": d["text"][max(0, g["start"] - 120) : g["start"]],
                              "context": d["text"][g["end"] : g["end"] + 120]})
    report = {
        "documents": len(documents), "gold_quotes": n_gold, "predicted_quotes": n_pred,
        "span_precision": pred_matched / n_pred if n_pred else 0.0,
        "span_recall": gold_matched / n_gold if n_gold else 0.0,
        "name_speakers": names, "name_speakers_matched": names_matched, "speaker_agree": agree,
        "predicted_speaker_none": none_speaker,
        "speaker_accuracy_matched": agree / names_matched if names_matched else 0.0,
        "speaker_accuracy_all": agree / names if names else 0.0,
    }
    return report, wrong, timing


def print_ner(name: str, report: dict) -> None:
    share = report["outside_clean"] / report["gold_mentions"] if report["gold_mentions"] else 0.0
    languages = ", ".join(f"{k} {v}" for k, v in report["detected_languages"].items())
    print(f"\n{name}: {report['documents']} documents, {report['gold_mentions']} gold PER/ORG/LOC mentions, "
          f"{report['outside_clean']} ({share:.1%}) outside the pipeline's clean paragraphs; "
          f"detected languages: {languages}")
    print(f"{'system':10} {'type':5} {'doc P':>7} {'doc R':>7} {'doc F1':>7}   {'men P':>7} {'men R':>7} {'men F1':>7}")
    for system in SYSTEMS:
        scores = report["scores"][system]
        for key in (*TYPES, "all"):
            cells = [f"{scores[level][key][m]:7.1%}" for level in ("doc", "mention")
                     for m in ("precision", "recall", "f1")]
            print(f"{system:10} {key:5} {' '.join(cells[:3])}   {' '.join(cells[3:])}")


def print_quotes(report: dict) -> None:
    r = report
    print(f"\n{QUOTE_SET}: {r['documents']} documents, {r['gold_quotes']} gold quotes, "
          f"{r['predicted_quotes']} predicted")
    print(f"span precision {r['span_precision']:.1%}   span recall {r['span_recall']:.1%}")
    print(f"speaker accuracy, matched name speakers: {r['speaker_accuracy_matched']:.1%} "
          f"({r['speaker_agree']}/{r['name_speakers_matched']}; predicted speaker None: "
          f"{r['predicted_speaker_none']})")
    print(f"speaker accuracy, all name speakers (unmatched = wrong): {r['speaker_accuracy_all']:.1%} "
          f"({r['speaker_agree']}/{r['name_speakers']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "eval-data")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "out" / "news_eval.json")
    parser.add_argument("--errors", action="store_true", help="print the first 40 wrong quote speakers")
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents of each file")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"skipped: {args.data} not found")
        return 0
    begin = time.perf_counter()
    models = installed_pipelines()
    config_models = EntityConfig().pipelines
    start = time.perf_counter()
    for name in sorted(set(models.values()) | set(config_models.values())):
        MODELS.get(name)  # loaded once here, so that the timings below exclude loading
    timing: dict[str, dict[str, float] | float] = {"load models": time.perf_counter() - start}
    report: dict = {"data": str(args.data), "models": {"pipeline": config_models, "raw spaCy": models,
                                                       "versions": pipeline_versions(models | config_models)},
                    "ner": {}, "timing": timing, "errors": {"ner": [], "quotes": []}}
    print("models: pipeline " + ", ".join(f"{k}={v}" for k, v in config_models.items())
          + "; raw spaCy " + ", ".join(f"{k}={v}" for k, v in models.items()))
    for name, language in NER_SETS:
        path = args.data / name
        if not path.is_file():
            print(f"{name}: not found, skipped")
            continue
        if language not in models:
            print(f"{name}: no installed spaCy pipeline for {language}, skipped")
            continue
        documents = json.loads(path.read_text("utf-8"))[: args.limit]
        report["ner"][name], errors, timing[name] = evaluate_ner(documents, language, models)
        report["errors"]["ner"].extend(errors)
        print_ner(name, report["ner"][name])
    path = args.data / QUOTE_SET
    if path.is_file():
        report["quotes"], wrong, timing[QUOTE_SET] = evaluate_quotes(json.loads(path.read_text("utf-8"))[: args.limit])
        report["errors"]["quotes"] = wrong
        print_quotes(report["quotes"])
        if args.errors:
            print(f"\nfirst {min(40, len(wrong))} of {len(wrong)} wrong speakers (gold | predicted | speaker_text):")
            for w in wrong[:40]:
                print(f"  {w['gold_speaker']!r} | {w['speaker']!r} | {w['speaker_text']!r}   "
                      f"…{w['context']!r}")
    else:
        print(f"{QUOTE_SET}: not found, skipped")
    timing["total"] = time.perf_counter() - begin
    print("\ntiming: " + "; ".join(
        f"{k}: " + (", ".join(f"{s} {v:.1f}s" for s, v in t.items()) if isinstance(t, dict) else f"{t:.1f}s")
        for k, t in timing.items()))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

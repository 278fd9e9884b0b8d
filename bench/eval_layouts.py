"""How well the structure step reads the layouts of ``bench/layouts.py`` (issue 12's dev set).

Run:  .venv/bin/python bench/eval_layouts.py [--per-cell 8] [--json bench/out/layouts_eval.json]

Each article goes through the pipeline's own text stage (``TEXT_STAGE.analyze_texts``) and each
field is scored as right or wrong per article: ``title``, ``section``, ``byline`` (exact after
casefolding and trimming punctuation), ``tags`` (the set of normalized tags in ``hashtags``, from
``#tag`` lines or a ``Tags:`` list), ``published`` (``document_metadata.published_at``'s date;
wrong while the column does not exist), ``no_footer`` (no footer line in ``body_text``) and
``body_kept`` (every body paragraph in ``body_text``). Prints the share right per layout, per
language and overall. Needs ``../shared/langid-testdata`` for the prose; skips cleanly without it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from layouts import LANGID, LANGUAGES, LAYOUTS, articles  # noqa: E402

from pipelines.extract.hashtags import normalize_tag  # noqa: E402
from pipelines.pipeline import TEXT_STAGE  # noqa: E402
from pipelines.text.document import TextConfig  # noqa: E402

FIELDS = ("title", "section", "byline", "tags", "published", "no_footer", "body_kept")


def norm(text: str | None) -> str | None:
    if text is None:
        return None
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\s+", " ", text).strip(" .,;:!?\"'«»“”")


def score(text: str, truth: dict) -> dict[str, bool]:
    rows = TEXT_STAGE.analyze_texts([("doc", "bench", text)], TextConfig())
    meta = rows["document_metadata"][0]
    body = re.sub(r"\s+", " ", meta["body_text"])
    published = meta.get("published_at")
    return {
        "title": norm(meta["title"]) == norm(truth["title"]),
        "section": norm(meta["section"]) == norm(truth["section"]),
        "byline": norm(meta["byline"]) == norm(truth["byline"]),
        "tags": {r["tag_normalized"] for r in rows["hashtags"]} == {normalize_tag(t) for t in truth["tags"]},
        "published": published is not None and str(published)[:10] == truth["published"],
        "no_footer": not any(re.sub(r"\s+", " ", line) in body for line in truth["footer"]),
        "body_kept": all(re.sub(r"\s+", " ", p) in body for p in truth["body"]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-cell", type=int, default=8, help="articles per layout and language")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "out" / "layouts_eval.json")
    args = parser.parse_args(argv)
    if not LANGID.is_dir():
        print(f"skipped: {LANGID} not found (the prose of the dev set comes from there)")
        return 0
    by_layout: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    by_language: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    failures: dict[str, list[dict]] = defaultdict(list)
    for layout, language, text, truth in articles(args.per_cell):
        for field, right in score(text, truth).items():
            by_layout[layout][field].append(right)
            by_language[language][field].append(right)
            if not right and len(failures[f"{layout}/{field}"]) < 2:
                failures[f"{layout}/{field}"].append({"language": language, "text": text[:300], "truth": truth})
    share = {
        "layout": {k: {f: sum(v[f]) / len(v[f]) for f in FIELDS} for k, v in by_layout.items()},
        "language": {k: {f: sum(v[f]) / len(v[f]) for f in FIELDS} for k, v in by_language.items()},
    }
    total = {f: sum(sum(v[f]) for v in by_layout.values()) / sum(len(v[f]) for v in by_layout.values())
             for f in FIELDS}
    header = f"{'':16}" + "".join(f"{f:>11}" for f in FIELDS)
    for kind, keys in (("layout", LAYOUTS), ("language", LANGUAGES)):
        print(f"\nper {kind} ({args.per_cell * (len(LANGUAGES) if kind == 'layout' else len(LAYOUTS))} articles each)")
        print(header)
        for key in keys:
            print(f"{key:16}" + "".join(f"{share[kind][key][f]:>11.0%}" for f in FIELDS))
    print(f"\n{'all':16}" + "".join(f"{total[f]:>11.0%}" for f in FIELDS))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"share": share, "all": total, "failures": failures}, ensure_ascii=False,
                                    indent=1), encoding="utf-8")
    print(f"results and sample failures: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

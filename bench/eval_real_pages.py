"""How well the structure step reads real web pages rendered to plain text (issue 12's real-page measure).

Run:  .venv/bin/python bench/eval_real_pages.py --pages DIR [--json bench/out/real_pages_eval.json]

``DIR`` holds one folder per page, in the layout of Mozilla Readability's test pages
(``mozilla/readability``, ``test/test-pages/<name>/``): the page's HTML (``source.html`` or
``page.html``), the article region Readability extracts (``expected.html`` or ``article.html``) and
its metadata (``expected-metadata.json`` or ``meta.json``: ``title``, ``byline``, ``lang``). The pages
are public data and stay out of this repository; a checkout of that folder works as it is. Without
``DIR`` the benchmark skips cleanly.

Each page is rendered to text with inscriptis, as a scraper would keep it, and goes through the
pipeline's own text stage twice:

- **whole page**: the whole rendering (menus, teasers and footers included);
- **article region**: the rendering from the headline line (else five lines above the article's
  first line) to fifteen lines after the article's last line, which keeps what an article
  container usually holds around the text (byline, date, share buttons, captions, tags, an author
  box, a comment prompt).

Fields, per page: ``title`` (the headline, equal after casefolding and trimming punctuation, or
differing only by a site name after a ``|``/``-``/``–`` separator), ``byline`` (pages whose metadata
has one: the names agree, either containing the other, ``By`` and a trailing date ignored),
``body_kept`` (share of the article's characters, line by line, found in ``body_text``) and
``boilerplate_removed`` (share of the region's other lines, neither article, headline nor byline,
that are not a line of ``body_text``). Prints them per language and overall.
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

from pipelines.pipeline import TEXT_STAGE  # noqa: E402
from pipelines.text.document import TextConfig  # noqa: E402

REGION_BEFORE, REGION_AFTER = 5, 15
FIELDS = ("title", "byline", "body_kept", "boilerplate_removed")
_SITE_SEPARATOR = re.compile(r"\s+[|\-–—:·•_\[]\s*")  # "Headline | Site", "Headline [Site]"


def norm(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold().replace("\u00a0", " ")
    text = re.sub(r"^[*#>\s]+", "", text)
    return re.sub(r"\s+", " ", text).strip(" .,;:!?\"'«»“”‘’*_-")


def render(html: str) -> str:
    from inscriptis import get_text  # a bench dependency (the dev extra), imported where it is used

    return get_text(html)


def title_right(found: str | None, truth: str | None) -> bool:
    found, truth = norm(found), norm(truth)
    if not found or not truth:
        return False
    if found == truth:
        return True
    # Readability's title keeps or drops the site name ("Headline | Site"); the headline alone counts.
    truth_parts = [norm(p) for p in _SITE_SEPARATOR.split(truth)]
    found_parts = [norm(p) for p in _SITE_SEPARATOR.split(found)]
    return found in truth_parts or truth in found_parts or (len(truth_parts) > 1 and found == truth_parts[0])


def byline_names(text: str | None) -> str:
    text = norm(text)
    text = re.sub(r"^(?:by|par|von|por|di|door)\s+", "", text)
    return re.split(r"\s+[|,•·]\s+|\s+(?:on|le|am|el)\s+\d", text)[0].strip()


def byline_right(found: str | None, truth: str | None) -> bool:
    found, truth = byline_names(found), byline_names(truth)
    return bool(found) and bool(truth) and (found in truth or truth in found)


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def region(page_lines: list[str], article_lines: list[str], title: str | None) -> list[str]:
    """The page's lines around the article: from the headline (else a few lines above the
    article's first line found on the page) to a few lines after its last."""
    keys = [norm(line) for line in page_lines]
    article = {norm(line) for line in article_lines if len(line.split()) >= 5}
    hits = [i for i, key in enumerate(keys) if key in article]
    if not hits:
        return page_lines
    first, last = hits[0], hits[-1]
    start = max(0, first - REGION_BEFORE)
    title_key = norm(title)
    for i in range(first - 1, max(-1, first - 40), -1):
        if title_key and (keys[i] == title_key or title_right(page_lines[i], title)):
            start = i
            break
    return page_lines[start : last + REGION_AFTER + 1]


def analyse(text: str) -> dict:
    rows = TEXT_STAGE.analyze_texts([("page", "bench", text)], TextConfig())
    return rows["document_metadata"][0] | {"language": rows["document_languages"][0]["language"]}


def score(text: str, article_lines: list[str], truth: dict) -> dict[str, float | bool | None]:
    meta = analyse(text)
    body = norm(meta["body_text"].replace("\n", " "))
    article_keys = {norm(line) for line in article_lines}
    article_chars = sum(len(norm(line)) for line in article_lines) or 1
    kept = sum(len(norm(line)) for line in article_lines if norm(line) in body)
    furniture = [
        line for line in lines_of(text)
        if norm(line) not in article_keys and not title_right(line, truth.get("title"))
        and not byline_right(line, truth.get("byline")) and len(norm(line)) >= 3
    ]
    # A furniture line stays when it is one of body_text's lines (not merely a substring of one:
    # "Comments" or "Close" occur inside prose too).
    body_lines = {norm(line) for line in meta["body_text"].split("\n")}
    removed = [line for line in furniture if norm(line) not in body_lines]
    return {
        "title": title_right(meta["title"], truth.get("title")),
        "byline": byline_right(meta["byline"], truth["byline"]) if truth.get("byline") else None,
        "body_kept": kept / article_chars,
        "boilerplate_removed": len(removed) / len(furniture) if furniture else None,
        "found": {"title": meta["title"], "byline": meta["byline"], "language": meta["language"]},
    }


def load_pages(folder: Path) -> list[tuple[str, str, str, dict]]:
    pages = []
    for page in sorted(p for p in folder.iterdir() if p.is_dir()):
        html = next((page / n for n in ("source.html", "page.html") if (page / n).is_file()), None)
        article = next((page / n for n in ("expected.html", "article.html") if (page / n).is_file()), None)
        meta = next((page / n for n in ("expected-metadata.json", "meta.json") if (page / n).is_file()), None)
        if html and article and meta:
            pages.append((page.name, html.read_text("utf-8", "replace"), article.read_text("utf-8", "replace"),
                          json.loads(meta.read_text("utf-8"))))
    return pages


def mean(values: list) -> float | None:
    values = [float(v) for v in values if v is not None]
    return sum(values) / len(values) if values else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=Path, help="folder of test pages (see the module docstring)")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "out" / "real_pages_eval.json")
    parser.add_argument("--show", action="store_true", help="print each page's fields")
    args = parser.parse_args(argv)
    if args.pages is None or not args.pages.is_dir():
        print(f"skipped: no page folder ({args.pages}); pass --pages DIR")
        return 0
    results: dict[str, dict] = {}
    by_language: dict[str, dict[str, dict[str, list]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for name, html, article_html, truth in load_pages(args.pages):
        page_lines = lines_of(render(html))
        article_lines = [line for line in lines_of(render(article_html)) if len(norm(line)) >= 3]
        views = {"page": "\n".join(page_lines),
                 "region": "\n".join(region(page_lines, article_lines, truth.get("title")))}
        scores = {view: score(text, article_lines, truth) for view, text in views.items()}
        # The page's declared language, else the one the pipeline detects on the article region.
        language = (truth.get("lang") or scores["region"]["found"]["language"])[:2].lower()
        results[name] = {"language": language, "truth": {k: truth.get(k) for k in ("title", "byline")}}
        for view, scored in scores.items():
            results[name][view] = scored
            for field in FIELDS:
                for group in (language, "all"):
                    by_language[view][group][field].append(scored[field])
            if args.show:
                print(f"{name:28} {view:6} {json.dumps(scored, ensure_ascii=False)}")
    summary = {view: {group: {f: mean(v) for f, v in fields.items()} | {"pages": len(fields["title"])}
                      for group, fields in groups.items()} for view, groups in by_language.items()}
    for view in ("region", "page"):
        print(f"\n{'article region' if view == 'region' else 'whole page'}")
        print(f"{'':8}{'pages':>6}" + "".join(f"{f:>21}" for f in FIELDS))
        for group in sorted(summary[view], key=lambda g: (g == "all", g)):
            row = summary[view][group]
            cells = "".join(f"{row[f]:>21.0%}" if row[f] is not None else f"{'-':>21}" for f in FIELDS)
            print(f"{group:8}{row['pages']:>6}{cells}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"summary": summary, "pages": results}, ensure_ascii=False, indent=1), "utf-8")
    print(f"\nper page: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

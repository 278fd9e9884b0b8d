"""A development set of scraped-article layouts with their truth (issue 12), written here.

Eight ordinary furniture layouts, in fr/en/de/es, each rendering the same kind of article: a
breadcrumb with the section, an optional kicker, the headline, a byline and a publication date in
the forms real sites use, body paragraphs (sentences from ``langid-testdata``, lingua-rs test data
in ``../shared``, so that the prose is real), tags, a caption with a photo credit, hashtags and a
footer (share prompts, comment prompts, related links, a copyright line).

Layouts (``LAYOUTS``):

- ``grouped``: the header lines (breadcrumb, title, byline, date) without blank lines between them;
- ``spaced``: every line blank-separated, furniture included;
- ``lines``: one paragraph per line, no blank line anywhere;
- ``pipe_byline``: ``By X | 3 novembre 2024`` on one line;
- ``published_line``: a ``Publié le …`` / ``Published on …`` line under the byline;
- ``kicker``: an all-caps kicker above the title;
- ``tags_line``: a ``Tags: a, b`` line after the body;
- ``glued``: caption and hashtag lines glued under the last paragraph (no blank line).

``articles(n_per_cell, seed)`` returns ``(text, truth)`` pairs; ``truth`` holds ``title``,
``section``, ``byline``, ``tags``, ``published`` (ISO date), ``body`` (the body paragraphs) and
``footer`` (the furniture lines that must not reach ``body_text``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

LANGID = Path(__file__).resolve().parents[2] / "shared" / "langid-testdata"
LAYOUTS = ("grouped", "spaced", "lines", "pipe_byline", "published_line", "kicker", "tags_line", "glued")
LANGUAGES = ("fr", "en", "de", "es")


@dataclass(frozen=True)
class Furniture:
    """How one language's sites write their page furniture."""

    home: str
    sections: tuple[str, ...]
    by: str  # byline prefix
    and_: str
    published: str  # "Published on {date}"
    months: tuple[str, ...]
    date_format: str  # with {d} {month} {y}
    tags: str  # "Tags:"
    kickers: tuple[str, ...]
    footer: tuple[str, ...]
    caption: str  # with {credit}
    names: tuple[str, ...]


FURNITURE = {
    "fr": Furniture(
        "Accueil", ("International", "Politique", "Économie", "Culture", "Sport"), "Par", "et", "Publié le {date}",
        ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
         "novembre", "décembre"), "{d} {month} {y}", "Mots-clés :", ("EXCLUSIF", "ANALYSE", "REPORTAGE"),
        ("Partager sur Facebook", "Laisser un commentaire", "Lire aussi : les autres articles de la rubrique",
         "Abonnez-vous à notre newsletter", "© 2024 Le Quotidien. Tous droits réservés."),
        "La place centrale de la ville, lundi matin. Photo : {credit}",
        ("Claire Dubois", "Marc Lefèvre", "Sophie Martin", "Julien Moreau"),
    ),
    "en": Furniture(
        "Home", ("World", "Politics", "Business", "Culture", "Sport"), "By", "and", "Published on {date}",
        ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
         "November", "December"), "{month} {d}, {y}", "Tags:", ("EXCLUSIVE", "ANALYSIS", "BREAKING"),
        ("Share this article", "Leave a comment", "Read more: related stories", "Sign up for our newsletter",
         "© 2024 The Daily Courier. All rights reserved."),
        "The main square of the city on Monday morning. Photo: {credit}",
        ("Jane Miller", "Robert Hayes", "Emily Carter", "David Brooks"),
    ),
    "de": Furniture(
        "Startseite", ("Politik", "Wirtschaft", "Kultur", "Sport", "Panorama"), "Von", "und",
        "Veröffentlicht am {date}",
        ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
         "November", "Dezember"), "{d}. {month} {y}", "Schlagwörter:", ("EXKLUSIV", "ANALYSE", "REPORTAGE"),
        ("Artikel teilen", "Schreibe einen Kommentar", "Mehr zum Thema: weitere Artikel",
         "Jetzt unseren Newsletter abonnieren", "© 2024 Tageszeitung. Alle Rechte vorbehalten."),
        "Der Marktplatz der Stadt am Montagmorgen. Foto: {credit}",
        ("Jonas Weber", "Anna Schmidt", "Lukas Becker", "Miriam Wolf"),
    ),
    "es": Furniture(
        "Inicio", ("Internacional", "Política", "Economía", "Cultura", "Deportes"), "Por", "y", "Publicado el {date}",
        ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
         "noviembre", "diciembre"), "{d} de {month} de {y}", "Etiquetas:", ("EXCLUSIVA", "ANÁLISIS", "ÚLTIMA HORA"),
        ("Compartir en Facebook", "Deja tu comentario", "Lee también: otras noticias de la sección",
         "Suscríbete a nuestro boletín", "© 2024 El Diario. Todos los derechos reservados."),
        "La plaza central de la ciudad el lunes por la mañana. Foto: {credit}",
        ("Lucía García", "Javier López", "Carmen Ruiz", "Pablo Sánchez"),
    ),
}
CREDITS = ("Jean Dupont / AFP", "John Smith / Reuters", "Max Müller / dpa", "Ana Torres / EFE")
TAG_WORDS = {
    "fr": ("élections", "budget", "climat", "santé", "transports"),
    "en": ("elections", "budget", "climate", "health", "transport"),
    "de": ("Wahlen", "Haushalt", "Klima", "Gesundheit", "Verkehr"),
    "es": ("elecciones", "presupuesto", "clima", "salud", "transporte"),
}


def _sentences(language: str) -> list[str]:
    path = LANGID / language / "sentences.txt"
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if len(line.split()) >= 6 and line[-1] in ".!?"]


def _title(rng: random.Random, sentences: list[str]) -> str:
    words = rng.choice(sentences).rstrip(".!?").split()
    return " ".join(words[: rng.randrange(5, 11)]).rstrip(",;:")


def _article(layout: str, language: str, rng: random.Random, sentences: list[str]) -> tuple[str, dict]:
    f = FURNITURE[language]
    section = rng.choice(f.sections)
    title = _title(rng, sentences)
    authors = rng.sample(f.names, rng.choice((1, 1, 2)))
    byline = f" {f.and_} ".join(authors)
    day = date(2024, rng.randrange(1, 13), rng.randrange(1, 29))
    when = f.date_format.format(d=day.day, month=f.months[day.month - 1], y=day.year)
    body = [" ".join(rng.sample(sentences, rng.randrange(2, 5))) for _ in range(rng.randrange(3, 7))]
    tags = rng.sample(TAG_WORDS[language], 2)
    caption = f.caption.format(credit=rng.choice(CREDITS))
    hashtags = " ".join(f"#{t.replace(' ', '')}" for t in tags)
    footer = list(rng.sample(f.footer, 3))
    breadcrumb = f"{f.home} › {section} › {title}"
    header = [breadcrumb]
    if layout == "kicker":
        header.append(rng.choice(f.kickers))
    header.append(title)
    if layout == "pipe_byline":
        header.append(f"{f.by} {byline} | {when}")
    else:
        header.append(f"{f.by} {byline}")
        header.append(f.published.format(date=when) if layout == "published_line" else when)
    tag_line = f"{f.tags} {', '.join(tags)}"
    if layout == "grouped":
        blocks = ["\n".join(header), *body, caption, hashtags, *footer]
    elif layout == "spaced":
        blocks = [*header, *body, caption, hashtags, *footer]
    elif layout == "lines":
        return _truth("\n".join([*header, *body, caption, hashtags, *footer]) + "\n", title, section, byline, tags,
                      day, body, footer)
    elif layout == "tags_line":
        blocks = ["\n".join(header), *body, tag_line, caption, *footer]
    elif layout == "glued":
        blocks = ["\n".join(header), *body[:-1], "\n".join([body[-1], caption, hashtags]), *footer]
    else:  # pipe_byline, published_line, kicker: header grouped, furniture spaced
        blocks = ["\n".join(header), *body, caption, hashtags, *footer]
    return _truth("\n\n".join(blocks) + "\n", title, section, byline, tags, day, body, footer)


def _truth(text, title, section, byline, tags, day, body, footer) -> tuple[str, dict]:
    return text, {
        "title": title, "section": section, "byline": byline, "tags": sorted(tags),
        "published": day.isoformat(), "body": body, "footer": footer,
    }


def articles(n_per_cell: int = 8, seed: int = 12) -> list[tuple[str, str, str, dict]]:
    """(layout, language, text, truth) for ``n_per_cell`` articles per layout and language."""
    if not LANGID.is_dir():
        raise FileNotFoundError(f"langid test data not found at {LANGID}")
    rng = random.Random(seed)
    corpus = {language: _sentences(language) for language in LANGUAGES}
    return [
        (layout, language, *_article(layout, language, rng, corpus[language]))
        for layout in LAYOUTS for language in LANGUAGES for _ in range(n_per_cell)
    ]

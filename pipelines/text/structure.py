"""Paragraph kinds of a scraped article, and the document fields they carry.

Scraped news keeps its page furniture inline: a breadcrumb, the title (often twice),
a byline, captions with photo credits, a hashtag line, section headings and a site
footer. Each paragraph gets one kind:

``breadcrumb``, ``kicker`` (a label just above the headline), ``title``, ``subtitle``
(standfirst/lead), ``byline``, ``heading``, ``body``, ``caption``, ``hashtags``, ``tags`` (a
``Tags: a, b`` list), ``boilerplate`` (menus, prompts, footers); ``dateline`` is added later.

Boilerplate is found two ways: paragraphs whose normalized form repeats across many
documents of the dump (as CCNet does with lines), and known share/comment/newsletter/
cookie/copyright/related-content patterns in the major languages. Only ``title``,
``subtitle``, ``heading`` and ``body`` are clean text for language and entities.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from pipelines.text.paragraphs import Paragraph
from pipelines.text.prose import BAD, GOOD, NEAR, SHORT, classify_units, wide_chars
from pipelines.text.published import DATE_SHAPE

CLEAN_KINDS = frozenset({"title", "subtitle", "heading", "body"})

_BREADCRUMB_SEPARATORS = re.compile(r"\s(?:»|›|>|/|\||→)\s")
# What introduces a byline: "By X", "Par X", "Von X", "Text by X", "Autorin: X", "Texte : X" …
_BYLINE_PREFIX = re.compile(
    r"^(?:(?:text|texte|words|story|written|reported|photos?)\s+(?:by|par)\s+|"
    r"(?:by|par|von|por|di|door|av|af|przez|от)(?:\s*:)?\s+|"
    r"(?:autor(?:in|a|e)?|author|auteur(?:e|ice)?|text|texte|texto|testo|reportage|redactie|redacción|"
    r"redaktion)\s*:\s*)",
    re.IGNORECASE,
)
# News agencies, as bylines and credits name them (the entity stage types them as organisations too).
AGENCIES = ("Reuters", "AFP", "AP", "Associated Press", "dpa", "EFE", "ANSA", "Bloomberg", "Belga", "ATS", "Lusa",
            "Europa Press", "Agence France-Presse", "Interfax", "Xinhua", "Kyodo", "Yonhap", "TASS", "PAP", "APA")
_AGENCIES = "|".join(re.escape(a) for a in AGENCIES)
# "Jane Miller, Reuters": a name and the agency it writes for; "AFP 30 avril 2015 à 07:19": the agency alone.
_AGENCY_BYLINE = re.compile(
    rf"^(?P<who>[A-ZÀ-Ý][\w'’.\-]+(?:\s[A-ZÀ-Ý][\w'’.\-]+){{1,3}})\s*[,/]\s*(?:{_AGENCIES})$"
)
_AGENCY_ALONE = re.compile(rf"^(?P<who>{_AGENCIES})(?:\s*$|\s+(?=\d))")
# 作者：X, 记者 X, 责任编辑：X: a name in a script written without capitals, after its label.
_CJK_LABEL = r"作者|记者|記者|撰文|责任编辑|責任編輯|编辑|編輯"
_CJK_BYLINE = re.compile(rf"(?:{_CJK_LABEL})\s*[:：]?\s*(?P<who>(?:(?!{_CJK_LABEL}|责任|責任)[\u4e00-\u9fff·]){{2,6}})")
_BYLINE_PARTS = re.compile(r"\s+[|•·]\s+|\s+[–—]\s+")
_HANDLE = re.compile(r"(?:\bfollow\s+)?@\w+", re.IGNORECASE)
_NAME_PARTICLES = frozenset(
    {"de", "da", "di", "do", "dos", "das", "del", "della", "van", "von", "der", "den", "du", "le", "la", "bin", "al",
     "ibn", "ter", "zu"}
)
_NAME_JOINS = frozenset({"and", "et", "und", "y", "e", "en", "&", "og", "och", "i"})
_NAME_WORD = re.compile(r"^[A-ZÀ-ÝĀ-ſ][\w'’.\-]*$|^[A-ZÀ-Ý]\.$")
# What may follow the name in a byline: nothing, a separator, a date, a handle, a role in parentheses.
_AFTER_NAME = re.compile(r"^(?:$|[,(|/–—\-:@]|\d|(?:on|le|am|el|il|em|op|at|den|the)\s+\S*\d|follow\b)", re.IGNORECASE)
_TRAILING_COMMENTS = re.compile(r"\s+\d+\s+(?:comments?|commentaires?|kommentare?|comentarios?|commenti)\s*$",
                                re.IGNORECASE)
_HASHTAG = re.compile(r"(?<![\w#&/])#(?P<tag>[^\W\d_][\w\-]*)", re.UNICODE)
# A photo credit: a label or © anywhere in the line; an agency's name or "via X" only as the
# line's last words ("… lundi matin. Photo : Jean Dupont / AFP", "… on Thursday Credit: STR/AFP"),
# since prose names agencies too ("intelligence reports seen by Reuters suggest …").
_CREDIT_MARKERS = re.compile(
    r"(?:\b(?:photo|photos|foto|image|crédit|credit|credits|source)\s*:|©|\(photo\b)", re.IGNORECASE
)
_AGENCY_CREDIT = r"getty images|reuters|afp|associated press|ap photo|epa|xinhua|shutterstock|dpa|efe|anadolu"
_TRAILING_CREDIT = re.compile(
    rf"(?:(?:^|[/(|·•–—-])\s*(?i:{_AGENCY_CREDIT})(?:\s*/\s*[\w .'’-]+)?|\bvia\s+[A-Z]{{2,}}\w*)[)\s.]*$"
)
_SENTENCE_END = re.compile(r"\w[.…。][\"'»”’)」』]*\s*$")
_INNER_SENTENCE_END = re.compile(r"[^\W\d_]{3}[.!?]\s+[A-ZÀ-Ý][^\W\d_]")
_DIGIT = re.compile(r"\d")
_TERMINAL = re.compile(r"[.!?…:;»”\"')。！？：；」』）]\s*$")
# Prompts of page furniture (share, comment, newsletter, related content...), as lines or menu items.
_BOILERPLATE_PROMPTS = [
    # English
    r"^you may also like", r"^leave a (?:comment|reply)", r"^this site uses akismet",
    r"^(?:share|tweet|pin|email)(?: this)?(?: (?:article|story|post))?(?: on \w+)?\W*$",
    r"^related(?: (?:posts|articles|stories|news))?\W*$", r"^read (?:more|also|next)\b",
    r"^(?:sign up|subscribe)\b.{0,80}newsletter", r"newsletter\W*$", r"\bwe use cookies\b", r"^cookies?\b",
    r"all rights reserved", r"^copyright\b", r"^©", r"^advertis(?:ement|ing)\W*$", r"^sponsored\W*$",
    r"^anzeige\W*$", r"^publicidad\W*$", r"^pubblicit[aà]\W*$", r"^reader comments\W*$",
    r"^(?:previous|next) (?:post|article)\b", r"^comments?\W*$", r"^(?:follow us|like us) on\b",
    r"^click here\b", r"^recommended(?: for you)?\W*$", r"^trending(?: now)?\W*$",
    r"^(?:sign (?:up|in)|log ?in|register|create an account)\b.{0,50}$", r"^related\s*:",
    # French
    r"^(?:lire|à lire) (?:aussi|également|la suite)\b", r"^voir aussi\b", r"^partager\b",
    r"^abonnez[- ]vous\b", r"^inscrivez[- ]vous\b.{0,80}newsletter", r"tous droits réservés",
    r"^laisser un commentaire", r"^(?:vous aimerez|vous pourriez) aussi\b", r"^publicité\W*$",
    r"^articles? (?:similaires|liés|connexes)\W*$", r"^ce site utilise akismet",
    r"\bnous utilisons des cookies\b", r"^suivez[- ]nous\b",
    # German, Spanish, Italian, Portuguese
    r"^(?:mehr|auch) (?:zum thema|lesen)\b", r"^teilen\W*$", r"alle rechte vorbehalten",
    r"^(?:lee|leer) (?:también|más)\b", r"^compartir\W*$", r"todos los derechos reservados",
    r"^(?:leggi|vedi) anche\b", r"^condividi\W*$", r"tutti i diritti riservati",
    r"^(?:leia|veja) (?:também|mais)\b", r"^compartilhe\W*$", r"todos os direitos reservados",
    # Share, comment, newsletter, "most read" and related-content prompts, more languages
    r"^most (?:popular|read|viewed|shared)\W*$", r"^les plus (?:lus|partagés)\W*$",
    r"^(?:artikel |beitrag )?teilen(?: auf \w+)?\W*$", r"^schreiben? (?:sie )?einen kommentar",
    r"^kommentare?\W*$", r"^(?:jetzt )?(?:unseren |den )?newsletter(?: jetzt)? abonnieren",
    r"^(?:meistgelesen|am meisten gelesen|meistgelesene artikel)\W*$", r"^das könnte sie auch interessieren",
    r"^compartir(?: en \w+)?\W*$", r"^(?:deja|dejá|deje) (?:tu|un|su) comentario",
    r"^(?:suscr[ií]bete|suscr[ií]base)\b", r"^(?:lo )?m[aá]s (?:le[ií]d|vist)[oa]s?\W*$",
    r"^noticias relacionadas\W*$", r"^te puede interesar",
    r"^condividi(?: su \w+)?\W*$", r"^lascia un commento", r"^iscriviti\b.{0,40}newsletter",
    r"^(?:i )?pi[uù] lett[ie]\W*$", r"^articoli correlati\W*$",
    r"^(?:compartilh|partilh)(?:e|ar)(?: n[oa] \w+)?\W*$", r"^deixe (?:um|seu|o seu) coment[aá]rio",
    r"^(?:os )?mais lid[oa]s\W*$", r"^not[ií]cias relacionadas\W*$",
    r"^deel (?:dit|via)\b", r"^lees (?:ook|meer)\b", r"^reageer\W*$", r"^meest gelezen\W*$",
    r"^(?:schrijf je in|abonneer je)\b.{0,60}nieuwsbrief",
    r"^udostępnij\W*$", r"^(?:przeczytaj|czytaj) (?:też|także|również)\b", r"^(?:zostaw|dodaj) komentarz",
    r"^najczęściej czytane\W*$",
    r"^dela(?: på \w+)?\W*$", r"^läs (?:också|mer)\b", r"^(?:lämna|skriv) en kommentar", r"^mest lästa\W*$",
    r"^(?:læs|les) (?:også|mere|mer)\b", r"^mest (?:læste|leste)\W*$",
    r"^paylaş\W*$", r"^yorum (?:yap|yaz)\b", r"^en çok okunanlar?\W*$", r"^ilgili haberler\W*$",
]
# One search of all of them tried every alternative at every offset; most hold at the start only
# (``^``, no MULTILINE): those are tried there alone (``match``), the rest searched.
_BOILERPLATE_AT_START = re.compile("|".join(p for p in _BOILERPLATE_PROMPTS if p.startswith("^")), re.IGNORECASE)
_BOILERPLATE_ANYWHERE = re.compile("|".join(p for p in _BOILERPLATE_PROMPTS if not p.startswith("^")), re.IGNORECASE)
_NON_WORD = re.compile(r"[\W\d_]+", re.UNICODE)
# A labelled list of tags: "Tags: a, b", "Mots-clés : a ; b", "Schlagwörter: a | b" (en fr de es it pt nl).
_TAG_LIST = re.compile(
    r"^(?:tags?|topics?|keywords|mots[- ]cl[ée]s|th[èe]mes|sujets|schlagw(?:ö|oe)rte?r?|themen|stichw(?:ö|oe)rter|"
    r"etiquetas|temas|palabras clave|argomenti|parole chiave|palavras[- ]chave|trefwoorden|onderwerpen)"
    r"[ \t]*:[ \t]*(?=\S)",
    re.IGNORECASE,
)
_TAG_SEPARATOR = re.compile(r"\s*[,;|·•]\s*")


@dataclass(frozen=True)
class Structure:
    """Kinds of a document's paragraphs and the fields read off them."""

    kinds: list[str]
    title: str | None
    subtitle: str | None
    section: str | None
    byline: str | None
    header_start: int = 0  # the first paragraph of the article's header (after the page's menus)


def normalized_key(text: str) -> int:
    """A 63-bit hash of a paragraph's letters, lowercased: repeats of one line across
    documents share it even when digits, punctuation or spacing differ."""
    folded = _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
    return int.from_bytes(hashlib.blake2b(folded.encode("utf-8"), digest_size=8).digest(), "big") >> 1


MAX_PROMPT_CHARS = 300  # prompts and footers are short: prose paragraphs are not searched for them


def is_boilerplate_pattern(text: str) -> bool:
    """A known prompt, as a line or a menu item (``* Share``, ``- Tweet``)."""
    if len(text) > MAX_PROMPT_CHARS:
        return False
    item = text.strip().lstrip("*-•· \t")
    return _BOILERPLATE_AT_START.match(item) is not None or _BOILERPLATE_ANYWHERE.search(item) is not None


def is_hashtag_line(text: str) -> bool:
    words = text.split()
    tags = [w for w in words if _HASHTAG.fullmatch(w.rstrip(".,;"))]
    return len(tags) >= 2 and len(tags) * 2 >= len(words)


def tag_list_spans(text: str) -> list[tuple[str, int, int]] | None:
    """(tag, start, end) of each item of a labelled tag list (offsets within ``text``), else None."""
    label = _TAG_LIST.match(text)
    if label is None or "\n" in text:
        return None
    spans, start = [], label.end()
    for separator in [*_TAG_SEPARATOR.finditer(text, start), None]:
        end = separator.start() if separator else len(text.rstrip(" ."))
        item = text[start:end]
        if item:
            if len(item.split()) > 6 or len(item) > 60:
                return None  # prose after a label, not a list
            spans.append((item, start, end))
        if separator:
            start = separator.end()
    return spans or None


def is_caption(text: str) -> bool:
    """A photo caption: a line with a photo credit."""
    # Every credit marker holds a ":", "©" or "(": a text without any is only searched for an agency's name.
    marked = (":" in text or "©" in text or "(" in text) and _CREDIT_MARKERS.search(text) is not None
    return (marked or _TRAILING_CREDIT.search(text) is not None) and len(text.split()) <= 80


def breadcrumb_parts(text: str) -> list[str] | None:
    """The segments of a breadcrumb line (``Home » International » Title``), else None."""
    parts = [p.strip() for p in _BREADCRUMB_SEPARATORS.split(text)]
    if len(parts) >= 3 and all(parts) and all(len(p.split()) <= 4 for p in parts[:-1]):
        return parts
    return None


_LIST_ITEM = re.compile(r"^\s*(?:(?P<bullet>[*\-•·+]|o(?=\s+\W*[A-Z]))|(?P<number>\d{1,2})[.)])\s+(?P<item>\S.*)$")


def menu_items(text: str) -> tuple[list[str], bool] | None:
    """The items of a block of short list lines (``* E-paper⏎* Abo``, ``1. Site⏎2. News⏎3. Title``)
    and whether they are numbered; None for anything else."""
    lines = text.split("\n")
    if len(lines) < 2:
        return None
    matches = [_LIST_ITEM.match(line) for line in lines]
    if not all(matches) or any(len(m.group("item").split()) > 12 for m in matches):
        return None
    numbered = all(m.group("number") for m in matches)
    items = [m.group("item").strip() for m in matches]
    if not numbered and any(len(item.split()) > 5 for item in items):
        return None  # a bulleted list of sentences is prose
    return items, numbered


def byline_name(text: str) -> str | None:
    """The name(s) of a byline line (``By X and Y``, ``Autorin: X``, ``X, Reuters``, ``July 24,
    2019 by X 5 Comments``, ``Le Monde | 04.05.2015 | Par X``, ``By X March 18 at 12:22 PM``),
    else None. The name is a run of capitalized words; prose after a prefix ("Par ailleurs, …",
    "By the end of …", "Von Berlin aus fährt …") is not one."""
    text = _unbulleted(text.strip())
    if "\n" in text or len(text.split()) > 24:
        return None
    if (match := _CJK_BYLINE.search(text)) is not None:
        return match.group("who")
    for part in _BYLINE_PARTS.split(text):
        if name := _part_byline(part.strip()):
            return name
    return None


def _part_byline(part: str) -> str | None:
    line = _TRAILING_COMMENTS.sub("", _strip_leading_date(part))
    if len(line.split()) > 16:
        return None
    if (match := _AGENCY_BYLINE.match(line) or _AGENCY_ALONE.match(line)) is not None:
        return match.group("who")
    prefix = _BYLINE_PREFIX.match(line)
    if prefix is None:
        return None
    return _name_run(_HANDLE.sub(" ", line[prefix.end():]).strip())


def _name_run(text: str) -> str | None:
    """The capitalized name words at the start of ``text`` (``Jane Miller and Ana Ruiz``), if what
    follows them is what follows a byline's name (a date, a separator, nothing)."""
    taken: list[str] = []
    end = 0
    for token in re.finditer(r"\S+", text):
        word = token.group(0)
        bare = word.rstrip(",;")
        lower = bare.lower()
        if not (_NAME_WORD.match(bare) or (taken and (lower in _NAME_PARTICLES or lower in _NAME_JOINS))):
            break
        taken.append(bare)
        end = token.start() + len(bare)
        if bare != word or len(taken) >= 8:
            break  # a comma ends the name
    while taken and (taken[-1].lower() in _NAME_JOINS or taken[-1].lower() in _NAME_PARTICLES):
        end = text.rindex(taken.pop(), 0, end)
    if not taken:
        return None
    rest = text[end:].strip()
    if len(taken) >= 3 and re.match(r"^\d{1,2}\b", rest):
        taken.pop()  # "By Steven Mufson March 18": the month before the day is no name
    elif not _AFTER_NAME.match(rest):
        return None
    return " ".join(taken).strip(" .") or None


def _strip_leading_date(line: str) -> str:
    """``July 24, 2019 by Amy Motroni`` without the date (and a time after it) in front."""
    match = DATE_SHAPE.match(line)
    if match is None:
        return line
    rest = _LEADING_TIME.sub("", line[match.end():]).lstrip(" ,|-–—:")
    return rest if rest and rest[0].isalpha() else line


_LEADING_TIME = re.compile(r"^\s*(?:à|at|um|a las|alle)?\s*\d{1,2}[:h.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4}\b)?",
                           re.IGNORECASE)


def word_count(text: str) -> int:
    """Words, a script written without spaces counting one word every two characters."""
    return len(text.split()) + wide_chars(text) // 2


def _looks_like_title(paragraph: Paragraph) -> bool:
    text = paragraph.text
    words = word_count(text)
    if "\n" in text or _SENTENCE_END.search(text) or _INNER_SENTENCE_END.search(text):
        return False  # a headline is one line, never a block, and no sentence ("… he said.”, "… getan? Die …")
    return 2 <= words <= 30 and len(text) <= 250 and not text.endswith((".", ",", ";", ":")) or (
        2 <= words <= 30 and text.endswith(("!", "?"))
    )


def _looks_like_heading(paragraph: Paragraph) -> bool:
    return 1 <= paragraph.n_words <= 12 and not _TERMINAL.search(paragraph.text)


def _is_sentence_like(paragraph: Paragraph) -> bool:
    return paragraph.n_words >= 8 and bool(re.search(r"[.!?…»”\"]\s*$", paragraph.text))


def is_date_line(line: str) -> bool:
    """A line that is a date and little else (``3 novembre 2024``, ``Oct 24, 2023 | 2:15pm``,
    ``Publié le 26.12.2022``): at most three words around the date."""
    match = DATE_SHAPE.search(line) if _DIGIT.search(line) else None  # every date shape has digits
    return match is not None and len(line[: match.start()].split()) <= 3 and len(line[match.end():].split()) <= 3


def is_furniture_line(line: str) -> bool:
    """Whether one line is page furniture on its own: a breadcrumb, byline, date, kicker, caption,
    hashtags, tag list or a known boilerplate prompt."""
    line = line.strip()
    if not line:
        return False
    words = line.split()
    return (
        breadcrumb_parts(line) is not None or byline_name(line) is not None or is_hashtag_line(line)
        or tag_list_spans(line) is not None or is_boilerplate_pattern(line)
        or (len(words) <= 10 and is_date_line(line))
        or (len(words) <= 4 and line.isupper() and len(line) >= 3)  # an all-caps kicker
        or (is_caption(line) and len(words) <= 40)
    )


def is_wrapped_prose(lines: list[str]) -> bool:
    """Whether the lines of a block are one text wrapped at a fixed width (not separate units):
    every line but the last is long, and most end mid-sentence."""
    if len(lines) < 2 or any(len(line.split()) < 5 for line in lines[:-1]):
        return False
    mid_sentence = sum(not _TERMINAL.search(line) for line in lines[:-1])
    return mid_sentence * 2 >= len(lines) - 1


def split_units(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Lines are the unit of page furniture, paragraphs the unit of prose: a block of several
    lines becomes one paragraph per line (offsets kept exact), unless it is wrapped prose or a
    list of short items (a menu or a numbered breadcrumb, judged as a whole)."""
    result: list[Paragraph] = []
    for paragraph in paragraphs:
        lines = paragraph.text.split("\n")
        keep_whole = len(lines) == 1 or menu_items(paragraph.text) is not None or (
            is_wrapped_prose(lines) and not any(is_furniture_line(line) for line in lines)
        )
        if keep_whole:
            result.append(Paragraph(len(result) + 1, paragraph.text, paragraph.char_start, paragraph.char_end))
            continue
        offset = paragraph.char_start
        for line in lines:
            stripped = line.strip()
            if stripped:
                start = offset + (len(line) - len(line.lstrip()))
                result.append(Paragraph(len(result) + 1, stripped, start, start + len(stripped)))
            offset += len(line) + 1
    return result


HEADER_UNITS = 40  # how far above the article's first prose line its header may start
MAX_CONTENT_GAP = 4  # other units a stretch of prose may hold and go on
MAX_JOIN_GAP = 10  # other units between two stretches of prose that are still one article


def classify(paragraphs: list[Paragraph], repeated: frozenset[int] = frozenset()) -> Structure:
    """Kinds for the units of one document; ``repeated`` holds the normalized keys of units that
    repeat across many documents of the dump (boilerplate).

    Each unit is first typed on its own (known prompts, hashtags, tag lists, captions), then judged
    in context (:mod:`pipelines.text.prose`): the article is the page's longest stretch of prose,
    its header (breadcrumb, kicker, title, byline, date) the short lines just above it, and short
    lines that context marks as non-prose outside the article are menus and footers.
    """
    kinds = ["body"] * len(paragraphs)
    for i, paragraph in enumerate(paragraphs):
        text = paragraph.text
        if is_boilerplate_pattern(text) or (repeated and normalized_key(text) in repeated):
            kinds[i] = "boilerplate"
        elif is_hashtag_line(text):
            kinds[i] = "hashtags"
        elif tag_list_spans(text) is not None:
            kinds[i] = "tags"
        elif is_caption(text) and not _is_long_prose(paragraph):
            kinds[i] = "caption"
    menu = _menu_runs(paragraphs, kinds)
    # Menus are not prose whatever context says, but a numbered list may be the article's own.
    forced_bad = [k == "boilerplate" or (m and not _is_numbered(p.text))
                  for p, k, m in zip(paragraphs, kinds, menu, strict=True)]
    asides = [k == "boilerplate" and not m and "\n" not in p.text
              for p, k, m in zip(paragraphs, kinds, menu, strict=True)]
    own, revised = classify_units([p.text for p in paragraphs], forced_bad, asides)
    content = _content_span(paragraphs, own, revised)
    if content is None:
        return _classify_short(paragraphs, kinds)
    first, last = content
    title_index, section, breadcrumb_title = _find_header_title(paragraphs, kinds, menu, first)
    header_start = _header_start(paragraphs, kinds, menu, title_index, first)
    for i in range(len(paragraphs)):
        if kinds[i] != "body":
            continue
        # Above the header, whatever context judges non-prose is the page's; below the article,
        # only short lines are (a long line there may be the article's last, a list, a timeline).
        text = paragraphs[i].text
        near_header = i >= first - HEADER_UNITS and (byline_name(text) is not None or is_date_line(text))
        above = i < header_start and revised[i] == BAD and not near_header  # the byline and date stay readable
        below = i > last and (menu[i] or (revised[i] == BAD and own[i] == SHORT))
        in_header = (header_start <= i < first and i != title_index and (menu[i] or _is_label(paragraphs[i]))
                     and not _name_beside_date(paragraphs, i) and not _split_byline(paragraphs, i)
                     and not (i > 0 and _split_byline(paragraphs, i - 1)))
        if above or below or in_header:
            kinds[i] = "boilerplate"
    for i, paragraph in enumerate(paragraphs):
        if kinds[i] == "body" and (items := menu_items(paragraph.text)) is not None and (
            i < first or i > last or any(is_boilerplate_pattern(item) for item in items[0])
        ):
            kinds[i] = "boilerplate"  # * E-paper * Abo …: a menu outside the article, or share buttons
    _mark_footer_run(paragraphs, kinds)
    title = breadcrumb_title if title_index is None else _mark_title(paragraphs, kinds, title_index)
    byline = _mark_byline(paragraphs, kinds, range(max(0, header_start - 3), min(first + 3, len(paragraphs))))
    subtitle = _mark_subtitle(paragraphs, kinds, title_index)
    _mark_headings(paragraphs, kinds, title_index)
    return Structure(kinds, clean_title(title), subtitle, section, byline, header_start)


def _content_span(paragraphs: list[Paragraph], own: list[str], revised: list[str]) -> tuple[int, int] | None:
    """(first, last) unit of the article: the stretch of prose (revised good units, with gaps of a
    few other units) holding the most prose characters, joined with the stretches close before and
    after it (an inline box of links or an advertisement splits an article, it does not end it).
    Its first unit is prose on its own, not a short line that context made good. None when the
    document has no long prose line at all (a short text: no page around it)."""
    runs: list[list[int]] = []
    gap = 0
    for i, cls in enumerate(revised):
        if cls == GOOD:
            if runs and gap <= MAX_CONTENT_GAP:
                runs[-1].append(i)
            else:
                runs.append([i])
            gap = 0
        else:
            gap += 1
    scored = [(sum(len(paragraphs[i].text) for i in run), -n) for n, run in enumerate(runs)
              if any(own[i] == GOOD for i in run)]
    if not scored:
        return None
    best = -max(scored)[1]
    start, end = best, best
    while start > 0 and runs[start][0] - runs[start - 1][-1] - 1 <= MAX_JOIN_GAP:
        start -= 1
    while end < len(runs) - 1 and runs[end + 1][0] - runs[end][-1] - 1 <= MAX_JOIN_GAP:
        end += 1
    members = [i for run in runs[start : end + 1] for i in run]
    first = next(i for i in members if own[i] == GOOD or (own[i] == NEAR and not _looks_like_title(paragraphs[i])))
    return first, members[-1]




def _is_menu_like(paragraph: Paragraph, kind: str) -> bool:
    """A menu entry or share button: a line of one to three words (five after a bullet), no sentence."""
    text = paragraph.text
    if kind not in ("body", "boilerplate") or "\n" in text:
        return False
    if kind == "boilerplate":
        return True
    bullet = _LIST_ITEM.match(text)
    item = bullet.group("item") if bullet else text
    words = word_count(item)
    return (
        1 <= words <= (5 if bullet else 3) and len(item) <= 40 and not _TERMINAL.search(item)
        and byline_name(text) is None and not is_date_line(text)
    )


def _menu_runs(paragraphs: list[Paragraph], kinds: list[str]) -> list[bool]:
    """Units in a run of three or more menu-like lines (a line between two of them included)."""
    like = [_is_menu_like(p, k) for p, k in zip(paragraphs, kinds, strict=True)]
    for i in range(1, len(like) - 1):  # a line between two menu lines is menu
        between = like[i - 1] and like[i + 1]
        if between and not like[i] and paragraphs[i].n_words <= 8 and "\n" not in paragraphs[i].text:
            like[i] = True
    marked = [False] * len(like)
    i = 0
    while i < len(like):
        j = i
        while j < len(like) and like[j]:
            j += 1
        if j - i >= 3:
            marked[i:j] = [kinds[k] == "body" for k in range(i, j)]
        i = max(j, i + 1)
    for i, paragraph in enumerate(paragraphs):
        if kinds[i] == "body" and is_cell_row(paragraph.text):
            marked[i] = True  # a menu laid out as one row
    return marked


_CELL_GAP = re.compile(r" {2,}|\t")


def is_cell_row(text: str) -> bool:
    """A line of three or more short cells set apart by runs of spaces or tabs, the way a renderer
    lays out a row of links (``Weekly edition   Kernel   Security   Contact Us``)."""
    if "\n" in text:
        return False
    cells = [cell for cell in _CELL_GAP.split(text.strip()) if cell]
    # A table row has figures in its cells; a row of links has none.
    return len(cells) >= 3 and all(
        len(cell.split()) <= 4 and not _TERMINAL.search(cell) and not any(c.isdigit() for c in cell) for cell in cells
    )


def _find_header_title(
    paragraphs: list[Paragraph], kinds: list[str], menu: list[bool], first: int
) -> tuple[int | None, str | None, str | None]:
    """(title index, section, breadcrumb title) from the lines above the article's first prose line.

    The headline is the best title-like line there: a breadcrumb's last item or a line the page
    repeats is evidence; a line followed closely by a byline, a date or the article counts more;
    a menu line, a kicker or a caption counts less. Ties go to the earlier line."""
    window = range(max(0, first - HEADER_UNITS), first)
    section = breadcrumb_title = None
    for i in window:
        if kinds[i] == "body" and (parts := _breadcrumb_items(paragraphs[i].text)) is not None:
            kinds[i] = "breadcrumb"
            section, breadcrumb_title = parts[-2], parts[-1]
    texts = {}
    for paragraph in paragraphs:
        texts[paragraph.text] = texts.get(paragraph.text, 0) + 1
    best, best_score = None, 0.0
    for i in window:
        paragraph = paragraphs[i]
        if kinds[i] != "body" or not _looks_like_title(paragraph) or _is_list_item(paragraph.text):
            continue
        if byline_name(paragraph.text) is not None or is_date_line(paragraph.text) or _has_timestamp(paragraph.text):
            continue
        words = word_count(paragraph.text)
        score = float(min(words, 6)) - (2 if words > 20 else 0)  # past six words, length says little
        if words < 3:
            score -= 6  # "Buy Photo", "Live": a label, unless nothing else is there
        repeats_breadcrumb = bool(breadcrumb_title) and clean_title(paragraph.text) == clean_title(breadcrumb_title)
        if repeats_breadcrumb or (texts[paragraph.text] > 1 and words >= 4):  # a repeated label is no headline
            score += 8
        if menu[i]:
            score -= 8
        if _leads_to_article(paragraphs, kinds, i, first):
            score += 3
        if score > best_score:
            best, best_score = i, score
    return best, section, breadcrumb_title


# A date with a time ("April 28, 2019 at 6:01 am Updated …"): a timestamp line, never a headline.
_TIMESTAMP = re.compile(rf"(?:{DATE_SHAPE.pattern}).{{0,12}}\b\d{{1,2}}[:h]\d{{2}}\b")


def _has_timestamp(text: str) -> bool:
    """A date followed by a time (``26.12.2022 14:30``); only texts with digits are searched."""
    return _DIGIT.search(text) is not None and _TIMESTAMP.search(text) is not None


def _breadcrumb_items(text: str) -> list[str] | None:
    """The items of a breadcrumb: a line ``Home » News » Title`` or a numbered list of three or more
    short items (``1. Site⏎2. News⏎3. Title``); None for anything else."""
    if (parts := breadcrumb_parts(text)) is not None:
        return parts
    items = menu_items(text)
    return items[0] if items is not None and items[1] and len(items[0]) >= 3 else None


def _is_numbered(text: str) -> bool:
    match = _LIST_ITEM.match(text)
    return match is not None and match.group("number") is not None


def _is_list_item(text: str) -> bool:
    return _LIST_ITEM.match(text) is not None


def _leads_to_article(paragraphs: list[Paragraph], kinds: list[str], index: int, first: int) -> bool:
    """Whether the article starts within a few lines after ``index``, or a byline or date does."""
    for j in range(index + 1, min(index + 5, first + 1)):
        text = paragraphs[j].text
        if j == first or byline_name(text) or is_date_line(text) or _has_timestamp(text) or _LONE_PREFIX.match(text):
            return True
    return False


def _header_start(
    paragraphs: list[Paragraph], kinds: list[str], menu: list[bool], title_index: int | None, first: int
) -> int:
    """The first unit of the article's header: the title (or the breadcrumb and kicker lines just
    above it), else the line after the last menu line above the article."""
    if title_index is not None:
        start = title_index
        if start > 0 and kinds[start - 1] == "body" and not menu[start - 1] and _is_kicker(paragraphs[start - 1]):
            start -= 1
            kinds[start] = "kicker"
        while start > 0 and kinds[start - 1] == "breadcrumb":
            start -= 1
        return start
    start = first
    while start > max(0, first - HEADER_UNITS) and not menu[start - 1] and kinds[start - 1] != "boilerplate":
        start -= 1
    return start


def _is_label(paragraph: Paragraph) -> bool:
    """A button or label in the header ("Comments", "View Photos", "Full Screen"): a few words,
    no sentence, no date (the date is read later) and no name (a byline may be one)."""
    text = paragraph.text
    return (
        word_count(text) <= 4 and "\n" not in text and not _TERMINAL.search(text) and not is_date_line(text)
        and not _has_timestamp(text) and _bare_name(text) is None and byline_name(text) is None
    )


def _bare_name(text: str) -> str | None:
    """A line that is a person's name and nothing else (``Benjamin Romano``, ``1. Sarah Archer``):
    two to four name words."""
    text = _unbulleted(text.strip())
    name = _name_run(text)
    return name if name and name == text and 2 <= len(name.split()) <= 4 else None


def _unbulleted(text: str) -> str:
    """A list line's item without its bullet or number (``* by: Laurie Oakes``)."""
    match = _LIST_ITEM.match(text)
    return match.group("item").strip() if match else text


_NAME_DATE_PARTS = re.compile(r"\s+[-–—|•·]\s+")
# A time alone ("1:39 PM ET"), as a page prints it beside the author's name for today's articles.
_TIME_ONLY = re.compile(r"^\d{1,2}[:.h]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?$", re.IGNORECASE)


def _is_date_or_time(text: str) -> bool:
    text = text.strip()
    return is_date_line(text) or _has_timestamp(text) or bool(_TIME_ONLY.match(text)) or (
        DATE_SHAPE.match(text) is not None and len(text.split()) <= 8)


def _name_with_date(text: str) -> str | None:
    """The name of a header line that is a bare name and a date (``Dan Goodin - Apr 16, 2015 8:02 pm``)."""
    parts = _NAME_DATE_PARTS.split(text.strip(), maxsplit=1)
    if len(parts) == 2 and _is_date_or_time(parts[1]):
        return _bare_name(parts[0])
    return None


def _is_kicker(paragraph: Paragraph) -> bool:
    """A one-to-four-word label above a headline (``POLITIQUE``, ``Exklusiv``)."""
    return 1 <= paragraph.n_words <= 4 and "\n" not in paragraph.text and not _TERMINAL.search(paragraph.text)


def _mark_byline(paragraphs: list[Paragraph], kinds: list[str], header: range) -> str | None:
    """The first byline line of the header (else of the document's first lines); failing that, a
    header line that is a bare name next to a date line (``Benjamin Romano⏎April 28, 2019``)."""
    for i in [*header, *range(min(6, len(paragraphs)))]:
        if kinds[i] == "body" and (name := byline_name(paragraphs[i].text)):
            kinds[i] = "byline"
            return name
        if kinds[i] == "body" and (name := _split_byline(paragraphs, i)):
            kinds[i] = kinds[i + 1] = "byline"  # "By⏎Benjamin Romano": the prefix on a line of its own
            return name
    for i in header:
        if kinds[i] in ("body", "boilerplate") and _name_beside_date(paragraphs, i):
            kinds[i] = "byline"  # a name in a list of header items may have been taken for a menu entry
            return _bare_name(paragraphs[i].text)
        if kinds[i] == "body" and (name := _name_with_date(paragraphs[i].text)):
            kinds[i] = "byline"
            return name
    return None


_LONE_PREFIX = re.compile(r"^(?:by|par|von|por|di|door|av|af)\s*:?$", re.IGNORECASE)


def _split_byline(paragraphs: list[Paragraph], index: int) -> str | None:
    """The name of a byline whose prefix stands alone on its line, the name on the next."""
    if index + 1 >= len(paragraphs) or not _LONE_PREFIX.match(paragraphs[index].text.strip()):
        return None
    return byline_name(f"{paragraphs[index].text.strip()} {paragraphs[index + 1].text.strip()}")


def _name_beside_date(paragraphs: list[Paragraph], index: int) -> bool:
    """Whether a line is a bare name with a date line just before or after it."""
    if _bare_name(paragraphs[index].text) is None:
        return False
    beside = [_unbulleted(paragraphs[j].text) for j in (index - 1, index + 1) if 0 <= j < len(paragraphs)]
    return any(_is_date_or_time(line) for line in beside)


def _mark_title(paragraphs: list[Paragraph], kinds: list[str], index: int) -> str:
    """Mark the headline and the body paragraphs that repeat it; returns its text."""
    title = paragraphs[index].text
    kinds[index] = "title"
    for i, paragraph in enumerate(paragraphs):
        if kinds[i] == "body" and paragraph.text == title:
            kinds[i] = "title"  # the title, repeated
    return title


def _classify_short(paragraphs: list[Paragraph], kinds: list[str]) -> Structure:
    """A text without a long prose line (no page around it): furniture only at its edges."""
    section = None
    title = None
    for i, paragraph in enumerate(paragraphs):
        text = paragraph.text
        if kinds[i] != "body":
            continue
        if i < 3 and (parts := _breadcrumb_items(text)) is not None:
            kinds[i] = "breadcrumb"
            section, title = parts[-2], title or parts[-1]
        elif menu_items(text) is not None and (i < 3 or i >= len(paragraphs) - 3):
            kinds[i] = "boilerplate"  # * E-paper * Abo …: the site's menu, at the top or the bottom of the page
    _mark_footer_run(paragraphs, kinds)
    title_index = _find_title(paragraphs, kinds, title)
    if title_index is not None:
        title = _mark_title(paragraphs, kinds, title_index)
    byline = _mark_byline(paragraphs, kinds, range(0))
    subtitle = _mark_subtitle(paragraphs, kinds, title_index)
    _mark_headings(paragraphs, kinds, title_index)
    return Structure(kinds, clean_title(title), subtitle, section, byline)


_HEADING_MARK = re.compile(r"^\s*#{1,6}\s+")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")


def clean_title(title: str | None) -> str | None:
    """The headline without Markdown marks (``# Emden``, ``**Emden**``) or replacement characters."""
    if title is None:
        return None
    text = _EMPHASIS.sub(r"\2", _HEADING_MARK.sub("", title)).replace("\ufffd", "")
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def _is_long_prose(paragraph: Paragraph) -> bool:
    return paragraph.n_words > 80


def _find_title(paragraphs: list[Paragraph], kinds: list[str], breadcrumb_title: str | None) -> int | None:
    """The title: the breadcrumb's last segment if a paragraph repeats it, else the first
    short, title-like paragraph among the first few."""
    if breadcrumb_title:
        for i, paragraph in enumerate(paragraphs):
            if kinds[i] == "body" and paragraph.text == breadcrumb_title:
                kinds[i] = "title"
                return i
    for i, paragraph in enumerate(paragraphs[:4]):
        if kinds[i] == "body" and _looks_like_title(paragraph) and byline_name(paragraph.text) is None:
            kinds[i] = "title"
            return i
        if kinds[i] == "body" and byline_name(paragraph.text) is None:
            break  # prose before any title: the document has none
    return None


def _mark_subtitle(paragraphs: list[Paragraph], kinds: list[str], title_index: int | None) -> str | None:
    """The standfirst: the first sentence-like paragraph after the title (before the body proper)."""
    if title_index is None:
        return None
    for i in range(title_index + 1, min(title_index + 4, len(paragraphs))):
        if kinds[i] in ("title", "byline", "caption", "breadcrumb"):
            continue
        if kinds[i] == "body" and _is_sentence_like(paragraphs[i]) and paragraphs[i].n_words <= 70:
            kinds[i] = "subtitle"
            return paragraphs[i].text
        return None
    return None


def _mark_headings(paragraphs: list[Paragraph], kinds: list[str], title_index: int | None) -> None:
    """Short unpunctuated lines between body paragraphs are section headings."""
    start = (title_index or 0) + 1
    for i in range(start, len(paragraphs) - 1):
        if kinds[i] != "body" or not _looks_like_heading(paragraphs[i]):
            continue
        following = next((k for k in kinds[i + 1 :] if k != "caption"), None)
        if following in ("body", "subtitle") and any(k in ("body", "subtitle") for k in kinds[:i]):
            kinds[i] = "heading"


def _mark_footer_run(paragraphs: list[Paragraph], kinds: list[str]) -> None:
    """Short non-prose lines wedged between footer boilerplate lines are footer too."""
    last = len(kinds) - 1
    while last >= 0 and kinds[last] in ("boilerplate", "hashtags", "tags"):
        last -= 1
    # A lone short line right before a footer run ("Related", menu words) joins it.
    if (
        0 <= last < len(kinds) - 1
        and kinds[last + 1] == "boilerplate"
        and paragraphs[last].n_words <= 3
        and not _TERMINAL.search(paragraphs[last].text)
    ):
        kinds[last] = "boilerplate"


def hashtag_spans(text: str) -> list[tuple[str, int, int]]:
    """(tag, start, end) for each hashtag in a hashtag paragraph (offsets within ``text``)."""
    return [(m.group("tag"), m.start(), m.end()) for m in _HASHTAG.finditer(text)]


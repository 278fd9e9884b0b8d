"""Entities: a document's clean paragraphs and language in, ``entity_mentions`` out;
then ``entities`` and ``entity_aliases`` rebuilt in SQL from every dump's mentions.

``models`` (spaCy pipelines, loaded once per process), ``rules`` (the fallback for
languages without a model, and the role rule), ``gazetteer`` (countries and cities),
``normalize`` (canonical names within a document), ``spans`` (the mention record and
span cleaning), ``mentions`` (all of them composed), ``stage`` (the per-dump stage).
"""

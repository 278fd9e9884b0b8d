"""Text: a document's text in, its paragraphs, structure, language and metadata out.

``paragraphs`` (split with offsets), ``structure`` (paragraph kinds, title, byline…),
``langid`` and ``language`` (paragraph and document languages), ``metadata`` (clean
body, counts) and ``fingerprint`` (SimHash) are pure functions; ``steps`` wraps each
as a Step, ``document`` holds the record they annotate, and ``stage`` runs the text
stage over a dump (its steps, extractors included, are listed in ``pipelines.pipeline``).
"""

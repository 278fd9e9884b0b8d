"""Extractors: an analysed document in (paragraphs with kinds, language), rows of
``hashtags``, ``photo_credits``, ``quotes``, ``amounts`` and ``dates_mentioned`` out.

One module per extractor: its pure functions, and one Step that runs them on the
paragraphs of the kinds it reads and emits rows with offsets into ``documents.text``.
"""

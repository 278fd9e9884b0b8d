"""Imported by the forkserver that worker processes are forked from (``pipelines.runtime.executor``).

Importing it loads every stage's models and tables (langdetect's profiles, the spaCy pipelines,
the gazetteer) in the forkserver, once; each worker forked from it then starts with them, shared
copy-on-write, instead of spending seconds loading them again. A failure here only costs that
saving: the workers load what they need on first use.
"""

import logging

from pipelines.pipeline import warm_up

try:
    warm_up()
except Exception:  # noqa: BLE001 - the workers load lazily instead; say so in the worker's log
    logging.getLogger(__name__).exception("preloading the models for worker processes failed")

"""One dynamic partition per dump file, keyed by its path relative to the raw directory.

A run may cover several dumps: a range of partitions, contiguous in the order the partitions
were added. The CLI and the sensor put small dumps together in one run (a run's fixed cost,
its events and checks, is then paid once for the batch); a UI backfill takes up to
``DUMPS_PER_RUN`` partitions a run. Every asset still loads each dump in its own transaction.
"""

import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from pipelines.ingest.load import resolve_inside

DUMPS_PARTITIONS_NAME = "dumps"
dumps_partitions = dg.DynamicPartitionsDefinition(name=DUMPS_PARTITIONS_NAME)

# Every asset that writes to the DuckDB file shares this pool: DuckDB has one writer.
WAREHOUSE_POOL = "duckdb_warehouse"

# At most this many dumps in one run, and (but for a single dump) at most this many bytes: a failed
# batch is rerun one dump at a time, so a batch is kept to what reruns in a few seconds.
DUMPS_PER_RUN = 50
RUN_BATCH_BYTES = 1_000_000
dumps_backfill_policy = dg.BackfillPolicy.multi_run(max_partitions_per_run=DUMPS_PER_RUN)
# The assets pass it knowingly (the parameter is beta in Dagster 1.x): its warning at every import
# would be the first line a user sees on the terminal, for nothing they can act on.
warnings.filterwarnings(
    "ignore", message=r"Parameter `backfill_policy` .* is currently in beta", category=dg.BetaWarning
)


def dump_sizes(raw_dir: Path, keys: Iterable[str]) -> dict[str, int]:
    """The file size of each of these dumps still in ``raw_dir``, for ``batch_partitions`` (a dump gone has
    none: it runs alone, and its run says so)."""
    sizes = {}
    for key in keys:
        try:
            sizes[key] = resolve_inside(raw_dir, key).stat().st_size
        except (OSError, ValueError):
            continue
    return sizes


def batch_partitions(
    order: Sequence[str], wanted: Sequence[str], sizes: Mapping[str, int],
    *, max_dumps: int = DUMPS_PER_RUN, max_bytes: int = RUN_BATCH_BYTES,
) -> list[list[str]]:
    """``wanted`` keys in runs: each a range of keys contiguous in ``order`` (the partitions' order), at most
    ``max_dumps`` of them and ``max_bytes`` together. A dump of ``max_bytes`` or more, one without a size
    (its file is gone: its run says so) and one missing from ``order`` run alone."""
    chosen = set(wanted)
    batches: list[list[str]] = []
    current: list[str] = []
    current_bytes = 0
    for key in order:
        size = sizes.get(key)
        alone = size is None or size >= max_bytes
        if current and (key not in chosen or alone or len(current) >= max_dumps or current_bytes + size > max_bytes):
            batches.append(current)
            current, current_bytes = [], 0
        if key not in chosen:
            continue
        if alone:
            batches.append([key])
            continue
        current.append(key)
        current_bytes += size
    if current:
        batches.append(current)
    batches += [[key] for key in sorted(chosen - set(order))]
    return batches


# A batch run of the CLI, sensor or schedule carries how many dumps it holds (to tell it from a backfill's).
BATCH_TAG = "corpus/batch_dumps"


def run_tags(batch: Sequence[str]) -> dict[str, str]:
    """A run's tags for a batch of contiguous partitions: its first and last key, and its size."""
    return {ASSET_PARTITION_RANGE_START_TAG: batch[0], ASSET_PARTITION_RANGE_END_TAG: batch[-1],
            BATCH_TAG: str(len(batch))}


def batch_of(tags: Mapping[str, str], order: Sequence[str]) -> list[str]:
    """The keys of a run of several partitions with ``tags`` (a batch of the CLI, sensor or schedule, or a
    UI backfill's range run); empty for a one-dump run, or when its range is gone from ``order``."""
    start, end = tags.get(ASSET_PARTITION_RANGE_START_TAG), tags.get(ASSET_PARTITION_RANGE_END_TAG)
    if start is None or start == end or start not in order or end not in order:
        return []
    return list(order[order.index(start): order.index(end) + 1])

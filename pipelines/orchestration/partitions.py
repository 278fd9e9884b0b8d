"""One dynamic partition per dump file, keyed by its path relative to the raw directory."""

import dagster as dg

DUMPS_PARTITIONS_NAME = "dumps"
dumps_partitions = dg.DynamicPartitionsDefinition(name=DUMPS_PARTITIONS_NAME)

# Every asset that writes to the DuckDB file shares this pool: DuckDB has one writer.
WAREHOUSE_POOL = "duckdb_warehouse"

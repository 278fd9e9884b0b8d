"""The thin Dagster layer: assets per stage, resources, partitions, checks, sensors,
schedules and jobs, over the pure-Python core. ``pipelines.definitions`` assembles them."""

"""Batching dumps into runs: contiguous ranges of small dumps, big or vanished ones alone."""

from pipelines.orchestration.partitions import batch_of, batch_partitions, run_tags


def test_small_neighbours_share_a_run_big_and_unsized_ones_run_alone():
    order = ["a", "b", "big", "c", "d", "gone", "e"]
    sizes = {"a": 10, "b": 10, "big": 5_000, "c": 10, "d": 10, "e": 10}
    assert batch_partitions(order, order, sizes, max_bytes=1_000) == [
        ["a", "b"], ["big"], ["c", "d"], ["gone"], ["e"]]


def test_a_batch_is_a_contiguous_range_of_the_wanted_keys_only():
    order = ["a", "b", "c", "d", "e"]
    sizes = dict.fromkeys(order, 1)
    # c is not wanted: a range a..d would run it too
    assert batch_partitions(order, ["e", "a", "b", "d"], sizes) == [["a", "b"], ["d", "e"]]
    # a key the partitions do not list yet runs alone, after the others
    assert batch_partitions(order, ["a", "z"], sizes) == [["a"], ["z"]]


def test_batches_are_capped_by_count_and_bytes():
    order = [f"k{i}" for i in range(7)]
    sizes = dict.fromkeys(order, 300)
    assert batch_partitions(order, order, sizes, max_dumps=3, max_bytes=10_000) == [
        ["k0", "k1", "k2"], ["k3", "k4", "k5"], ["k6"]]
    assert batch_partitions(order, order, sizes, max_dumps=50, max_bytes=1_000) == [
        ["k0", "k1", "k2"], ["k3", "k4", "k5"], ["k6"]]


def test_a_batch_runs_tags_name_its_keys_back():
    order = ["a", "b", "c", "d"]
    tags = run_tags(["b", "c", "d"])
    assert batch_of(tags, order) == ["b", "c", "d"]
    assert batch_of({"dagster/partition": "a"}, order) == []  # a one-dump run
    assert batch_of(tags, ["a", "b"]) == []  # its range is gone
    backfill = {"dagster/asset_partition_range_start": "a", "dagster/asset_partition_range_end": "c"}
    assert batch_of(backfill, order) == ["a", "b", "c"]  # a UI backfill's range run is split too
    assert batch_of({**backfill, "dagster/asset_partition_range_end": "a"}, order) == []  # a range of one

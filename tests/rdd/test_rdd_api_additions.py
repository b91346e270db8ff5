"""RDD methods matching PySpark 4.3: sampleByKey, mapPartitionsWithSplit, binaryFiles,
binaryRecords, Broadcast dump/load, cleanShuffleDependencies, collectWithJobGroup, and the
builtin errors of empty reductions. Expected values were captured from PySpark 4.3 (local[2])."""

from __future__ import annotations

import glob
import io
import os
import pickle

import pytest

from ember.rdd import portable_hash

# sorted(sc.parallelize([(k, i) for k in "ab" for i in range(30)], 3).sampleByKey(False, {"a": 0.2, "b": 0.5}, 7).collect())
PYSPARK_SAMPLE = [("a", 0), ("a", 4), ("a", 9), ("a", 11), ("a", 14), ("a", 26), ("b", 3), ("b", 4), ("b", 7),
                  ("b", 8), ("b", 9), ("b", 11), ("b", 12), ("b", 13), ("b", 15), ("b", 16), ("b", 18), ("b", 20),
                  ("b", 22), ("b", 23), ("b", 25), ("b", 28), ("b", 29)]
# the counts per record of sorted(... range(20)], 2).sampleByKey(True, {"a": 0.5, "b": 2.0}, 3).collect())
PYSPARK_SAMPLE_WITH_REPLACEMENT = {
    "a": {0: 1, 1: 1, 2: 1, 3: 1, 5: 1, 7: 1, 10: 1, 11: 2, 12: 1, 13: 1, 14: 2, 17: 1, 18: 1},
    "b": {0: 5, 1: 4, 2: 4, 3: 1, 4: 1, 5: 2, 6: 3, 7: 3, 8: 3, 9: 3, 10: 2, 11: 4, 12: 3, 13: 6, 14: 3,
          15: 2, 16: 2, 17: 4, 18: 2, 19: 1}}


def test_sample_by_key_draws_what_pyspark_draws_for_a_seed(sc):
    data = [(k, i) for k in "ab" for i in range(30)]
    assert sorted(sc.parallelize(data, 3).sampleByKey(False, {"a": 0.2, "b": 0.5}, 7).collect()) == PYSPARK_SAMPLE


def test_sample_by_key_with_replacement_repeats_records_as_pyspark_does(sc):
    data = [(k, i) for k in "ab" for i in range(20)]
    sample = sc.parallelize(data, 2).sampleByKey(True, {"a": 0.5, "b": 2.0}, 3).collect()
    counts: dict[str, dict[int, int]] = {"a": {}, "b": {}}
    for key, value in sample:
        counts[key][value] = counts[key].get(value, 0) + 1
    assert counts == PYSPARK_SAMPLE_WITH_REPLACEMENT


def test_sample_by_key_pyspark_doc_example(sc):
    fractions = {"a": 0.2, "b": 0.1}
    rdd = sc.parallelize(fractions.keys()).cartesian(sc.parallelize(range(0, 1000)))
    sample = dict(rdd.sampleByKey(False, fractions, 2).groupByKey().collect())
    assert 100 < len(sample["a"]) < 300 and 50 < len(sample["b"]) < 150


def test_sample_by_key_refuses_negative_fractions_and_unknown_keys(sc):
    with pytest.raises(AssertionError, match="Negative fraction value: -0.5"):
        sc.parallelize([("a", 1)]).sampleByKey(False, {"a": -0.5})
    with pytest.raises(KeyError):
        sc.parallelize([("c", 1)]).sampleByKey(False, {"a": 0.5}).collect()


def test_map_partitions_with_split_is_a_deprecated_map_partitions_with_index(sc):
    with pytest.warns(FutureWarning, match="mapPartitionsWithSplit is deprecated"):
        rdd = sc.parallelize([1, 2, 3, 4], 4).mapPartitionsWithSplit(lambda i, it: [i])
    assert rdd.sum() == 6


@pytest.mark.parametrize("action, message", [
    (lambda rdd: rdd.first(), "RDD is empty"),
    (lambda rdd: rdd.reduce(lambda a, b: a + b), r"Can not reduce\(\) empty RDD"),
    (lambda rdd: rdd.treeReduce(lambda a, b: a + b), "Cannot reduce empty RDD."),
    (lambda rdd: rdd.max(), r"Can not reduce\(\) empty RDD"),
    (lambda rdd: rdd.min(), r"Can not reduce\(\) empty RDD"),
])
def test_empty_reductions_raise_pysparks_builtin_value_error(sc, action, message):
    with pytest.raises(ValueError, match=f"^{message}$") as caught:
        action(sc.parallelize([], 2))
    assert type(caught.value) is ValueError  # printed as "ValueError: ...", as PySpark prints it


def test_binary_files_reads_each_file_whole_as_bytes(sc, tmp_path):
    (tmp_path / "a.dat").write_bytes(b"\x00\x01")
    (tmp_path / "b.dat").write_bytes(b"hello")
    pairs = sc.binaryFiles(str(tmp_path)).collect()
    assert sorted((os.path.basename(p), c) for p, c in pairs) == [("a.dat", b"\x00\x01"), ("b.dat", b"hello")]
    assert all(p.startswith(f"file:{tmp_path}/") for p, _ in pairs)


def test_binary_records_cuts_fixed_length_records(sc, tmp_path):
    path = tmp_path / "records.bin"
    path.write_bytes(b"abcdefghij")
    assert sc.binaryRecords(str(path), 5).collect() == [b"abcde", b"fghij"]
    assert sc.binaryRecords(str(path), 1).count() == 10


def test_binary_records_refuses_a_file_that_ends_in_a_partial_record(sc, tmp_path):
    path = tmp_path / "records.bin"
    path.write_bytes(b"abcdefghij")
    with pytest.raises(ValueError, match="has 10 bytes, not a multiple of recordLength 3"):
        sc.binaryRecords(str(path), 3)


def test_broadcast_dump_closes_the_file_and_load_reads_it_back(sc, tmp_path):
    b = sc.broadcast([1, 2, 3])
    buffer = io.BytesIO()
    b.dump({"x": 1}, buffer)
    assert buffer.closed
    path = tmp_path / "value.pkl"
    with open(path, "wb") as handle:
        b.dump(b.value, handle)
    assert sc.broadcast(1).load_from_path(str(path)) == [1, 2, 3]
    with open(path, "rb") as handle:
        assert b.load(handle) == [1, 2, 3]
    assert b.load(io.BytesIO(pickle.dumps([5]))) == [5]


def test_portable_hash_is_exported_like_pysparks():
    assert (portable_hash(None), portable_hash(1), portable_hash(-1)) == (0, 1, -2)  # PySpark's values
    assert portable_hash("ember") == portable_hash("ember")


def test_clean_shuffle_dependencies_removes_the_files_and_a_later_job_rebuilds_them(sc):
    rdd = sc.parallelize(range(10), 2).map(lambda x: (x % 3, x)).reduceByKey(lambda a, b: a + b)
    expected = sorted(rdd.collect())
    files = os.path.join(sc.session_dir, "shuffle", "**", "*.data")
    assert glob.glob(files, recursive=True)
    rdd.cleanShuffleDependencies(blocking=True)
    assert glob.glob(files, recursive=True) == []
    assert sorted(rdd.collect()) == expected == [(0, 18), (1, 12), (2, 15)]


def test_collect_with_job_group_runs_the_job_in_the_group_and_restores_the_thread(sc):
    sc.setJobGroup("outer", "kept")
    try:
        with pytest.warns(FutureWarning, match="Deprecated in 3.1"):
            assert sc.parallelize([1, 2], 2).collectWithJobGroup("inner", "one job") == [1, 2]
        assert sc.statusTracker().getJobIdsForGroup("inner")
        assert sc.getLocalProperty("spark.jobGroup.id") == "outer"
    finally:
        sc.setLocalProperty("spark.jobGroup.id", None)
        sc.setLocalProperty("spark.job.description", None)
        sc.setLocalProperty("spark.job.interruptOnCancel", None)


def test_resource_profiles_are_absent(sc):
    assert sc.parallelize([1]).getResourceProfile() is None
    assert sc.resources == {}

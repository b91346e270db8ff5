"""How ``textFile`` cuts files into splits and reads each split's lines (Ember's own rules)."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings, strategies as st

from ember.rdd.sources import FileSplit, plan_splits, read_lines

MB = 1 << 20


def sparse_file(path, size: int) -> str:
    with open(path, "wb") as handle:
        handle.truncate(size)
    return str(path)


def sizes(splits: list[FileSplit]) -> list[int]:
    return [s.end - s.start for s in splits]


def test_one_worker_gets_hadoops_splits_of_at_most_32_mb(tmp_path):
    splits = plan_splits([sparse_file(tmp_path / "f", 300 * MB)], min_partitions=2, parallelism=1)
    assert sizes(splits) == [32 * MB] * 9 + [12 * MB]
    # the last piece may grow by 10% rather than leave a 2 MB sliver
    splits = plan_splits([sparse_file(tmp_path / "g", 290 * MB)], min_partitions=2, parallelism=1)
    assert sizes(splits) == [32 * MB] * 8 + [34 * MB]


@pytest.mark.parametrize("parallelism", [2, 3, 8])
def test_split_count_is_a_multiple_of_the_parallelism_and_splits_are_equal(tmp_path, parallelism):
    path = sparse_file(tmp_path / "f", 300 * MB)
    splits = plan_splits([path], min_partitions=2, parallelism=parallelism)
    assert len(splits) % parallelism == 0
    assert len(splits) >= len(plan_splits([path], 2, 1))
    assert max(sizes(splits)) <= 32 * MB
    assert max(sizes(splits)) - min(sizes(splits)) <= 1
    assert [(s.start, s.end) for s in splits] == list(zip([0] + [s.end for s in splits[:-1]],
                                                          [s.end for s in splits]))
    assert splits[-1].end == 300 * MB


def test_min_partitions_still_sets_the_least_number_of_splits(tmp_path):
    path = sparse_file(tmp_path / "f", 1000)
    assert len(plan_splits([path], min_partitions=7, parallelism=2)) >= 7


def test_a_file_smaller_than_one_split_is_not_cut_for_the_parallelism(tmp_path):
    path = sparse_file(tmp_path / "f", 1000)
    assert sizes(plan_splits([path], min_partitions=1, parallelism=8)) == [1000]


def test_gzip_and_empty_files_are_one_split_each(tmp_path):
    gz = sparse_file(tmp_path / "a.gz", 100 * MB)
    empty = sparse_file(tmp_path / "b.txt", 0)
    assert [(s.path, s.start, s.end) for s in plan_splits([gz, empty], 2, 2)] == [(gz, 0, 100 * MB), (empty, 0, 0)]


def reference_lines(data: bytes) -> list[str]:
    """What a line reader must return: lines split at \\n, one trailing \\r each dropped."""
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return [line.removesuffix(b"\r").decode() for line in lines]


@settings(max_examples=80, deadline=None)
@given(lines=st.lists(st.text(alphabet="ab\r é\n", max_size=6), max_size=15), final_newline=st.booleans(),
       min_partitions=st.integers(1, 9), parallelism=st.integers(1, 4))
def test_the_splits_of_a_file_read_back_every_line_once_in_order(tmp_path_factory, lines, final_newline,
                                                                  min_partitions, parallelism):
    data = "\n".join(lines).encode() + (b"\n" if final_newline and lines else b"")
    path = tmp_path_factory.mktemp("lines") / "f.txt"
    path.write_bytes(data)
    splits = plan_splits([str(path)], min_partitions, parallelism)
    read = [line for split in splits for line in read_lines(split)]
    assert read == reference_lines(data)
    as_bytes = [line for split in splits for line in read_lines(split, use_unicode=False)]
    assert as_bytes == [line.encode() for line in reference_lines(data)]
    assert os.path.getsize(path) == sum(sizes(splits))

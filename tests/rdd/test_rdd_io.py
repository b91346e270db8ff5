"""Reading and writing files: textFile, wholeTextFiles, saveAsTextFile, pickle files.

Files are written and read back with plain Python (``open``, ``gzip``) so that each
side is checked independently of the other: textFile with a file, a directory, a glob,
comma-separated paths, ``.gz`` input and minPartitions; wholeTextFiles; saveAsTextFile
with and without GzipCodec; and the saveAsPickleFile / pickleFile round trip.
"""

from __future__ import annotations

import gzip
import os
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

GZIP_CODEC = "org.apache.hadoop.io.compress.GzipCodec"
LINES = ["first line", "", "  indented", "ünïcödé ✓", "tab\tseparated", "last"]


def write_lines(path: Path, lines, trailing_newline=True):
    text = "\n".join(lines) + ("\n" if trailing_newline else "")
    path.write_text(text, encoding="utf-8")
    return path


def read_part_files(directory: Path, opener=open):
    """All lines of the ``part-*`` files of a saved RDD, in partition order."""
    parts = sorted(p for p in directory.iterdir() if p.name.startswith("part-"))
    lines = []
    for p in parts:
        with opener(p, "rt", encoding="utf-8") as f:
            lines.extend(f.read().splitlines())
    return parts, lines


# --- textFile ----------------------------------------------------------------------------------


def test_text_file_reads_lines_of_a_file_in_order(sc, tmp_path):
    path = write_lines(tmp_path / "a.txt", LINES)
    assert sc.textFile(str(path)).collect() == LINES


def test_text_file_without_trailing_newline_reads_the_last_line(sc, tmp_path):
    path = write_lines(tmp_path / "a.txt", ["x", "y"], trailing_newline=False)
    assert sc.textFile(str(path)).collect() == ["x", "y"]


def test_text_file_strips_windows_line_endings(sc, tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"one\r\ntwo\r\n\r\nthree\r\n")
    assert sc.textFile(str(path)).collect() == ["one", "two", "", "three"]


def test_text_file_of_empty_file_is_empty(sc, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("")
    assert sc.textFile(str(path)).collect() == []


@pytest.mark.parametrize("min_partitions", [1, 3, 7, 40])
def test_text_file_min_partitions_splits_without_losing_or_duplicating_lines(
    sc, tmp_path, min_partitions
):
    lines = [f"line {i} " + "x" * (i % 13) for i in range(500)]
    path = write_lines(tmp_path / "big.txt", lines)
    rdd = sc.textFile(str(path), minPartitions=min_partitions)
    assert rdd.getNumPartitions() >= min_partitions
    assert rdd.collect() == lines


def test_text_file_of_directory_reads_every_visible_file(sc, tmp_path):
    d = tmp_path / "dir"
    d.mkdir()
    write_lines(d / "a.txt", ["a1", "a2"])
    write_lines(d / "b.txt", ["b1"])
    write_lines(d / "c.log", ["c1", "c2", "c3"])
    (d / "_SUCCESS").write_text("")
    (d / ".hidden").write_text("secret\n")
    result = sc.textFile(str(d)).collect()
    assert Counter(result) == Counter(["a1", "a2", "b1", "c1", "c2", "c3"])


def test_text_file_with_glob_reads_matching_files_only(sc, tmp_path):
    write_lines(tmp_path / "x1.txt", ["x1"])
    write_lines(tmp_path / "x2.txt", ["x2a", "x2b"])
    write_lines(tmp_path / "y.csv", ["nope"])
    assert Counter(sc.textFile(str(tmp_path / "*.txt")).collect()) == Counter(["x1", "x2a", "x2b"])


def test_text_file_with_comma_separated_paths_reads_all_of_them(sc, tmp_path):
    a = write_lines(tmp_path / "a.txt", ["a"])
    b = write_lines(tmp_path / "b.txt", ["b1", "b2"])
    write_lines(tmp_path / "c.txt", ["not read"])
    assert Counter(sc.textFile(f"{a},{b}").collect()) == Counter(["a", "b1", "b2"])


def test_text_file_decompresses_gzip_input(sc, tmp_path):
    lines = [f"row {i}" for i in range(100)]
    path = tmp_path / "data.txt.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    assert sc.textFile(str(path)).collect() == lines
    assert sc.textFile(str(path), minPartitions=4).collect() == lines


def test_text_file_without_unicode_returns_bytes(sc, tmp_path):
    path = write_lines(tmp_path / "u.txt", ["héllo", "plain"])
    result = sc.textFile(str(path), use_unicode=False).collect()
    assert result == ["héllo".encode(), b"plain"]


def test_text_file_of_missing_path_raises(sc, tmp_path):
    with pytest.raises(Exception):
        sc.textFile(str(tmp_path / "does-not-exist.txt")).collect()


# --- wholeTextFiles ------------------------------------------------------------------------------


def test_whole_text_files_returns_path_and_content_per_file(sc, tmp_path):
    contents = {"a.txt": "alpha\nbeta\n", "b.txt": "", "c.txt": "no newline ✓"}
    for name, text in contents.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = sc.wholeTextFiles(str(tmp_path)).collect()
    assert len(result) == len(contents)
    by_name = {}
    for path, text in result:
        name = path.rsplit("/", 1)[-1]
        assert path.endswith(str(tmp_path / name))
        by_name[name] = text
    assert by_name == contents


def test_whole_text_files_with_min_partitions_reads_each_file_once(sc, tmp_path):
    contents = {f"f{i}.txt": f"content {i}\n" * (i + 1) for i in range(6)}
    for name, text in contents.items():
        (tmp_path / name).write_text(text)
    result = sc.wholeTextFiles(str(tmp_path), minPartitions=3).collect()
    assert sorted(text for _, text in result) == sorted(contents.values())


# --- saveAsTextFile --------------------------------------------------------------------------------


@pytest.mark.parametrize("num_slices", [1, 3, 12])
def test_save_as_text_file_writes_one_part_file_per_partition(sc, tmp_path, num_slices):
    data = [1, "two", None, (3, "x"), 4.5, "", "ü"]
    out = tmp_path / "out"
    sc.parallelize(data, num_slices).saveAsTextFile(str(out))
    parts, lines = read_part_files(out)
    assert len(parts) == num_slices
    assert lines == [str(x) for x in data]


def test_save_as_text_file_writes_a_success_marker(sc, tmp_path):
    out = tmp_path / "out"
    sc.parallelize(["a"], 1).saveAsTextFile(str(out))
    assert (out / "_SUCCESS").exists()


def test_save_as_text_file_with_gzip_codec_writes_gzip_parts(sc, tmp_path):
    data = [f"line {i}" for i in range(50)]
    out = tmp_path / "gz"
    sc.parallelize(data, 3).saveAsTextFile(str(out), compressionCodecClass=GZIP_CODEC)
    parts, lines = read_part_files(out, opener=gzip.open)
    assert len(parts) == 3
    assert all(p.name.endswith(".gz") for p in parts)
    assert lines == data


def test_text_written_with_gzip_codec_reads_back_with_text_file(sc, tmp_path):
    data = [f"line {i}" for i in range(30)]
    out = tmp_path / "gz"
    sc.parallelize(data, 2).saveAsTextFile(str(out), compressionCodecClass=GZIP_CODEC)
    assert Counter(sc.textFile(str(out)).collect()) == Counter(data)


def test_save_as_text_file_to_existing_directory_raises(sc, tmp_path):
    out = tmp_path / "out"
    sc.parallelize([1], 1).saveAsTextFile(str(out))
    with pytest.raises(Exception):
        sc.parallelize([2], 1).saveAsTextFile(str(out))


def test_save_as_text_file_then_text_file_round_trips(sc, tmp_path):
    data = [f"row-{i}" for i in range(40)]
    out = tmp_path / "rt"
    sc.parallelize(data, 4).saveAsTextFile(str(out))
    assert Counter(sc.textFile(str(out)).collect()) == Counter(data)


# --- pickle files -----------------------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [1, 3, 10])
def test_save_as_pickle_file_round_trips_python_objects(sc, tmp_path, batch_size):
    data = [1, "two", None, (3, "x"), {"k": [1, 2]}, 4.5, b"bytes", frozenset({1})] * 3
    out = tmp_path / "pickled"
    sc.parallelize(data, 3).saveAsPickleFile(str(out), batchSize=batch_size)
    back = sc.pickleFile(str(out)).collect()
    assert sorted(map(repr, back)) == sorted(map(repr, data))


def test_pickle_file_with_min_partitions_reads_every_record_once(sc, tmp_path):
    data = [(i, str(i)) for i in range(100)]
    out = tmp_path / "pickled"
    sc.parallelize(data, 2).saveAsPickleFile(str(out))
    rdd = sc.pickleFile(str(out), minPartitions=4)
    assert rdd.getNumPartitions() >= 2
    assert sorted(rdd.collect()) == data


def test_pickle_file_of_empty_rdd_is_empty(sc, tmp_path):
    out = tmp_path / "empty"
    sc.parallelize([], 2).saveAsPickleFile(str(out))
    assert sc.pickleFile(str(out)).collect() == []


def test_a_failed_save_leaves_no_output_and_an_existing_path_is_refused(sc, tmp_path):
    out = str(tmp_path / "out")

    def explode_on_seven(x):
        if x == 7:
            raise ValueError("seven")
        return x

    with pytest.raises(ValueError, match="seven"):
        sc.parallelize(range(10), 4).map(explode_on_seven).saveAsTextFile(out)
    assert not os.path.exists(out)  # neither the partitions that succeeded nor _temporary
    sc.parallelize(range(3), 2).saveAsTextFile(out)
    with pytest.raises(FileExistsError, match="already exists"):
        sc.parallelize([1]).saveAsTextFile(out)


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(st.text(alphabet="ab\r é", max_size=6), max_size=12), final_newline=st.booleans(),
       cuts=st.lists(st.integers(min_value=0, max_value=120), max_size=5), chunk=st.integers(min_value=1, max_value=7))
def test_byte_range_splits_hold_every_line_exactly_once(tmp_path_factory, lines, final_newline, cuts, chunk):
    from ember.rdd.sources import record_bytes

    data = "\n".join(lines).encode() + (b"\n" if final_newline and lines else b"")
    path = tmp_path_factory.mktemp("splits") / "f.txt"
    path.write_bytes(data)
    bounds = sorted({0, len(data), *(c for c in cuts if c < len(data))})
    pieces = [b"".join(record_bytes(str(path), lo, hi, chunk)) for lo, hi in zip(bounds, bounds[1:])]
    assert b"".join(pieces) == data
    consumed = 0
    for piece in pieces:  # whole lines only: a piece without its line end reaches the file's end
        consumed += len(piece)
        assert not piece or piece.endswith(b"\n") or consumed == len(data)

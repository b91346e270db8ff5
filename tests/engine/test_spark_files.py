"""``SparkContext.addFile``/``addPyFile``/``addArchive`` and ``SparkFiles``, as PySpark 4.3 behaves:
each worker gets its own copy, ``SparkFiles.get`` resolves on the driver and in tasks."""

from __future__ import annotations

import os
import tarfile
import zipfile

import pytest

from ember import SparkFiles


def test_an_added_file_is_readable_in_tasks_from_the_workers_own_copy(make_context, tmp_path):
    sc = make_context("local[2]")
    source = tmp_path / "lookup.txt"
    source.write_text("data\n")
    sc.addFile(str(source))
    assert sc.listFiles == [f"file:{source}"]
    driver_path = SparkFiles.get("lookup.txt")
    assert open(driver_path).read() == "data\n" and driver_path.startswith(SparkFiles.getRootDirectory())

    def read(_):
        path = SparkFiles.get("lookup.txt")
        return open(path).read(), os.path.dirname(path) == SparkFiles.getRootDirectory(), path
    results = sc.parallelize(range(4), 4).map(read).collect()
    assert {(text, same_root) for text, same_root, _ in results} == {("data\n", True)}
    assert driver_path not in {path for _, _, path in results}  # workers never read the driver's copy
    source.write_text("changed after addFile")
    assert sc.parallelize([0], 1).map(lambda _: open(SparkFiles.get("lookup.txt")).read()).collect() == ["data\n"]


def test_pyspark_doc_example_of_spark_files_get(sc, tmp_path):
    path1 = tmp_path / "test.txt"
    path1.write_text("100")
    sc.addFile(str(path1))

    def func1(iterator):
        path = SparkFiles.get("test.txt")
        assert path.startswith(SparkFiles.getRootDirectory())
        return [path]
    assert {os.path.basename(p) for p in sc.parallelize([1, 2, 3, 4]).mapPartitions(func1).collect()} == {"test.txt"}
    assert f"file:{path1}" in sc.listFiles


def test_adding_a_path_twice_is_ignored_but_another_file_of_the_same_name_is_refused(sc, tmp_path):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "one" / "same.txt").write_text("first")
    (tmp_path / "two" / "same.txt").write_text("second")
    sc.addFile(str(tmp_path / "one" / "same.txt"))
    sc.addFile(f"file:{tmp_path}/one/same.txt")
    with pytest.raises(RuntimeError, match="exists and does not match contents of file:.*two/same.txt"):
        sc.addFile(str(tmp_path / "two" / "same.txt"))


def test_directories_need_recursive(sc, tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.dat").write_bytes(b"a")
    (folder / "b.dat").write_bytes(b"b")
    with pytest.raises(ValueError, match=r"^\[UNSUPPORTED_ADD_FILE.DIRECTORY\] Don't support add file") as caught:
        sc.addFile(str(folder))
    assert caught.value.getCondition() == "UNSUPPORTED_ADD_FILE.DIRECTORY"
    sc.addFile(str(folder), recursive=True)
    assert f"file:{folder}/" in sc.listFiles
    assert sc.parallelize([0], 1).map(lambda _: sorted(os.listdir(SparkFiles.get("folder")))).collect() == [
        ["a.dat", "b.dat"]]


def test_missing_files_and_remote_schemes_are_refused(sc, tmp_path):
    with pytest.raises(FileNotFoundError, match=f"File file:{tmp_path}/missing.txt does not exist"):
        sc.addFile(str(tmp_path / "missing.txt"))
    with pytest.raises(ValueError, match="Ember adds local files only"):
        sc.addFile("hdfs://namenode/data.txt")


def test_add_py_file_makes_a_module_importable_in_every_worker(make_context, tmp_path):
    sc = make_context("local[2]")
    (tmp_path / "shipped_module_x.py").write_text("x = 42\n")
    sc.addPyFile(str(tmp_path / "shipped_module_x.py"))
    assert sc.parallelize(range(4), 4).map(lambda _: __import__("shipped_module_x").x).collect() == [42] * 4


def test_add_py_file_of_a_zip_puts_the_package_on_the_workers_path(make_context, tmp_path):
    sc = make_context("local[2]")
    with zipfile.ZipFile(tmp_path / "deps.zip", "w") as archive:
        archive.writestr("shipped_pkg_y/__init__.py", "VALUE = 'from zip'\n")
    sc.addPyFile(str(tmp_path / "deps.zip"))
    assert sc.parallelize([0], 1).map(lambda _: __import__("shipped_pkg_y").VALUE).collect() == ["from zip"]


def test_archives_are_unpacked_under_their_name_or_fragment(sc, tmp_path):
    with zipfile.ZipFile(tmp_path / "arch.zip", "w") as archive:
        archive.writestr("inner/x.txt", "zipped")
    with tarfile.open(tmp_path / "data.tar.gz", "w:gz") as archive:
        (tmp_path / "y.txt").write_text("tarred")
        archive.add(tmp_path / "y.txt", arcname="y.txt")
    sc.addArchive(str(tmp_path / "arch.zip"))
    sc.addArchive(f"{tmp_path}/data.tar.gz#renamed")
    assert {f"file:{tmp_path}/arch.zip", f"file:{tmp_path}/data.tar.gz#renamed"} <= set(sc.listArchives)
    assert os.path.isdir(SparkFiles.get("arch.zip"))

    def read(_):
        return (open(os.path.join(SparkFiles.get("arch.zip"), "inner", "x.txt")).read(),
                open(os.path.join(SparkFiles.get("renamed"), "y.txt")).read())
    assert sc.parallelize([0], 1).map(read).collect() == [("zipped", "tarred")]


def test_an_unknown_archive_format_is_refused(sc, tmp_path):
    (tmp_path / "notes.txt").write_text("plain")
    with pytest.raises(ValueError, match="addArchive cannot unpack '.*notes.txt': Ember unpacks .zip"):
        sc.addArchive(str(tmp_path / "notes.txt"))

"""Finding input files: paths, directories (recursively), globs and ``key=value`` partitions.

Names starting with ``_`` or ``.`` are skipped (``_SUCCESS``, ``_temporary``, ``.crc``), as in
Spark. A directory tree written by ``partitionBy`` yields partition columns: their names come
from the ``key=value`` path segments and their types are inferred from all values (integers
become ``int``/``bigint``, other numbers ``double``, anything else ``string``; Spark's
``__HIVE_DEFAULT_PARTITION__`` is NULL).

``FileFilter`` holds the generic file-source options: ``pathGlobFilter`` keeps the files whose
name matches a Hadoop glob (``*``, ``?``, ``[...]``, ``{a,b}``), ``recursiveFileLookup`` reads
every file below a directory and turns partition discovery off, and ``modifiedBefore``/
``modifiedAfter`` keep files changed before/after a local time (``2020-06-01T13:00:00``).
"""

from __future__ import annotations

import datetime
import glob
import os
import re
from dataclasses import dataclass
from urllib.parse import unquote

from ember.sql import types as T
from ember.sql.errors import AnalysisException
from ember.sql.io.options import Options

__all__ = ["InputFile", "FileFilter", "file_filter", "list_files", "partition_schema", "NULL_PARTITION"]

NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"


@dataclass(frozen=True, slots=True)
class InputFile:
    """One data file, its size and the raw ``(key, value)`` pairs of its partition directories."""

    path: str
    size: int
    partition: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True, slots=True)
class FileFilter:
    """Which listed files a read keeps (the generic file-source options)."""

    name_pattern: re.Pattern[str] | None = None
    recursive: bool = False
    modified_before: float | None = None
    modified_after: float | None = None

    def keeps(self, path: str) -> bool:
        if self.name_pattern is not None and self.name_pattern.fullmatch(os.path.basename(path)) is None:
            return False
        if self.modified_before is None and self.modified_after is None:
            return True
        mtime = os.path.getmtime(path)
        return ((self.modified_before is None or mtime < self.modified_before)
                and (self.modified_after is None or mtime > self.modified_after))


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """Hadoop's glob syntax as a regular expression over a file name."""
    out, depth, i = [], 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 1
        elif ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                raise AnalysisException("INVALID_OPTION_VALUE", f"Unclosed '[' in pathGlobFilter '{pattern}'.")
            body = pattern[i + 1:end]
            out.append("[" + ("^" + body[1:] if body.startswith("^") else body) + "]")
            i = end
        elif ch == "{":
            depth += 1
            out.append("(?:")
        elif ch == "}" and depth:
            depth -= 1
            out.append(")")
        elif ch == "," and depth:
            out.append("|")
        else:
            out.append(re.escape(ch))
        i += 1
    if depth:
        raise AnalysisException("INVALID_OPTION_VALUE", f"Unclosed '{{' in pathGlobFilter '{pattern}'.")
    return re.compile("".join(out))


def _instant(options: Options, name: str) -> float | None:
    value = options.get(name)
    if value is None:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise AnalysisException("INVALID_OPTION_VALUE", f"The timestamp provided for the '{name}' option is "
                                f"invalid. The expected format is 'YYYY-MM-DDTHH:mm:ss', but the provided "
                                f"timestamp: {value}") from None
    return moment.timestamp()


def file_filter(options: Options) -> FileFilter:
    """The ``FileFilter`` that ``options`` ask for."""
    glob_filter = options.get("pathGlobFilter")
    return FileFilter(None if glob_filter is None else _glob_regex(glob_filter), options.flag("recursiveFileLookup"),
                      _instant(options, "modifiedBefore"), _instant(options, "modifiedAfter"))


def _hidden(name: str) -> bool:
    return name.startswith(("_", "."))


def _walk(root: str) -> list[str]:
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not _hidden(d))
        out.extend(os.path.join(dirpath, f) for f in sorted(filenames) if not _hidden(f))
    return out


def _partition_values(path: str, root: str) -> tuple[tuple[str, str | None], ...]:
    rel = os.path.relpath(os.path.dirname(path), root)
    pairs = []
    for segment in ([] if rel == "." else rel.split(os.sep)):
        if "=" in segment:
            key, value = segment.split("=", 1)
            value = unquote(value)
            pairs.append((key, None if value == NULL_PARTITION else value))
    return tuple(pairs)


def list_files(paths: list[str], keep: FileFilter = FileFilter()) -> list[InputFile]:
    """Every data file under ``paths`` that ``keep`` keeps; raises ``PATH_NOT_FOUND`` for a path
    that matches nothing."""
    files: list[InputFile] = []
    for raw in paths:
        path = raw.removeprefix("file://").removeprefix("file:")
        matches = sorted(glob.glob(path)) if glob.has_magic(path) else ([path] if os.path.exists(path) else [])
        if not matches:
            raise AnalysisException("PATH_NOT_FOUND", f"Path does not exist: file:{os.path.abspath(path)}.", "42K03")
        for match in matches:
            if os.path.isdir(match):
                files.extend(InputFile(f, os.path.getsize(f), () if keep.recursive else _partition_values(f, match))
                             for f in _walk(match) if keep.keeps(f))
            elif keep.keeps(match):
                files.append(InputFile(match, os.path.getsize(match)))
    return files


def _infer_partition_type(values: list[str | None]) -> T.DataType:
    present = [v for v in values if v is not None]
    if not present:
        return T.StringType()
    try:
        ints = [int(v) for v in present]
        return T.IntegerType() if all(-2**31 <= i < 2**31 for i in ints) else T.LongType()
    except ValueError:
        pass
    try:
        [float(v) for v in present]
        return T.DoubleType()
    except ValueError:
        return T.StringType()


def partition_schema(files: list[InputFile]) -> T.StructType:
    """The partition columns shared by ``files``, in directory order, with inferred types."""
    keys = [k for k, _ in files[0].partition] if files else []
    for f in files:
        if [k for k, _ in f.partition] != keys:
            raise AnalysisException(
                "CONFLICTING_PARTITION_COLUMN_NAMES",
                f"Conflicting partition column names detected: {keys} in {os.path.dirname(files[0].path)} "
                f"and {[k for k, _ in f.partition]} in {os.path.dirname(f.path)}.")
    return T.StructType([
        T.StructField(k, _infer_partition_type([f.partition[i][1] for f in files]), True)
        for i, k in enumerate(keys)])

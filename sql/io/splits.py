"""Byte-range splits of CSV and JSON Lines files.

A large file is cut into byte ranges ``[start, end)``; a record belongs to the split that holds
its first byte, so a split's reader skips the partial line before its first record (unless
``start == 0``) and reads on past ``end`` to finish the last record that starts before it.
Only the split at ``start == 0`` skips the CSV header.

Cutting at ``\\n`` is exact only when every record is one line, so a file is split only if

* ``multiLine`` is not set (without it Spark's records *are* lines: a quote left open ends with
  its line, so a CSV file splits whatever quotes it holds);
* its encoding is ASCII-compatible (UTF-8, ASCII, Latin-1, cp1252: a ``\\n`` byte is a line end);
* every ``\\r`` is part of a ``\\r\\n`` (a lone ``\\r`` also ends a line, and the byte ranges
  are cut at ``\\n`` only).

Otherwise the file is one split, as is a compressed file (``compression``), which is read
whole and decompressed. A UTF-8 byte-order mark at the start of a file is dropped, as Spark's
line reader drops it. The check reads the file once on the driver (C-speed
``bytes.count``) and is cached by path, size and modification time.

Line numbers inside a split are relative to its start; ``lines_before`` counts the lines before
a split, and is only called to build a FAILFAST message.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass

from ember.rdd.sources import record_bytes
from ember.sql.io.compression import compressed, decompress_file
from ember.sql.io.files import InputFile
from ember.sql.io.options import Options

__all__ = ["TextSplit", "plan_text_splits", "splittable", "read_range", "read_whole", "lines_before",
           "TARGET_SPLIT_BYTES"]

TARGET_SPLIT_BYTES = 32 * 1024 * 1024
_SCAN_CHUNK = 16 * 1024 * 1024
_ASCII_COMPATIBLE = {"utf-8", "ascii", "iso8859-1", "latin-1", "cp1252", "iso8859-15"}
_SPLITTABLE_CACHE: dict[tuple, bool] = {}


@dataclass(frozen=True, slots=True)
class TextSplit:
    """The records of ``file`` whose first byte lies in ``[start, end)``."""

    file: InputFile
    start: int
    end: int

    @property
    def whole_file(self) -> bool:
        return self.start == 0 and self.end >= self.file.size


def _encoding(options: Options) -> str:
    return options.get("encoding") or options.get("charset") or "utf-8"


def splittable(file: InputFile, fmt: str, options: Options) -> bool:
    """Whether ``file`` may be cut at ``\\n`` bytes without changing its records (see module doc)."""
    if options.flag("multiLine") or compressed(file.path):
        return False
    try:
        if codecs.lookup(_encoding(options) if fmt == "csv" else "utf-8").name not in _ASCII_COMPATIBLE:
            return False
    except LookupError:
        return False
    try:
        stat = os.stat(file.path)
    except OSError:
        return False
    key = (file.path, stat.st_size, stat.st_mtime_ns)
    cached = _SPLITTABLE_CACHE.get(key)
    if cached is None:
        cached = _SPLITTABLE_CACHE[key] = _scan(file.path)
    return cached


def _scan(path: str) -> bool:
    """Whether every ``\\r`` of the file is followed by ``\\n``."""
    carry = b""
    cr = crlf = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_SCAN_CHUNK):
            cr += chunk.count(b"\r")
            crlf += (carry + chunk).count(b"\r\n")
            carry = chunk[-1:]
    return cr == crlf


def plan_text_splits(files: list[InputFile], fmt: str, options: Options, max_split_bytes: int) -> list[TextSplit]:
    """Byte-range splits of at most ``min(32 MB, max_split_bytes)`` for the files that allow it."""
    size = max(1, min(TARGET_SPLIT_BYTES, max_split_bytes))
    out: list[TextSplit] = []
    for f in files:
        if f.size <= size or not splittable(f, fmt, options):
            out.append(TextSplit(f, 0, max(f.size, 1)))
            continue
        count = -(-f.size // size)
        bounds = [f.size * i // count for i in range(count + 1)]
        out.extend(TextSplit(f, lo, hi) for lo, hi in zip(bounds, bounds[1:]))
    return out


def _without_bom(data: bytes, encoding: str) -> bytes:
    if data.startswith(codecs.BOM_UTF8) and codecs.lookup(encoding).name == "utf-8":
        return data[len(codecs.BOM_UTF8):]
    return data


def read_whole(path: str, encoding: str = "utf-8") -> bytes:
    """A whole file's bytes: decompressed, without a UTF-8 byte-order mark."""
    if compressed(path):
        return _without_bom(decompress_file(path), encoding)
    with open(path, "rb") as handle:
        return _without_bom(handle.read(), encoding)


def read_range(split: TextSplit, encoding: str = "utf-8") -> bytes:
    """The bytes of the records whose first byte lies in the split (whole lines, ``\n``-ended)."""
    if compressed(split.file.path):
        return read_whole(split.file.path, encoding)
    data = b"".join(record_bytes(split.file.path, split.start, split.end))
    return _without_bom(data, encoding) if split.start == 0 else data


def lines_before(split: TextSplit) -> int:
    """How many lines of the file precede the split's first record (error path only)."""
    if split.start == 0:
        return 0
    count = 0
    remaining = split.start
    last = b"\n"
    with open(split.file.path, "rb") as handle:
        while remaining > 0:
            chunk = handle.read(min(_SCAN_CHUNK, remaining))
            if not chunk:
                break
            count += chunk.count(b"\n")
            remaining -= len(chunk)
            last = chunk[-1:]
    # the line holding byte start - 1 belongs to the previous split when it does not end there
    return count + (last != b"\n")

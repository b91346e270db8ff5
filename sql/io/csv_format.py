"""CSV: schema inference on the driver and parsing of one file per task.

Records are read with Python's ``csv`` module over the file's lines, keeping the raw text and
line number of each record for the corrupt-record column and FAILFAST errors. A record is
malformed when its number of fields differs from the schema's data columns or a field does
not parse as its column's type (``values.converter``). Blank lines are skipped; with
``header`` the first line of every file is skipped. An empty field, and one equal to
``nullValue``, is NULL.
"""

from __future__ import annotations

import csv
from typing import Any, Iterator

import pyarrow as pa

from ember.sql import types as T
from ember.sql.io.files import InputFile
from ember.sql.io.modes import RecordSink
from ember.sql.io.options import Options
from ember.sql.io.values import converter, infer_field, merge_types

__all__ = ["infer_schema", "read_file", "records"]


def _dialect(options: Options) -> dict[str, Any]:
    sep = options.get("sep") or options.get("delimiter") or ","
    sep = "\t" if sep == "\\t" else sep
    quote = options.get("quote", '"') or None
    return {"delimiter": sep, "quotechar": quote, "escapechar": options.get("escape", "\\") or None,
            "doublequote": True, "strict": False}


def records(path: str, options: Options) -> Iterator[tuple[list[str], int, str]]:
    """``(fields, first line number, raw text)`` of each non-blank record of ``path``."""
    encoding = options.get("encoding") or options.get("charset") or "utf-8"
    with open(path, encoding=encoding, newline="") as handle:
        consumed: list[str] = []

        def lines() -> Iterator[str]:
            for line in handle:
                consumed.append(line)
                yield line

        reader = csv.reader(lines(), **_dialect(options))
        skip_header = options.flag("header")
        line_no = 0
        for fields in reader:
            raw = "".join(consumed).rstrip("\r\n")
            first_line = line_no + 1
            line_no = reader.line_num
            consumed.clear()
            if skip_header:
                skip_header = False
                continue
            if not raw.strip():
                continue
            yield fields, first_line, raw


def _header_names(files: list[InputFile], options: Options) -> list[str]:
    for f in files:
        with open(f.path, encoding=options.get("encoding") or "utf-8", newline="") as handle:
            for fields in csv.reader(handle, **_dialect(options)):
                if any(x.strip() for x in fields):
                    return fields if options.flag("header") else [f"_c{i}" for i in range(len(fields))]
    return []


def infer_schema(files: list[InputFile], options: Options) -> T.StructType:
    """All-string columns, or (``inferSchema``) each column's merged inferred type."""
    names = _dedupe(_header_names(files, options))
    if not options.flag("inferSchema"):
        return T.StructType([T.StructField(n, T.StringType(), True) for n in names])
    null_value = options.get("nullValue", "")
    types: list[T.DataType | None] = [None] * len(names)
    for f in files:
        for fields, _, _ in records(f.path, options):
            for i, text in enumerate(fields[: len(names)]):
                if text != null_value and text:
                    types[i] = merge_types(types[i], infer_field(text))
    return T.StructType([T.StructField(n, t or T.StringType(), True) for n, t in zip(names, types)])


def _dedupe(names: list[str]) -> list[str]:
    """Spark's rule for duplicate or empty header names: append the column index."""
    lowered = [n.lower() for n in names]
    return [f"{n or '_c'}{i}" if (not n or lowered.count(n.lower()) > 1) else n for i, n in enumerate(names)]


def read_file(file: InputFile, data_schema: T.StructType, out_schema: pa.Schema, positions: list[int],
              options: Options) -> Iterator[pa.RecordBatch]:
    """Parse every record of ``file`` against ``data_schema``; emit the columns ``positions`` pick."""
    parsers = [converter(f.dataType) for f in data_schema.fields]
    null_value = options.get("nullValue", "")
    width = len(parsers)
    sink = RecordSink(out_schema, positions, options.mode, file.path)
    for fields, line, raw in records(file.path, options):
        ok = len(fields) == width
        values: list[Any] = [None] * width
        for i, (text, parse) in enumerate(zip(fields, parsers)):
            if text == null_value or not text:
                continue
            try:
                values[i] = parse(text)
            except (ValueError, ArithmeticError):
                ok = False
        sink.add(values, ok, line, raw)
        if sink.full():
            yield from sink.flush()
    yield from sink.flush()

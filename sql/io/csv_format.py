"""CSV: schema inference on the driver and parsing of one split (``splits.TextSplit``) per task.

Fast path: the split's bytes go to ``pyarrow.csv.read_csv`` with the schema's column types
(``arrow_parse``); if pyarrow reports anything malformed, or a value pyarrow would read
differently from the rules below, the split is re-read by the exact Python path described here.

Records are read with Python's ``csv`` module over the file's lines, keeping the raw text and
line number of each record for the corrupt-record column and FAILFAST errors. A record is
malformed when its number of fields differs from the schema's data columns or a field does
not parse as its column's type (``values.converter``). Blank lines are skipped; with
``header`` the first line of every file is skipped. An empty field, and one equal to
``nullValue``, is NULL.
"""

from __future__ import annotations

import codecs
import csv
import io
from typing import Any, Iterator

import pyarrow as pa
import pyarrow.csv as pacsv

from ember.sql import types as T
from ember.sql.io import arrow_parse
from ember.sql.io.files import InputFile
from ember.sql.io.modes import RecordSink
from ember.sql.io.options import Options
from ember.sql.io.splits import TextSplit, lines_before, read_range
from ember.sql.io.values import converter, infer_field, merge_types

__all__ = ["infer_schema", "read_file", "records"]


def _dialect(options: Options) -> dict[str, Any]:
    sep = options.get("sep") or options.get("delimiter") or ","
    sep = "\t" if sep == "\\t" else sep
    quote = options.get("quote", '"') or None
    return {"delimiter": sep, "quotechar": quote, "escapechar": options.get("escape", "\\") or None,
            "doublequote": True, "strict": False}


def _encoding(options: Options) -> str:
    return options.get("encoding") or options.get("charset") or "utf-8"


def records(path: str, options: Options, data: bytes | None = None,
            skip_header: bool | None = None) -> Iterator[tuple[list[str], int, str]]:
    """``(fields, first line number, raw text)`` of each non-blank record of ``path`` (or of
    ``data``, the bytes of one split of it; line numbers then count from the split's start)."""
    encoding = _encoding(options)
    opened = (open(path, encoding=encoding, newline="") if data is None
              else io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline=""))
    with opened as handle:
        consumed: list[str] = []

        def lines() -> Iterator[str]:
            for line in handle:
                consumed.append(line)
                yield line

        reader = csv.reader(lines(), **_dialect(options))
        skip_header = options.flag("header") if skip_header is None else skip_header
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


def read_file(split: TextSplit | InputFile, data_schema: T.StructType, out_schema: pa.Schema,
              positions: list[int], options: Options) -> Iterator[pa.RecordBatch]:
    """Parse every record of ``split`` against ``data_schema``; emit the columns ``positions`` pick."""
    if isinstance(split, InputFile):
        split = TextSplit(split, 0, max(split.size, 1))
    skip_header = options.flag("header") and split.start == 0
    data = None
    if _fast_path_possible(data_schema, options):
        data = read_range(split)
        try:
            columns = _arrow_columns(data, data_schema, options, skip_header)
        except arrow_parse.Fallback:
            pass
        else:
            yield from arrow_parse.emit(columns, data_schema, out_schema, positions)
            return
    yield from _read_python(split, data, data_schema, out_schema, positions, options, skip_header)


def _single_char(value: str | None) -> bool:
    return value is None or len(value) <= 1


def _fast_path_possible(data_schema: T.StructType, options: Options) -> bool:
    dialect = _dialect(options)
    sep, quote, escape = dialect["delimiter"], dialect["quotechar"], dialect["escapechar"]
    if len(data_schema.fields) < 2 or len(sep) != 1 or not _single_char(quote) or not _single_char(escape):
        return False
    if sep in "\r\n" or (quote is not None and sep == quote) or (escape is not None and escape in (sep, quote)):
        return False
    return all(arrow_parse.read_type(f.dataType, "csv") is not None for f in data_schema.fields)


def _arrow_columns(data: bytes, data_schema: T.StructType, options: Options,
                   skip_header: bool) -> list[pa.ChunkedArray]:
    """The split's columns parsed by pyarrow and checked (``arrow_parse.Fallback`` if not exact)."""
    dialect = _dialect(options)
    sep, quote, escape = dialect["delimiter"], dialect["quotechar"], dialect["escapechar"]
    encoding = _encoding(options)
    try:
        if codecs.lookup(encoding).name != "utf-8":
            data = data.decode(encoding).encode("utf-8")
    except (LookupError, UnicodeError):
        raise arrow_parse.Fallback from None
    if data.startswith(codecs.BOM_UTF8):
        raise arrow_parse.Fallback  # Python keeps the BOM in the first field; pyarrow drops it
    if skip_header:
        end = data.find(b"\n")
        first = data if end < 0 else data[:end + 1]
        if ((quote and quote.encode() in first) or (escape and escape.encode() in first)
                or first.count(b"\r") != first.count(b"\r\n")):
            raise arrow_parse.Fallback  # the header may not be exactly one line
        data = data[len(first):]
    fields = data_schema.fields
    if sep.isspace() and any(line and not line.strip() for line in data.decode("utf-8", "replace").splitlines()):
        # Python skips a whitespace-only line; with a blank separator pyarrow reads it as a row
        raise arrow_parse.Fallback
    if not data.strip(b"\r\n"):
        return [pa.chunked_array([], arrow_parse._arrow_type(f.dataType)) for f in fields]
    names = [f"c{i}" for i in range(len(fields))]
    null_value = options.get("nullValue", "")
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=False, block_size=8 << 20),
            parse_options=pacsv.ParseOptions(delimiter=sep, quote_char=quote or False, double_quote=True,
                                             escape_char=escape or False, newlines_in_values=bool(quote or escape),
                                             ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(
                column_types={n: arrow_parse.read_type(f.dataType, "csv") for n, f in zip(names, fields)},
                null_values=sorted({"", null_value}), strings_can_be_null=True, quoted_strings_can_be_null=True,
                true_values=["true", "True", "TRUE"], false_values=["false", "False", "FALSE"]))
    except (pa.ArrowException, ValueError):
        raise arrow_parse.Fallback from None
    return [arrow_parse.finish(table.column(i), f.dataType) for i, f in enumerate(fields)]


def _read_python(split: TextSplit, data: bytes | None, data_schema: T.StructType, out_schema: pa.Schema,
                 positions: list[int], options: Options, skip_header: bool) -> Iterator[pa.RecordBatch]:
    """The exact path: Python's ``csv`` module and ``values.converter`` per field."""
    if split.whole_file:
        data = None  # read the file as a stream
    elif data is None:
        data = read_range(split)
    path = split.file.path
    parsers = [converter(f.dataType) for f in data_schema.fields]
    null_value = options.get("nullValue", "")
    width = len(parsers)
    sink = RecordSink(out_schema, positions, options.mode, path, lambda: lines_before(split))
    for fields, line, raw in records(path, options, data, skip_header):
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

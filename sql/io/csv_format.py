"""CSV: schema inference on the driver and parsing of one split (``splits.TextSplit``) per task.

Records follow Spark, not RFC 4180 (``csv_tokenizer`` owns the field rules, ``csv_dialect`` the
options). With ``multiLine`` off a record is a line: lines end at ``\n``, ``\r\n`` or ``\r``, a
quote left open ends with its line, and so a file splits into byte ranges at line boundaries
whatever it contains. With ``multiLine`` on, a quoted field may span lines and the file is one
split. Lines that are blank (Java's ``trim``) or start with ``comment`` are skipped; with
``header`` the first other line of every file is skipped.

Fast path: the split's bytes go to ``pyarrow.csv.read_csv`` with the schema's column types
(``arrow_parse``) when pyarrow's reading provably equals Spark's: no quote character in the
split, or every line made of plain fields (unquoted without a quote, or quoted without a quote,
an escape or a line end inside); no blank-trimming options. Anything else, anything malformed,
or a value pyarrow would read differently goes to the Python path: a field list per record,
malformed when its length differs from the schema's data columns or a field does not parse as
its column's type (``values.converter``, which honours ``dateFormat``, ``timestampFormat``,
``timestampNTZFormat``, ``nanValue``, ``positiveInf`` and ``negativeInf``). A field equal to
``nullValue`` is NULL. A quoting error under ``unescapedQuoteHandling=RAISE_ERROR``, or a
record of more than ``maxColumns`` fields (default 20480), fails the read in every mode, as in
Spark.

With ``header``, inference skips every line equal to the first file's header line (Spark's
``filterHeaderLine``; reading skips only each file's first line), and ``enforceSchema=false``
checks each file's header names against the schema, case-insensitively, failing the read on a
mismatch.
"""

from __future__ import annotations

import codecs
import io
import re
from typing import Any, Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ember.sql import types as T
from ember.sql.errors import EmberSQLException, EmberValueError, SparkRuntimeException
from ember.sql.io import arrow_parse
from ember.sql.io.csv_dialect import CsvSettings, csv_settings
from ember.sql.io.csv_tokenizer import MalformedCSV, java_trim, tokenize_line, tokenize_records
from ember.sql.io.files import InputFile
from ember.sql.io.modes import RecordSink
from ember.sql.io.options import Options
from ember.sql.io.splits import TextSplit, lines_before, read_range, read_whole
from ember.sql.io.values import DEFAULT_VALUES, converter, infer_field, merge_types, value_options

__all__ = ["infer_schema", "read_file", "records"]

_LINE_END = re.compile("\r\n|\r|\n")
_MAX_COLUMNS = 20480


def _text(path: str, settings: CsvSettings, data: bytes | None) -> str:
    if data is None:
        data = read_whole(path, settings.encoding)
    return data.decode(settings.encoding)


def _lines(text: str) -> list[str]:
    lines = _LINE_END.split(text) if "\r" in text else text.split("\n")
    if lines and not lines[-1]:
        lines.pop()
    return lines


def _one_line_records(text: str, settings: CsvSettings,
                      skip_header: bool) -> Iterator[tuple[list[str], int, str]]:
    comment = settings.comment
    for number, line in enumerate(_lines(text), 1):
        if not java_trim(line) or (comment is not None and line.startswith(comment)):
            continue
        if skip_header:
            skip_header = False
            continue
        yield tokenize_line(line, settings.dialect), number, line


def _multi_line_records(text: str, settings: CsvSettings,
                        skip_header: bool) -> Iterator[tuple[list[str], int, str]]:
    first_end = _LINE_END.search(text)
    if first_end is not None and first_end.group() != "\n":
        text = text.replace(first_end.group(), "\n")  # the first line end is the file's, as univocity detects it
    for fields, raw, start in tokenize_records(text, settings.dialect, settings.comment):
        if skip_header:
            skip_header = False
            continue
        yield fields, text.count("\n", 0, start) + 1, raw


def records(path: str, options: Options, data: bytes | None = None,
            skip_header: bool | None = None) -> Iterator[tuple[list[str], int, str]]:
    """``(fields, first line number, raw text)`` of each record of ``path`` (or of ``data``, the
    bytes of one split of it; line numbers then count from the split's start). Fields are text:
    a field equal to ``nullValue`` is NULL. A quoting error raises ``FAILED_READ_FILE``."""
    settings = csv_settings(options)
    skip_header = options.flag("header") if skip_header is None else skip_header
    text = _text(path, settings, data)
    read = _multi_line_records if settings.multi_line else _one_line_records
    max_columns = _max_columns(options)
    line = 0
    try:
        for record in read(text, settings, skip_header):
            line = record[1]
            if len(record[0]) > max_columns:
                raise SparkRuntimeException("MALFORMED_CSV_RECORD", f"Malformed CSV record: {record[2]}", "KD000")
            yield record
    except MalformedCSV as error:
        raise EmberSQLException("FAILED_READ_FILE.NO_HINT", f"Encountered error while reading file {path}. "
                                f"Line {line + 1}: {error}", "KD001") from None
    except NotImplementedError as error:
        raise EmberSQLException("UNSUPPORTED_FEATURE", f"Reading {path}: {error} is not supported.") from None


def _max_columns(options: Options) -> int:
    value = options.get("maxColumns")
    try:
        return _MAX_COLUMNS if value is None else int(value)
    except ValueError:
        raise EmberValueError("INVALID_OPTION_VALUE", f"Option 'maxColumns' must be an integer, got '{value}'.") from None


def _header_names(files: list[InputFile], options: Options) -> list[str]:
    """The first record's fields as names (Spark's ``_c<i>`` for an empty or NULL one), or
    ``_c0``... when there is no header."""
    null_value = csv_settings(options).dialect.null_value
    for f in files:
        for fields, _, _ in records(f.path, options, skip_header=False):
            if not options.flag("header"):
                return [f"_c{i}" for i in range(len(fields))]
            return ["" if name == null_value else name for name in fields]
    return []


def infer_schema(files: list[InputFile], options: Options) -> T.StructType:
    """All-string columns, or (``inferSchema``) each column's merged inferred type."""
    names = _dedupe(_header_names(files, options))
    if not options.flag("inferSchema"):
        return T.StructType([T.StructField(n, T.StringType(), True) for n in names])
    settings = csv_settings(options)
    null_value = settings.dialect.null_value
    values = value_options(options)
    header = _header_line(files, options) if options.flag("header") and not settings.multi_line else None
    types: list[T.DataType | None] = [None] * len(names)
    for f in files:
        for fields, _, raw in records(f.path, options, skip_header=None if header is None else False):
            if header is not None and raw == header:
                continue
            for i, text in enumerate(fields[: len(names)]):
                if text != null_value and text:
                    types[i] = merge_types(types[i], infer_field(text, values))
    return T.StructType([T.StructField(n, t or T.StringType(), True) for n, t in zip(names, types)])


def _header_line(files: list[InputFile], options: Options) -> str | None:
    """The raw first line of the first file that has one (Spark drops its copies from inference)."""
    for f in files:
        for _, _, raw in records(f.path, options, skip_header=False):
            return raw
    return None


def _check_header(split: TextSplit, data: bytes, data_schema: T.StructType, options: Options) -> None:
    """``enforceSchema=false``: the file's header must name the schema's columns, in order."""
    header: list[str] = []
    for fields, _, _ in records(split.file.path, options, data, skip_header=False):
        header = fields
        break
    names = [f.name for f in data_schema.fields]
    problem = None
    if len(header) != len(names):
        problem = (f"Number of column in CSV header is not equal to number of fields in the schema:\n"
                   f" Header length: {len(header)}, schema size: {len(names)}")
    else:
        for found, expected in zip(header, names):
            if found.lower() != expected.lower():
                problem = (f"CSV header does not conform to the schema.\n Header: {', '.join(header)}\n"
                           f" Schema: {', '.join(names)}\nExpected: {expected} but found: {found}")
                break
    if problem is not None:
        raise EmberSQLException("FAILED_READ_FILE.NO_HINT", f"Encountered error while reading file "
                                f"file://{split.file.path}. {problem}\nCSV file: file://{split.file.path}", "KD001")


def _dedupe(names: list[str]) -> list[str]:
    """Spark's rule for duplicate or empty header names: append the column index."""
    lowered = [n.lower() for n in names]
    return [f"{n or '_c'}{i}" if (not n or lowered.count(n.lower()) > 1) else n for i, n in enumerate(names)]


def read_file(split: TextSplit | InputFile, data_schema: T.StructType, out_schema: pa.Schema,
              positions: list[int], options: Options) -> Iterator[pa.RecordBatch]:
    """Parse every record of ``split`` against ``data_schema``; emit the columns ``positions`` pick."""
    if isinstance(split, InputFile):
        split = TextSplit(split, 0, max(split.size, 1))
    settings = csv_settings(options)
    skip_header = options.flag("header") and split.start == 0
    data = read_range(split, settings.encoding)
    if skip_header and not options.flag("enforceSchema", True):
        _check_header(split, data, data_schema, options)
    if _fast_path_possible(data_schema, settings, options):
        try:
            columns = _arrow_columns(data, data_schema, settings, skip_header)
        except arrow_parse.Fallback:
            pass
        else:
            yield from arrow_parse.emit(columns, data_schema, out_schema, positions)
            return
    yield from _read_python(split, data, data_schema, out_schema, positions, options, skip_header)


def _byte_char(ch: str) -> bool:
    return ch == "\0" or ch.isascii()


def _fast_path_possible(data_schema: T.StructType, settings: CsvSettings, options: Options) -> bool:
    d = settings.dialect
    if settings.multi_line or len(data_schema.fields) < 2 or d.ignore_leading or d.ignore_trailing:
        return False
    if len(data_schema.fields) > _max_columns(options) or value_options(options) != DEFAULT_VALUES:
        return False  # pyarrow knows neither the limit nor Spark's patterns and spellings
    if d.delimiter in "\r\n\0" or not (_byte_char(d.delimiter) and _byte_char(d.quote)) or d.quote == d.delimiter:
        return False
    return all(arrow_parse.read_type(f.dataType, "csv") is not None for f in data_schema.fields)


def _regex_char(ch: str) -> str:
    return "\\x{%x}" % ord(ch)


def _plain_quoting(data: bytes, settings: CsvSettings) -> bool:
    """Whether every line holds only fields that pyarrow and Spark read alike: unquoted ones
    without the quote, and quoted ones with no quote, escape character or line end inside (and
    not empty, unless an empty quoted field is NULL for Spark too)."""
    d = settings.dialect
    q, sep = _regex_char(d.quote), _regex_char(d.delimiter)
    escape = "".join(_regex_char(c) for c in (d.escape, d.escape_escape) if c != "\0")
    inside = f"[^{q}{escape}\\n\\r]" + ("*" if d.empty_value == d.null_value else "+")
    field = f"(?:{q}{inside}{q}|[^{q}{sep}\\n\\r]*)"
    lines = pc.split_pattern(pa.array([data], pa.binary()), b"\n").flatten()
    return arrow_parse.all_true(pc.match_substring_regex(lines, f"^{field}(?:{sep}{field})*\\r?$"))


def _arrow_columns(data: bytes, data_schema: T.StructType, settings: CsvSettings,
                   skip_header: bool) -> list[pa.ChunkedArray]:
    """The split's columns parsed by pyarrow and checked (``arrow_parse.Fallback`` if not exact)."""
    d = settings.dialect
    try:
        if codecs.lookup(settings.encoding).name != "utf-8":
            data = data.decode(settings.encoding).encode("utf-8")
    except (LookupError, UnicodeError):
        raise arrow_parse.Fallback from None
    if data.startswith(codecs.BOM_UTF8):
        raise arrow_parse.Fallback  # Python keeps the BOM in the first field; pyarrow drops it
    if settings.comment is not None and settings.comment.encode() in data:
        raise arrow_parse.Fallback
    if skip_header:
        end = data.find(b"\n")
        first = data if end < 0 else data[:end + 1]
        if not java_trim(first.decode("utf-8", "replace")) or first.count(b"\r") != first.count(b"\r\n"):
            raise arrow_parse.Fallback  # the header is not simply the first line
        data = data[len(first):]
    fields = data_schema.fields
    if d.delimiter.isspace() and any(line and not java_trim(line)
                                     for line in data.decode("utf-8", "replace").splitlines()):
        # Spark skips a blank line; with a blank separator pyarrow reads it as a row
        raise arrow_parse.Fallback
    if not data.strip(b"\r\n"):
        return [pa.chunked_array([], arrow_parse.arrow_type(f.dataType)) for f in fields]
    quoted = d.quote != "\0" and d.quote.encode() in data
    if quoted and not _plain_quoting(data, settings):
        raise arrow_parse.Fallback
    names = [f"c{i}" for i in range(len(fields))]
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=False, block_size=8 << 20),
            parse_options=pacsv.ParseOptions(delimiter=d.delimiter, quote_char=d.quote if quoted else False,
                                             double_quote=False, escape_char=False, newlines_in_values=False,
                                             ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(
                column_types={n: arrow_parse.read_type(f.dataType, "csv") for n, f in zip(names, fields)},
                null_values=sorted({"", d.null_value}), strings_can_be_null=True, quoted_strings_can_be_null=True,
                true_values=["true", "True", "TRUE"], false_values=["false", "False", "FALSE"]))
    except (pa.ArrowException, ValueError):
        raise arrow_parse.Fallback from None
    return [arrow_parse.finish(table.column(i), f.dataType) for i, f in enumerate(fields)]


def _read_python(split: TextSplit, data: bytes | None, data_schema: T.StructType, out_schema: pa.Schema,
                 positions: list[int], options: Options, skip_header: bool) -> Iterator[pa.RecordBatch]:
    """The exact path: ``csv_tokenizer`` fields and ``values.converter`` per field."""
    path = split.file.path
    data = read_range(split, csv_settings(options).encoding) if data is None else data
    values = value_options(options)
    parsers = [converter(f.dataType, values) for f in data_schema.fields]
    null_value = csv_settings(options).dialect.null_value
    width = len(parsers)
    sink = RecordSink(out_schema, positions, options.mode, path, lambda: lines_before(split))
    for fields, line, raw in records(path, options, data, skip_header):
        ok = len(fields) == width
        values: list[Any] = [None] * width
        for i, (text, parse) in enumerate(zip(fields, parsers)):
            if text == null_value:
                continue
            try:
                values[i] = parse(text)
            except (ValueError, ArithmeticError):
                ok = False
        sink.add(values, ok, line, raw)
        if sink.full():
            yield from sink.flush()
    yield from sink.flush()

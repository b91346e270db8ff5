"""Which of Spark's reader and writer options Ember honours, ignores harmlessly, or refuses.

Spark ignores an option key it does not know, and so does Ember. A key Spark *does* know is
one of three things here:

* ``SUPPORTED``: it behaves as in PySpark 4.3;
* ``NO_EFFECT``: it only tunes performance or logging in Spark and cannot change a result, so
  Ember accepts and ignores it;
* ``REFUSED``: Ember cannot give Spark's answer, so a read or write that sets it raises
  ``UNSUPPORTED_FEATURE`` naming the option and the format. Setting a refused option to
  Spark's default value (``ignoreCorruptFiles=false``, ``locale=en-US``) is accepted, since
  that asks for what Ember does anyway.

``check_options`` applies the table; ``markdown_table`` renders it for docs/compatibility.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from ember.sql.errors import EmberValueError
from ember.sql.io.options import Options

__all__ = ["SUPPORTED", "NO_EFFECT", "REFUSED", "Rule", "RULES", "check_options", "markdown_table"]

SUPPORTED = "supported"
NO_EFFECT = "accepted, no effect"
REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class Rule:
    """How Ember treats one Spark option; ``default`` is Spark's default value (as text)."""

    status: str
    note: str = ""
    default: str | None = None


def _s(note: str = "") -> Rule:
    return Rule(SUPPORTED, note)


def _n(note: str) -> Rule:
    return Rule(NO_EFFECT, note)


def _r(note: str, default: str | None = None) -> Rule:
    return Rule(REFUSED, note, default)


_FILES_READ = {
    "pathGlobFilter": _s("a glob on file names; partition directories are still discovered"),
    "recursiveFileLookup": _s("reads every file below the paths; no partition columns"),
    "modifiedBefore": _s("`YYYY-MM-DDTHH:mm:ss` in the session time zone"),
    "modifiedAfter": _s("`YYYY-MM-DDTHH:mm:ss` in the session time zone"),
    "ignoreCorruptFiles": _r("a corrupt file fails the read", "false"),
    "ignoreMissingFiles": _r("a file deleted after listing fails the read", "false"),
    "compression": _n("the codec comes from the file extension: .gz, .bz2, .deflate, .zst "
                      "(Hadoop .lz4 and .snappy files are refused)"),
}

_CSV_COMMON = {
    "sep": _s(), "delimiter": _s("alias of `sep`"),
    "encoding": _s("Spark's names: UTF-8, US-ASCII, ISO-8859-1; UTF-16(LE/BE) and UTF-32 on read with "
                    "`multiLine` only"),
    "charset": _s("alias of `encoding`"),
    "quote": _s(), "escape": _s(), "charToEscapeQuoteEscaping": _s(), "comment": _s(), "header": _s(),
    "nullValue": _s(), "emptyValue": _s(), "ignoreLeadingWhiteSpace": _s(), "ignoreTrailingWhiteSpace": _s(),
    "dateFormat": _s("Spark datetime patterns"), "timestampFormat": _s("Spark datetime patterns"),
    "timestampNTZFormat": _s("Spark datetime patterns"),
    "locale": _r("only en-US month and day names are known", "en-US"),
    "timeZone": _r("timestamps are read and written in the session time zone"),
    "timeFormat": _r("the TIME type is not supported"),
}

CSV_READ = {
    **_FILES_READ, **_CSV_COMMON,
    "inferSchema": _s(), "mode": _s(), "columnNameOfCorruptRecord": _s(), "multiLine": _s(),
    "unescapedQuoteHandling": _s(), "nanValue": _s(), "positiveInf": _s(), "negativeInf": _s(),
    "maxColumns": _s("a record with more fields fails the read, as in Spark"),
    "enforceSchema": _s(), "samplingRatio": _n("inference reads every row, which is what 1.0 does; with a "
                                              "smaller ratio Spark may infer a narrower type from its sample"),
    "preferDate": _r("dates are always inferred as dates", "true"),
    "maxCharsPerColumn": _r("fields are never truncated or refused by length", "-1"),
    "maxMalformedLogPerPartition": _n("logging only"),
    "inputBufferSize": _n("buffer size only"),
    "columnPruning": _n("Ember always parses whole records (as `false`)"),
    "enableDateTimeParsingFallback": _r("no legacy parser fallback"),
    "lineSep": _r("lines end at \\n, \\r\\n or \\r"),
    "singleVariantColumn": _r("the VARIANT type is not supported"),
}

CSV_WRITE = {
    **_CSV_COMMON,
    "quoteAll": _s(), "escapeQuotes": _s(), "lineSep": _s(),
    "compression": _s("none, uncompressed, gzip, bzip2, deflate; lz4 and snappy refused"),
    "codec": _s("alias of `compression`"),
}

JSON_READ = {
    **_FILES_READ,
    "mode": _s(), "columnNameOfCorruptRecord": _s(), "dateFormat": _s("Spark datetime patterns"),
    "timestampFormat": _s("Spark datetime patterns"), "timestampNTZFormat": _s("Spark datetime patterns"),
    "primitivesAsString": _s(), "dropFieldIfAllNull": _s(), "prefersDecimal": _s(),
    "allowNonNumericNumbers": _s(), "allowNumericLeadingZeros": _r("leading zeros make a record malformed", "false"),
    "allowComments": _r("comments make a record malformed", "false"),
    "allowUnquotedFieldNames": _r("unquoted field names make a record malformed", "false"),
    "allowSingleQuotes": _s("single-quoted strings and names are read, as Spark's default `true`; `false` "
                            "is refused"),
    "allowBackslashEscapingAnyCharacter": _r("only JSON's escapes are read", "false"),
    "allowUnquotedControlChars": _r("a raw control character in a string makes a record malformed", "false"),
    "multiLine": _s("each file is one JSON value; an array of objects gives one row per object"),
    "inferTimestamp": _r("strings are inferred as strings", "false"),
    "samplingRatio": _n("inference reads every row, which is what 1.0 does; with a smaller ratio Spark may "
                        "infer a narrower type from its sample"),
    "encoding": _s("UTF-8 only; others refused"), "charset": _s("alias of `encoding`"),
    "lineSep": _r("lines end at \\n or \\r\\n"),
    "locale": _r("only en-US month and day names are known", "en-US"),
    "timeZone": _r("timestamps are read in the session time zone"),
    "timeFormat": _r("the TIME type is not supported"),
    "useUnsafeRow": _n("a JVM memory-layout switch"),
    "enableDateTimeParsingFallback": _r("no legacy parser fallback"),
    "singleVariantColumn": _r("the VARIANT type is not supported"),
}

JSON_WRITE = {
    "dateFormat": _s("Spark datetime patterns"), "timestampFormat": _s("Spark datetime patterns"),
    "timestampNTZFormat": _s("Spark datetime patterns"),
    "compression": _s("none, uncompressed, gzip, bzip2, deflate; lz4 and snappy refused"),
    "codec": _s("alias of `compression`"),
    "ignoreNullFields": _r("null fields are always left out", "true"),
    "encoding": _s("UTF-8 only; others refused"), "charset": _s("alias of `encoding`"),
    "lineSep": _r("records end at \\n", "\n"), "pretty": _r("one record per line", "false"),
    "locale": _r("only en-US month and day names are known", "en-US"),
    "timeZone": _r("timestamps are written in the session time zone"),
    "timeFormat": _r("the TIME type is not supported"),
}

TEXT_READ = {
    **_FILES_READ,
    "wholetext": _s(), "lineSep": _s(), "encoding": _r("text files are UTF-8", "UTF-8"),
}

TEXT_WRITE = {
    "lineSep": _s(), "encoding": _r("text files are UTF-8", "UTF-8"), "compression": _s("none, uncompressed, gzip, bzip2, deflate; lz4 and snappy refused"),
}

PARQUET_READ = {
    **_FILES_READ,
    "compression": _n("each file's footer names its codec"),
    "mergeSchema": _s("types never widen; a conflict fails the read"),
    "datetimeRebaseMode": _r("dates are read as written (Proleptic Gregorian)"),
    "int96RebaseMode": _r("INT96 values are read as written"),
}

PARQUET_WRITE = {
    "compression": _s("none, uncompressed, snappy, gzip, zstd, lz4_raw; lz4, lzo and brotli refused"),
}

ORC_READ = {
    **_FILES_READ,
    "compression": _n("each file's footer names its codec"),
    "mergeSchema": _s("types never widen; a conflict fails the read"),
}

ORC_WRITE = {
    "compression": _s("none, uncompressed, zstd (the default), snappy, zlib, lz4; lzo and brotli refused"),
    "orc.compress": _s("alias of `compression`, which wins when both are set"),
    "orc.bloom.filter.columns": _n("Ember writes no bloom filters; they only speed up reads"),
    "orc.dictionary.key.threshold": _n("an encoding choice; the rows read back the same"),
    "orc.column.encoding.direct": _n("an encoding choice; the rows read back the same"),
}

RULES: dict[tuple[str, str], dict[str, Rule]] = {
    ("csv", "read"): CSV_READ, ("csv", "write"): CSV_WRITE, ("json", "read"): JSON_READ,
    ("json", "write"): JSON_WRITE, ("text", "read"): TEXT_READ, ("text", "write"): TEXT_WRITE,
    ("parquet", "read"): PARQUET_READ, ("parquet", "write"): PARQUET_WRITE,
    ("orc", "read"): ORC_READ, ("orc", "write"): ORC_WRITE,
}

_LOWER = {key: {name.lower(): (name, rule) for name, rule in table.items()} for key, table in RULES.items()}


def check_options(fmt: str, direction: str, options: Options) -> None:
    """Raise ``UNSUPPORTED_FEATURE`` for the first refused Spark option set away from its default."""
    table = _LOWER.get((fmt, direction), {})
    for key, value in options.items:
        name, rule = table.get(key, (key, None))
        if rule is None or rule.status != REFUSED:
            continue
        if rule.default is not None and value.lower() == rule.default.lower():
            continue
        raise EmberValueError(
            "UNSUPPORTED_FEATURE",
            f"The {fmt.upper()} {direction} option '{name}' = '{value}' is not supported by Ember: {rule.note}.")


def markdown_table() -> str:
    """The option table of docs/compatibility.md: one row per format, direction and option."""
    lines = ["| format | option | read | write | note |", "|---|---|---|---|---|"]
    for fmt in ("csv", "json", "text", "parquet", "orc"):
        read, write = RULES[(fmt, "read")], RULES[(fmt, "write")]
        for name in sorted(set(read) | set(write), key=str.lower):
            r, w = read.get(name), write.get(name)
            if r is not None and w is not None and r.note != w.note:
                note = "; ".join(f"{side}: {rule.note}" for side, rule in (("read", r), ("write", w)) if rule.note)
            else:
                note = (r or w).note
            lines.append(f"| {fmt} | `{name}` | {r.status if r else '—'} | {w.status if w else '—'} | {note} |")
    return "\n".join(lines) + "\n"

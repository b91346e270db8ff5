"""``spark.read`` and ``df.write``: PySpark's ``DataFrameReader`` and ``DataFrameWriter``.

A reader collects a format, a schema and options, then builds a ``FileScan`` over a
``FileSource`` (files listed and schema fixed now, data read by tasks). A writer runs the
DataFrame as one job whose tasks write their partition under the commit protocol of
``ember.rdd.commit``, so a failed write leaves nothing behind.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ember.sql import types as T
from ember.errors import PySparkTypeError, PySparkValueError
from ember.sql.datasource import unsupported_write
from ember.sql.errors import AnalysisException, EmberTypeError
from ember.sql.expressions import AttributeReference, new_expr_id
from ember.rdd import commit
from ember.sql.io.option_rules import check_options
from ember.sql.io.options import Options, option_string
from ember.sql.io.source import resolve_source
from ember.sql.io.writers import FORMATS, check_write_options, file_extension, write_partition
from ember.sql.physical.batches import arrow_schema, to_table
from ember.sql.plan import logical as L
from ember.sql.dataframe import query_execution_of

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame
    from ember.sql.session import SparkSession

__all__ = ["DataFrameReader", "DataFrameWriter"]


def _paths(path: Any) -> list[str]:
    if isinstance(path, str):
        return [path]
    if isinstance(path, (list, tuple)) and all(isinstance(p, str) for p in path):
        return list(path)
    raise EmberTypeError("NOT_STR_OR_LIST_OF_RDD", f"Argument `path` should be a str or list[str], got {type(path).__name__}.")


def _schema(schema: T.StructType | str) -> T.StructType:
    if isinstance(schema, T.StructType):
        return T.supported_type(schema)
    if isinstance(schema, str):
        parsed = T.supported_type(T.parse_datatype_string(schema))
        return parsed if isinstance(parsed, T.StructType) else T.StructType([T.StructField("value", parsed)])
    raise EmberTypeError("NOT_STR_OR_STRUCT", f"Argument `schema` should be a str or StructType, got {type(schema).__name__}.")


class DataFrameReader:
    """Loads DataFrames from files: ``spark.read.csv(path, header=True)``, ``.format(...).load(...)``.

    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> with open(os.path.join(folder, "people.csv"), "w") as f:
    ...     _ = f.write("name,age\\nAlice,34\\nBob,45\\n")
    >>> df = spark.read.csv(os.path.join(folder, "people.csv"), header=True, inferSchema=True)
    >>> df.dtypes
    [('name', 'string'), ('age', 'int')]
    >>> spark.read.option("header", "true").schema("name STRING, age LONG").csv(folder).collect()
    [Row(name='Alice', age=34), Row(name='Bob', age=45)]
    """

    def __init__(self, spark: SparkSession):
        self._spark = spark
        self._format = "parquet"
        self._schema: T.StructType | None = None
        self._options: dict[str, str] = {}

    def format(self, source: str) -> DataFrameReader:
        self._format = source.lower()
        return self

    def schema(self, schema: T.StructType | str) -> DataFrameReader:
        self._schema = _schema(schema)
        return self

    def option(self, key: str, value: Any) -> DataFrameReader:
        self._options[key.lower()] = option_string(value)
        return self

    def options(self, **options: Any) -> DataFrameReader:
        for key, value in options.items():
            self.option(key, value)
        return self

    def _set(self, schema: Any, options: dict[str, Any]) -> None:
        if schema is not None:
            self.schema(schema)
        self.options(**{k: v for k, v in options.items() if v is not None})

    def load(self, path: Any = None, format: str | None = None, schema: Any = None, **options: Any) -> DataFrame:
        from ember.sql.dataframe import DataFrame

        if format is not None:
            self.format(format)
        self._set(schema, options)
        python_source = self._spark.dataSource.lookup(self._format)
        if python_source is not None:
            return self._python_source(python_source, path)
        if self._format == "xml":
            raise _xml_unsupported("read")
        path = path if path is not None else self._options.get("path")
        if path is None:
            raise AnalysisException("UNABLE_TO_INFER_SCHEMA", f"Unable to infer schema for {self._format.upper()}. "
                                    "It must be specified manually.", "42KD9")
        source = resolve_source(self._format, _paths(path), self._schema, Options.of(self._options))
        attrs = tuple(AttributeReference(f.name, f.dataType, True, new_expr_id()) for f in source.schema.fields)
        return DataFrame(self._spark, L.FileScan(attrs, source))

    def _python_source(self, source_class: type, path: Any) -> DataFrame:
        """A scan of a registered Python data source (``ember.sql.datasource``)."""
        from ember.sql.dataframe import DataFrame
        from ember.sql.io.python_source import resolve_python_source

        options = dict(self._options)
        if path is not None:
            if not isinstance(path, str):
                raise AnalysisException("UNSUPPORTED_FEATURE", "A Python data source reads one path; got "
                                        f"{type(path).__name__}.")
            options["path"] = path
        source = resolve_python_source(source_class, self._schema, options)
        attrs = tuple(AttributeReference(f.name, f.dataType, f.nullable, new_expr_id()) for f in source.schema.fields)
        return DataFrame(self._spark, L.FileScan(attrs, source))

    def csv(self, path: Any, schema: Any = None, sep: str | None = None, encoding: str | None = None,
            quote: str | None = None, escape: str | None = None, comment: str | None = None, header: Any = None,
            inferSchema: Any = None, ignoreLeadingWhiteSpace: Any = None, ignoreTrailingWhiteSpace: Any = None,
            nullValue: str | None = None, nanValue: str | None = None, positiveInf: str | None = None,
            negativeInf: str | None = None, dateFormat: str | None = None, timestampFormat: str | None = None,
            maxColumns: Any = None, maxCharsPerColumn: Any = None, maxMalformedLogPerPartition: Any = None,
            mode: str | None = None, columnNameOfCorruptRecord: str | None = None, multiLine: Any = None,
            charToEscapeQuoteEscaping: str | None = None, samplingRatio: Any = None, enforceSchema: Any = None,
            emptyValue: str | None = None, locale: str | None = None, lineSep: str | None = None,
            pathGlobFilter: Any = None, recursiveFileLookup: Any = None, modifiedBefore: Any = None,
            modifiedAfter: Any = None, unescapedQuoteHandling: str | None = None) -> DataFrame:
        self._set(schema, dict(
            sep=sep, encoding=encoding, quote=quote, escape=escape, comment=comment, header=header,
            inferSchema=inferSchema, ignoreLeadingWhiteSpace=ignoreLeadingWhiteSpace,
            ignoreTrailingWhiteSpace=ignoreTrailingWhiteSpace, nullValue=nullValue, nanValue=nanValue,
            positiveInf=positiveInf, negativeInf=negativeInf, dateFormat=dateFormat, timestampFormat=timestampFormat,
            maxColumns=maxColumns, maxCharsPerColumn=maxCharsPerColumn,
            maxMalformedLogPerPartition=maxMalformedLogPerPartition, mode=mode,
            columnNameOfCorruptRecord=columnNameOfCorruptRecord, multiLine=multiLine,
            charToEscapeQuoteEscaping=charToEscapeQuoteEscaping, samplingRatio=samplingRatio,
            enforceSchema=enforceSchema, emptyValue=emptyValue, locale=locale, lineSep=lineSep,
            pathGlobFilter=pathGlobFilter, recursiveFileLookup=recursiveFileLookup, modifiedBefore=modifiedBefore,
            modifiedAfter=modifiedAfter, unescapedQuoteHandling=unescapedQuoteHandling))
        return self.format("csv").load(path)

    def json(self, path: Any, schema: Any = None, primitivesAsString: Any = None, prefersDecimal: Any = None,
             allowComments: Any = None, allowUnquotedFieldNames: Any = None, allowSingleQuotes: Any = None,
             allowNumericLeadingZero: Any = None, allowBackslashEscapingAnyCharacter: Any = None,
             mode: str | None = None, columnNameOfCorruptRecord: str | None = None, dateFormat: str | None = None,
             timestampFormat: str | None = None, multiLine: Any = None, allowUnquotedControlChars: Any = None,
             lineSep: str | None = None, samplingRatio: Any = None, dropFieldIfAllNull: Any = None,
             encoding: str | None = None, locale: str | None = None, pathGlobFilter: Any = None,
             recursiveFileLookup: Any = None, modifiedBefore: Any = None, modifiedAfter: Any = None,
             allowNonNumericNumbers: Any = None, useUnsafeRow: Any = None) -> DataFrame:
        self._set(schema, dict(
            primitivesAsString=primitivesAsString, prefersDecimal=prefersDecimal, allowComments=allowComments,
            allowUnquotedFieldNames=allowUnquotedFieldNames, allowSingleQuotes=allowSingleQuotes,
            allowNumericLeadingZero=allowNumericLeadingZero,  # PySpark's key, which Spark does not read
            allowBackslashEscapingAnyCharacter=allowBackslashEscapingAnyCharacter, mode=mode,
            columnNameOfCorruptRecord=columnNameOfCorruptRecord, dateFormat=dateFormat,
            timestampFormat=timestampFormat, multiLine=multiLine, allowUnquotedControlChars=allowUnquotedControlChars,
            lineSep=lineSep, samplingRatio=samplingRatio, dropFieldIfAllNull=dropFieldIfAllNull, encoding=encoding,
            locale=locale, pathGlobFilter=pathGlobFilter, recursiveFileLookup=recursiveFileLookup,
            modifiedBefore=modifiedBefore, modifiedAfter=modifiedAfter,
            allowNonNumericNumbers=allowNonNumericNumbers, useUnsafeRow=useUnsafeRow))
        return self.format("json").load(path)

    def parquet(self, *paths: str, **options: Any) -> DataFrame:
        self._set(None, options)
        return self.format("parquet").load(list(paths))

    def text(self, paths: Any, wholetext: bool = False, lineSep: str | None = None, pathGlobFilter: Any = None,
             recursiveFileLookup: Any = None, modifiedBefore: Any = None, modifiedAfter: Any = None) -> DataFrame:
        self._set(None, dict(wholetext=wholetext, lineSep=lineSep, pathGlobFilter=pathGlobFilter,
                             recursiveFileLookup=recursiveFileLookup, modifiedBefore=modifiedBefore,
                             modifiedAfter=modifiedAfter))
        return self.format("text").load(paths)

    def orc(self, path: Any, mergeSchema: Any = None, pathGlobFilter: Any = None, recursiveFileLookup: Any = None,
            modifiedBefore: Any = None, modifiedAfter: Any = None) -> DataFrame:
        """ORC files (``pyarrow.orc``): one partition per file."""
        self._set(None, dict(mergeSchema=mergeSchema, pathGlobFilter=pathGlobFilter,
                             recursiveFileLookup=recursiveFileLookup, modifiedBefore=modifiedBefore,
                             modifiedAfter=modifiedAfter))
        return self.format("orc").load(path)

    def xml(self, path: Any, rowTag: str | None = None, schema: Any = None, **options: Any) -> DataFrame:
        raise _xml_unsupported("read")

    def changes(self, tableName: str) -> DataFrame:
        """Change data capture: Spark's own catalog has none, and neither has Ember's warehouse."""
        raise AnalysisException("UNSUPPORTED_FEATURE.CHANGE_DATA_CAPTURE", "The feature is not supported: Catalog "
                                "spark_catalog does not support Change Data Capture (CDC).", "0A000")

    def table(self, tableName: str) -> DataFrame:
        return self._spark.table(tableName)


class DataFrameWriter:
    """Saves a DataFrame's rows as files: ``df.write.mode("overwrite").partitionBy("k").parquet(path)``.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "out")
    >>> df = spark.createDataFrame([(1, "a"), (2, "b"), (3, "a")], ["n", "k"])
    >>> df.write.partitionBy("k").parquet(path)
    >>> sorted(name for name in os.listdir(path) if not name.startswith("."))  # Spark adds .crc files
    ['_SUCCESS', 'k=a', 'k=b']
    >>> spark.read.parquet(path).orderBy("n").collect()
    [Row(n=1, k='a'), Row(n=2, k='b'), Row(n=3, k='a')]
    >>> df.write.mode("overwrite").json(path)
    >>> spark.read.json(path).count()
    3
    """

    def __init__(self, df: DataFrame):
        self._df = df
        self._format = "parquet"
        self._mode = "error"
        self._options: dict[str, str] = {}
        self._partition_by: list[str] = []
        self._bucketing: tuple[int, list[str]] | None = None  # (buckets, columns)
        self._sort_by: list[str] = []
        self._cluster_by: list[str] = []

    def mode(self, saveMode: str | None) -> DataFrameWriter:
        if saveMode is not None:
            self._mode = commit.normalize_mode(saveMode)
        return self

    def format(self, source: str) -> DataFrameWriter:
        self._format = source.lower()
        return self

    def option(self, key: str, value: Any) -> DataFrameWriter:
        self._options[key.lower()] = option_string(value)
        return self

    def options(self, **options: Any) -> DataFrameWriter:
        for key, value in options.items():
            if value is not None:
                self.option(key, value)
        return self

    def partitionBy(self, *cols: str | list[str]) -> DataFrameWriter:
        if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
            cols = tuple(cols[0])
        self._partition_by = list(cols)  # type: ignore[arg-type]
        return self

    def bucketBy(self, numBuckets: int, col: str | list[str], *cols: str) -> DataFrameWriter:
        """Bucket the output by ``col``s into ``numBuckets`` (checked; writing is refused, see ``saveAsTable``)."""
        if not isinstance(numBuckets, int):
            raise PySparkTypeError("NOT_EXPECTED_TYPE", f"Argument `numBuckets` should be int, got "
                                   f"{type(numBuckets).__name__}.")
        names = _column_names(col, cols)
        self._bucketing = (numBuckets, names)
        return self

    def sortBy(self, col: str | list[str], *cols: str) -> DataFrameWriter:
        """Sort each bucket by ``col``s (with ``bucketBy``)."""
        self._sort_by = _column_names(col, cols)
        return self

    def clusterBy(self, *cols: str) -> DataFrameWriter:
        """Cluster a table's data by ``cols`` (a layout hint; refused for ``saveAsTable``)."""
        if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
            cols = tuple(cols[0])
        if not cols:
            raise AssertionError("clusterBy needs one or more clustering columns.")
        self._cluster_by = list(cols)
        return self

    def _check_layout(self, operation: str) -> None:
        """Spark's checks of ``bucketBy``/``sortBy``; Ember writes no bucketed files, so a table is refused."""
        if self._sort_by and self._bucketing is None:
            raise AnalysisException("SORT_BY_WITHOUT_BUCKETING", "sortBy must be used together with bucketBy.",
                                    "42601")
        if self._bucketing is not None:
            if operation == "save":
                raise AnalysisException("'save' does not support bucketBy right now.")
            raise AnalysisException("UNSUPPORTED_FEATURE", "bucketBy: Ember cannot write bucketed tables (files "
                                    "split by a hash of the bucket columns, which Spark's planner relies on); "
                                    "use partitionBy, or repartition before saveAsTable.")
        if self._cluster_by and operation == "saveAsTable":
            raise AnalysisException("UNSUPPORTED_FEATURE", "clusterBy: Ember's warehouse tables do not record "
                                    "clustering columns; use partitionBy, or sort before saveAsTable.")

    def save(self, path: str | None = None, format: str | None = None, mode: str | None = None,
             partitionBy: Any = None, **options: Any) -> None:
        if format is not None:
            self.format(format)
        if partitionBy is not None:
            self.partitionBy(partitionBy)
        self.mode(mode).options(**options)
        self._check_layout("save")
        if self._df.sparkSession.dataSource.lookup(self._format) is not None:
            raise unsupported_write(self._format)
        if self._format == "xml":
            raise _xml_unsupported("write")
        path = path or self._options.get("path")
        if path is None:
            raise EmberTypeError("PATH_REQUIRED", "save() needs a path.")
        if self._format not in FORMATS:
            raise AnalysisException("DATA_SOURCE_NOT_FOUND", f"Failed to find the data source: {self._format}.", "42K02")
        options = Options.of(self._options)
        check_options(self._format, "write", options)
        check_write_options(self._format, options)
        write_files(self._df, path.removeprefix("file:"), self._format, self._mode, options,
                    self._partition_columns())

    def _partition_columns(self) -> list[str]:
        by_lower = {c.lower(): c for c in self._df.columns}
        missing = [c for c in self._partition_by if c.lower() not in by_lower]
        if missing:
            raise AnalysisException("COLUMN_NOT_DEFINED_IN_TABLE",
                                    f"Partition column `{missing[0]}` not found in schema {self._df.schema.simpleString()}.")
        return [by_lower[c.lower()] for c in self._partition_by]

    def parquet(self, path: str, mode: str | None = None, partitionBy: Any = None, compression: str | None = None) -> None:
        self.save(path, "parquet", mode, partitionBy, compression=compression)

    def csv(self, path: str, mode: str | None = None, compression: str | None = None, sep: str | None = None,
            quote: str | None = None, escape: str | None = None, header: Any = None, nullValue: str | None = None,
            escapeQuotes: Any = None, quoteAll: Any = None, dateFormat: str | None = None,
            timestampFormat: str | None = None, ignoreLeadingWhiteSpace: Any = None,
            ignoreTrailingWhiteSpace: Any = None, charToEscapeQuoteEscaping: str | None = None,
            encoding: str | None = None, emptyValue: str | None = None, lineSep: str | None = None) -> None:
        self.save(path, "csv", mode, None, compression=compression, sep=sep, quote=quote, escape=escape, header=header,
                  nullValue=nullValue, escapeQuotes=escapeQuotes, quoteAll=quoteAll, dateFormat=dateFormat,
                  timestampFormat=timestampFormat, ignoreLeadingWhiteSpace=ignoreLeadingWhiteSpace,
                  ignoreTrailingWhiteSpace=ignoreTrailingWhiteSpace,
                  charToEscapeQuoteEscaping=charToEscapeQuoteEscaping, encoding=encoding, emptyValue=emptyValue,
                  lineSep=lineSep)

    def json(self, path: str, mode: str | None = None, compression: str | None = None, dateFormat: str | None = None,
             timestampFormat: str | None = None, lineSep: str | None = None, encoding: str | None = None,
             ignoreNullFields: Any = None) -> None:
        self.save(path, "json", mode, None, compression=compression, dateFormat=dateFormat,
                  timestampFormat=timestampFormat, lineSep=lineSep, encoding=encoding,
                  ignoreNullFields=ignoreNullFields)

    def text(self, path: str, compression: str | None = None, lineSep: str | None = None) -> None:
        self.save(path, "text", None, None, compression=compression, lineSep=lineSep)

    def orc(self, path: str, mode: str | None = None, partitionBy: Any = None, compression: str | None = None) -> None:
        """ORC files (``pyarrow.orc``), zstd-compressed unless ``compression`` says otherwise."""
        self.save(path, "orc", mode, partitionBy, compression=compression)

    def xml(self, path: str, rowTag: str | None = None, mode: str | None = None, **options: Any) -> None:
        raise _xml_unsupported("write")

    def saveAsTable(self, name: str, format: str | None = None, mode: str | None = None,
                    partitionBy: Any = None, **options: Any) -> None:
        """Save as the warehouse table ``name`` (``db.name`` allowed): created, or with ``mode``
        ``append`` added to (columns matched by name), ``overwrite`` replaced, ``ignore`` left."""
        from ember.sql.table_writes import save_as_table

        if format is not None:
            self.format(format)
        if partitionBy is not None:
            self.partitionBy(partitionBy)
        self.mode(mode).options(**options)
        self._check_layout("saveAsTable")
        save_as_table(self._df, name, self._format, self._mode, self._partition_by)

    def insertInto(self, tableName: str, overwrite: bool | None = None) -> None:
        """Add the rows to the warehouse table ``tableName``, columns matched by position
        (``overwrite=True``, or mode ``overwrite``, replaces its rows)."""
        from ember.sql.table_writes import insert_into

        insert_into(self._df, tableName, bool(overwrite) if overwrite is not None else self._mode == "overwrite")


def _xml_unsupported(direction: str) -> AnalysisException:
    return AnalysisException("UNSUPPORTED_FEATURE", f"XML files: Ember cannot {direction} the XML format; convert "
                             "the files to JSON, CSV, Parquet or ORC.")


def _column_names(col: Any, cols: tuple[Any, ...]) -> list[str]:
    """``bucketBy``/``sortBy``'s columns: one list, or names, as PySpark checks them."""
    if isinstance(col, (list, tuple)):
        if cols:
            raise PySparkValueError("CANNOT_SET_TOGETHER", f"`col` of type {type(col).__name__} and `cols` should not "
                                    "be set together.")
        col, cols = col[0], tuple(col[1:])
    for c in cols:
        if not isinstance(c, str):
            raise PySparkTypeError("NOT_EXPECTED_TYPE", f"Argument `cols` should be list[str], got {type(c).__name__}.")
    if not isinstance(col, str):
        raise PySparkTypeError("NOT_EXPECTED_TYPE", f"Argument `col` should be list[str], got {type(col).__name__}.")
    return [col, *cols]


def write_files(df: DataFrame, path: str, fmt: str, mode: str, options: Options, partition_by: list[str]) -> list[str]:
    """Write ``df`` under ``path`` as one job; returns the files it added (relative to ``path``)."""
    job = commit.WriteJob(path, mode)
    created = not os.path.exists(path)
    if not commit.setup_job(job):
        return []
    qe = query_execution_of(df)
    schema = arrow_schema(list(qe.analyzed.output))
    names = df.columns
    ntz = frozenset(f.name for f in df.schema.fields if isinstance(f.dataType, T.TimestampNTZType))
    extension = file_extension(fmt, options)

    def task(index: int, batches: Any) -> Any:
        from ember import TaskContext

        context = TaskContext.get()
        table = to_table(batches, schema).rename_columns(names)
        file_name = f"part-{index:05d}-{job.job_id}.c000{extension}"
        yield index, commit.run_task(job, index, context.attemptNumber(),
                                     lambda root: write_partition(table, fmt, options, partition_by, file_name, root,
                                                                  ntz),
                                     context.can_commit)

    try:
        committed = qe.to_rdd().mapPartitionsWithIndex(task).collect()
        if not any(files for _, files in committed) and not partition_by:
            _write_empty(job, fmt, schema, names, options, extension, ntz)
            committed = [(0, [f"part-00000-{job.job_id}.c000{extension}"])]
        commit.commit_job(job, committed)
        qe.action_ended()
    except BaseException:
        commit.abort_job(job, created)
        raise
    return [rel for _, files in committed for rel in files]


def _write_empty(job: commit.WriteJob, fmt: str, schema: Any, names: list[str], options: Options,
                 extension: str, ntz: frozenset[str]) -> None:
    """An empty result still leaves one (empty) file, so the path reads back with its schema."""
    from ember.sql.io.writers import write_file

    os.makedirs(job.task_dir(0), exist_ok=True)
    write_file(fmt, to_table([], schema).rename_columns(names), os.path.join(job.task_dir(0),
               f"part-00000-{job.job_id}.c000{extension}"), options, ntz)

"""``SparkSession``: the entry point of the structured API, over an Ember ``SparkContext``."""

from __future__ import annotations

import threading
from typing import Any

import pyarrow as pa

from ember.sql import types as T
from ember.sql.arrow_types import from_arrow_schema, to_arrow_schema
from ember.sql.session_catalog import SessionCatalog
from ember.sql.conversion import infer_schema, rows_to_table
from ember.sql.dataframe import DataFrame
from ember.sql.datasource import DataSourceRegistration
from ember.sql.errors import EmberTypeError, IllegalArgumentException, ParseException
from ember.sql.artifacts import add_artifacts
from ember.sql.session_tags import SessionTags
from ember.sql.tvf import TableValuedFunction
from ember.sql.expressions.sql_conf import analysed_by
from ember.sql.expressions import AttributeReference, new_expr_id
from ember.sql.plan import logical as L
from ember.sql.udf import UDFRegistration
from ember.sql.udtf import UDTFRegistration
from ember.context import cancel_jobs

__all__ = ["SparkSession", "RuntimeConfig"]


class RuntimeConfig:
    """``spark.conf``: string settings of this session (``spark.sql.shuffle.partitions``, …)."""

    def __init__(self, settings: dict[str, str]):
        self._settings = settings

    def get(self, key: str, default: str | None = None) -> str | None:
        return self._settings.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self._settings[key] = str(value).lower() if isinstance(value, bool) else str(value)

    def unset(self, key: str) -> None:
        self._settings.pop(key, None)

    def getAll(self) -> dict[str, str]:
        return dict(self._settings)


class Builder:
    """``SparkSession.builder``: collects settings, then ``getOrCreate()`` returns the session."""

    _lock = threading.Lock()

    def __init__(self) -> None:
        self._options: dict[str, str] = {}

    def master(self, master: str) -> Builder:
        return self.config("spark.master", master)

    def appName(self, name: str) -> Builder:
        return self.config("spark.app.name", name)

    def config(self, key: str | None = None, value: Any = None, conf: Any = None, map: dict | None = None) -> Builder:
        if conf is not None:
            for k, v in conf.getAll():
                self._options[k] = str(v)
        for k, v in (map or {}).items():
            self._options[k] = str(v)
        if key is not None:
            self._options[key] = str(value).lower() if isinstance(value, bool) else str(value)
        return self

    def getOrCreate(self) -> SparkSession:
        with self._lock:
            session = SparkSession._active
            if session is not None and not session._stopped:
                for k, v in self._options.items():
                    session.conf.set(k, v)
                return session
            from ember import SparkConf, SparkContext

            conf = SparkConf()
            for k, v in self._options.items():
                conf.set(k, v)
            conf.setMaster(self._options.get("spark.master", "local[*]"))
            conf.setAppName(self._options.get("spark.app.name", "ember"))
            sc = SparkContext.getOrCreate(conf)
            return SparkSession(sc, dict(self._options))


def _give_rdds_to_df() -> None:
    """``rdd.toDF(schema)``, as PySpark adds it once a session exists: ``createDataFrame(rdd, ...)``."""
    from ember.rdd.rdd import RDD

    def toDF(self: RDD, schema: Any = None, sampleRatio: float | None = None) -> DataFrame:
        """This RDD of rows, tuples or dicts as a DataFrame (``spark.createDataFrame(rdd, schema, sampleRatio)``).

        The active session builds it when it runs on this RDD's context; otherwise a session over
        that context does (a session on another, perhaps stopped, context cannot read the RDD).
        """
        active = SparkSession._active
        if active is None or active._stopped or active.sparkContext is not self.ctx:
            active = SparkSession(self.ctx)
        return active.createDataFrame(self, schema, sampleRatio)

    RDD.toDF = toDF


class _BuilderDescriptor:
    def __get__(self, obj: Any, owner: type) -> Builder:
        return Builder()


Builder.__qualname__ = "SparkSession.Builder"  # PySpark's name for it


class SparkSession:
    """Creates DataFrames and holds the SQL settings; ``SparkSession(sc)`` wraps an existing context.

    ``SparkSession.builder.master("local[2]").getOrCreate()`` starts one (or returns the active one).

    >>> from ember.sql import Row
    >>> spark.createDataFrame([Row(a=1, b="x"), Row(a=2, b="y")]).collect()
    [Row(a=1, b='x'), Row(a=2, b='y')]
    >>> spark.range(0, 10, 3).collect()
    [Row(id=0), Row(id=3), Row(id=6), Row(id=9)]
    >>> spark.createDataFrame([(1, "x")], "a INT, b STRING").createOrReplaceTempView("t")
    >>> spark.sql("SELECT a + 1 AS a1, upper(b) AS B FROM t").collect()
    [Row(a1=2, B='X')]
    >>> spark.sql("SELECT * FROM t WHERE a = :a", args={"a": 1}).count()
    1
    >>> spark.table("t").schema.simpleString()
    'struct<a:int,b:string>'
    """

    Builder = Builder
    builder = _BuilderDescriptor()
    _active: SparkSession | None = None

    def __init__(self, sparkContext: Any, options: dict[str, str] | None = None):
        self._sc = sparkContext
        self._conf = RuntimeConfig(dict(options or {}))
        self._initial_settings = dict(options or {})
        self._catalog = SessionCatalog(self, sparkContext)
        self._catalog._conf = self._conf
        self._udf_registration: UDFRegistration | None = None
        self._udtf_registration: UDTFRegistration | None = None
        self._tags = SessionTags(sparkContext)
        self._data_sources = DataSourceRegistration(self)
        self._stopped = False
        _give_rdds_to_df()
        if SparkSession._active is None or SparkSession._active._stopped:
            SparkSession._active = self  # as in PySpark, newSession() does not become the active one

    @classmethod
    def getActiveSession(cls) -> SparkSession | None:
        return cls._active

    @classmethod
    def active(cls) -> SparkSession:
        """The active session; an error when there is none."""
        if cls._active is None:
            from ember.errors import EmberRuntimeError

            raise EmberRuntimeError("NO_ACTIVE_OR_DEFAULT_SESSION",
                                    "No active or default Spark session found. Please create a new Spark session "
                                    "before running the code.", "08003")
        return cls._active

    @property
    def conf(self) -> RuntimeConfig:
        """This session's settings (``spark.conf.set("spark.sql.shuffle.partitions", 8)``)."""
        return self._conf

    @property
    def catalog(self) -> SessionCatalog:
        """Views, tables, databases and functions of this session (``spark.catalog``)."""
        return self._catalog

    @property
    def dataSource(self) -> DataSourceRegistration:
        """Register Python data sources (``spark.dataSource.register(MySource)``)."""
        return self._data_sources

    @property
    def tvf(self) -> TableValuedFunction:
        """Table-valued functions as DataFrames (``spark.tvf.explode(array(...))``)."""
        return TableValuedFunction(self)

    # ------------------------------------------------------------------ tags and interruption
    def addTag(self, tag: str) -> None:
        """Tag every job this thread starts from now on, for ``interruptTag``."""
        self._tags.add(tag)

    def removeTag(self, tag: str) -> None:
        """Stop tagging this thread's jobs with ``tag`` (nothing happens when it was not added)."""
        self._tags.remove(tag)

    def getTags(self) -> set[str]:
        """The tags this thread's jobs get."""
        return self._tags.get()

    def clearTags(self) -> None:
        """Remove every tag of this thread."""
        self._tags.clear()

    def interruptAll(self) -> list[str]:
        """Cancel every running job; returns their ids as strings.

        Ember's sessions over one ``SparkContext`` share its jobs, so this cancels them all.
        """
        return [str(j) for j in cancel_jobs(self._sc)]

    def interruptTag(self, tag: str) -> list[str]:
        """Cancel the running jobs tagged ``tag`` by this session; returns their ids as strings."""
        return [str(j) for j in cancel_jobs(self._sc, tag=self._tags.job_tag(tag))]

    def interruptOperation(self, op_id: str) -> list[str]:
        """Cancel the running job whose id is ``op_id`` (a number as a string); returns its id if it ran."""
        try:
            job_id = int(op_id)
        except (TypeError, ValueError):
            raise IllegalArgumentException("executionId must be a number in string form.") from None
        return [str(j) for j in cancel_jobs(self._sc, job_id=job_id)]

    # ------------------------------------------------------------------ artifacts
    def addArtifacts(self, *path: str, pyfile: bool = False, archive: bool = False, file: bool = False) -> None:
        """Ship local files to the workers: Python files (``pyfile``), archives, or plain files (``file``).

        As PySpark's classic session: a path whose copy is already shipped with the same
        contents is skipped, with other contents it is an error; with no kind given nothing happens.
        """
        add_artifacts(self._sc, path, pyfile, archive, file)

    addArtifact = addArtifacts

    @property
    def udf(self) -> UDFRegistration:
        """Register Python functions for SQL (``spark.udf.register``)."""
        if self._udf_registration is None:
            self._udf_registration = UDFRegistration(self)
        return self._udf_registration

    @property
    def udtf(self) -> UDTFRegistration:
        """Register Python UDTFs for SQL (``spark.udtf.register``)."""
        if self._udtf_registration is None:
            self._udtf_registration = UDTFRegistration(self)
        return self._udtf_registration

    @property
    def sparkContext(self) -> Any:
        return self._sc

    @property
    def version(self) -> str:
        return "4.3.0"

    def sql(self, sqlQuery: str, args: dict[str, Any] | list | None = None, **kwargs: Any) -> DataFrame:
        """The result of one SQL query over this session's temporary views, as a DataFrame.

        ``args`` binds parameter markers as typed literals: a dict binds ``:name`` markers, a
        list binds ``?`` markers in order; values are Python values or literal Columns.
        ``kwargs`` fill ``{name}`` fields of the text as PySpark does (a DataFrame by a view).
        """
        from ember.sql.parser.to_logical import to_logical
        from ember.sql.sql_formatter import SQLStringFormatter

        if args is not None and not isinstance(args, (dict, list, tuple)):
            raise EmberTypeError("INVALID_TYPE", f"Argument `args` should be a dict or list, got "
                                 f"{type(args).__name__}.")
        with analysed_by(self):
            if not kwargs:
                return self._command(sqlQuery, args) or DataFrame(self, to_logical(sqlQuery, self.catalog, args))
            formatter = SQLStringFormatter(self)
            try:
                return DataFrame(self, to_logical(formatter.format(sqlQuery, **kwargs), self.catalog, args))
            finally:
                formatter.clear()

    def _command(self, sqlQuery: str, args: Any) -> DataFrame | None:
        """Run ``sqlQuery`` now if it is a statement other than a query (``CREATE``, ``SHOW``, ``SET``, …)."""
        from ember.sql.statements import run_command

        result = run_command(self, sqlQuery)
        if result is not None and args:
            raise ParseException("UNSUPPORTED_FEATURE", "Parameter markers (args) are supported in queries only.")
        return result

    def _query(self, sqlQuery: str) -> DataFrame:
        """The DataFrame of a query's text (never a command): the query inside a statement."""
        from ember.sql.parser.to_logical import to_logical

        with analysed_by(self):
            return DataFrame(self, to_logical(sqlQuery, self.catalog))

    def table(self, tableName: str) -> DataFrame:
        """The temporary view or warehouse table named ``tableName`` (``db.table`` allowed)."""
        return DataFrame(self, self.catalog.lookup(tableName))

    def newSession(self) -> SparkSession:
        return SparkSession(self._sc, self.conf.getAll())

    def stop(self) -> None:
        self._stopped = True
        if SparkSession._active is self:
            SparkSession._active = None
        self._sc.stop()

    def __enter__(self) -> SparkSession:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # ------------------------------------------------------------------ sources
    @property
    def read(self):
        """A ``DataFrameReader`` for CSV, JSON, text and Parquet files."""
        from ember.sql.readwriter import DataFrameReader

        return DataFrameReader(self)

    @property
    def readStream(self) -> Any:
        raise EmberTypeError("UNSUPPORTED_FEATURE", "SparkSession.readStream: streaming queries are not supported by "
                             "Ember.")

    @property
    def streams(self) -> Any:
        raise EmberTypeError("UNSUPPORTED_FEATURE", "SparkSession.streams: streaming queries are not supported by "
                             "Ember.")

    def emptyDataFrame(self, schema: T.StructType | str) -> DataFrame:
        """A DataFrame with ``schema`` and no rows."""
        return self.createDataFrame([], schema)

    def range(self, start: int, end: int | None = None, step: int = 1, numPartitions: int | None = None) -> DataFrame:
        if end is None:
            start, end = 0, start
        attr = AttributeReference("id", T.LongType(), False, new_expr_id())
        return DataFrame(self, L.Range(start, end, step, numPartitions, attr))

    def createDataFrame(self, data: Any, schema: T.StructType | str | list[str] | None = None,
                        samplingRatio: float | None = None, verifySchema: bool = True) -> DataFrame:
        """A DataFrame from rows (tuples, dicts, Rows, scalars), a pandas DataFrame or an Arrow table."""
        if isinstance(schema, str):
            schema = T.parse_datatype_string(schema)
            if not isinstance(schema, T.StructType):
                schema = T.StructType([T.StructField("value", schema)])
        if isinstance(schema, T.DataType) and not isinstance(schema, T.StructType):
            schema = T.StructType([T.StructField("value", schema)])
        if isinstance(schema, T.StructType):
            schema = T.supported_type(schema)
        table = self._to_table(data, schema)
        fields = from_arrow_schema(table.schema).fields
        metadata = [f.metadata or None for f in schema.fields] if isinstance(schema, T.StructType) else []
        attrs = tuple(AttributeReference(f.name, f.dataType, f.nullable, new_expr_id(), (),
                                         metadata[i] if len(metadata) == len(fields) else None)
                      for i, f in enumerate(fields))
        return DataFrame(self, L.LocalRelation(attrs, table))

    def _to_table(self, data: Any, schema: Any) -> pa.Table:
        names = list(schema) if isinstance(schema, (list, tuple)) else None
        struct = schema if isinstance(schema, T.StructType) else None
        if isinstance(data, pa.RecordBatch):
            data = pa.Table.from_batches([data])
        if _is_pandas(data):
            data = pa.Table.from_pandas(data, preserve_index=False)
        if isinstance(data, pa.Table):
            if struct is not None:
                return data.rename_columns(struct.names).cast(to_arrow_schema(struct))
            return data.rename_columns(names) if names else data
        if hasattr(data, "collect") and hasattr(data, "mapPartitions"):
            data = data.collect()
        if isinstance(data, DataFrame) or not hasattr(data, "__iter__"):
            raise EmberTypeError("INVALID_TYPE", f"Argument `data` should not be a {type(data).__name__}.")
        data = list(data)  # any iterable of rows, e.g. zip(...) or a generator, as in PySpark
        if struct is None:
            return rows_to_table(data, infer_schema(data, names), inferred=True)
        return rows_to_table(data, struct)


def _is_pandas(data: Any) -> bool:
    return type(data).__module__.startswith("pandas") and type(data).__name__ == "DataFrame"


# Accessors for other modules: SparkSession's attribute namespace is PySpark's.
def query_dataframe(spark: SparkSession, text: str) -> DataFrame:
    """The DataFrame of a query's text (never a command), as the query inside a statement."""
    return spark._query(text)


def initial_settings(spark: SparkSession) -> dict[str, str]:
    """The settings ``spark`` started with, which ``RESET`` restores."""
    return spark._initial_settings

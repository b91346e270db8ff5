"""The ``spark.sql.*`` settings Ember reads, declared once with their types and defaults.

They live in the session's ``spark.conf`` (``RuntimeConfig``) and are read there with
``ENTRY.read(spark.conf)``; their table in docs/configuration.md is generated with the rest.
"""

from __future__ import annotations

from ember.config import declare, parse_bool, parse_bytes, parse_bytes_or_off

__all__ = [
    "SHUFFLE_PARTITIONS", "AUTO_BROADCAST_JOIN_THRESHOLD", "FILES_MAX_PARTITION_BYTES", "ANSI_ENABLED",
    "DECIMAL_ALLOW_PRECISION_LOSS", "PIVOT_MAX_VALUES", "EAGER_EVAL_ENABLED", "EAGER_EVAL_MAX_NUM_ROWS",
    "EAGER_EVAL_TRUNCATE", "PYTHON_UDF_ARROW_ENABLED", "TRANSPOSE_MAX_VALUES", "WAREHOUSE_DIR", "SESSION_TIME_ZONE",
    "SOURCES_DEFAULT",
]

SHUFFLE_PARTITIONS = declare(
    "spark.sql.shuffle.partitions", int, 200,
    "Partitions of every DataFrame/SQL shuffle (joins, aggregations, sorts, repartition by column).")
AUTO_BROADCAST_JOIN_THRESHOLD = declare(
    "spark.sql.autoBroadcastJoinThreshold", parse_bytes_or_off, 10 << 20,
    "A join side whose estimated size is at most this is collected once and broadcast instead of shuffling both "
    "sides. Bytes or a size (`10m`, `10MB`); -1 turns broadcasting off (a `broadcast()` hint still applies).",
    shown_default="`10m`")
FILES_MAX_PARTITION_BYTES = declare(
    "spark.sql.files.maxPartitionBytes", parse_bytes, 128 << 20,
    "The most bytes of files one read task takes: larger files are split, small ones packed together.")
ANSI_ENABLED = declare(
    "spark.sql.ansi.enabled", parse_bool, True,
    "Spark 4's ANSI mode, fixed in each arithmetic node and cast when the query is analysed. true: integer "
    "overflow, a decimal too wide for its type, division or remainder by zero and malformed casts raise Spark's "
    "errors (ARITHMETIC_OVERFLOW, NUMERIC_VALUE_OUT_OF_RANGE, DIVIDE_BY_ZERO, ...). false: integers wrap around, "
    "malformed strings cast to NULL, and the others give NULL.")
DECIMAL_ALLOW_PRECISION_LOSS = declare(
    "spark.sql.decimalOperations.allowPrecisionLoss", parse_bool, True,
    "When a decimal result would need more than 38 digits, keep its integer digits and give up scale (at least "
    "6 digits), as Spark does; false keeps the scale and may overflow instead.")
PIVOT_MAX_VALUES = declare(
    "spark.sql.pivotMaxValues", int, 10000,
    "The most distinct values a pivot without an explicit value list may find.")
TRANSPOSE_MAX_VALUES = declare(
    "spark.sql.transposeMaxValues", int, 500,
    "The most rows `transpose()` turns into columns; more fail with TRANSPOSE_EXCEED_ROW_LIMIT.")
EAGER_EVAL_ENABLED = declare(
    "spark.sql.repl.eagerEval.enabled", parse_bool, True,
    "Render a DataFrame as an HTML table in notebooks (`_repr_html_`). PySpark's default is false; see "
    "compatibility.md.")
EAGER_EVAL_MAX_NUM_ROWS = declare(
    "spark.sql.repl.eagerEval.maxNumRows", int, 20, "Rows in a DataFrame's HTML table (only those are computed).")
EAGER_EVAL_TRUNCATE = declare(
    "spark.sql.repl.eagerEval.truncate", int, 20, "Characters per cell in a DataFrame's HTML table.")
PYTHON_UDF_ARROW_ENABLED = declare(
    "spark.sql.execution.pythonUDF.arrow.enabled", parse_bool, False,
    "Whether a `udf` declared without `useArrow` converts its inputs and results through Arrow and pandas.")
WAREHOUSE_DIR = declare(
    "spark.sql.warehouse.dir", str, "spark-warehouse",
    "Where databases and managed tables are kept (Parquet files and a small catalog); relative to the working "
    "directory when the session first uses it, and fixed from then on.")
SESSION_TIME_ZONE = declare(
    "spark.sql.session.timeZone", str, "UTC",
    "The zone timestamps are read and shown in. Ember computes timestamps in UTC only: a query analysed while "
    "this names another zone is refused (UNSUPPORTED_FEATURE); UTC's synonyms (`Etc/UTC`, `GMT`, `Z`, "
    "`+00:00`, ...) are accepted. PySpark's default is the JVM's zone.")
SOURCES_DEFAULT = declare(
    "spark.sql.sources.default", str, "parquet",
    "The format of a table created without one (`spark.catalog.createTable` without `source`).")

"""API coverage: PySpark's public names beside Ember's, per class and module. A report, not a test.

For each PySpark class or module below, the public names (``dir()`` without a leading
underscore; ``__all__`` for the ``functions`` and ``types`` modules) are compared with those
of Ember's counterpart. Names in ``EXCLUDED`` are left out of the count, each with its
reason (streaming, JVM-only, Hive, pandas-on-Spark, Spark Connect only, profilers). The table
shows how many of the remaining names Ember has, and the missing ones are listed under it.

Nothing is started: only the classes are imported (PySpark's without a JVM).

Usage: python bench/api_coverage.py [--only RDD,SparkContext] [--no-missing]
"""

from __future__ import annotations

import argparse
import importlib
import sys
import textwrap
import warnings
from dataclasses import dataclass
from typing import Any

STREAMING = "Structured Streaming: Ember runs batch jobs only"
JVM_ONLY = "needs the JVM or Hadoop's Java libraries"
HIVE = "Hive metastore support"
PANDAS_API = "pandas API on Spark (pyspark.pandas)"
CONNECT = "Spark Connect only (PySpark raises on a classic session)"
PROFILER = "PySpark's worker profilers"

# (PySpark class or module, name) -> why it is not counted.
EXCLUDED: dict[tuple[str, str], str] = {
    ("DataFrame", "isStreaming"): STREAMING,
    ("DataFrame", "writeStream"): STREAMING,
    ("DataFrame", "withWatermark"): STREAMING,
    ("DataFrame", "dropDuplicatesWithinWatermark"): STREAMING,
    ("DataFrame", "pandas_api"): PANDAS_API,
    ("DataFrame", "executionInfo"): CONNECT,
    ("GroupedData", "applyInPandasWithState"): STREAMING,
    ("GroupedData", "transformWithState"): STREAMING,
    ("GroupedData", "transformWithStateInPandas"): STREAMING,
    ("DataFrameReader", "jdbc"): JVM_ONLY + " (JDBC drivers)",
    ("DataFrameWriter", "jdbc"): JVM_ONLY + " (JDBC drivers)",
    ("SparkSession", "readStream"): STREAMING,
    ("SparkSession", "streams"): STREAMING,
    ("SparkSession", "client"): CONNECT,
    ("SparkSession", "copyFromLocalToFs"): CONNECT,
    ("SparkSession", "registerProgressHandler"): CONNECT,
    ("SparkSession", "removeProgressHandler"): CONNECT,
    ("SparkSession", "clearProgressHandlers"): CONNECT,
    ("SparkSession", "profile"): PROFILER,
    ("SparkSession.Builder", "enableHiveSupport"): HIVE,
    ("SparkSession.Builder", "remote"): CONNECT,
    ("SparkSession.Builder", "create"): CONNECT,
    ("Catalog", "recoverPartitions"): HIVE + " (partitions recorded in a metastore)",
    ("RDD", "saveAsHadoopDataset"): JVM_ONLY,
    ("RDD", "saveAsHadoopFile"): JVM_ONLY,
    ("RDD", "saveAsNewAPIHadoopDataset"): JVM_ONLY,
    ("RDD", "saveAsNewAPIHadoopFile"): JVM_ONLY,
    ("RDD", "saveAsSequenceFile"): JVM_ONLY,
    ("RDD", "withResources"): "resource profiles need a cluster manager with dynamic allocation",
    ("SparkContext", "hadoopFile"): JVM_ONLY,
    ("SparkContext", "hadoopRDD"): JVM_ONLY,
    ("SparkContext", "newAPIHadoopFile"): JVM_ONLY,
    ("SparkContext", "newAPIHadoopRDD"): JVM_ONLY,
    ("SparkContext", "sequenceFile"): JVM_ONLY,
    ("SparkContext", "dump_profiles"): PROFILER,
    ("SparkContext", "show_profiles"): PROFILER,
    ("functions", "java_method"): JVM_ONLY + " (calls a Java method)",
    ("functions", "reflect"): JVM_ONLY + " (calls a Java method)",
    ("functions", "try_reflect"): JVM_ONLY + " (calls a Java method)",
}


@dataclass(frozen=True)
class Surface:
    label: str
    pyspark: str   # "module:attribute.path", or "module" for a module's __all__
    ember: str


SURFACES = (
    Surface("DataFrame", "pyspark.sql:DataFrame", "ember.sql:DataFrame"),
    Surface("Column", "pyspark.sql:Column", "ember.sql:Column"),
    Surface("GroupedData", "pyspark.sql:GroupedData", "ember.sql:GroupedData"),
    Surface("PandasCogroupedOps", "pyspark.sql:PandasCogroupedOps", "ember.sql.pandas_map:PandasCogroupedOps"),
    Surface("UserDefinedTableFunction", "pyspark.sql.udtf:UserDefinedTableFunction",
            "ember.sql.udtf:UserDefinedTableFunction"),
    Surface("UDTFRegistration", "pyspark.sql.udtf:UDTFRegistration", "ember.sql.udtf:UDTFRegistration"),
    Surface("Row", "pyspark.sql:Row", "ember.sql:Row"),
    Surface("DataFrameReader", "pyspark.sql.readwriter:DataFrameReader", "ember.sql:DataFrameReader"),
    Surface("DataFrameWriter", "pyspark.sql.readwriter:DataFrameWriter", "ember.sql:DataFrameWriter"),
    Surface("SparkSession", "pyspark.sql:SparkSession", "ember.sql:SparkSession"),
    Surface("SparkSession.Builder", "pyspark.sql:SparkSession.Builder", "ember.sql:SparkSession.builder"),
    Surface("Catalog", "pyspark.sql.catalog:Catalog", "ember.sql:Catalog"),
    Surface("RDD", "pyspark:RDD", "ember:RDD"),
    Surface("SparkContext", "pyspark:SparkContext", "ember:SparkContext"),
    Surface("functions", "pyspark.sql.functions", "ember.sql.functions"),
    Surface("types", "pyspark.sql.types", "ember.sql.types"),
)


@dataclass(frozen=True)
class Coverage:
    label: str
    total: int
    present: list[str]
    missing: list[str]
    excluded: list[str]

    @property
    def percent(self) -> float:
        return 100.0 * len(self.present) / self.total if self.total else 100.0


def _resolve(spec: str) -> Any:
    module_name, _, path = spec.partition(":")
    target: Any = importlib.import_module(module_name)
    for part in filter(None, path.split(".")):
        target = getattr(target, part)
    if path.endswith("builder"):  # Ember's builder is an instance: compare its class
        target = type(target)
    return target


def public_names(target: Any, use_all: bool) -> set[str]:
    if use_all and hasattr(target, "__all__"):
        return set(target.__all__)
    return {name for name in dir(target) if not name.startswith("_")}


def measure(surface: Surface) -> Coverage:
    is_module = ":" not in surface.pyspark
    theirs = public_names(_resolve(surface.pyspark), use_all=is_module)
    ours = _resolve(surface.ember)
    excluded = sorted(name for name in theirs if (surface.label, name) in EXCLUDED)
    counted = sorted(theirs - set(excluded))
    present = [name for name in counted if hasattr(ours, name)]
    missing = [name for name in counted if not hasattr(ours, name)]
    return Coverage(surface.label, len(counted), present, missing, excluded)


def format_report(rows: list[Coverage], show_missing: bool) -> str:
    header = f"{'PySpark API':<22}{'names':>7}{'Ember':>7}{'missing':>9}{'excluded':>10}{'coverage':>10}"
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(f"{row.label:<22}{row.total:>7}{len(row.present):>7}{len(row.missing):>9}"
                     f"{len(row.excluded):>10}{row.percent:>9.1f}%")
    total = sum(row.total for row in rows)
    present = sum(len(row.present) for row in rows)
    lines.append("-" * len(header))
    lines.append(f"{'all':<22}{total:>7}{present:>7}{total - present:>9}"
                 f"{sum(len(r.excluded) for r in rows):>10}{100.0 * present / total:>9.1f}%")
    if show_missing:
        for row in rows:
            if row.missing:
                lines.append(f"\n{row.label}: missing {len(row.missing)}")
                lines.extend(textwrap.wrap(", ".join(row.missing), 100, initial_indent="  ",
                                           subsequent_indent="  "))
        lines.append("\nExcluded (not counted):")
        for row in rows:
            lines.extend(f"  {row.label}.{name}: {EXCLUDED[(row.label, name)]}" for name in row.excluded)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated labels, e.g. RDD,SparkContext")
    parser.add_argument("--no-missing", action="store_true", help="print the table only")
    args = parser.parse_args(argv)
    wanted = set(args.only.split(",")) if args.only else None
    try:
        importlib.import_module("pyspark")
        importlib.import_module("ember")
    except ImportError as exc:
        print(f"api_coverage needs both pyspark and ember importable: {exc}", file=sys.stderr)
        return 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PySpark warns about pandas versions on import
        rows = [measure(s) for s in SURFACES if wanted is None or s.label in wanted]
    print(format_report(rows, show_missing=not args.no_missing))
    return 0


if __name__ == "__main__":
    sys.exit(main())

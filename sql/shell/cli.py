"""``ember-sql``'s command line: where statements come from, how results print, the exit status.

Statements come from ``-e "…"``, from ``-f file.sql``, from a pipe, or — when standard input
is a terminal — from the interactive prompt (``interactive.py``). Results print as
tab-separated rows without a header under ``-e``, ``-f`` and a pipe, as spark-sql prints them,
and as an aligned table at the prompt; ``--output-format`` chooses (``output.py``). The
``Time taken`` line and errors go to standard error, so standard output holds only results.
The exit status is 1 when any statement of ``-e``, ``-f`` or a pipe failed, else 0; as in
spark-sql, ``-e`` and ``-f`` stop at the first failure and a pipe goes on.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, TextIO

from ember.errors import EmberException
from ember.sql.shell.output import FORMATS
from ember.sql.shell.runner import StatementRunner
from ember.sql.shell.splitting import split_statements

if TYPE_CHECKING:
    from ember.sql.session import SparkSession

__all__ = ["main", "execute", "register_views"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ember-sql", description="Run SQL on Ember: -e, -f, a pipe, or an interactive prompt.")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("-e", dest="execute", metavar="SQL", help="SQL statements to run (separated by ;)")
    source.add_argument("-f", dest="file", metavar="FILE", help="a file of SQL statements to run")
    parser.add_argument("--master", default=None, help="where to run: local, local[N], local[*] (default local[*])")
    parser.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                        help="a configuration setting; may be repeated")
    parser.add_argument("--database", help="the database to use first")
    parser.add_argument("--output-format", choices=FORMATS, default=None,
                        help="how results print: table (the prompt's default), tsv (the default of -e, -f "
                             "and pipes, as spark-sql), csv or json")
    parser.add_argument("--sample", action="store_true",
                        help="register a small TPC-H data set (scale 0.01) as temporary views")
    parser.add_argument("--view", action="append", default=[], metavar="NAME=PATH",
                        help="register a Parquet, CSV (with header) or JSON file as a temporary view")
    parser.add_argument("-S", "--silent", action="store_true", help="no 'Time taken' lines")
    return parser


def _settings(pairs: list[str], parser: argparse.ArgumentParser) -> dict[str, str]:
    settings = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            parser.error(f"--conf takes KEY=VALUE, not {pair!r}")
        settings[key.strip()] = value.strip()
    return settings


def register_views(spark: SparkSession, views: list[str]) -> None:
    """Register each ``name=path`` as a temporary view (the format from the extension)."""
    for item in views:
        name, _, path = item.partition("=")
        ext = os.path.splitext(path.rstrip("/"))[1].lower()
        reader = {".csv": lambda p: spark.read.csv(p, header=True, inferSchema=True),
                  ".json": spark.read.json}.get(ext, spark.read.parquet)
        reader(path).createOrReplaceTempView(name)


def execute(spark: SparkSession, text: str, out: TextIO | None = None, err: TextIO | None = None,
            output_format: str = "tsv", timing: bool = True, stop_on_error: bool = True) -> int:
    """Run the statements of ``text`` (up to ``quit;``); 0 if all succeeded, else 1.

    As spark-sql does, ``-e`` and ``-f`` stop at the first statement that fails
    (``stop_on_error``), while piped input, read like typed input, goes on after one."""
    runner = StatementRunner(spark, out or sys.stdout, err or sys.stderr, output_format, timing)
    ok = True
    for statement in split_statements(text):
        if statement.lower() in ("quit", "exit"):
            break
        ok = runner.run(statement) and ok
        if not ok and stop_on_error:
            break
    return 0 if ok else 1


def _session(args: argparse.Namespace, settings: dict[str, str]) -> SparkSession:
    from ember.sql import SparkSession

    builder = SparkSession.builder.appName("ember-sql")
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.master(args.master or settings.get("spark.master", "local[*]")).getOrCreate()


def _prepare(spark: SparkSession, args: argparse.Namespace) -> None:
    if args.sample:
        from ember.examples.tpch.sample import register_sample_tables

        register_sample_tables(spark)
    register_views(spark, args.view)
    if args.database:
        spark.catalog.setCurrentDatabase(args.database)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    settings = _settings(args.conf, parser)
    interactive = args.execute is None and args.file is None and sys.stdin.isatty()
    output_format = args.output_format or ("table" if interactive else "tsv")
    spark = _session(args, settings)
    try:
        try:
            _prepare(spark, args)
        except EmberException as error:
            print(str(error).rstrip("\n"), file=sys.stderr)
            return 1
        runner = StatementRunner(spark, sys.stdout, sys.stderr, output_format, not args.silent)
        if interactive:
            from ember.sql.shell.interactive import repl

            repl(spark, runner)
            return 0
        if args.file is not None:
            try:
                with open(args.file, encoding="utf-8") as f:
                    text = f.read()
            except OSError as error:
                print(f"Could not open input file for reading. ({error.strerror}: {args.file})", file=sys.stderr)
                return 1
        else:
            text = args.execute if args.execute is not None else sys.stdin.read()
        piped = args.execute is None and args.file is None
        return execute(spark, text, sys.stdout, sys.stderr, output_format, not args.silent, stop_on_error=not piped)
    finally:
        spark.stop()

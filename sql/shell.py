"""``ember-sql``: run SQL statements from ``-e``, from ``-f`` files, or interactively.

Statements end with ``;``. Each result prints as ``show()`` does. An error prints its
message and the shell goes on with the next statement (the exit status is 1 if any failed),
so one typo never ends an interactive session. ``CREATE TEMPORARY VIEW name USING fmt
OPTIONS (path '...')``-style DDL is not supported yet; views come from ``--view name=path``
(Parquet, CSV with a header, or JSON, by extension).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TextIO

from ember.errors import EmberException

__all__ = ["main", "execute", "split_statements"]


def split_statements(text: str) -> list[str]:
    """The ``;``-separated statements of ``text`` (semicolons inside quotes do not count)."""
    out, current, quote = [], [], None
    for ch in text:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"`":
            quote = ch
        elif ch == ";":
            out.append("".join(current))
            current = []
            continue
        current.append(ch)
    out.append("".join(current))
    return [s.strip() for s in out if s.strip()]


def _run(spark, statement: str, out: TextIO) -> bool:
    try:
        spark.sql(statement).show(truncate=False)
        return True
    except EmberException as e:
        print(f"Error: {e}", file=out)
        return False


def register_views(spark, views: list[str]) -> None:
    for item in views:
        name, _, path = item.partition("=")
        ext = os.path.splitext(path.rstrip("/"))[1].lower()
        reader = {".csv": lambda p: spark.read.csv(p, header=True, inferSchema=True),
                  ".json": spark.read.json}.get(ext, spark.read.parquet)
        reader(path).createOrReplaceTempView(name)


def _repl(spark, out: TextIO) -> bool:
    ok, buffer = True, ""
    while True:
        try:
            line = input("ember-sql> " if not buffer else "       -> ")
        except EOFError:
            return ok
        buffer += line + "\n"
        if ";" in line:
            for statement in split_statements(buffer):
                ok = _run(spark, statement, out) and ok
            buffer = ""


def execute(spark, text: str, out: TextIO = sys.stderr) -> int:
    """Run every statement of ``text``; 0 if all succeeded, else 1."""
    results = [_run(spark, s, out) for s in split_statements(text)]
    return 0 if all(results) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ember-sql", description="Run SQL on Ember.")
    parser.add_argument("-e", dest="execute", help="SQL statements to run")
    parser.add_argument("-f", dest="file", help="a file of SQL statements to run")
    parser.add_argument("--master", default="local[*]")
    parser.add_argument("--view", action="append", default=[], help="name=path: register a file as a view")
    args = parser.parse_args(argv)
    from ember.sql import SparkSession

    spark = SparkSession.builder.master(args.master).appName("ember-sql").getOrCreate()
    try:
        register_views(spark, args.view)
        if args.execute is None and args.file is None:
            return 0 if _repl(spark, sys.stderr) else 1
        text = args.execute if args.execute is not None else open(args.file, encoding="utf-8").read()
        return execute(spark, text)
    finally:
        spark.stop()


if __name__ == "__main__":
    sys.exit(main())

"""Seeded random tables for differential SQL tests, registered identically in Ember and DuckDB.

Every table has the same column *names*, so the query generator can join any two of them:

    k  INT       join key: small domain shared by all tables, skewed (one hot key), NULLs
    kb BIGINT    a second join key over the same domain as ``k`` (joins across INT/BIGINT)
    i  INT       small signed integers        b  BIGINT   larger signed integers
    d  DOUBLE    a few "round" values          m  DECIMAL(p, s), p and s drawn per table
    s  STRING    a small pool, with case, blanks, ``%``/``_`` and a non-ASCII letter
    dt DATE      days around 2020-01-01        f  BOOLEAN

Tables hold 0 to 60 rows; some are empty, some have one row, some repeat whole rows, and
each column has its own NULL rate. Values stay small enough that no arithmetic the query
generator emits overflows (Spark's ANSI mode raises where DuckDB may widen).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyarrow as pa

__all__ = ["COLUMN_TYPES", "Table", "random_tables", "register_ember", "register_duckdb", "values_sql"]

#: column name -> coarse type used by the query generator
COLUMN_TYPES: dict[str, str] = {
    "k": "int", "kb": "bigint", "i": "int", "b": "bigint", "d": "double",
    "m": "decimal", "s": "string", "dt": "date", "f": "boolean",
}

DECIMAL_SHAPES = ((10, 2), (5, 0), (18, 4), (7, 3))
STRINGS = ("", "a", "A", "ab", "abc", "b", "B ", " b", "x_y", "x%y", "é", "zz", "hello", "Hello")
DOUBLES = (0.0, 0.5, -1.25, 1.0, 2.0, 3.75, 100.0, -7.5, 1e3, 0.1)
EPOCH = datetime.date(2020, 1, 1)


@dataclass(frozen=True)
class Table:
    """One generated table: its name, the Spark DDL of its schema, and its rows as an Arrow table."""

    name: str
    ddl: str
    arrow: pa.Table

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        return [tuple(r.values()) for r in self.arrow.to_pylist()]

    def with_rows(self, rows: list[tuple[Any, ...]]) -> Table:
        columns = list(zip(*rows)) if rows else [[] for _ in self.arrow.schema]
        return Table(self.name, self.ddl, pa.table(
            [pa.array(list(c), type=f.type) for c, f in zip(columns, self.arrow.schema)], schema=self.arrow.schema))


def _key(rng: random.Random) -> int:
    """Join keys: one hot value (skew), a shared small domain, and the odd stray."""
    roll = rng.random()
    if roll < 0.35:
        return 1
    if roll < 0.9:
        return rng.randint(0, 6)
    return rng.randint(-3, 40)


def _value(rng: random.Random, name: str, scale: int, precision: int) -> Any:
    if name in ("k", "kb"):
        return _key(rng)
    if name == "i":
        return rng.choice((rng.randint(-5, 5), rng.randint(-100, 100), rng.randint(-1000, 1000)))
    if name == "b":
        return rng.choice((rng.randint(-5, 5), rng.randint(-10**6, 10**6)))
    if name == "d":
        return rng.choice(DOUBLES) if rng.random() < 0.6 else round(rng.uniform(-50, 50), 3)
    if name == "m":
        whole = 10 ** min(precision - scale, 4) - 1
        return Decimal(rng.randint(-whole * 10**scale, whole * 10**scale)).scaleb(-scale)
    if name == "s":
        return rng.choice(STRINGS)
    if name == "dt":
        return EPOCH + datetime.timedelta(days=rng.choice((0, 1, 31, rng.randint(-400, 400))))
    return rng.random() < 0.5


def _arrow_type(name: str, precision: int, scale: int) -> pa.DataType:
    return {"int": pa.int32(), "bigint": pa.int64(), "double": pa.float64(), "string": pa.string(),
            "date": pa.date32(), "boolean": pa.bool_(),
            "decimal": pa.decimal128(precision, scale)}[COLUMN_TYPES[name]]


def _random_table(rng: random.Random, name: str) -> Table:
    precision, scale = rng.choice(DECIMAL_SHAPES)
    n = rng.choice((0, 1, rng.randint(2, 12), rng.randint(2, 30), rng.randint(30, 60)))
    null_rate = {c: rng.choice((0.0, 0.1, 0.3)) for c in COLUMN_TYPES}
    rows: list[tuple[Any, ...]] = []
    for _ in range(n):
        if rows and rng.random() < 0.15:
            rows.append(rng.choice(rows))  # a duplicate row
            continue
        rows.append(tuple(None if rng.random() < null_rate[c] else _value(rng, c, scale, precision)
                          for c in COLUMN_TYPES))
    schema = pa.schema([(c, _arrow_type(c, precision, scale)) for c in COLUMN_TYPES])
    columns = list(zip(*rows)) if rows else [[] for _ in COLUMN_TYPES]
    arrow = pa.table([pa.array(list(col), type=f.type) for col, f in zip(columns, schema)], schema=schema)
    ddl = ", ".join(f"{c} {t.upper() if t != 'decimal' else f'DECIMAL({precision},{scale})'}"
                    for c, t in COLUMN_TYPES.items())
    return Table(name, ddl, arrow)


def random_tables(seed: int, count: int = 3) -> list[Table]:
    """``count`` tables ``t0, t1, …`` drawn from ``seed``."""
    rng = random.Random(seed)
    return [_random_table(rng, f"t{j}") for j in range(count)]


def register_ember(spark: Any, tables: list[Table]) -> None:
    for t in tables:
        spark.createDataFrame(t.rows, t.ddl).createOrReplaceTempView(t.name)


def register_duckdb(con: Any, tables: list[Table]) -> None:
    for t in tables:
        con.register(f"{t.name}_arrow", t.arrow)
        con.execute(f"CREATE OR REPLACE TABLE {t.name} AS SELECT * FROM {t.name}_arrow")
        con.unregister(f"{t.name}_arrow")


def _literal(value: Any, type_sql: str) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, datetime.date):
        return f"DATE '{value.isoformat()}'"
    return repr(value) if isinstance(value, float) else str(value)


def values_sql(table: Table) -> str:
    """A statement that rebuilds ``table`` in Spark SQL (and DuckDB): typed casts over inline VALUES."""
    names = list(COLUMN_TYPES)
    types = [part.split(" ", 1)[1] for part in table.ddl.split(", ")]
    casts = ", ".join(f"CAST({n} AS {t}) AS {n}" for n, t in zip(names, types))
    if not table.rows:
        nulls = ", ".join(f"CAST(NULL AS {t}) AS {n}" for n, t in zip(names, types))
        return f"CREATE OR REPLACE TEMPORARY VIEW {table.name} AS SELECT {nulls} WHERE FALSE;"
    values = ",\n    ".join("(" + ", ".join(_literal(v, t) for v, t in zip(row, types)) + ")" for row in table.rows)
    return (f"CREATE OR REPLACE TEMPORARY VIEW {table.name} AS SELECT {casts} FROM (VALUES\n    {values}\n"
            f") AS v({', '.join(names)});")

"""The 22 TPC-H queries in Spark SQL, with the specification's validation parameters.

Each query is a package data file ``qNN.sql`` in the standard text of the TPC-H specification,
written in Spark SQL's dialect: ``date '1998-12-01' - interval '90' day``, ``extract(year from
...)``, ``substring(c_phone, 1, 2)``. Q15's view ``revenue0`` is a ``WITH`` clause, as in Spark's
own TPC-H benchmark. The queries read the eight tables by name, so register them first, e.g.
``spark.read.parquet(path).createOrReplaceTempView("lineitem")``.

>>> from ember.examples import tpch
>>> tpch.query(6).split()[:4]
['select', 'sum(l_extendedprice', '*', 'l_discount)']
>>> len(tpch.QUERIES), tpch.TABLES[0]
(22, 'customer')
"""

from __future__ import annotations

from importlib import resources

__all__ = ["QUERIES", "TABLES", "query"]

TABLES: tuple[str, ...] = ("customer", "lineitem", "nation", "orders", "part", "partsupp",
                           "region", "supplier")
QUERIES: tuple[int, ...] = tuple(range(1, 23))


def query(n: int) -> str:
    """The text of TPC-H query ``n`` (1 to 22), without a trailing semicolon."""
    if n not in QUERIES:
        raise ValueError(f"TPC-H has queries 1 to 22, not {n!r}")
    return resources.files(__name__).joinpath(f"q{n:02d}.sql").read_text(encoding="utf-8")

"""Negated predicates and OR-ed join conditions through spark.sql, compared with DuckDB.

sqlglot marks ``a NOT LIKE b`` with a flag on the LIKE node rather than a NOT node; a
translator that misses the flag answers ``a LIKE b`` (TPC-H Q13 and Q16 did).
"""

from __future__ import annotations

import re

import duckdb
import pyarrow as pa
import pytest

P = pa.table({"id": pa.array([1, 2, 3, 4, 5, 6], pa.int64()),
              "s": ["special requests", "plain", None, "SPECIAL", "a%b", "requests special"],
              "n": pa.array([1, 5, None, 10, 3, 7], pa.int32())})
Q = pa.table({"id": pa.array([1, 2, 2, 5, 9], pa.int64()), "tag": ["x", "y", "z", "x", "y"]})


@pytest.fixture(scope="module")
def duck(spark):
    con = duckdb.connect()
    spark.createDataFrame(P.to_pylist(), "id BIGINT, s STRING, n INT").createOrReplaceTempView("np_p")
    spark.createDataFrame(Q.to_pylist(), "id BIGINT, tag STRING").createOrReplaceTempView("np_q")
    con.register("np_p", P)
    con.register("np_q", Q)
    yield con
    con.close()


@pytest.mark.parametrize("query,duck_query", [
    ("SELECT id FROM np_p WHERE s NOT LIKE '%special%'", None),
    ("SELECT id FROM np_p WHERE NOT s LIKE '%special%'", None),
    ("SELECT id FROM np_p WHERE s NOT RLIKE '^spec'", "SELECT id FROM np_p WHERE NOT regexp_matches(s, '^spec')"),
    ("SELECT id FROM np_p WHERE n NOT IN (1, 10)", None),
    ("SELECT id FROM np_p WHERE n NOT BETWEEN 2 AND 7", None),
    ("SELECT id, s NOT LIKE 'plain' FROM np_p", None),
    ("SELECT np_p.id, tag FROM np_p LEFT JOIN np_q ON np_p.id = np_q.id AND tag NOT LIKE 'x'", None),
    ("SELECT np_p.id, tag FROM np_p, np_q WHERE (np_p.id = np_q.id AND n > 2) OR (np_p.id = np_q.id AND tag = 'x')",
     None),
    ("SELECT np_p.id FROM np_p, np_q WHERE (np_p.id = np_q.id AND n > 2) OR (np_q.id = 9)", None),
])
def test_negated_and_or_ed_predicates_give_duckdbs_answer(spark, duck, query, duck_query):
    def multiset(rows):
        return sorted((tuple(r) for r in rows), key=str)

    assert multiset(spark.sql(query).collect()) == multiset(duck.execute(duck_query or query).fetchall())


def test_common_conjuncts_of_an_or_become_join_keys(spark, duck):
    df = spark.sql("SELECT np_p.id FROM np_p, np_q WHERE (np_p.id = np_q.id AND n > 2) "
                   "OR (np_p.id = np_q.id AND tag = 'x')")
    physical = df._qe.physical.tree_string()
    assert re.search(r"HashJoin \[id#\d+\], \[id#\d+\], Inner", physical), physical

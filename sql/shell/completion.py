"""Tab completion for the interactive shell: keywords, functions, tables and their columns.

Tables are the session's temporary views and the current database's tables, asked of the
catalog on each completion so new ones appear at once. Columns are offered for the tables
the statement names, so ``SELECT l_<Tab> FROM lineitem`` completes ``l_orderkey`` without
listing every column of every table.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

if TYPE_CHECKING:
    from ember.sql.session import SparkSession

__all__ = ["SqlCompleter", "KEYWORDS"]

KEYWORDS = tuple(sorted(set("""
ADD ALL ALTER AND ANTI AS ASC BETWEEN BY CACHE CASE CAST CLEAR COLUMNS CREATE CROSS CSV CUBE DATABASE
DATABASES DESC DESCRIBE DISTINCT DROP ELSE END EXCEPT EXISTS EXPLAIN EXTENDED FALSE FILTER FIRST FORMATTED
FROM FULL FUNCTION FUNCTIONS GROUP HAVING IF IN INNER INSERT INTERSECT INTERVAL INTO IS JOIN JSON LAST
LATERAL LAZY LEFT LIKE LIMIT NOT NULL NULLS OFFSET ON OPTIONS OR ORDER OUTER OVER OVERWRITE PARQUET
PARTITION PARTITIONED PIVOT REPLACE RESET RIGHT ROLLUP SELECT SEMI SET SHOW TABLE TABLES TEMPORARY THEN
TRUE UNCACHE UNION UNPIVOT USE USING VALUES VIEW VIEWS WHEN WHERE WINDOW WITH
""".split())))

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class SqlCompleter(Completer):
    """Completes the word before the cursor (case-insensitively) from the session's names."""

    def __init__(self, spark: SparkSession):
        self._spark = spark

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        word = document.get_word_before_cursor(pattern=_WORD)
        if not word:
            return
        prefix = word.lower()
        tables = self._tables()
        candidates = (list(self._columns(tables, document.text)) + tables + _functions()
                      + [k.lower() if word.islower() else k for k in KEYWORDS])
        seen: set[str] = set()
        for name in candidates:
            if name.lower().startswith(prefix) and name.lower() not in seen:
                seen.add(name.lower())
                yield Completion(name, start_position=-len(word))

    def _tables(self) -> list[str]:
        try:
            return [t.name for t in self._spark.catalog.listTables()]
        except Exception:  # a completion must never break the prompt
            return []

    def _columns(self, tables: list[str], text: str) -> Iterable[str]:
        named = {w.lower() for w in _WORD.findall(text)}
        for table in tables:
            if table.lower() in named:
                try:
                    yield from self._spark.table(table).columns
                except Exception:
                    continue


def _functions() -> list[str]:
    from ember.sql.functions import SQL_FUNCTIONS

    return sorted(SQL_FUNCTIONS)

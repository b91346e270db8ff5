"""``df.mergeInto(table, condition)``: ``MergeIntoWriter``, as PySpark 4.3 runs it on a classic session.

The builder records the clauses (``whenMatched().updateAll()``, ``whenNotMatched().insertAll()``,
...); ``merge()`` needs at least one. A session-catalog table — every table of Ember's warehouse —
does not support ``MERGE INTO`` in Spark (only v2 tables such as Delta's do), so ``merge()``
ends as Spark's does: ``NO_MERGE_ACTION_SPECIFIED`` without clauses, ``TABLE_OR_VIEW_NOT_FOUND``
for a missing table, and ``UNSUPPORTED_FEATURE.TABLE_OPERATION`` for an existing one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ember.sql.column import Column
from ember.sql.errors import SparkRuntimeException
from ember.sql.writer_v2 import target_table, unsupported_operation

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame

__all__ = ["MergeIntoWriter"]


class _Clause:
    def __init__(self, writer: MergeIntoWriter, when: str, condition: Column | None) -> None:
        self._writer, self._when, self._condition = writer, when, condition

    def _add(self, action: str) -> MergeIntoWriter:
        # Only whether there is a clause matters: merge() refuses every session-catalog table.
        self._writer._actions.append(f"when {self._when}: {action}")
        return self._writer


class _UpdateOrDelete(_Clause):
    def updateAll(self) -> MergeIntoWriter:
        return self._add("updateAll")

    def update(self, assignments: dict[str, Column]) -> MergeIntoWriter:
        return self._add("update")

    def delete(self) -> MergeIntoWriter:
        return self._add("delete")


class MergeIntoWriter:
    """Clauses of a ``MERGE INTO`` of this DataFrame's rows into ``table``; ``merge()`` runs it."""

    class WhenMatched(_UpdateOrDelete):
        """After ``whenMatched``: ``updateAll``, ``update`` or ``delete``."""

    class WhenNotMatchedBySource(_UpdateOrDelete):
        """After ``whenNotMatchedBySource``: ``updateAll``, ``update`` or ``delete``."""

    class WhenNotMatched(_Clause):
        """After ``whenNotMatched``: ``insertAll`` or ``insert``."""

        def insertAll(self) -> MergeIntoWriter:
            return self._add("insertAll")

        def insert(self, assignments: dict[str, Column]) -> MergeIntoWriter:
            return self._add("insert")

    def __init__(self, df: DataFrame, table: str, condition: Column) -> None:
        self._df = df
        self._table = table
        self._condition = condition
        self._actions: list[str] = []

    def whenMatched(self, condition: Column | None = None) -> MergeIntoWriter.WhenMatched:
        return self.WhenMatched(self, "matched", condition)

    def whenNotMatched(self, condition: Column | None = None) -> MergeIntoWriter.WhenNotMatched:
        return self.WhenNotMatched(self, "not matched", condition)

    def whenNotMatchedBySource(self, condition: Column | None = None) -> MergeIntoWriter.WhenNotMatchedBySource:
        return self.WhenNotMatchedBySource(self, "not matched by source", condition)

    def withSchemaEvolution(self) -> MergeIntoWriter:
        return self

    def merge(self) -> None:
        """Run the merge: refused for the warehouse's tables, as Spark refuses it for its session catalog's."""
        if not self._actions:
            raise SparkRuntimeException("NO_MERGE_ACTION_SPECIFIED", "df.mergeInto needs to be followed by at least "
                                        "one of whenMatched/whenNotMatched/whenNotMatchedBySource.", "42K0E")
        database, name = target_table(self._df, self._table)
        raise unsupported_operation(database, name, "MERGE INTO TABLE")

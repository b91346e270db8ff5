"""``spark.tvf``: table-valued functions as DataFrames (PySpark's ``TableValuedFunction``).

Each generator function (``explode``, ``inline``, ``json_tuple``, ``stack``, …) runs over a
single row with no columns, as Spark's table-valued function does, so its output columns are
the generator's own (``col``, ``key``/``value``, ``pos``, ``c0``…). ``range`` is
``spark.range``. The catalog functions (``sql_keywords``, ``collations``), the VARIANT
ones and ``python_worker_logs`` are refused by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ember.errors import PySparkValueError
from ember.sql import types as T
from ember.sql.errors import AnalysisException
from ember.sql.expressions import AttributeReference, new_expr_id
from ember.sql.plan import logical as L

if TYPE_CHECKING:
    from ember.sql.column import Column
    from ember.sql.dataframe import DataFrame
    from ember.sql.session import SparkSession

__all__ = ["TableValuedFunction"]


def _unsupported(name: str, why: str) -> AnalysisException:
    return AnalysisException("UNSUPPORTED_FEATURE", f"The table-valued function {name} is not supported by Ember: "
                             f"{why}.")


class TableValuedFunction:
    """Calls table-valued functions: ``spark.tvf.explode(array(lit(1), lit(2)))``."""

    def __init__(self, sparkSession: SparkSession):
        self._sparkSession = sparkSession

    def _generate(self, generator: Column) -> DataFrame:
        from ember.sql.dataframe import DataFrame

        # one row whose only column no user name can reach (Ember's batches cannot have zero columns)
        hidden = AttributeReference("", T.LongType(), False, new_expr_id())
        return DataFrame(self._sparkSession, L.Range(0, 1, 1, 1, hidden)).select(generator)

    def range(self, start: int, end: int | None = None, step: int = 1, numPartitions: int | None = None) -> DataFrame:
        """``spark.range``: one ``id`` column of longs from ``start`` to ``end`` (exclusive)."""
        return self._sparkSession.range(start, end, step, numPartitions)

    def explode(self, collection: Column) -> DataFrame:
        """A row per element of an array (``col``) or per entry of a map (``key``, ``value``)."""
        from ember.sql import functions as F

        return self._generate(F.explode(collection))

    def explode_outer(self, collection: Column) -> DataFrame:
        """``explode``, with one row of NULLs for a NULL or empty collection."""
        from ember.sql import functions as F

        return self._generate(F.explode_outer(collection))

    def inline(self, input: Column) -> DataFrame:
        """A row per struct of an array of structs, a column per field."""
        from ember.sql import functions as F

        return self._generate(F.inline(input))

    def inline_outer(self, input: Column) -> DataFrame:
        """``inline``, with one row of NULLs for a NULL or empty array."""
        from ember.sql import functions as F

        return self._generate(F.inline_outer(input))

    def json_tuple(self, input: Column, *fields: Column) -> DataFrame:
        """The top-level ``fields`` of a JSON object as string columns ``c0``, ``c1``, …"""
        from ember.sql import functions as F

        if not fields:
            raise PySparkValueError("CANNOT_BE_EMPTY", "At least one field must be specified.")
        return self._generate(F.json_tuple(input, *fields))

    def posexplode(self, collection: Column) -> DataFrame:
        """``explode`` with each element's position (``pos``)."""
        from ember.sql import functions as F

        return self._generate(F.posexplode(collection))

    def posexplode_outer(self, collection: Column) -> DataFrame:
        """``posexplode``, with one row of NULLs for a NULL or empty collection."""
        from ember.sql import functions as F

        return self._generate(F.posexplode_outer(collection))

    def stack(self, n: Column, *fields: Column) -> DataFrame:
        """``fields`` laid out in ``n`` rows (``col0``, ``col1``, …), NULL-padded."""
        from ember.sql import functions as F

        return self._generate(F.stack(n, *fields))

    def collations(self) -> DataFrame:
        raise _unsupported("collations", "Ember compares strings by their UTF-8 bytes only")

    def sql_keywords(self) -> DataFrame:
        raise _unsupported("sql_keywords", "Ember parses SQL with sqlglot, not Spark's grammar")

    def variant_explode(self, input: Column) -> DataFrame:
        raise _unsupported("variant_explode", "the VARIANT type is not supported")

    def variant_explode_outer(self, input: Column) -> DataFrame:
        raise _unsupported("variant_explode_outer", "the VARIANT type is not supported")

    def python_worker_logs(self) -> DataFrame:
        raise _unsupported("python_worker_logs", "Ember's workers do not collect logs into a table")

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__} object at {id(self):#x}>"

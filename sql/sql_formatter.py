"""``spark.sql(text, **kwargs)``: PySpark's ``{name}`` formatting of a query with Python objects.

A DataFrame becomes a temporary view (dropped once the query is parsed, since the plan has
read it by then), a Column that names a column becomes its name, a ``str`` becomes a quoted
SQL string literal (escaped as Spark renders one), and anything else its ``format`` text.
Values that belong in the query as data should go through ``args`` instead, as typed literals.
"""

from __future__ import annotations

import string
import uuid
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from ember.sql import expressions as E
from ember.sql.errors import EmberValueError
from ember.sql.column import expression_of

if TYPE_CHECKING:
    from ember.sql.session import SparkSession

__all__ = ["SQLStringFormatter"]


class SQLStringFormatter(string.Formatter):
    """Formats one query; ``clear()`` drops the views it registered."""

    def __init__(self, session: SparkSession) -> None:
        self._session = session
        self._views: list[tuple[Any, str]] = []

    def get_field(self, field_name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        value, first = super().get_field(field_name, args, kwargs)
        return self._sql_text(value, field_name), first

    def _sql_text(self, value: Any, field_name: str) -> Any:
        from ember.sql.column import Column
        from ember.sql.dataframe import DataFrame

        if isinstance(value, Column):
            if not isinstance(expression_of(value), (E.UnresolvedAttribute, E.AttributeReference)):
                raise EmberValueError("VALUE_NOT_PLAIN_COLUMN_REFERENCE", f"Value {value} in {field_name} should "
                                      "be a plain column reference such as `df.col` or `col('column')`.")
            return f"`{expression_of(value).name}`"
        if isinstance(value, DataFrame):
            for df, name in self._views:
                if df is value:
                    return name
            name = f"_pyspark_{uuid.uuid4().hex}"
            self._views.append((value, name))
            value.createOrReplaceTempView(name)
            return name
        if isinstance(value, str):
            return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
        return value

    def clear(self) -> None:
        for _, name in self._views:
            self._session.catalog.dropTempView(name)
        self._views = []

"""``SortOrder``: one key of an ``ORDER BY`` (direction and where NULLs go)."""

from __future__ import annotations

from dataclasses import dataclass

from ember.sql import types as T
from ember.sql.expressions.base import Expression

__all__ = ["SortOrder"]


@dataclass(frozen=True, slots=True)
class SortOrder(Expression):
    """Ascending sorts put NULLs first and descending last unless told otherwise (Spark's default)."""

    child: Expression
    ascending: bool = True
    nulls_first: bool | None = None

    child_fields = ("child",)

    @property
    def data_type(self) -> T.DataType:
        return self.child.data_type

    @property
    def nulls_go_first(self) -> bool:
        return self.ascending if self.nulls_first is None else self.nulls_first

    def to_string(self, ids: bool) -> str:
        direction = "ASC" if self.ascending else "DESC"
        nulls = "FIRST" if self.nulls_go_first else "LAST"
        return f"{self.child.to_string(ids)} {direction} NULLS {nulls}"

"""``DataFrame.to(schema)``: the columns matched by name to a schema, in its order and types.

Spark's rules: a column is found by name (case-insensitively); a nullable field the DataFrame
lacks becomes a NULL column, a non-nullable one is an unresolved column; a nullable column
cannot fill a non-nullable field; a column's type changes only by an ANSI store assignment
(numeric to numeric, NULL or anything atomic to string, date and timestamps among themselves),
so ``string`` does not become ``int``. Ember does not reorder or cast the fields *inside* a
struct, array or map column and says so.
"""

from __future__ import annotations

from ember.sql import expressions as E
from ember.sql import types as T
from ember.sql.analyzer.suggestions import unresolved_column
from ember.sql.errors import AnalysisException, EmberValueError
from ember.sql.plan import logical as L

__all__ = ["conform"]

_DATETIME = (T.DateType, T.TimestampType, T.TimestampNTZType)


def _store_assignable(src: T.DataType, to: T.DataType) -> bool:
    if isinstance(src, T.NullType):
        return True
    if isinstance(src, T.NumericType) and isinstance(to, T.NumericType):
        return True
    if isinstance(to, T.StringType):
        return isinstance(src, T.AtomicType)
    return isinstance(src, _DATETIME) and isinstance(to, _DATETIME)


def _column(attr: E.AttributeReference, field: T.StructField) -> E.Expression:
    if attr.nullable and not field.nullable:
        raise AnalysisException("NULLABLE_COLUMN_OR_FIELD", f"Column or field `{field.name}` is nullable while it's "
                                "required to be non-nullable.", "42000")
    src, to = attr.data_type, field.dataType
    if src == to:
        return E.Alias.make(attr, field.name) if attr.name != field.name else attr
    nested = (T.StructType, T.ArrayType, T.MapType)
    if isinstance(src, nested) and isinstance(to, nested) and type(src) is type(to):
        raise EmberValueError("UNSUPPORTED_FEATURE", f"DataFrame.to: column `{field.name}` would need its nested "
                              f"fields reordered or cast ({src.simpleString()} to {to.simpleString()}), which "
                              "Ember does not support.")
    if not _store_assignable(src, to):
        raise AnalysisException(
            "INVALID_COLUMN_OR_FIELD_DATA_TYPE", f"Column or field `{field.name}` is of type "
            f"\"{src.simpleString().upper()}\" while it's required to be \"{to.simpleString().upper()}\".", "42000")
    return E.Alias.make(E.Cast(attr, to), field.name)


def conform(plan: L.LogicalPlan, schema: T.StructType) -> L.LogicalPlan:
    """A projection of ``plan`` onto ``schema``'s fields."""
    by_name = {}
    for a in plan.output:
        by_name.setdefault(a.name.lower(), a)
    items: list[E.Expression] = []
    for field in schema.fields:
        attr = by_name.get(field.name.lower())
        if attr is not None:
            items.append(_column(attr, field))
        elif field.nullable:
            items.append(E.Alias.make(E.Cast(E.Literal.of(None), field.dataType), field.name))
        else:
            raise unresolved_column(field.name, [a.name for a in plan.output])
    return L.Project(tuple(items), plan)

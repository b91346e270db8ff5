"""``transform``, ``filter``, ``aggregate`` and the other functions taking lambdas.

From Python each takes a function over Columns (``lambda x: x + 1``), called once with
placeholder Columns to build the lambda's body, as PySpark does; from SQL the lambda arrives
already built (``x -> x + 1``).
"""

from __future__ import annotations

from typing import Any, Callable

from ember.sql import expressions as E
from ember.sql.column import Column, expression_of, to_expression, value_expression
from ember.sql.errors import EmberTypeError

__all__ = ["transform", "filter", "aggregate", "reduce", "exists", "forall", "zip_with", "map_filter",
           "transform_keys", "transform_values", "map_zip_with"]


def _lambda(f: Any, name: str) -> E.LambdaFunction:
    if isinstance(f, Column) and isinstance(expression_of(f), E.LambdaFunction):
        return expression_of(f)
    if not callable(f):
        raise EmberTypeError("NOT_CALLABLE", f"Argument `{name}` should be a callable, got {type(f).__name__}.")
    return E.lambda_from_callable(f, Column, lambda result: value_expression(result))


def _build(cls: type, arguments: list[Any], functions: list[Any]) -> Column:
    return Column(cls(tuple(to_expression(a) for a in arguments),
                      tuple(_lambda(f, "f") for f in functions)))


def transform(col: Any, f: Callable[..., Column]) -> Column:
    """Each element mapped by ``f(x)`` or ``f(x, i)`` (``i`` its 0-based index)."""
    return _build(E.ArrayTransform, [col], [f])


def filter(col: Any, f: Callable[..., Column]) -> Column:
    """The elements for which ``f(x)`` (or ``f(x, i)``) is true."""
    return _build(E.ArrayFilter, [col], [f])


def _aggregate(name: str, col: Any, initialValue: Any, merge: Callable, finish: Callable | None) -> Column:
    functions = (_lambda(merge, "merge"),
                 _lambda(finish, "finish") if finish is not None else _identity())
    return Column(E.ArrayAggregate((to_expression(col), value_expression(initialValue)), functions, name))


def _identity() -> E.LambdaFunction:
    """Spark's default ``finish``: ``lambdafunction(id, id)``."""
    variable = E.UnresolvedNamedLambdaVariable("id")
    return E.LambdaFunction(variable, (variable,))


def aggregate(col: Any, initialValue: Any, merge: Callable[[Column, Column], Column],
              finish: Callable[[Column], Column] | None = None) -> Column:
    """``merge(acc, x)`` folded over the elements from ``initialValue``, then ``finish(acc)``."""
    return _aggregate("aggregate", col, initialValue, merge, finish)


def reduce(col: Any, initialValue: Any, merge: Callable[[Column, Column], Column],
           finish: Callable[[Column], Column] | None = None) -> Column:
    """``aggregate`` under its other name."""
    return _aggregate("reduce", col, initialValue, merge, finish)


def exists(col: Any, f: Callable[[Column], Column]) -> Column:
    """True if ``f`` holds for some element (NULL if it holds for none but is NULL for one)."""
    return _build(E.ArrayExists, [col], [f])


def forall(col: Any, f: Callable[[Column], Column]) -> Column:
    """True if ``f`` holds for every element (NULL if it fails for none but is NULL for one)."""
    return _build(E.ArrayForAll, [col], [f])


def zip_with(left: Any, right: Any, f: Callable[[Column, Column], Column]) -> Column:
    """``f(x, y)`` over the two arrays' elements pairwise, the shorter padded with NULLs."""
    return _build(E.ZipWith, [left, right], [f])


def map_filter(col: Any, f: Callable[[Column, Column], Column]) -> Column:
    """The entries for which ``f(key, value)`` is true."""
    return _build(E.MapFilter, [col], [f])


def transform_keys(col: Any, f: Callable[[Column, Column], Column]) -> Column:
    """Each key replaced by ``f(key, value)``."""
    return _build(E.TransformKeys, [col], [f])


def transform_values(col: Any, f: Callable[[Column, Column], Column]) -> Column:
    """Each value replaced by ``f(key, value)``."""
    return _build(E.TransformValues, [col], [f])


def map_zip_with(col1: Any, col2: Any, f: Callable[[Column, Column, Column], Column]) -> Column:
    """``f(key, value1, value2)`` over the union of the two maps' keys (a missing value is NULL)."""
    return _build(E.MapZipWith, [col1, col2], [f])


def array_sort_with(col: Any, comparator: Callable[[Column, Column], Column]) -> Column:
    """``array_sort(col, comparator)``: sorted by ``comparator(l, r)``, negative when ``l`` goes first."""
    return _build(E.ArraySortWith, [col], [comparator])


def _sql_aggregate(name: str) -> Callable[..., Column]:
    def build(col: Column, zero: Column, merge: Column, finish: Column | None = None) -> Column:
        return _aggregate(name, col, zero, merge, finish)

    return build


SQL_FUNCTIONS: dict[str, Callable[..., Column]] = {
    "transform": transform, "filter": filter, "aggregate": _sql_aggregate("aggregate"),
    "reduce": _sql_aggregate("reduce"), "exists": exists, "forall": forall, "zip_with": zip_with,
    "map_filter": map_filter, "transform_keys": transform_keys, "transform_values": transform_values,
    "map_zip_with": map_zip_with,
}

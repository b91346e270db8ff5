"""Arrays, maps and structs: constructors, generators (``explode``…), element access, set operations,
sorting."""

from __future__ import annotations

import builtins
from typing import Any, Callable

from ember.sql import expressions as E
from ember.sql.column import Column, expression_of, value_expression
from ember.sql.function_groups.higher_order import array_sort_with
from ember.sql.function_groups.builders import (
    call as _call, col_arg as _c, literal_value as _lit_value, seed_value, sql_call as _sql_call, sql_namer,
    unary as _unary,
)

__all__ = [
    "array", "struct", "named_struct", "create_map", "size", "cardinality", "explode", "explode_outer",
    "posexplode", "posexplode_outer", "array_contains", "array_distinct", "array_join", "array_max", "array_min",
    "array_position", "array_remove", "array_repeat", "array_union", "array_intersect", "array_except",
    "arrays_overlap", "arrays_zip", "element_at", "try_element_at", "get", "flatten", "sequence", "slice",
    "sort_array", "array_sort", "array_append", "array_prepend", "array_compact", "array_size", "map_keys",
    "map_values", "map_from_arrays", "map_contains_key", "map_entries", "map_from_entries", "map_concat", "shuffle",
]

SQL_FUNCTIONS: dict[str, Callable[..., Column]] = {}
_sql_name = sql_namer(SQL_FUNCTIONS)


@_sql_name()
def array(*cols: Any) -> Column:
    if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
        cols = tuple(cols[0])
    return Column(E.CreateArray(tuple(_c(c) for c in cols)))


@_sql_name()
def explode(col: Any) -> Column:
    """One row per element of an array (column ``col``) or entry of a map (``key``, ``value``)."""
    return Column(E.Explode(_c(col)))


@_sql_name()
def explode_outer(col: Any) -> Column:
    """``explode``, but a NULL or empty array or map still gives one row (of NULLs)."""
    return Column(E.Explode(_c(col), is_outer=True))


@_sql_name()
def posexplode(col: Any) -> Column:
    """``explode`` with each element's position (``pos``, from 0) before it."""
    return Column(E.Explode(_c(col), with_position=True))


@_sql_name()
def posexplode_outer(col: Any) -> Column:
    return Column(E.Explode(_c(col), with_position=True, is_outer=True))


@_sql_name()
def struct(*cols: Any) -> Column:
    if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
        cols = tuple(cols[0])
    items = tuple(_c(c) for c in cols)
    names = tuple(
        E.output_name(e) if isinstance(e, (E.Alias, E.UnresolvedAttribute, E.AttributeReference)) else f"col{i + 1}"
        for i, e in builtins.enumerate(items)
    )
    items = tuple(e.child if isinstance(e, E.Alias) else e for e in items)
    return Column(E.CreateStruct(names, items))


@_sql_name("size", "cardinality")
def size(col: Any) -> Column:
    return Column(E.Size(_c(col)))


for _name in (
    "array_contains", "array_distinct", "array_join", "array_max", "array_min", "array_position", "array_remove",
    "array_repeat", "array_union", "array_intersect", "array_except", "arrays_overlap", "arrays_zip", "element_at",
    "flatten", "sequence", "slice", "sort_array", "map_keys", "map_values", "map_from_arrays", "array_append",
    "array_prepend", "array_compact", "array_size", "map_contains_key", "map_entries", "map_from_entries",
    "map_concat", "try_element_at", "get", "map",
):
    SQL_FUNCTIONS[_name] = _sql_call(_name)
for _alias, _name in {"array_to_string": "array_join", "generate_series": "sequence"}.items():
    SQL_FUNCTIONS[_alias] = _sql_call(_name)


@_sql_name("array_sort")
def _array_sort_sql(array: Column, *flags: Column) -> Column:
    """sqlglot's one node for ``sort_array(a[, asc])`` (NULLs first) and ``array_sort(a)`` (NULLs last)."""
    if len(flags) == 1 and isinstance(expression_of(flags[0]), E.LambdaFunction):
        return array_sort_with(array, flags[0])
    *asc, nulls_first = flags
    if asc or _lit_value(nulls_first, "nulls_first"):
        return _call("sort_array", expression_of(array), *([expression_of(a) for a in asc] or [E.Literal.of(True)]))
    return _call("array_sort", expression_of(array))


@_sql_name("array_slice")
def _array_slice_sql(array: Column, start: Column, length: Column, *flags: Column) -> Column:
    return _call("slice", expression_of(array), expression_of(start), expression_of(length))


array_distinct, array_max, array_min = (_unary(n) for n in ("array_distinct", "array_max", "array_min"))
flatten, map_keys, map_values = (_unary(n) for n in ("flatten", "map_keys", "map_values"))


array_compact, array_size = _unary("array_compact"), _unary("array_size")
map_entries, map_from_entries = _unary("map_entries"), _unary("map_from_entries")


def array_contains(col: Any, value: Any) -> Column:
    return _call("array_contains", _c(col), value_expression(value))


def array_join(col: Any, delimiter: str, null_replacement: str | None = None) -> Column:
    extra = () if null_replacement is None else (value_expression(null_replacement),)
    return _call("array_join", _c(col), value_expression(delimiter), *extra)


def array_position(col: Any, value: Any) -> Column:
    return _call("array_position", _c(col), value_expression(value))


def array_remove(col: Any, element: Any) -> Column:
    return _call("array_remove", _c(col), value_expression(element))


def array_repeat(col: Any, count: Any) -> Column:
    return _call("array_repeat", _c(col), value_expression(count) if isinstance(count, int) else _c(count))


def _array_pair(name: str) -> Callable[[Any, Any], Column]:
    def fn(col1: Any, col2: Any) -> Column:
        return _call(name, _c(col1), _c(col2))

    fn.__name__ = fn.__qualname__ = name
    return fn


array_union, array_intersect = _array_pair("array_union"), _array_pair("array_intersect")
array_except, arrays_overlap = _array_pair("array_except"), _array_pair("arrays_overlap")
map_from_arrays = _array_pair("map_from_arrays")


def arrays_zip(*cols: Any) -> Column:
    return _call("arrays_zip", *(_c(c) for c in cols))


def element_at(col: Any, extraction: Any) -> Column:
    return _call("element_at", _c(col), value_expression(extraction))


def sequence(start: Any, stop: Any, step: Any = None) -> Column:
    return _call("sequence", _c(start), _c(stop), *(() if step is None else (_c(step),)))


def slice(x: Any, start: Any, length: Any) -> Column:
    def arg(v: Any) -> E.Expression:
        return value_expression(v) if isinstance(v, int) else _c(v)

    return _call("slice", _c(x), arg(start), arg(length))


def sort_array(col: Any, asc: bool = True) -> Column:
    return _call("sort_array", _c(col), value_expression(asc))


def array_sort(col: Any, comparator: Any = None) -> Column:
    """Ascending with NULLs last, or by ``comparator(l, r)`` (negative when ``l`` goes first)."""
    if comparator is not None:
        return array_sort_with(col, comparator)
    return _call("array_sort", _c(col))


def create_map(*cols: Any) -> Column:
    """A map from alternating key and value columns: ``create_map(k1, v1, k2, v2)``."""
    if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
        cols = tuple(cols[0])
    return _call("map", *(_c(c) for c in cols))


@_sql_name("var_map")
def _var_map_sql(keys: Column, values: Column) -> Column:
    """sqlglot's ``map(k1, v1, ...)``: the keys and the values as two arrays."""
    pairs = [e for kv in zip(expression_of(keys).items, expression_of(values).items) for e in kv]
    return _call("map", *pairs)


@_sql_name()
def named_struct(*cols: Any) -> Column:
    """A struct from alternating name literals and values: ``named_struct(lit("a"), col("x"))``."""
    names = [_lit_value(c, "The field name of named_struct") for c in cols[0::2]]
    return Column(E.CreateStruct(tuple(names), tuple(_c(c) for c in cols[1::2]), "named_struct"))


def get(col: Any, index: Any) -> Column:
    return _call("get", _c(col), value_expression(index) if isinstance(index, int) else _c(index))


def try_element_at(col: Any, extraction: Any) -> Column:
    return _call("try_element_at", _c(col), _c(extraction))


def array_append(col: Any, value: Any) -> Column:
    return _call("array_append", _c(col), value_expression(value))


def array_prepend(col: Any, value: Any) -> Column:
    return _call("array_prepend", _c(col), value_expression(value))


def map_contains_key(col: Any, value: Any) -> Column:
    return _call("map_contains_key", _c(col), value_expression(value))


def map_concat(*cols: Any) -> Column:
    return _call("map_concat", *(_c(c) for c in cols))


cardinality = size


def shuffle(col: Any, seed: Any = None) -> Column:
    """Each array's elements in a random order; deterministic per ``seed`` and partition, but numpy's
    order, not Spark's."""
    from ember.sql.expressions.random_values import Shuffle

    return Column(Shuffle(seed_value(seed), _c(col)))


SQL_FUNCTIONS["shuffle"] = shuffle

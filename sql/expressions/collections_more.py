"""Array, map and struct functions as ``FunctionSpec``s (see ``function_call.py``), per row over
Python lists: Arrow's list kernels cover too little of Spark's semantics (NULL elements kept,
1-based and negative positions, order of first appearance) to be used directly.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.errors import AnalysisException, SparkRuntimeException
from ember.sql.expressions.coercion import cast_if_needed, cast_to_common_type, common_type
from ember.sql.expressions.function_call import ANY, FunctionCall, FunctionSpec, register
from ember.sql.expressions.literals import Literal

__all__: list[str] = []

ARRAY = T.ArrayType(T.NullType(), True)
I = T.IntegerType()


def first_type(types: list[T.DataType]) -> T.DataType:
    return types[0]


def _element(types: list[T.DataType]) -> T.DataType:
    dt = types[0]
    if isinstance(dt, T.ArrayType):
        return dt.elementType
    if isinstance(dt, T.MapType):
        return dt.valueType
    return T.NullType()


def _require_array(call: FunctionCall, i: int = 0) -> T.ArrayType:
    dt = call.args[i].data_type
    if not isinstance(dt, T.ArrayType):
        ordinal = ["first", "second", "third"][i]
        raise AnalysisException(
            "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
            f"Cannot resolve \"{call.sql()}\" due to data type mismatch: The {ordinal} parameter requires the "
            f"\"ARRAY\" type, however \"{call.args[i].sql()}\" has the type \"{dt.simpleString().upper()}\".",
        )
    return dt


def array_and_element(call: FunctionCall) -> tuple:
    """An array and a value of its element type (``array_contains``, ``array_position``, ``array_remove``)."""
    dt = _require_array(call)
    value = call.args[1]
    target = common_type([dt.elementType, value.data_type])
    if target is None:
        raise AnalysisException(
            "DATATYPE_MISMATCH.ARRAY_FUNCTION_DIFF_TYPES",
            f"Cannot resolve \"{call.sql()}\" due to data type mismatch: Input to `{call.name}` should have been "
            f"\"ARRAY\" followed by a value with same element type, but it's [\"{dt.simpleString().upper()}\", "
            f"\"{value.data_type.simpleString().upper()}\"].",
        )
    array = cast_if_needed(call.args[0], T.ArrayType(target, dt.containsNull))
    return (array, cast_if_needed(value, target)) + tuple(call.args[2:])


def _arrays(call: FunctionCall) -> tuple:
    """Arrays cast to one common array type (``array_union`` and friends, ``concat`` of arrays)."""
    for i in range(len(call.args)):
        _require_array(call, i)
    target = common_type([a.data_type for a in call.args])
    if target is None:
        raise AnalysisException(
            "DATATYPE_MISMATCH.BINARY_ARRAY_DIFF_TYPES",
            f"Cannot resolve \"{call.sql()}\" due to data type mismatch: Input to function `{call.name}` should "
            f"have been two \"ARRAY\" with same element type.",
        )
    return tuple(cast_if_needed(a, target) for a in call.args)


def _all_arrays(call: FunctionCall) -> tuple:
    for i in range(len(call.args)):
        _require_array(call, i)
    return call.args


def _one_array(call: FunctionCall) -> tuple:
    _require_array(call)
    return (call.args[0],) + tuple(cast_if_needed(a, I) for a in call.args[1:])


def _distinct(values: list) -> list:
    out: list = []
    for v in values:
        if v not in out:
            out.append(v)
    return out


def _sort_key(v: Any) -> tuple:
    """Spark's order: NULL first; structs field by field, arrays element by element (NULLs first within)."""
    if isinstance(v, dict):
        v = tuple(_sort_key(x) for x in v.values())
    elif isinstance(v, list):
        v = tuple(_sort_key(x) for x in v)
    return (v is not None, v)


def _sort_array(values: list, asc: bool = True) -> list:
    """NULLs first ascending, last descending."""
    return sorted(values, key=_sort_key, reverse=not asc)


def _array_sort(values: list) -> list:
    """Ascending with NULLs last."""
    return sorted([v for v in values if v is not None]) + [v for v in values if v is None]


def _element_at_args(call: FunctionCall) -> tuple:
    """The container, the key or index (cast to the map's key type or int), and whether it is a map."""
    container, key = call.args
    dt = container.data_type
    if isinstance(dt, T.MapType):
        return container, cast_if_needed(key, dt.keyType), Literal(True, T.BooleanType())
    _require_array(call)
    return container, cast_if_needed(key, I), Literal(False, T.BooleanType())


def _element_at(container, key, is_map):
    if not is_map:
        if key == 0:
            raise SparkRuntimeException("INVALID_INDEX_OF_ZERO", "The index 0 is invalid. An index shall be either < 0 "
                                    "or > 0 (the first element has index 1).")
        if abs(key) > len(container):
            raise SparkRuntimeException(
                "INVALID_ARRAY_INDEX_IN_ELEMENT_AT",
                f"The index {key} is out of bounds. The array has {len(container)} elements. Use `try_element_at` "
                "to tolerate accessing element at invalid index and return NULL instead.")
        return container[key - 1] if key > 0 else container[key]
    return dict(container).get(key)


def _slice(values: list, start: int, length: int) -> list:
    if start == 0:
        raise SparkRuntimeException("INVALID_PARAMETER_VALUE.START",
                                "The value of parameter(s) `start` in `slice` is invalid: Expects a positive or "
                                "a negative value for `start`, but got 0.")
    if length < 0:
        raise SparkRuntimeException("INVALID_PARAMETER_VALUE.LENGTH",
                                "The value of parameter(s) `length` in `slice` is invalid: Expects `length` "
                                f"greater than or equal to 0, but got {length}.")
    begin = start - 1 if start > 0 else len(values) + start
    if begin < 0:
        return []
    return values[begin:begin + length]


def _sequence(start: int, stop: int, step: int | None = None) -> list:
    step = step if step is not None else (1 if stop >= start else -1)
    if step == 0 or (stop - start) * step < 0:
        if start == stop:
            return [start]
        raise SparkRuntimeException("INVALID_SEQUENCE_STEP",
                                f"Illegal sequence boundaries: {start} to {stop} by {step}.")
    return list(range(start, stop + (1 if step > 0 else -1), step))


def _flatten(values: list) -> list | None:
    if any(v is None for v in values):
        return None
    return [x for v in values for x in v]


def _arrays_zip(*args) -> list | None:
    *arrays, names = args
    if any(a is None for a in arrays):
        return None
    n = max((len(a) for a in arrays), default=0)
    return [{name: (a[j] if j < len(a) else None) for name, a in zip(names.split("\0"), arrays)} for j in range(n)]


def _zip_args(call: FunctionCall) -> tuple:
    """The arrays, then their field names: the input column's name, else its position (as Spark)."""
    from ember.sql.expressions.named import AttributeReference

    _all_arrays(call)
    names = [a.name if isinstance(a, AttributeReference) else str(i) for i, a in enumerate(call.args)]
    return tuple(call.args) + (Literal("\0".join(names), T.StringType()),)


def _zip_type(types: list[T.DataType]) -> T.DataType:
    return T.ArrayType(T.StructType([T.StructField(str(i), t.elementType, True)
                                     for i, t in enumerate(types[:-1])]), False)


def _zip_type_named(args: list) -> T.DataType:
    names = args[-1].value.split("\0")
    return T.ArrayType(T.StructType([T.StructField(n, a.data_type.elementType, True)
                                     for n, a in zip(names, args[:-1])]), False)


def _map_keys_type(types: list[T.DataType]) -> T.DataType:
    return T.ArrayType(types[0].keyType, False)


def _map_values_type(types: list[T.DataType]) -> T.DataType:
    return T.ArrayType(types[0].valueType, types[0].valueContainsNull)


def _map_part(maps: pa.MapArray, keys: bool) -> pa.ListArray:
    """A map column's keys or values as arrays, sharing the map's offsets (no copy per row).
    ``keys``/``items`` are the whole child arrays, which a sliced map's offsets index into."""
    part = maps.keys if keys else maps.items
    if len(part) == 0:  # no entries at all, maybe map<void,void> (``map()``), whose keys Arrow stores as strings
        part = pa.array([], pa.null())
    lists = pa.ListArray.from_arrays(maps.offsets, part)
    return pc.if_else(pc.is_valid(maps), lists, pa.scalar(None, lists.type))


def _map_from_arrays(keys: list, values: list) -> list:
    if len(keys) != len(values):
        raise SparkRuntimeException("INVALID_PARAMETER_VALUE", "The key array and value array of MapData must have the "
                                "same length.")
    if any(k is None for k in keys):
        raise SparkRuntimeException("NULL_MAP_KEY", "Cannot use null as map key.")
    return list(zip(keys, values))


def _require_map(call: FunctionCall) -> tuple:
    dt = call.args[0].data_type
    if not isinstance(dt, T.MapType):
        raise AnalysisException(
            "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
            f"Cannot resolve \"{call.sql()}\" due to data type mismatch: The first parameter requires the "
            f"\"MAP\" type, however \"{call.args[0].sql()}\" has the type \"{dt.simpleString().upper()}\".",
        )
    return call.args


def _array_position(values: list, v) -> int:
    return values.index(v) + 1 if v in values else 0


def _repeat_type(types: list[T.DataType]) -> T.DataType:
    return T.ArrayType(types[0], True)


def _array_repeat_args(call: FunctionCall) -> tuple:
    return call.args[0], cast_if_needed(call.args[1], I)


def _array_join(values: list, sep: str, null_replacement: str | None = None) -> str:
    items = [null_replacement if v is None else str(v) for v in values]
    return sep.join(v for v in items if v is not None)


def _array_join_args(call: FunctionCall) -> tuple:
    _require_array(call)
    return (call.args[0],) + tuple(cast_if_needed(a, T.StringType()) for a in call.args[1:])


def _except(a: list, b: list) -> list:
    return [v for v in _distinct(a) if v not in b]


def _map_args(call: FunctionCall) -> tuple:
    """Keys cast to one type and values to another (``map(k1, v1, k2, v2, ...)``)."""
    if len(call.args) % 2:
        raise AnalysisException(
            "WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
            f"The `map` requires 2n (n > 0) parameters but the actual number is {len(call.args)}.", "42605")
    keys = cast_to_common_type(call, call.args[0::2], "map")
    values = cast_to_common_type(call, call.args[1::2], "map")
    return tuple(e for kv in zip(keys, values) for e in kv)


def _map_type(types: list[T.DataType]) -> T.DataType:
    if not types:
        return T.MapType(T.NullType(), T.NullType(), False)
    return T.MapType(types[0], types[1], True)


def _create_map(*items) -> list:
    keys = items[0::2]
    if any(k is None for k in keys):
        raise SparkRuntimeException("NULL_MAP_KEY", "Cannot use null as map key.")
    return list(zip(keys, items[1::2]))


def _array_sort_name(args: list[str]) -> str:
    """Spark names ``array_sort(a)`` after the default comparator it adds."""
    v = "namedlambdavariable()"
    comparator = (f"(IF((({v} IS NULL) AND ({v} IS NULL)), 0, (IF(({v} IS NULL), 1, (IF(({v} IS NULL), -1, "
                  f"(IF(({v} < {v}), -1, (IF(({v} > {v}), 1, 0))))))))))")
    return f"array_sort({args[0]}, lambdafunction({comparator}, {v}, {v}))"


def _entries_type(types: list[T.DataType]) -> T.DataType:
    m = types[0]
    return T.ArrayType(T.StructType([T.StructField("key", m.keyType, False),
                                     T.StructField("value", m.valueType, m.valueContainsNull)]), False)


def _from_entries_type(types: list[T.DataType]) -> T.DataType:
    entry = types[0].elementType
    return T.MapType(entry.fields[0].dataType, entry.fields[1].dataType, True)


def _map_from_entries(entries: list) -> list | None:
    if any(e is None for e in entries):
        return None
    pairs = [tuple(e.values()) for e in entries]
    if any(k is None for k, _ in pairs):
        raise SparkRuntimeException("NULL_MAP_KEY", "Cannot use null as map key.")
    return pairs


def _maps(call: FunctionCall) -> tuple:
    for arg in call.args:
        if not isinstance(arg.data_type, T.MapType):
            _require_map(FunctionCall(call.name, (arg,)))
    target = common_type([a.data_type for a in call.args])
    if target is None:
        raise AnalysisException(
            "DATATYPE_MISMATCH.DATA_DIFF_TYPES",
            f"Cannot resolve \"{call.sql()}\" due to data type mismatch: Input to `map_concat` should all be the "
            "same type.")
    return tuple(cast_if_needed(a, target) for a in call.args)


def _map_concat(*maps) -> list | None:
    if any(m is None for m in maps):
        return None
    merged: dict = {}
    for m in maps:
        for k, v in m:
            if k in merged:
                raise SparkRuntimeException(
                    "DUPLICATED_MAP_KEY", f"Duplicate map key {k} was found, please check the input data.")
            merged[k] = v
    return list(merged.items())


def _get(values: list, index: int):
    return values[index] if 0 <= index < len(values) else None


def _try_element_at(container, key, is_map):
    if not is_map and (key == 0 or abs(key) > len(container)):
        return None
    return _element_at(container, key, is_map)


for spec in [
    FunctionSpec("array_append", (ANY, ANY), first_type, coerce_args=array_and_element, null_safe=True,
                 row=lambda a, v: None if a is None else a + [v]),
    FunctionSpec("array_prepend", (ANY, ANY), first_type, coerce_args=array_and_element, null_safe=True,
                 row=lambda a, v: None if a is None else [v] + a),
    FunctionSpec("array_compact", (ANY,), first_type, coerce_args=_one_array,
                 row=lambda a: [v for v in a if v is not None]),
    FunctionSpec("array_size", (ANY,), I, coerce_args=_one_array, vector=lambda a: pc.list_value_length(a).cast(
        pa.int32())),
    FunctionSpec("map_contains_key", (ANY, ANY), T.BooleanType(), row=lambda m, k, _: any(x == k for x, _ in m),
                 coerce_args=_element_at_args, fmt=lambda a: f"map_contains_key({a[0]}, {a[1]})"),
    FunctionSpec("map_entries", (ANY,), _entries_type, coerce_args=_require_map,
                 row=lambda m: [{"key": k, "value": v} for k, v in m]),
    FunctionSpec("map_from_entries", (ANY,), _from_entries_type, coerce_args=_one_array, row=_map_from_entries),
    FunctionSpec("map_concat", (ANY,), first_type, variadic=True, coerce_args=_maps, row=_map_concat),
    FunctionSpec("try_element_at", (ANY, ANY), _element, row=_try_element_at, coerce_args=_element_at_args,
                 fmt=lambda a: f"try_element_at({a[0]}, {a[1]})"),
    FunctionSpec("get", (ANY, I), _element, coerce_args=_one_array, row=_get),
    FunctionSpec("map", (ANY,), _map_type, variadic=True, min_args=0, null_safe=True, nullable=False,
                 coerce_args=_map_args, row=_create_map),
    FunctionSpec("array_contains", (ANY, ANY), T.BooleanType(), coerce_args=array_and_element,
                 row=lambda a, v: True if v in a else (None if None in a else False)),
    FunctionSpec("array_position", (ANY, ANY), T.LongType(), coerce_args=array_and_element, row=_array_position),
    FunctionSpec("array_remove", (ANY, ANY), first_type, coerce_args=array_and_element,
                 row=lambda a, v: [x for x in a if x != v]),
    FunctionSpec("array_distinct", (ANY,), first_type, coerce_args=_one_array, row=_distinct),
    FunctionSpec("array_max", (ANY,), _element, coerce_args=_one_array,
                 row=lambda a: max((x for x in a if x is not None), default=None)),
    FunctionSpec("array_min", (ANY,), _element, coerce_args=_one_array,
                 row=lambda a: min((x for x in a if x is not None), default=None)),
    FunctionSpec("array_join", (ANY, ANY, ANY), T.StringType(), min_args=2, coerce_args=_array_join_args,
                 row=_array_join),
    FunctionSpec("array_repeat", (ANY, I), _repeat_type, coerce_args=_array_repeat_args, null_safe=True,
                 row=lambda v, n: None if n is None else [v] * max(n, 0)),
    FunctionSpec("array_union", (ANY, ANY), first_type, coerce_args=_arrays, row=lambda a, b: _distinct(a + b)),
    FunctionSpec("array_intersect", (ANY, ANY), first_type, coerce_args=_arrays,
                 row=lambda a, b: [v for v in _distinct(a) if v in b]),
    FunctionSpec("array_except", (ANY, ANY), first_type, coerce_args=_arrays, row=_except),
    FunctionSpec("arrays_overlap", (ANY, ANY), T.BooleanType(), coerce_args=_arrays,
                 row=lambda a, b: True if any(v in b for v in a if v is not None) else
                 (None if a and b and (None in a or None in b) else False)),
    FunctionSpec("array_concat", (ANY,), first_type, variadic=True, coerce_args=_arrays,
                 row=lambda *arrays: [x for a in arrays for x in a], fmt=lambda a: f"concat({', '.join(a)})"),
    FunctionSpec("arrays_zip", (ANY,), _zip_type_named, variadic=True, null_safe=True, row=_arrays_zip,
                 typed_by_args=True, coerce_args=_zip_args, hidden_args=1),
    FunctionSpec("element_at", (ANY, ANY), _element, row=_element_at, coerce_args=_element_at_args,
                 fmt=lambda a: f"element_at({a[0]}, {a[1]})"),
    FunctionSpec("flatten", (ANY,), lambda t: t[0].elementType, coerce_args=_one_array, row=_flatten),
    FunctionSpec("sequence", (T.LongType(), T.LongType(), T.LongType()), lambda t: T.ArrayType(T.LongType(), False),
                 min_args=2, row=_sequence),
    FunctionSpec("slice", (ANY, I, I), first_type, coerce_args=_one_array, row=_slice),
    FunctionSpec("sort_array", (ANY, T.BooleanType()), first_type, min_args=1, coerce_args=_one_array,
                 row=_sort_array),
    FunctionSpec("array_sort", (ANY,), first_type, coerce_args=_one_array, row=_array_sort, fmt=_array_sort_name),
    FunctionSpec("map_keys", (ANY,), _map_keys_type, coerce_args=_require_map, vector=lambda m: _map_part(m, True)),
    FunctionSpec("map_values", (ANY,), _map_values_type, coerce_args=_require_map,
                 vector=lambda m: _map_part(m, False)),
    FunctionSpec("map_from_arrays", (ANY, ANY), lambda t: T.MapType(t[0].elementType, t[1].elementType, True),
                 row=_map_from_arrays),
]:
    register(spec)

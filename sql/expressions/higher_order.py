"""Higher-order functions: ``transform``, ``filter``, ``aggregate``, ``exists`` … over lambdas.

A lambda is a ``LambdaFunction(body, params)``. It is built with ``UnresolvedNamedLambdaVariable``
parameters (from Python callables or SQL's ``x -> x + 1``); once the function's array or map
arguments are resolved, ``coerce`` binds them: each parameter becomes a typed
``NamedLambdaVariable`` with a fresh id, and the body is coerced like any expression.

Evaluation is vectorised, never a Python call per element: the array (or map) column is
unnested into one flat batch holding each element as a column, the outer columns the body reads
repeated per element, and the body is evaluated once over that batch; the results are cut back
into one list per row with the original offsets. ``aggregate`` folds position by position, one
vectorised step per element position across all rows. Only ``array_sort`` with a comparator
sorts row by row, over a comparison matrix that was itself computed in one vectorised pass.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_type
from ember.sql.errors import AnalysisException, SparkRuntimeException
from ember.sql.expressions.base import ArrowValue, Expression, as_array
from ember.sql.expressions.named import BoundReference, new_expr_id

__all__ = [
    "UnresolvedNamedLambdaVariable", "NamedLambdaVariable", "LambdaFunction", "HigherOrderFunction",
    "ArrayTransform", "ArrayFilter", "ArrayExists", "ArrayForAll", "ArrayAggregate", "ZipWith", "ArraySortWith",
    "MapFilter", "TransformKeys", "TransformValues", "MapZipWith", "fresh_lambda_name", "binds_lambdas",
    "lambda_from_callable",
]

_fresh = itertools.count()


def fresh_lambda_name(name: str) -> str:
    """A process-wide unique variable name, ``x_0``, ``x_1``…, as Spark names Python lambdas' parameters."""
    return f"{name}_{next(_fresh)}"


@dataclass(frozen=True, slots=True)
class UnresolvedNamedLambdaVariable(Expression):
    """A lambda parameter (or a use of it in the body) before the lambda is bound."""

    name: str

    @property
    def resolved(self) -> bool:
        return False

    def to_string(self, ids: bool) -> str:
        return self.name if ids else "namedlambdavariable()"


@dataclass(frozen=True, slots=True)
class NamedLambdaVariable(Expression):
    """A bound lambda parameter: evaluated from the flat batch column its function appended."""

    name: str
    dtype: T.DataType
    is_nullable: bool
    expr_id: int

    @property
    def data_type(self) -> T.DataType:
        return self.dtype

    @property
    def nullable(self) -> bool:
        return self.is_nullable

    @property
    def foldable(self) -> bool:
        return False

    @property
    def key(self) -> str:
        return f"\x00lambda#{self.expr_id}"

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return batch.column(batch.schema.get_field_index(self.key))

    def to_string(self, ids: bool) -> str:
        return f"lambda {self.name}#{self.expr_id}" if ids else "namedlambdavariable()"


@dataclass(frozen=True, slots=True)
class LambdaFunction(Expression):
    """``(params) -> body``; printed as Spark prints it, ``lambdafunction(body, params...)``."""

    body: Expression
    params: tuple[Expression, ...]

    child_fields = ("body", "params")

    @property
    def data_type(self) -> T.DataType:
        return self.body.data_type

    @property
    def nullable(self) -> bool:
        return self.body.nullable

    @property
    def foldable(self) -> bool:
        return False

    @property
    def bound(self) -> bool:
        return all(isinstance(p, NamedLambdaVariable) for p in self.params)

    def bind(self, types: list[tuple[T.DataType, bool]], function: Expression) -> LambdaFunction:
        """This lambda with its parameters typed by ``types`` and its body coerced."""
        if self.bound:
            return LambdaFunction(_coerce_tree(self.body), self.params)
        if len(self.params) != len(types):
            raise AnalysisException(
                "INVALID_LAMBDA_FUNCTION_CALL.NUM_ARGS_MISMATCH",
                f"Invalid lambda function call. A higher order function expects {len(types)} arguments, "
                f"but got {len(self.params)}.", "42K0D")
        names = [p.name for p in self.params]  # type: ignore[attr-defined]
        if len(set(n.lower() for n in names)) != len(names):
            raise AnalysisException(
                "INVALID_LAMBDA_FUNCTION_CALL.DUPLICATE_ARG_NAMES",
                f"Invalid lambda function call. The lambda function has duplicate arguments "
                f"{', '.join(f'`{n}`' for n in names)}.", "42K0D")
        variables = {n.lower(): NamedLambdaVariable(n, dt, nullable, new_expr_id())
                     for n, (dt, nullable) in zip(names, types)}
        body = _substitute(self.body, variables)
        return LambdaFunction(_coerce_tree(body), tuple(variables[n.lower()] for n in names))

    def _fmt(self, args: list[str]) -> str:
        return f"lambdafunction({', '.join(args)})"


def _substitute(expr: Expression, variables: dict[str, NamedLambdaVariable]) -> Expression:
    """``expr`` with the unresolved uses of ``variables`` bound, leaving names an inner lambda shadows."""
    if isinstance(expr, UnresolvedNamedLambdaVariable):
        return variables.get(expr.name.lower(), expr)
    if isinstance(expr, LambdaFunction):
        inner = {p.name.lower() for p in expr.params}  # type: ignore[attr-defined]
        variables = {k: v for k, v in variables.items() if k not in inner}
    if not expr.children or not variables:
        return expr
    return expr.with_new_children([_substitute(c, variables) for c in expr.children])


def _coerce_tree(expr: Expression) -> Expression:
    return expr.transform_up(lambda e: e.coerce() if e.children and (e.resolved or binds_lambdas(e)) else e)


def binds_lambdas(expr: Expression) -> bool:
    """True for a higher-order function whose lambdas can be bound: its other arguments are resolved."""
    return isinstance(expr, HigherOrderFunction) and all(a.resolved for a in expr.arguments)


# ---------------------------------------------------------------------------- flat evaluation
@dataclass(frozen=True, slots=True)
class _Unnested:
    """One list (or map) column cut into its elements: ``parents[i]`` is element i's row."""

    valid: np.ndarray
    lengths: np.ndarray
    parents: np.ndarray
    positions: np.ndarray  # index of each element in the list's backing values
    index: np.ndarray  # each element's 0-based place in its own list

    @property
    def offsets(self) -> np.ndarray:
        return np.concatenate([[0], np.cumsum(self.lengths)]).astype(np.int32)


def _unnest(array: pa.Array) -> _Unnested:
    valid = np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    offsets = np.asarray(array.offsets.to_numpy(), dtype=np.int64)
    lengths = np.where(valid, offsets[1:] - offsets[:-1], 0)
    parents = np.repeat(np.arange(len(array)), lengths)
    starts = np.cumsum(lengths) - lengths
    index = np.arange(len(parents)) - starts[parents]
    return _Unnested(valid, lengths, parents, offsets[:-1][parents] + index, index)


def _apply(fn: LambdaFunction, batch: pa.RecordBatch, parents: np.ndarray, values: list[pa.Array]) -> pa.Array:
    """``fn`` evaluated once per element: ``values`` are its parameters, ``parents`` each element's row."""
    used = {n.ordinal for n in fn.body.walk() if isinstance(n, BoundReference)}
    keys = {n.key for n in fn.body.walk() if isinstance(n, NamedLambdaVariable)}
    take = pa.array(parents, pa.int64())
    columns, names = [], []
    for i, (field, column) in enumerate(zip(batch.schema, batch.columns)):
        needed = i in used or field.name in keys
        columns.append(column.take(take) if needed else pa.nulls(len(parents), field.type))
        names.append(field.name)
    for param, value in zip(fn.params, values):
        columns.append(value)
        names.append(param.key)  # type: ignore[attr-defined]
    flat = pa.RecordBatch.from_arrays(columns, names=names)
    return as_array(fn.body.eval(flat), len(parents))


def _list_of(values: pa.Array, unnested: _Unnested, element: T.DataType, contains_null: bool) -> pa.Array:
    list_type = to_arrow_type(T.ArrayType(element, contains_null))
    return pa.ListArray.from_arrays(pa.array(unnested.offsets), values.cast(list_type.value_type),
                                    type=list_type, mask=pa.array(~unnested.valid))


def _map_of(keys: pa.Array, items: pa.Array, unnested: _Unnested, dt: T.MapType) -> pa.Array:
    map_type = to_arrow_type(dt)
    return pa.MapArray.from_arrays(pa.array(unnested.offsets), keys.cast(map_type.key_type),
                                   items.cast(map_type.item_type), type=map_type, mask=pa.array(~unnested.valid))


def _require(call: Expression, i: int, arg: Expression, wanted: type, what: str) -> None:
    if not isinstance(arg.data_type, wanted):
        ordinal = ["first", "second", "third", "fourth"][i]
        raise AnalysisException(
            "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
            f"Cannot resolve \"{call.sql()}\" due to data type mismatch: The {ordinal} parameter requires the "
            f"\"{what}\" type, however \"{arg.sql()}\" has the type \"{arg.data_type.simpleString().upper()}\".",
            "42K09")


def _require_boolean(call: Expression, fn: LambdaFunction) -> None:
    if not isinstance(fn.body.data_type, (T.BooleanType, T.NullType)):
        raise AnalysisException(
            "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
            f"Cannot resolve \"{call.sql()}\" due to data type mismatch: The second parameter requires the "
            f"\"BOOLEAN\" type, however \"{fn.sql()}\" has the type \"{fn.data_type.simpleString().upper()}\".",
            "42K09")


# ---------------------------------------------------------------------------- the functions
@dataclass(frozen=True, slots=True)
class HigherOrderFunction(Expression):
    """A function of value ``arguments`` and ``functions`` (lambdas); subclasses say how to type the lambdas."""

    arguments: tuple[Expression, ...]
    functions: tuple[LambdaFunction, ...]

    child_fields = ("arguments", "functions")
    sql_name = ""

    @property
    def resolved(self) -> bool:
        return all(a.resolved for a in self.arguments) and all(f.bound and f.resolved for f in self.functions)

    def coerce(self) -> Expression:
        self._check_arguments()
        functions = tuple(f.bind(types, self) for f, types in zip(self.functions, self._lambda_inputs()))
        return type(self)(self.arguments, functions).checked()  # type: ignore[call-arg]

    def _check_arguments(self) -> None:
        for i, arg in enumerate(self.arguments):
            _require(self, i, arg, T.ArrayType, "ARRAY")

    def _lambda_inputs(self) -> list[list[tuple[T.DataType, bool]]]:
        raise NotImplementedError

    def checked(self) -> Expression:
        """This call, after the checks that need the lambdas' types."""
        return self

    @property
    def pretty_name(self) -> str:
        return self.sql_name

    @property
    def foldable(self) -> bool:
        return False


def _element(arg: Expression) -> tuple[T.DataType, bool]:
    dt = arg.data_type
    return (dt.elementType, dt.containsNull) if isinstance(dt, T.ArrayType) else (T.NullType(), True)


class ArrayTransform(HigherOrderFunction):
    """``transform(array, x -> f(x))`` or ``transform(array, (x, i) -> f(x, i))``."""

    __slots__ = ()
    sql_name = "transform"

    def _lambda_inputs(self) -> list[list[tuple[T.DataType, bool]]]:
        both = [_element(self.arguments[0]), (T.IntegerType(), False)]
        return [both[:len(self.functions[0].params)]]

    @property
    def data_type(self) -> T.DataType:
        return T.ArrayType(self.functions[0].data_type, self.functions[0].nullable)

    @property
    def nullable(self) -> bool:
        return self.arguments[0].nullable

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        array = as_array(self.arguments[0].eval(batch), batch.num_rows)
        un = _unnest(array)
        fn = self.functions[0]
        values = [array.values.take(pa.array(un.positions)), pa.array(un.index, pa.int32())]
        out = _apply(fn, batch, un.parents, values[:len(fn.params)])
        return _list_of(out, un, fn.data_type, fn.nullable)


class ArrayFilter(ArrayTransform):
    """``filter(array, x -> predicate)``: the elements for which the predicate is true."""

    __slots__ = ()
    sql_name = "filter"

    def checked(self) -> Expression:
        _require_boolean(self, self.functions[0])
        return self

    @property
    def data_type(self) -> T.DataType:
        return self.arguments[0].data_type

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        array = as_array(self.arguments[0].eval(batch), batch.num_rows)
        un = _unnest(array)
        fn = self.functions[0]
        elements = array.values.take(pa.array(un.positions))
        keep = _apply(fn, batch, un.parents, [elements, pa.array(un.index, pa.int32())][:len(fn.params)])
        mask = np.asarray(pc.fill_null(keep, False).to_numpy(zero_copy_only=False), dtype=bool)
        lengths = np.bincount(un.parents[mask], minlength=len(array)) if len(array) else un.lengths
        kept = _Unnested(un.valid, lengths, un.parents[mask], un.positions[mask], un.index[mask])
        dt = self.data_type
        return _list_of(elements.filter(pa.array(mask)), kept, dt.elementType, dt.containsNull)  # type: ignore[attr-defined]


class ArrayExists(ArrayTransform):
    """``exists(array, x -> predicate)``: true if any element satisfies it; NULL if none does but one is NULL."""

    __slots__ = ()
    sql_name = "exists"
    _any = True

    def checked(self) -> Expression:
        _require_boolean(self, self.functions[0])
        return self

    @property
    def data_type(self) -> T.DataType:
        return T.BooleanType()

    @property
    def nullable(self) -> bool:
        return True

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        array = as_array(self.arguments[0].eval(batch), batch.num_rows)
        un = _unnest(array)
        fn = self.functions[0]
        elements = array.values.take(pa.array(un.positions))
        result = _apply(fn, batch, un.parents, [elements])
        values = np.asarray(pc.fill_null(result, False).to_numpy(zero_copy_only=False), dtype=bool)
        nulls = np.asarray(result.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        n = len(array)
        decisive = values if self._any else ~values & ~nulls
        has_decisive = np.bincount(un.parents[decisive], minlength=n) > 0 if n else np.zeros(0, bool)
        has_null = np.bincount(un.parents[nulls], minlength=n) > 0 if n else np.zeros(0, bool)
        out = has_decisive if self._any else ~has_decisive
        return pa.array(out, pa.bool_(), mask=~un.valid | (~has_decisive & has_null))


class ArrayForAll(ArrayExists):
    """``forall(array, x -> predicate)``: false if any element fails it; NULL if none fails but one is NULL."""

    __slots__ = ()
    sql_name = "forall"
    _any = False


@dataclass(frozen=True, slots=True)
class ArrayAggregate(HigherOrderFunction):
    """``aggregate(array, zero, (acc, x) -> merge[, acc -> finish])``, or the same named ``reduce``."""

    sql_name: str = "aggregate"  # type: ignore[misc]

    def coerce(self) -> Expression:
        self._check_arguments()
        zero = self.arguments[1]
        merge = self.functions[0].bind([(zero.data_type, True), _element(self.arguments[0])], self)
        if not merge.resolved:
            return ArrayAggregate(self.arguments, (merge,) + self.functions[1:], self.sql_name)
        if merge.data_type.simpleString() != zero.data_type.simpleString():  # equal, nullability aside
            raise AnalysisException(
                "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
                f"Cannot resolve \"{self.sql()}\" due to data type mismatch: The third parameter requires the "
                f"\"{zero.data_type.simpleString().upper()}\" type, however \"{merge.sql()}\" has the type "
                f"\"{merge.data_type.simpleString().upper()}\".", "42K09")
        finish = self.functions[1].bind([(merge.data_type, True)], self)
        return ArrayAggregate((self.arguments[0], zero), (merge, finish), self.sql_name)

    def _check_arguments(self) -> None:
        _require(self, 0, self.arguments[0], T.ArrayType, "ARRAY")

    @property
    def data_type(self) -> T.DataType:
        return self.functions[1].data_type

    @property
    def nullable(self) -> bool:
        return True

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        array = as_array(self.arguments[0].eval(batch), batch.num_rows)
        un = _unnest(array)
        merge, finish = self.functions
        acc = as_array(self.arguments[1].eval(batch), batch.num_rows).cast(to_arrow_type(merge.data_type))
        backing = array.values
        rows = np.arange(len(array))
        for k in range(int(un.lengths.max()) if len(array) else 0):
            active = rows[un.lengths > k]  # rows with a k-th element, folded one step together
            starts = un.offsets[:-1][active]
            elements = backing.take(pa.array(un.positions[starts + k]))
            stepped = _apply(merge, batch, active, [acc.take(pa.array(active)), elements])
            acc = _scatter(acc, active, stepped)
        out = _apply(finish, batch, rows, [acc])
        return out.take(pa.array(rows, mask=~un.valid))


def _scatter(base: pa.Array, rows: np.ndarray, values: pa.Array) -> pa.Array:
    """``base`` with ``values`` written at ``rows``."""
    index = np.arange(len(base))
    index[rows] = len(base) + np.arange(len(rows))
    return pa.concat_arrays([base, values.cast(base.type)]).take(pa.array(index))


class ZipWith(HigherOrderFunction):
    """``zip_with(left, right, (x, y) -> f)``: the shorter array is padded with NULLs."""

    __slots__ = ()
    sql_name = "zip_with"

    def _lambda_inputs(self) -> list[list[tuple[T.DataType, bool]]]:
        return [[(_element(self.arguments[0])[0], True), (_element(self.arguments[1])[0], True)]]

    @property
    def data_type(self) -> T.DataType:
        return T.ArrayType(self.functions[0].data_type, self.functions[0].nullable)

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        left = as_array(self.arguments[0].eval(batch), batch.num_rows)
        right = as_array(self.arguments[1].eval(batch), batch.num_rows)
        lu, ru = _unnest(left), _unnest(right)
        valid = lu.valid & ru.valid
        lengths = np.where(valid, np.maximum(lu.lengths, ru.lengths), 0)
        parents = np.repeat(np.arange(len(left)), lengths)
        index = np.arange(len(parents)) - (np.cumsum(lengths) - lengths)[parents]
        out = _Unnested(valid, lengths, parents, index, index)
        sides = [_padded(side, un, parents, index) for side, un in ((left, lu), (right, ru))]
        fn = self.functions[0]
        return _list_of(_apply(fn, batch, parents, sides), out, fn.data_type, fn.nullable)


def _padded(array: pa.Array, un: _Unnested, parents: np.ndarray, index: np.ndarray) -> pa.Array:
    """Element ``index`` of row ``parents`` of ``array``, NULL past its end."""
    inside = index < un.lengths[parents]
    if not len(un.positions):
        return pa.nulls(len(parents), array.values.type)
    flat = np.where(inside, un.offsets[:-1][parents] + index, 0)
    return array.values.take(pa.array(un.positions[flat], mask=~inside))


class ArraySortWith(ArrayTransform):
    """``array_sort(array, (l, r) -> comparison)``: sorted by a comparator returning <0, 0 or >0."""

    __slots__ = ()
    sql_name = "array_sort"

    def _lambda_inputs(self) -> list[list[tuple[T.DataType, bool]]]:
        return [[_element(self.arguments[0])] * 2]

    def checked(self) -> Expression:
        if not isinstance(self.functions[0].data_type, T.IntegerType):
            raise AnalysisException(
                "DATATYPE_MISMATCH.UNEXPECTED_RETURN_TYPE",
                f"Cannot resolve \"{self.sql()}\" due to data type mismatch: The lambda function returns "
                f"\"{self.functions[0].data_type.simpleString().upper()}\", expected \"INT\".", "42K09")
        return self

    @property
    def data_type(self) -> T.DataType:
        return self.arguments[0].data_type

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        array = as_array(self.arguments[0].eval(batch), batch.num_rows)
        un = _unnest(array)
        # every ordered pair (i, j) of each row's elements, compared in one pass
        pair_rows = np.repeat(np.arange(len(array)), un.lengths ** 2)
        within = np.arange(len(pair_rows)) - (np.cumsum(un.lengths ** 2) - un.lengths ** 2)[pair_rows]
        n = un.lengths[pair_rows]
        starts = un.offsets[:-1][pair_rows]
        backing = array.values
        left = backing.take(pa.array(un.positions[starts + within // np.maximum(n, 1)] if len(n) else []))
        right = backing.take(pa.array(un.positions[starts + within % np.maximum(n, 1)] if len(n) else []))
        compared = _apply(self.functions[0], batch, pair_rows, [left, right]).to_pylist()
        if any(c is None for c in compared):
            raise SparkRuntimeException("COMPARATOR_RETURNS_NULL",
                                        "The comparator has returned a NULL for a comparison between elements.")
        order = []
        pair_start = 0
        for row in range(len(array)):
            size = int(un.lengths[row])
            matrix = compared[pair_start:pair_start + size * size]
            pair_start += size * size
            ranked = sorted(range(size), key=functools.cmp_to_key(lambda i, j: matrix[i * size + j]))
            order.extend(int(un.offsets[row]) + i for i in ranked)
        elements = backing.take(pa.array(un.positions[np.array(order, dtype=np.int64)] if order else [],
                                         pa.int64()))
        dt = self.data_type
        return _list_of(elements, un, dt.elementType, dt.containsNull)  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------- maps
def _entries(arg: Expression) -> list[tuple[T.DataType, bool]]:
    dt = arg.data_type
    if isinstance(dt, T.MapType):
        return [(dt.keyType, False), (dt.valueType, dt.valueContainsNull)]
    return [(T.NullType(), True), (T.NullType(), True)]


class _MapFunction(HigherOrderFunction):
    __slots__ = ()

    def _check_arguments(self) -> None:
        for i, arg in enumerate(self.arguments):
            _require(self, i, arg, T.MapType, "MAP")

    def _lambda_inputs(self) -> list[list[tuple[T.DataType, bool]]]:
        return [_entries(self.arguments[0])]

    def _unnest_map(self, batch: pa.RecordBatch) -> tuple[pa.Array, _Unnested, pa.Array, pa.Array]:
        mapped = as_array(self.arguments[0].eval(batch), batch.num_rows)
        un = _unnest(mapped)
        positions = pa.array(un.positions)
        return mapped, un, mapped.keys.take(positions), mapped.items.take(positions)


class MapFilter(_MapFunction):
    """``map_filter(map, (k, v) -> predicate)``: the entries for which it is true."""

    __slots__ = ()
    sql_name = "map_filter"

    def checked(self) -> Expression:
        _require_boolean(self, self.functions[0])
        return self

    @property
    def data_type(self) -> T.DataType:
        return self.arguments[0].data_type

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        mapped, un, keys, items = self._unnest_map(batch)
        keep = _apply(self.functions[0], batch, un.parents, [keys, items])
        mask = np.asarray(pc.fill_null(keep, False).to_numpy(zero_copy_only=False), dtype=bool)
        lengths = np.bincount(un.parents[mask], minlength=len(mapped)) if len(mapped) else un.lengths
        kept = _Unnested(un.valid, lengths, un.parents[mask], un.positions[mask], un.index[mask])
        flags = pa.array(mask)
        return _map_of(keys.filter(flags), items.filter(flags), kept, self.data_type)  # type: ignore[arg-type]


class TransformValues(_MapFunction):
    """``transform_values(map, (k, v) -> new value)``."""

    __slots__ = ()
    sql_name = "transform_values"

    @property
    def data_type(self) -> T.DataType:
        key = self.arguments[0].data_type.keyType  # type: ignore[attr-defined]
        return T.MapType(key, self.functions[0].data_type, self.functions[0].nullable)

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        mapped, un, keys, items = self._unnest_map(batch)
        values = _apply(self.functions[0], batch, un.parents, [keys, items])
        return _map_of(keys, values, un, self.data_type)  # type: ignore[arg-type]


class TransformKeys(_MapFunction):
    """``transform_keys(map, (k, v) -> new key)``; a NULL or repeated new key is an error, as in Spark."""

    __slots__ = ()
    sql_name = "transform_keys"

    @property
    def data_type(self) -> T.DataType:
        dt = self.arguments[0].data_type
        return T.MapType(self.functions[0].data_type, dt.valueType, dt.valueContainsNull)  # type: ignore[attr-defined]

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        mapped, un, keys, items = self._unnest_map(batch)
        new_keys = _apply(self.functions[0], batch, un.parents, [keys, items])
        if new_keys.null_count:
            raise SparkRuntimeException("NULL_MAP_KEY", "Cannot use null as map key.", "2200E")
        _check_unique_keys(new_keys, un.parents)
        return _map_of(new_keys, items, un, self.data_type)  # type: ignore[arg-type]


def _check_unique_keys(keys: pa.Array, parents: np.ndarray) -> None:
    table = pa.table({"row": pa.array(parents, pa.int64()), "key": keys})
    counts = table.group_by(["row", "key"]).aggregate([("row", "count")])
    repeated = counts.filter(pc.greater(counts["row_count"], 1))
    if repeated.num_rows:
        key = repeated["key"][0].as_py()
        raise SparkRuntimeException(
            "DUPLICATED_MAP_KEY",
            f"Duplicate map key {key} was found, please check the input data. If you want to remove the "
            f"duplicated keys, you can set \"spark.sql.mapKeyDedupPolicy\" to \"LAST_WIN\" so that the key "
            f"inserted at last takes precedence.", "23505")


class MapZipWith(_MapFunction):
    """``map_zip_with(m1, m2, (k, v1, v2) -> f)``: over the union of keys, a missing side's value NULL."""

    __slots__ = ()
    sql_name = "map_zip_with"

    def _lambda_inputs(self) -> list[list[tuple[T.DataType, bool]]]:
        (key, _), (v1, _) = _entries(self.arguments[0])
        (_, _), (v2, _) = _entries(self.arguments[1])
        return [[(key, False), (v1, True), (v2, True)]]

    def checked(self) -> Expression:
        k1, k2 = (a.data_type.keyType for a in self.arguments)  # type: ignore[attr-defined]
        if k1 != k2:
            raise AnalysisException(
                "DATATYPE_MISMATCH.MAP_ZIP_WITH_DIFF_TYPES",
                f"Cannot resolve \"{self.sql()}\" due to data type mismatch: Input to the `map_zip_with` should "
                f"have been two maps with compatible key types, but it's [\"{k1.simpleString().upper()}\", "
                f"\"{k2.simpleString().upper()}\"].", "42K09")
        return self

    @property
    def data_type(self) -> T.DataType:
        key = self.arguments[0].data_type.keyType  # type: ignore[attr-defined]
        return T.MapType(key, self.functions[0].data_type, self.functions[0].nullable)

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        # Entries per row: the first map's keys in order, then the second's keys it lacks.
        n = batch.num_rows
        first = as_array(self.arguments[0].eval(batch), n)
        second = as_array(self.arguments[1].eval(batch), n)
        rows: list[tuple[list, list, list]] = []
        for a, b in zip(first.to_pylist(), second.to_pylist()):
            if a is None or b is None:
                rows.append(None)  # type: ignore[arg-type]
                continue
            left, right = dict(a), dict(b)
            keys = list(left) + [k for k in right if k not in left]
            rows.append((keys, [left.get(k) for k in keys], [right.get(k) for k in keys]))
        valid = np.array([r is not None for r in rows], dtype=bool)
        lengths = np.array([len(r[0]) if r else 0 for r in rows], dtype=np.int64)
        parents = np.repeat(np.arange(n), lengths)
        index = np.arange(len(parents)) - (np.cumsum(lengths) - lengths)[parents]
        un = _Unnested(valid, lengths, parents, index, index)
        key_type, (v1, v2) = first.type.key_type, (first.type.item_type, second.type.item_type)
        keys = pa.array([k for r in rows if r for k in r[0]], key_type)
        values1 = pa.array([v for r in rows if r for v in r[1]], v1)
        values2 = pa.array([v for r in rows if r for v in r[2]], v2)
        out = _apply(self.functions[0], batch, parents, [keys, values1, values2])
        return _map_of(keys, out, un, self.data_type)  # type: ignore[arg-type]


def lambda_from_callable(fn: Callable[..., Any], make: Callable[[Expression], Any],
                         unwrap: Callable[[Any], Expression]) -> LambdaFunction:
    """A ``LambdaFunction`` from a Python function over Columns, its parameters named ``x_0``, ``y_1``…

    ``make`` wraps an expression as the Column the function receives; ``unwrap`` takes the
    expression back out of what it returns.
    """
    import inspect

    params = list(inspect.signature(fn).parameters.values())
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params) or not 1 <= len(params) <= 3:
        from ember.sql.errors import EmberValueError

        raise EmberValueError(
            "UNSUPPORTED_PARAM_TYPE_FOR_HIGHER_ORDER_FUNCTION",
            f"Function `{getattr(fn, '__name__', fn)}` should use only POSITIONAL or POSITIONAL OR KEYWORD "
            f"arguments, and take 1 to 3 of them.")
    variables = [UnresolvedNamedLambdaVariable(fresh_lambda_name(n)) for n in ("x", "y", "z")[:len(params)]]
    return LambdaFunction(unwrap(fn(*[make(v) for v in variables])), tuple(variables))

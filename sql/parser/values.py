"""Inline tables and table-valued functions in ``FROM``: ``VALUES (1, 'a'), (2, 'b') AS t(id, name)``,
a bare ``VALUES`` statement, and ``range(end)`` / ``range(start, end[, step[, numPartitions]])``.

An inline table is computed on the driver, as Spark does: every cell must be a constant; each
column takes the type all of its cells widen to (no string promotion: ``(1), ('a')`` is an
error) and is nullable only when some cell is NULL. Columns are named ``col1, col2, ...``
unless the alias names them. The result is a ``LocalRelation``.
"""

from __future__ import annotations

import pyarrow as pa
from sqlglot import exp

from ember.sql import expressions as E
from ember.sql import types as T
from ember.sql.analyzer import analyze
from ember.sql.arrow_types import to_arrow_type
from ember.sql.errors import AnalysisException, ParseException
from ember.sql.expressions.coercion import cast_if_needed, common_type, is_string
from ember.sql.parser.expressions import convert
from ember.sql.parser.udtf_call import python_udtf_call
from ember.sql.plan import logical as L
from ember.sql.udtf import registered_table_function

__all__ = ["inline_table", "table_function", "with_table_alias", "one_row"]

_ONE_ROW = pa.RecordBatch.from_pydict({"id": pa.array([0], pa.int64())})


def one_row() -> L.LogicalPlan:
    """The one-row relation a ``SELECT`` without ``FROM`` reads."""
    return L.Range(0, 1, 1, 1, E.AttributeReference("id", T.LongType(), False, E.new_expr_id()))


def with_table_alias(plan: L.LogicalPlan, alias: exp.TableAlias | None, what: str) -> L.LogicalPlan:
    """``plan`` renamed by ``AS t(c1, c2)``: columns renamed by position, then qualified by ``t``."""
    if alias is None:
        return plan
    columns = [c.name for c in alias.columns]
    if columns:
        if len(columns) != len(plan.output):
            raise AnalysisException("NUM_TABLE_VALUE_ALIASES_MISMATCH", "Number of given aliases does not match "
                                    f"number of output columns of the {what}.")
        plan = analyze(L.Project(tuple(E.Alias.make(a, n) for a, n in zip(plan.output, columns)), plan))
    return analyze(L.SubqueryAlias(alias.name, plan)) if alias.name else plan


# ---------------------------------------------------------------------------- VALUES
def _row_cells(row: exp.Expression) -> list[exp.Expression]:
    return list(row.expressions) if isinstance(row, exp.Tuple) else [row]


def inline_table(node: exp.Values) -> L.LogicalPlan:
    """The ``LocalRelation`` of ``VALUES ...`` (with its alias applied)."""
    alias = node.args.get("alias")
    rows = [_row_cells(r) for r in node.expressions]
    width = len(alias.columns) if alias is not None and alias.columns else len(rows[0])
    for i, cells in enumerate(rows):
        if len(cells) != width:
            raise ParseException("INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH",
                                 f"Invalid inline table. Inline table expected {width} columns but found "
                                 f"{len(cells)} columns in row {i}.", "42000")
    names = [c.name for c in alias.columns] if alias is not None and alias.columns else [
        f"col{j + 1}" for j in range(width)]
    resolved = _resolve_cells(rows)
    columns, attrs = [], []
    for j, name in enumerate(names):
        cells = [row[j] for row in resolved]
        target = _column_type(name, [c.data_type for c in cells])
        values = [_evaluate(c, target) for c in cells]
        arrow = pa.array(values, to_arrow_type(target)) if not isinstance(target, T.NullType) else pa.nulls(
            len(values))
        columns.append(arrow)
        attrs.append(E.AttributeReference(name, target, arrow.null_count > 0, E.new_expr_id()))
    table = pa.Table.from_arrays(columns, names=[f"_c{j}" for j in range(width)])
    plan: L.LogicalPlan = L.LocalRelation(tuple(attrs), table, 1)
    return analyze(L.SubqueryAlias(alias.name, plan)) if alias is not None and alias.name else plan


def _resolve_cells(rows: list[list[exp.Expression]]) -> list[list[E.Expression]]:
    """Every cell resolved and type-checked at once (one analysis of one projection)."""
    items = tuple(E.Alias.make(convert(cell), f"_r{i}_{j}") for i, cells in enumerate(rows)
                  for j, cell in enumerate(cells))
    for item in items:  # nothing is in scope of an inline table
        for n in item.walk():
            if isinstance(n, E.UnresolvedAttribute):
                raise AnalysisException("UNRESOLVED_COLUMN.WITHOUT_SUGGESTION", f"A column, variable, or function "
                                        f"parameter with name `{n.name}` cannot be resolved.", "42703")
    project = analyze(L.Project(items, one_row()))
    flat = [item.child if isinstance(item, E.Alias) else item for item in project.project_list]
    width = len(rows[0])
    out = [flat[i * width:(i + 1) * width] for i in range(len(rows))]
    for cells in out:
        for cell in cells:
            if not cell.foldable:
                raise AnalysisException(
                    "INVALID_INLINE_TABLE.CANNOT_EVALUATE_EXPRESSION_IN_INLINE_TABLE",
                    f"Invalid inline table. Cannot evaluate the expression \"{cell.sql()}\" in inline table "
                    "definition.", "42000")
    return out


def _column_type(name: str, types: list[T.DataType]) -> T.DataType:
    known = [t for t in types if not isinstance(t, T.NullType)]
    mixed_strings = any(is_string(t) for t in known) and not all(is_string(t) for t in known)
    target = None if mixed_strings else common_type(known)
    if target is None:
        raise ParseException("INVALID_INLINE_TABLE.INCOMPATIBLE_TYPES_IN_INLINE_TABLE",
                             f"Invalid inline table. Found incompatible types in the column `{name}` for inline "
                             "table.", "42000")
    return target


def _evaluate(cell: E.Expression, target: T.DataType) -> object:
    if isinstance(target, T.NullType):
        return None
    value = E.as_array(cast_if_needed(cell, target).eval(_ONE_ROW), 1)[0]
    return value.as_py()


# ---------------------------------------------------------------------------- range(...)
def _failed_call(function: str) -> AnalysisException:
    return AnalysisException("FAILED_FUNCTION_CALL", f"Failed preparing of the function `{function}` for call. "
                             "Please, double check function's arguments.", "38000")


def _constant_long(e: E.Expression, function: str) -> int:
    e = analyze(L.Project((E.Alias.make(e, "_v"),), one_row())).project_list[0].child
    if not e.foldable or not isinstance(e.data_type, (T.IntegralType, T.NullType)):
        raise _failed_call(function)
    value = E.as_array(e.eval(_ONE_ROW), 1)[0].as_py()
    if value is None:
        raise _failed_call(function)
    return int(value)


def _range(args: list[E.Expression]) -> L.LogicalPlan:
    if not 1 <= len(args) <= 4:
        raise AnalysisException(
            "WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
            f"The `range` requires [1, 2, 3, 4] parameters but the actual number is {len(args)}.", "42605")
    values = [_constant_long(a, "range") for a in args]
    start, end = (0, values[0]) if len(values) == 1 else (values[0], values[1])
    step = values[2] if len(values) > 2 else 1
    partitions = values[3] if len(values) > 3 else None
    if step == 0 or (partitions is not None and partitions <= 0):
        raise _failed_call("range")
    return L.Range(start, end, step, partitions, E.AttributeReference("id", T.LongType(), False, E.new_expr_id()))


_TABLE_FUNCTIONS = {"range": _range}


def table_function(node: exp.Table) -> L.LogicalPlan:
    """``FROM name(args) [AS t(cols)]``: a table-valued function: ``range``, or a Python UDTF the
    session registered (``spark.udtf.register``)."""
    call = node.this
    name = (call.name if isinstance(call, exp.Anonymous) else call.sql_name()).lower()
    builder = _TABLE_FUNCTIONS.get(name)
    if builder is None and isinstance(call, exp.Anonymous):
        udtf = registered_table_function(name)
        if udtf is not None:
            return with_table_alias(python_udtf_call(udtf, call), node.args.get("alias"), "table-valued function")
    if builder is None:
        raise AnalysisException("UNRESOLVABLE_TABLE_VALUED_FUNCTION",
                                f"Could not resolve `{name}` to a table-valued function.", "42883")
    args = [convert(a) for a in call.expressions] if isinstance(call, exp.Anonymous) else [
        convert(v) for k in call.arg_types if isinstance(v := call.args.get(k), exp.Expression)]
    return with_table_alias(builder(args), node.args.get("alias"), "table-valued function")

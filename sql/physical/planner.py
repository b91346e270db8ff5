"""Logical → physical planning, bottom-up through a dispatch table.

Choices made here: aggregates run in two phases around a hash exchange when every function
has a partial form (else raw rows are exchanged and aggregated once); a join broadcasts its
build side when the side's estimated size is under ``spark.sql.autoBroadcastJoinThreshold``
(or it carries a ``broadcast`` hint) and the join type allows it, and otherwise hash-exchanges
both sides; a global sort range-partitions (``spark.sql.shuffle.partitions`` ranges) and sorts
each range; a limit of a sort takes the first rows of each partition, then of those; other
global limits gather into one partition. Expressions are bound to their
input's ordinals as nodes are built.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
from dataclasses import dataclass
from typing import Callable

from ember.sql import expressions as E
from ember.sql import types as T
from ember.sql.arrow_types import from_arrow_type
from ember.sql.errors import AnalysisException
from ember.sql.io.pushdown import to_arrow_filter
from ember.sql.io.source import plan_splits
from ember.sql.physical import plan as P
from ember.sql.physical.batches import bind
from ember.sql.physical.observe import OBSERVE_PLANNERS
from ember.sql.physical.python_eval import PYTHON_PLANNERS
from ember.sql.physical.window import WindowExec
from ember.sql.plan import logical as L
from ember.sql.plan.repartition_by_id import RepartitionById

__all__ = ["PlannerContext", "plan_physical", "estimate_size"]


@dataclass(frozen=True, slots=True)
class PlannerContext:
    shuffle_partitions: int = 200
    broadcast_threshold: int = 10 * 1024 * 1024
    default_parallelism: int = 2
    max_partition_bytes: int = 128 * 1024 * 1024
    open_cost_bytes: int = 4 * 1024 * 1024


def estimate_size(plan: L.LogicalPlan) -> int:
    """Bytes a plan's output may take: its leaves' sizes (a filter or join never grows it here)."""
    total = 0
    for node in plan.walk():
        if isinstance(node, L.LocalRelation):
            total += node.data.nbytes
        elif isinstance(node, L.Range):
            total += 8 * max(0, (node.end - node.start) // (node.step or 1))
        elif isinstance(node, L.InMemoryRelation):
            total += estimate_size(node.plan)
        elif isinstance(node, L.FileScan):
            share = len(node.attributes) / max(1, len(node.source.schema.fields))
            total += int(sum(f.size for f in node.source.files) * share)
    return total


def _attrs(p: P.PhysicalPlan) -> list[E.AttributeReference]:
    return list(p.output)


def _project(items: list[E.Expression], child: P.PhysicalPlan) -> P.ProjectExec:
    output = tuple(e.to_attribute() if isinstance(e, E.Alias) else e for e in items)
    return P.ProjectExec(output, tuple(bind(e, _attrs(child)) for e in items), child)


def _plan_aggregate(node: L.Aggregate, child: P.PhysicalPlan, ctx: PlannerContext) -> P.PhysicalPlan:
    functions: list[E.AggregateFunction] = []
    for item in node.aggregates:
        for e in item.walk():
            if isinstance(e, E.AggregateFunction) and e not in functions:
                functions.append(e)
    key_aliases = [E.Alias.make(g, E.output_name(g)) for g in node.grouping]
    input_aliases = [E.Alias.make(f.aggregated_input if f.child is not None else E.Literal.of(1), f"_in{i}")
                     for i, f in enumerate(functions)]
    pre = _project(key_aliases + input_aliases, child)
    keys = [a.to_attribute() for a in key_aliases]
    results = [E.AttributeReference(f.sql(), f.data_type, f.nullable, E.new_expr_id()) for f in functions]
    n = ctx.shuffle_partitions
    partitioning = P.HashPartitioning(tuple(bind(k, keys) for k in keys), n) if keys else P.SinglePartition()
    if all(f.supports_partial for f in functions):
        states = [E.AttributeReference(f"{f.sql()}_state{j}", from_arrow_type(t), True, E.new_expr_id())
                  for f in functions for j, t in enumerate(f.partial_types())]
        partial = P.HashAggregateExec(tuple(keys + states), len(keys), tuple(functions), "partial", pre)
        exchanged = P.ExchangeExec(partial.output, partitioning, partial)
        agg = P.HashAggregateExec(tuple(keys + results), len(keys), tuple(functions), "final", exchanged)
    else:
        exchanged = P.ExchangeExec(pre.output, partitioning, pre)
        agg = P.HashAggregateExec(tuple(keys + results), len(keys), tuple(functions), "complete", exchanged)
    by_function = dict(zip(functions, results))
    by_grouping = dict(zip(node.grouping, keys))

    def replace(e: E.Expression) -> E.Expression:
        if isinstance(e, E.AggregateFunction):
            return by_function[e]
        return by_grouping.get(e, e)

    def finish(item: E.Expression) -> E.Expression:
        # Every output column keeps its logical expr_id, so operators above still find it.
        if isinstance(item, E.Alias):
            return E.Alias(item.child.transform_down(replace), item.name, item.expr_id)
        if isinstance(item, E.AttributeReference):
            return E.Alias(replace(item), item.name, item.expr_id)
        return item.transform_down(replace)

    return _project([finish(item) for item in node.aggregates], agg)


def _split_join_condition(node: L.Join) -> tuple[list, list, E.Expression | None]:
    """Equality keys between the sides (``a = b``, and ``a <=> b`` as two keys that match NULL
    to NULL), and the residual condition."""
    left_ids, right_ids = node.left.output_set, node.right.output_set
    left_keys, right_keys, residual = [], [], []
    for c in (E.split_conjuncts(node.condition) if node.condition is not None else []):
        if isinstance(c, (E.EqualTo, E.EqualNullSafe)):
            lr, rr = c.left.references(), c.right.references()
            sides = None
            if lr and rr and lr <= left_ids and rr <= right_ids:
                sides = (c.left, c.right)
            elif lr and rr and lr <= right_ids and rr <= left_ids:
                sides = (c.right, c.left)
            if sides is not None and isinstance(c, E.EqualTo):
                left_keys.append(sides[0]), right_keys.append(sides[1])
                continue
            if sides is not None and (keys := _null_safe_keys(*sides)) is not None:
                left_keys.extend(keys[0]), right_keys.extend(keys[1])
                continue
        residual.append(c)
    return left_keys, right_keys, E.conjoin(residual)


_ZERO = {T.BooleanType: False, T.StringType: "", T.BinaryType: b"", T.DateType: datetime.date(1970, 1, 1)}


def _null_safe_keys(left: E.Expression, right: E.Expression) -> tuple[list, list] | None:
    """``left <=> right`` as hash keys ``(isnull(x), coalesce(x, zero))``: NULL meets NULL
    (``true, zero``) and never a value. None for a type without a zero here."""
    dtype = left.data_type
    if isinstance(dtype, T.NumericType):
        zero = decimal.Decimal(0) if isinstance(dtype, T.DecimalType) else 0
    elif type(dtype) in _ZERO:
        zero = _ZERO[type(dtype)]
    else:
        return None
    return ([E.IsNull(left), E.Coalesce((left, E.Literal(zero, dtype)))],
            [E.IsNull(right), E.Coalesce((right, E.Literal(zero, right.data_type)))])


def _plan_join(node: L.Join, left: P.PhysicalPlan, right: P.PhysicalPlan, ctx: PlannerContext) -> P.PhysicalPlan:
    left_keys, right_keys, residual = _split_join_condition(node)
    output = tuple(node.output)
    bound_residual = None if residual is None else bind(residual, _attrs(left) + _attrs(right))
    lk = tuple(bind(k, _attrs(left)) for k in left_keys)
    rk = tuple(bind(k, _attrs(right)) for k in right_keys)
    jt = node.join_type
    can_build_right = jt in ("inner", "cross", "left", "left_semi", "left_anti")
    can_build_left = jt in ("inner", "cross", "right")
    small_right = node.broadcast_hint == "right" or estimate_size(node.right) <= ctx.broadcast_threshold
    small_left = node.broadcast_hint == "left" or estimate_size(node.left) <= ctx.broadcast_threshold
    if can_build_right and (small_right or not lk):
        return P.BroadcastHashJoinExec(output, left, right, jt, lk, rk, bound_residual, "right")
    if can_build_left and (small_left or not lk):
        return P.BroadcastHashJoinExec(output, left, right, jt, lk, rk, bound_residual, "left")
    # Without equality keys and with no side to broadcast (a full outer join), both sides meet
    # in one partition: a nested loop there.
    n = ctx.shuffle_partitions if lk else 1
    left_ex = P.ExchangeExec(left.output, P.HashPartitioning(lk, n), left)
    right_ex = P.ExchangeExec(right.output, P.HashPartitioning(rk, n), right)
    return P.ShuffledHashJoinExec(output, left_ex, right_ex, jt, lk, rk, bound_residual)


_SPLITS_PER_CORE = 4


def _file_scan(node: L.FileScan, children, ctx: PlannerContext) -> P.PhysicalPlan:
    """Split pushed filters into partition and data filters and plan the splits now, so that
    ``explain()`` shows how many row groups the filters pruned."""
    partitions = node.source.partition_names
    partition_filters = tuple(f for f in node.pushed_filters
                              if all(a.name.lower() in partitions for a in _attributes_of(f)))
    data_filters = tuple(f for f in node.pushed_filters if f not in partition_filters)
    total = sum(f.size for f in node.source.files)
    # Spark aims at one split per core; a few per core balance uneven row groups better.
    per_core = total // max(1, ctx.default_parallelism * _SPLITS_PER_CORE)
    split_bytes = min(ctx.max_partition_bytes, max(ctx.open_cost_bytes, per_core))
    plan = plan_splits(node.source, to_arrow_filter(E.conjoin(list(partition_filters))),
                       to_arrow_filter(E.conjoin(list(data_filters))), split_bytes)
    return P.FileScanExec(tuple(node.output), node.source, plan, partition_filters, data_filters)


def _attributes_of(e: E.Expression) -> list[E.AttributeReference]:
    return [n for n in e.walk() if isinstance(n, E.AttributeReference)]


def _single(child: P.PhysicalPlan) -> P.PhysicalPlan:
    return P.ExchangeExec(child.output, P.SinglePartition(), child)


def _plan_node(node: L.LogicalPlan, children: list[P.PhysicalPlan], ctx: PlannerContext) -> P.PhysicalPlan:
    handler = _HANDLERS.get(type(node))
    if handler is None:
        raise AnalysisException("INTERNAL_ERROR", f"No physical plan for logical node {type(node).__name__}.")
    return handler(node, children, ctx)


def _sort(node: L.Sort, children, ctx) -> P.PhysicalPlan:
    """A global sort range-partitions its input, then sorts each partition."""
    child = children[0]
    orders = tuple(bind(o, _attrs(child)) for o in node.orders)
    if not node.is_global:
        return P.SortExec(child.output, orders, child)
    exchange = P.ExchangeExec(child.output, P.RangePartitioning(orders, ctx.shuffle_partitions), child)
    return P.SortExec(child.output, orders, exchange)


def _limit(node: L.Limit, children, ctx) -> P.PhysicalPlan:
    child = children[0]
    if isinstance(node.child, L.Sort) and node.child.is_global:
        # Take-ordered: each partition's first n rows in order, then the first n of those.
        source = child.child.child
        top = P.LimitExec(child.output, node.n, False, P.SortExec(child.output, child.orders, source))
        return P.LimitExec(child.output, node.n, True, P.SortExec(child.output, child.orders, _single(top)))
    local = P.LimitExec(child.output, node.n, False, child)
    return P.LimitExec(child.output, node.n, True, _single(local))


def _in_one_partition(child: P.PhysicalPlan) -> P.PhysicalPlan:
    """``child``'s rows in one partition, keeping their order: a global sort is done again
    within the one partition (a gather keeps no order between partitions)."""
    if isinstance(child, P.LimitExec) and child.is_global or isinstance(child, P.ExchangeExec) and isinstance(
            child.partitioning, P.SinglePartition):
        return child
    if isinstance(child, (P.ProjectExec, P.FilterExec)):
        return dataclasses.replace(child, child=_in_one_partition(child.child))
    if isinstance(child, P.SortExec) and isinstance(child.child, P.ExchangeExec) and isinstance(
            child.child.partitioning, P.RangePartitioning):
        return P.SortExec(child.output, child.orders, _single(child.child.child))
    return _single(child)


def _repartition_by_expression(node: L.RepartitionByExpression, children, ctx) -> P.PhysicalPlan:
    """Hash partitioning by the keys, or range partitioning when they are sort orders
    (``repartitionByRange``: sampled bounds, as a global sort has, without the sort)."""
    child = children[0]
    keys = tuple(bind(k, _attrs(child)) for k in node.keys)
    n = node.num_partitions or ctx.shuffle_partitions
    if keys and all(isinstance(k, E.SortOrder) for k in keys):
        return P.ExchangeExec(child.output, P.RangePartitioning(keys, n), child)
    return P.ExchangeExec(child.output, P.HashPartitioning(keys, n), child)


def _repartition_by_id(node: RepartitionById, children, ctx) -> P.PhysicalPlan:
    child = children[0]
    partitioning = P.DirectPartitioning(bind(node.partition_id, _attrs(child)), node.num_partitions)
    return P.ExchangeExec(child.output, partitioning, child)


def _offset(node: L.Offset, children, ctx) -> P.PhysicalPlan:
    child = _in_one_partition(children[0])
    return P.OffsetExec(child.output, node.n, child)


def _distinct(node: L.Distinct, children, ctx) -> P.PhysicalPlan:
    out = node.child.output
    return _plan_aggregate(L.Aggregate(tuple(out), tuple(out), node.child), children[0], ctx)


def _window(node: L.Window, children, ctx) -> P.PhysicalPlan:
    """Hash-exchange on the PARTITION BY keys (all rows to one partition without keys); the
    window operator sorts each task's rows by (keys, orders) itself, so that it can spill."""
    child = children[0]
    keys = tuple(bind(k, _attrs(child)) for k in node.partition_spec)
    orders = tuple(bind(o, _attrs(child)) for o in node.order_spec)
    partitioning = P.HashPartitioning(keys, ctx.shuffle_partitions) if keys else P.SinglePartition()
    # A window over another with the same PARTITION BY finds its rows already partitioned.
    same_keys = isinstance(child, WindowExec) and child.partition_spec == keys
    exchange = child if same_keys else P.ExchangeExec(child.output, partitioning, child)
    windows = tuple(bind(w, _attrs(child)) for w in node.window_expressions)
    return WindowExec(tuple(node.output), windows, keys, orders, exchange)


def _repartition(node: L.Repartition, children, ctx) -> P.PhysicalPlan:
    child = children[0]
    if node.shuffle:
        return P.ExchangeExec(child.output, P.RoundRobinPartitioning(node.num_partitions), child)
    return P.CoalesceExec(child.output, node.num_partitions, child)


_HANDLERS: dict[type, Callable[..., P.PhysicalPlan]] = {
    L.LocalRelation: lambda n, c, ctx: P.LocalScanExec(tuple(n.output), n.data, n.num_partitions),
    L.FileScan: _file_scan,
    L.Range: lambda n, c, ctx: P.RangeExec(tuple(n.output), n.start, n.end, n.step, n.num_partitions),
    L.InMemoryRelation: lambda n, c, ctx: P.InMemoryScanExec(
        tuple(n.output), plan_physical(n.plan, ctx), n.slot),
    L.Project: lambda n, c, ctx: _project(list(n.project_list), c[0]),
    L.Filter: lambda n, c, ctx: P.FilterExec(c[0].output, bind(n.condition, _attrs(c[0])), c[0]),
    L.Aggregate: lambda n, c, ctx: _plan_aggregate(n, c[0], ctx),
    L.Join: lambda n, c, ctx: _plan_join(n, c[0], c[1], ctx),
    L.Sort: _sort,
    L.Generate: lambda n, c, ctx: P.GenerateExec(tuple(n.output), bind(n.generator, _attrs(c[0])), n.outer, c[0]),
    L.Limit: _limit,
    L.Offset: _offset,
    L.Expand: lambda n, c, ctx: P.ExpandExec(
        tuple(n.output), tuple(tuple(bind(e, _attrs(c[0])) for e in p) for p in n.projections), c[0]),
    L.Union: lambda n, c, ctx: P.UnionExec(tuple(n.output), tuple(c)),
    L.Distinct: _distinct,
    L.SubqueryAlias: lambda n, c, ctx: c[0],
    L.Repartition: _repartition,
    L.RepartitionByExpression: _repartition_by_expression,
    RepartitionById: _repartition_by_id,
    L.Window: _window,
}


_HANDLERS.update(PYTHON_PLANNERS)
_HANDLERS.update(OBSERVE_PLANNERS)


def plan_physical(plan: L.LogicalPlan, ctx: PlannerContext) -> P.PhysicalPlan:
    """Plan ``plan`` bottom-up (iteratively, so deep plans do not exhaust the stack)."""
    done: dict[int, P.PhysicalPlan] = {}
    stack: list[tuple[L.LogicalPlan, bool]] = [(plan, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            done[id(node)] = _plan_node(node, [done[id(c)] for c in node.children], ctx)
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in node.children)
    return done[id(plan)]

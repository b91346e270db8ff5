"""The named stages of a query: analyzed → optimized → physical → executed.

A test (or ``explain``) can stop at any stage. The session's configuration supplies the
optimizer flags, ``spark.sql.shuffle.partitions`` and ``spark.sql.autoBroadcastJoinThreshold``.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import pyarrow as pa

from ember.config import parse_bytes
from ember.errors import EmberValueError
from ember.sql.optimizer import ONCE_RULES, RULES, optimize
from ember.sql.physical.execution import collect_table, execute
from ember.sql.physical.planner import PlannerContext, plan_physical
from ember.sql.plan.logical import LogicalPlan

if TYPE_CHECKING:
    from ember.sql.session import SparkSession

__all__ = ["QueryExecution"]


def _size(text: str) -> int:
    """A size setting as Spark reads one: ``10485760``, ``10m``, ``10MB``, or ``-1`` (off)."""
    return -1 if text.strip() == "-1" else parse_bytes(text)


def _setting(conf, key: str, parse, default: str):
    raw = conf.get(key, default)
    try:
        return parse(raw)
    except ValueError as exc:
        raise EmberValueError(f"invalid value {raw!r} for {key}: {exc}") from None


class QueryExecution:
    def __init__(self, session: SparkSession, analyzed: LogicalPlan):
        self.session = session
        self.analyzed = analyzed

    @cached_property
    def optimized(self) -> LogicalPlan:
        conf = self.session.conf
        flags = {r.__name__: conf.get(f"spark.ember.optimizer.{r.__name__}", "true").lower() != "false"
                 for r in set(ONCE_RULES + RULES)}
        return optimize(self.analyzed, flags=flags)

    @cached_property
    def physical(self):
        conf = self.session.conf
        ctx = PlannerContext(
            shuffle_partitions=_setting(conf, "spark.sql.shuffle.partitions", int, "200"),
            broadcast_threshold=_setting(conf, "spark.sql.autoBroadcastJoinThreshold", _size, "10m"),
            default_parallelism=self.session.sparkContext.defaultParallelism,
            max_partition_bytes=_setting(conf, "spark.sql.files.maxPartitionBytes", _size, "128m"),
        )
        return plan_physical(self.optimized, ctx)

    def to_rdd(self):
        return execute(self.physical, self.session.sparkContext)

    def to_table(self) -> pa.Table:
        """The result on the driver, with the DataFrame's column names."""
        table = collect_table(self.physical, self.session.sparkContext)
        return table.rename_columns([a.name for a in self.analyzed.output])

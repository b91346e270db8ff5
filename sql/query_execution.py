"""The named stages of a query: analyzed → optimized → physical → executed.

A test (or ``explain``) can stop at any stage. The session's configuration supplies the
optimizer flags, ``spark.sql.shuffle.partitions`` and ``spark.sql.autoBroadcastJoinThreshold``.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import pyarrow as pa

from ember.sql.optimizer import ONCE_RULES, RULES, optimize
from ember.sql.physical.execution import collect_table, execute
from ember.sql.physical.observe import report_metrics
from ember.sql.physical.planner import PlannerContext, plan_physical
from ember.sql.plan.logical import LogicalPlan
from ember.sql.sql_config import AUTO_BROADCAST_JOIN_THRESHOLD, FILES_MAX_PARTITION_BYTES, SHUFFLE_PARTITIONS

if TYPE_CHECKING:
    from ember.sql.session import SparkSession

__all__ = ["QueryExecution"]


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
            shuffle_partitions=SHUFFLE_PARTITIONS.read(conf),
            broadcast_threshold=AUTO_BROADCAST_JOIN_THRESHOLD.read(conf),
            default_parallelism=self.session.sparkContext.defaultParallelism,
            max_partition_bytes=FILES_MAX_PARTITION_BYTES.read(conf),
        )
        return plan_physical(self.optimized, ctx)

    def to_rdd(self):
        """The RDD of record batches; an action that runs it calls ``action_ended`` after."""
        return execute(self.physical, self.session.sparkContext)

    def action_ended(self) -> None:
        """Report what the action computed on the side: the metrics of ``df.observe``."""
        report_metrics(self.physical)

    def to_table(self) -> pa.Table:
        """The result on the driver, with the DataFrame's column names."""
        table = collect_table(self.physical, self.session.sparkContext)
        self.action_ended()
        return table.rename_columns([a.name for a in self.analyzed.output])

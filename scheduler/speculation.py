"""When a running task is slow enough to deserve a speculative copy (Spark's rules).

With ``spark.speculation`` on, the scheduler looks at every running stage attempt each
``spark.speculation.interval``. Once ``quantile`` of the attempt's tasks have succeeded
(at least one, and never for a stage of a single task), a task that has run longer than
``max(multiplier * median successful runtime, minTaskRuntime)`` and has no copy yet is
*speculatable*: a second attempt is launched on another worker when one is free, the
first to finish wins, and the other is killed. Runtimes are measured on the driver, from
launch to the end report, for finished and running tasks alike.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ember import config

if TYPE_CHECKING:
    from ember.conf import SparkConf


@dataclass(frozen=True, slots=True)
class SpeculationPolicy:
    """The speculation settings of a session (the ``spark.speculation.*`` keys)."""

    interval: float = 0.1
    multiplier: float = 3.0
    quantile: float = 0.9
    min_runtime: float = 0.1

    @classmethod
    def from_conf(cls, conf: SparkConf) -> SpeculationPolicy | None:
        """The policy, or None when ``spark.speculation`` is off."""
        if not config.SPECULATION.read(conf):
            return None
        return cls(config.SPECULATION_INTERVAL.read(conf), config.SPECULATION_MULTIPLIER.read(conf),
                   config.SPECULATION_QUANTILE.read(conf), config.SPECULATION_MIN_TASK_RUNTIME.read(conf))

    def threshold(self, num_tasks: int, successful_runtimes: list[float]) -> float | None:
        """How long a task of this stage attempt may run before it is speculated; None: not yet.

        ``num_tasks`` is the number of tasks in the attempt, ``successful_runtimes`` the
        runtimes (seconds) of those that succeeded so far.
        """
        if num_tasks <= 1:
            return None
        if len(successful_runtimes) < max(math.floor(self.quantile * num_tasks), 1):
            return None
        return max(self.multiplier * statistics.median(successful_runtimes), self.min_runtime)

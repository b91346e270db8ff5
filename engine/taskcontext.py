"""PySpark's ``pyspark.taskcontext`` import path, so ported imports work; the classes live in
``ember.task_context`` and ``ember.barrier_context``.

>>> from ember.taskcontext import TaskContext
>>> sc.parallelize([1, 2], 2).map(lambda _: TaskContext.get().partitionId()).collect()
[0, 1]
"""

from ember.barrier_context import BarrierTaskContext, BarrierTaskInfo
from ember.task_context import TaskContext

__all__ = ["BarrierTaskContext", "BarrierTaskInfo", "TaskContext"]

"""Ember: a Spark-style in-memory dataflow engine for Python, with PySpark's API.

>>> from ember import SparkContext
"""

from __future__ import annotations

__version__ = "0.1.0"

import logging as _logging

# A library logs only where the application asks it to; sc.setLogLevel(...) adds a console handler.
_logging.getLogger("ember").addHandler(_logging.NullHandler())

from ember.accumulators import Accumulator, AccumulatorParam
from ember.barrier_context import BarrierTaskContext, BarrierTaskInfo
from ember.broadcast import Broadcast
from ember.conf import SparkConf
from ember.context import SparkContext
from ember.files import SparkFiles
from ember.errors import (AnalysisException, EmberException, JobAbortedError, JobCancelledError,
                          ParseException, ResultTooLargeError, WorkerLostError)
from ember.rdd.numeric import StatCounter
from ember.rdd.barrier import RDDBarrier
from ember.rdd.rdd import RDD
from ember.status import SparkJobInfo, SparkStageInfo, StatusTracker
from ember.storage.storage_level import StorageLevel
from ember.task_context import TaskContext
from ember.threads import InheritableThread

__all__ = [
    "Accumulator", "AccumulatorParam", "AnalysisException", "BarrierTaskContext", "BarrierTaskInfo",
    "Broadcast", "EmberException", "InheritableThread", "JobAbortedError", "JobCancelledError", "ParseException", "RDD",
    "RDDBarrier", "ResultTooLargeError", "SparkConf", "SparkContext", "SparkFiles", "SparkJobInfo",
    "SparkStageInfo", "StatCounter", "StatusTracker", "StorageLevel", "TaskContext", "WorkerLostError",
]

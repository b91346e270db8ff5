"""Typed configuration entries, declared once.

``SparkConf`` stays string-keyed for PySpark compatibility; internal code reads settings
only through the ``ConfigEntry`` constants below (``TASK_MAX_FAILURES.read(conf)``), so
every setting has one type, one default and one line of documentation. The table in
docs/configuration.md is generated from ``ENTRIES`` (``python docs/generate_configuration.py``)
and a test fails when it is out of date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from ember.errors import EmberValueError

if TYPE_CHECKING:
    from ember.conf import SparkConf

_SIZE_UNITS = {"b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
_TIME_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}


def parse_bytes(text: str | int) -> int:
    """Parse a JVM-style size ("512m", "2g", "1048576") into bytes."""
    if isinstance(text, int):
        return text
    match = re.fullmatch(r"\s*(\d+)\s*([bkmgt])?b?\s*", str(text).lower())
    if not match:
        raise ValueError(f"cannot parse {text!r} as a size; expected e.g. '512m' or '2g'")
    return int(match.group(1)) * _SIZE_UNITS[match.group(2) or "b"]


def parse_bytes_or_off(text: str | int) -> int:
    """A size as Spark's SQL settings take one (``10m``, ``10MB``, ``10485760``), or ``-1`` for off."""
    if str(text).strip() == "-1":
        return -1
    return parse_bytes(text)


def parse_seconds(text: str | float) -> float:
    """Parse a duration ("3s", "100ms", "2") into seconds; a bare number means seconds."""
    if isinstance(text, (int, float)):
        return float(text)
    match = re.fullmatch(r"\s*([\d.]+)\s*(ms|s|min|m|h)?\s*", str(text).lower())
    if not match:
        raise ValueError(f"cannot parse {text!r} as a duration; expected e.g. '3s' or '100ms'")
    return float(match.group(1)) * _TIME_UNITS[match.group(2) or "s"]


def parse_bool(text: str | bool) -> bool:
    if isinstance(text, bool):
        return text
    lowered = str(text).strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise ValueError(f"cannot parse {text!r} as a boolean; expected 'true' or 'false'")


@dataclass(frozen=True, slots=True)
class ConfigEntry:
    """One setting: its key, how to parse it, its default and what it does."""

    key: str
    parse: Callable[[Any], Any]
    default: Any
    doc: str
    shown_default: str | None = None  # the default as the docs show it, when the value alone says too little

    def read(self, conf: SparkConf) -> Any:
        raw = conf.get(self.key)
        if raw is None:
            return self.default
        try:
            return self.parse(raw)
        except ValueError as exc:
            raise EmberValueError(f"invalid value {raw!r} for {self.key}: {exc}") from None


ENTRIES: dict[str, ConfigEntry] = {}


def declare(key: str, parse: Callable[[Any], Any], default: Any, doc: str,
           shown_default: str | None = None) -> ConfigEntry:
    entry = ConfigEntry(key, parse, default, doc, shown_default)
    ENTRIES[key] = entry
    return entry


MASTER = declare("spark.master", str, "local[*]", "Where to run: local, local[N], local[*], local[N,F], inline or ray.")
APP_NAME = declare("spark.app.name", str, "ember", "The application's name, shown in progress bars and logs.")
DEFAULT_PARALLELISM = declare(
    "spark.default.parallelism", int, None,
    "Default number of partitions for parallelize and shuffles; defaults to the number of worker cores.",
    shown_default="number of workers",
)
TASK_MAX_FAILURES = declare(
    "spark.task.maxFailures", int, 4,
    "Attempts of one task before its job fails; local masters try once unless this is set, and local[N,F] sets it to F.",
    shown_default="`4` (local masters: `1`)",
)
STAGE_MAX_CONSECUTIVE_ATTEMPTS = declare(
    "spark.stage.maxConsecutiveAttempts", int, 4,
    "Consecutive attempts of one stage (after lost shuffle output) before its job fails.",
)
EXECUTOR_MEMORY = declare(
    "spark.executor.memory", parse_bytes, 1 << 30,
    "Memory budget of each worker process, shared by cached blocks and shuffle buffers.",
)
MEMORY_STORAGE_FRACTION = declare(
    "spark.memory.storageFraction", float, 0.6,
    "Share of spark.executor.memory for cached blocks; the rest bounds shuffle aggregation and sorting, which spill beyond it.",
)
DRIVER_MAX_RESULT_SIZE = declare(
    "spark.driver.maxResultSize", parse_bytes, 1 << 30,
    "Largest total size of serialized task results an action may bring to the driver; 0 means no limit.",
)
LOCALITY_WAIT = declare(
    "spark.locality.wait", parse_seconds, 0.5,
    "How long a task waits for the worker holding its cached input before running elsewhere.",
)
SPECULATION = declare(
    "spark.speculation", parse_bool, False,
    "Run a second copy of a task much slower than its stage's others on another worker; the first to finish wins.",
)
SPECULATION_INTERVAL = declare(
    "spark.speculation.interval", parse_seconds, 0.1,
    "How often the scheduler looks for tasks to speculate.",
    shown_default="`100ms`",
)
SPECULATION_MULTIPLIER = declare(
    "spark.speculation.multiplier", float, 3.0,
    "How many times slower than the median successful task of its stage a task must be to be speculated.",
)
SPECULATION_QUANTILE = declare(
    "spark.speculation.quantile", float, 0.9,
    "Fraction of a stage's tasks that must have succeeded before any of its tasks is speculated.",
)
SPECULATION_MIN_TASK_RUNTIME = declare(
    "spark.speculation.minTaskRuntime", parse_seconds, 0.1,
    "Shortest time a task runs before it may be speculated.",
    shown_default="`100ms`",
)
SHOW_CONSOLE_PROGRESS = declare(
    "spark.ui.showConsoleProgress", parse_bool, True,
    "Show a progress bar per stage for jobs that take longer than half a second.",
)
LOCAL_DIR = declare(
    "spark.local.dir", str, None,
    "Parent directory of the session's private scratch directory (shuffle, spill, broadcast files).",
    shown_default="system temp dir",
)
SHUFFLE_COMPRESS = declare(
    "spark.shuffle.compress", parse_bool, True, "Compress shuffle blocks with lz4.",
)
RDD_COMPRESS = declare(
    "spark.rdd.compress", parse_bool, False,
    "Compress the disk blocks of persisted RDDs (MEMORY_AND_DISK overflow, DISK_ONLY) with lz4.",
)
SHUFFLE_BATCH_BYTES = declare(
    "ember.shuffle.batchBytes", parse_bytes, 64 << 10,
    "Target size of one serialized record batch in shuffle files, cached blocks and task results.",
)
WORKER_START_TIMEOUT = declare(
    "ember.worker.startTimeout", parse_seconds, 60.0,
    "How long the driver waits for a new worker process to report ready.",
)
REDUCER_MAX_SIZE_IN_FLIGHT = declare(
    "spark.reducer.maxSizeInFlight", parse_bytes, 48 << 20,
    "On a cluster (the ray master), most shuffle bytes a reduce task fetches from other executors at once.",
)
RAY_ADDRESS = declare(
    "ember.ray.address", str, None,
    "The ray master joins the Ray cluster at this address; unset: RAY_ADDRESS, else a new local Ray.",
    shown_default="RAY_ADDRESS",
)
RAY_EXECUTORS = declare(
    "ember.ray.executors", int, None,
    "Executors (Ray actors, one task slot each) the ray master starts.",
    shown_default="cluster CPUs / executorCores",
)
RAY_EXECUTOR_CORES = declare(
    "ember.ray.executorCores", float, 1.0, "CPUs Ray reserves for each executor actor.",
)
RAY_EXECUTOR_MEMORY = declare(
    "ember.ray.executorMemory", parse_bytes, None,
    "Memory Ray reserves for each executor actor, and that executor's budget (instead of spark.executor.memory).",
    shown_default="spark.executor.memory, not reserved",
)
RAY_SHIP_CODE = declare(
    "ember.ray.shipCode", parse_bool, False,
    "Send Ember's own code to the cluster's nodes in Ray's job-level runtime_env (py_modules), for nodes without Ember installed.",
)
RAY_WORKING_DIR = declare(
    "ember.ray.workingDir", str, None,
    "A directory of the application's own modules that Ray's job-level runtime_env uploads to every node (working_dir).",
    shown_default="none",
)
TESTING_FAULTS = declare(
    "ember.testing.faults", str, None,
    "For Ember's own tests: faults to inject, as JSON keyed by stage, partition and attempt.",
    shown_default="none",
)

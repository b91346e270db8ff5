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
            raise ValueError(f"invalid value for {self.key}: {exc}") from None


ENTRIES: dict[str, ConfigEntry] = {}


def _entry(key: str, parse: Callable[[Any], Any], default: Any, doc: str,
           shown_default: str | None = None) -> ConfigEntry:
    entry = ConfigEntry(key, parse, default, doc, shown_default)
    ENTRIES[key] = entry
    return entry


MASTER = _entry("spark.master", str, "local[*]", "Where to run: local, local[N], local[*], local[N,F], inline or ray.")
APP_NAME = _entry("spark.app.name", str, "ember", "The application's name, shown in progress bars and logs.")
DEFAULT_PARALLELISM = _entry(
    "spark.default.parallelism", int, None,
    "Default number of partitions for parallelize and shuffles; defaults to the number of worker cores.",
    shown_default="number of workers",
)
TASK_MAX_FAILURES = _entry(
    "spark.task.maxFailures", int, 4,
    "Attempts of one task before its job fails; local masters try once unless this is set, and local[N,F] sets it to F.",
    shown_default="`4` (local masters: `1`)",
)
STAGE_MAX_CONSECUTIVE_ATTEMPTS = _entry(
    "spark.stage.maxConsecutiveAttempts", int, 4,
    "Consecutive attempts of one stage (after lost shuffle output) before its job fails.",
)
EXECUTOR_MEMORY = _entry(
    "spark.executor.memory", parse_bytes, 1 << 30,
    "Memory budget of each worker process, shared by cached blocks and shuffle buffers.",
)
MEMORY_STORAGE_FRACTION = _entry(
    "spark.memory.storageFraction", float, 0.6,
    "Share of spark.executor.memory for cached blocks; the rest bounds shuffle aggregation and sorting, which spill beyond it.",
)
DRIVER_MAX_RESULT_SIZE = _entry(
    "spark.driver.maxResultSize", parse_bytes, 1 << 30,
    "Largest total size of serialized task results an action may bring to the driver; 0 means no limit.",
)
LOCALITY_WAIT = _entry(
    "spark.locality.wait", parse_seconds, 0.5,
    "How long a task waits for the worker holding its cached input before running elsewhere.",
)
SHOW_CONSOLE_PROGRESS = _entry(
    "spark.ui.showConsoleProgress", parse_bool, True,
    "Show a progress bar per stage for jobs that take longer than half a second.",
)
LOCAL_DIR = _entry(
    "spark.local.dir", str, None,
    "Parent directory of the session's private scratch directory (shuffle, spill, broadcast files).",
    shown_default="system temp dir",
)
SHUFFLE_COMPRESS = _entry(
    "spark.shuffle.compress", parse_bool, True, "Compress shuffle blocks with lz4.",
)
SHUFFLE_BATCH_BYTES = _entry(
    "ember.shuffle.batchBytes", parse_bytes, 64 << 10,
    "Target size of one serialized record batch in shuffle files and task results.",
)
WORKER_START_TIMEOUT = _entry(
    "ember.worker.startTimeout", parse_seconds, 60.0,
    "How long the driver waits for a new worker process to report ready.",
)
REDUCER_MAX_SIZE_IN_FLIGHT = _entry(
    "spark.reducer.maxSizeInFlight", parse_bytes, 48 << 20,
    "On a cluster (the ray master), most shuffle bytes a reduce task fetches from other executors at once.",
)
RAY_ADDRESS = _entry(
    "ember.ray.address", str, None,
    "The ray master joins the Ray cluster at this address; unset: RAY_ADDRESS, else a new local Ray.",
    shown_default="RAY_ADDRESS",
)
RAY_EXECUTORS = _entry(
    "ember.ray.executors", int, None,
    "Executors (Ray actors, one task slot each) the ray master starts.",
    shown_default="cluster CPUs / executorCores",
)
RAY_EXECUTOR_CORES = _entry(
    "ember.ray.executorCores", float, 1.0, "CPUs Ray reserves for each executor actor.",
)
RAY_EXECUTOR_MEMORY = _entry(
    "ember.ray.executorMemory", parse_bytes, None,
    "Memory Ray reserves for each executor actor, and that executor's budget (instead of spark.executor.memory).",
    shown_default="spark.executor.memory, not reserved",
)
RAY_SHIP_CODE = _entry(
    "ember.ray.shipCode", parse_bool, False,
    "Send Ember's own code to the cluster's nodes in Ray's job-level runtime_env (py_modules), for nodes without Ember installed.",
)
RAY_WORKING_DIR = _entry(
    "ember.ray.workingDir", str, None,
    "A directory of the application's own modules that Ray's job-level runtime_env uploads to every node (working_dir).",
    shown_default="none",
)
TESTING_FAULTS = _entry(
    "ember.testing.faults", str, None,
    "For Ember's own tests: faults to inject, as JSON keyed by stage, partition and attempt.",
    shown_default="none",
)

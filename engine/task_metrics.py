"""Per-task metrics, kept on the task's instance and returned with its result."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class TaskMetrics:
    run_seconds: float = 0.0
    records_written: int = 0
    shuffle_bytes_written: int = 0
    shuffle_bytes_read: int = 0
    result_bytes: int = 0
    spill_count: int = 0
    bytes_spilled: int = 0
    cache_hits: int = 0
    cache_disk_bytes_written: int = 0  # disk blocks this task cached, in bytes

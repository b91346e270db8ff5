"""``window(time, duration[, slide[, start]])``: the time windows a timestamp falls in.

A generator: each row becomes one row per window containing its timestamp (one for a
tumbling window, up to ``ceil(duration / slide)`` for a sliding one), with the window as a
``struct<start, end>`` column named ``window``; a NULL timestamp is in no window, so its row is
dropped, as in Spark. Window ``i`` of a row starts at ``last_start - i * slide``, where
``last_start`` is the latest window start not after the timestamp (Spark's order), and is
kept when ``start <= time < end``. Computed on whole arrays with numpy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ember.sql import types as T
from ember.sql.errors import AnalysisException
from ember.sql.expressions.base import Expression, as_array
from ember.sql.expressions.coercion import cast_if_needed
from ember.sql.expressions.generators import Generator

__all__ = ["TimeWindow", "parse_duration"]

_UNITS = {"week": 7 * 86_400_000_000, "day": 86_400_000_000, "hour": 3_600_000_000, "minute": 60_000_000,
          "second": 1_000_000, "millisecond": 1_000, "microsecond": 1}
_PART = re.compile(r"\s*(-?\d+)\s*(week|day|hour|minute|second|millisecond|microsecond)s?\s*", re.IGNORECASE)


def parse_duration(text: str, what: str) -> int:
    """``"10 minutes"``, ``"1 hour 30 minutes"``, ``"interval 1 day"`` as microseconds."""
    body = re.sub(r"^\s*interval\s+", "", text, flags=re.IGNORECASE)
    total, pos = 0, 0
    while pos < len(body):
        m = _PART.match(body, pos)
        if m is None or m.end() == pos:
            raise AnalysisException(
                "CANNOT_PARSE_INTERVAL" if not re.search(r"month|year", body, re.IGNORECASE)
                else "DATATYPE_MISMATCH.INVALID_WINDOW_DURATION",
                f"The {what} of window must be a day-time interval such as '10 minutes', got '{text}'.", "22006")
        total += int(m.group(1)) * _UNITS[m.group(2).lower()]
        pos = m.end()
    return total


@dataclass(frozen=True, slots=True)
class TimeWindow(Generator):
    """The windows (``duration``, ``slide``, ``start`` in microseconds) that contain ``time``."""

    time: Expression
    duration: int
    slide: int
    start: int = 0

    child_fields = ("time",)

    def __post_init__(self) -> None:
        if self.duration <= 0 or self.slide <= 0:
            raise AnalysisException("DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE",
                                    "The window duration and slide duration must be greater than 0.", "42K09")
        if self.slide > self.duration:
            raise AnalysisException(
                "DATATYPE_MISMATCH.PARAMETER_CONSTRAINT_VIOLATION",
                "The slide duration must be less than or equal to the window duration.", "42K09")
        if abs(self.start) >= self.slide:
            raise AnalysisException(
                "DATATYPE_MISMATCH.PARAMETER_CONSTRAINT_VIOLATION",
                "The absolute value of the start time must be less than the slide duration.", "42K09")

    def coerce(self) -> Expression:
        dt = self.time.data_type
        if not isinstance(dt, (T.TimestampType, T.TimestampNTZType, T.DateType, T.StringType)):
            raise AnalysisException(
                "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
                f"Cannot resolve \"window({self.time.sql()})\" due to data type mismatch: The first parameter "
                f"requires the \"TIMESTAMP\" type, however \"{self.time.sql()}\" has the type "
                f"\"{dt.simpleString().upper()}\".", "42K09")
        return TimeWindow(cast_if_needed(self.time, T.TimestampType()), self.duration, self.slide, self.start)

    def element_fields(self) -> list[tuple[str, T.DataType, bool]]:
        bound = T.TimestampType()
        return [("window", T.StructType([T.StructField("start", bound, True), T.StructField("end", bound, True)]),
                 False)]

    def generate(self, batch: pa.RecordBatch) -> tuple[np.ndarray, list[pa.Array]]:
        times = as_array(self.time.eval(batch), batch.num_rows)
        valid = times.is_valid().to_numpy(zero_copy_only=False)
        micros = np.where(valid, times.cast(pa.int64()).to_numpy(zero_copy_only=False), 0).astype(np.int64)
        count = -(-self.duration // self.slide)
        last_start = micros - np.mod(micros - self.start, self.slide)
        starts = last_start[:, None] - np.arange(count, dtype=np.int64)[None, :] * self.slide  # row-major
        ends = starts + self.duration
        keep = valid[:, None] & (starts <= micros[:, None]) & (micros[:, None] < ends)
        parents = np.nonzero(keep)[0].astype(np.int64)
        window = pa.StructArray.from_arrays(
            [pa.array(starts[keep]).cast(pa.timestamp("us")), pa.array(ends[keep]).cast(pa.timestamp("us"))],
            names=["start", "end"])
        return parents, [window]

    def _fmt(self, args: list[str]) -> str:
        return "window"

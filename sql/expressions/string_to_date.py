"""Spark's reading of text as a DATE (``CAST(s AS DATE)``, and the implicit cast of a string
argument to a date function such as ``year('2015-04-08 13:08:15')``).

Spark accepts ``[+-]yyyy[y..]``, ``yyyy-[m]m`` and ``yyyy-[m]m-[d]d``, the last optionally
followed by a space or ``T`` and anything at all (a time part, which is ignored). Surrounding
whitespace is trimmed. The year has 4 to 7 digits; a day that the month does not have is
malformed.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ember.sql.expressions.base import ArrowValue, as_array
from ember.sql.expressions.calendar import days_from_civil, days_in_month

__all__ = ["string_to_date"]

_DATE = r"(?s)^(?P<sign>[+-]?)(?P<y>\d{4,7})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2})(?:[ T].*)?)?)?$"


def string_to_date(value: ArrowValue) -> tuple[ArrowValue, pa.Array]:
    """``value`` (strings) as ``date32``, and a mask of the non-null inputs that are malformed
    (NULL in the result); the caller decides whether malformed input raises."""
    scalar = isinstance(value, pa.Scalar)
    text = pc.utf8_trim_whitespace(as_array(value, 1) if scalar else value)
    parts = pc.extract_regex(text, _DATE)
    matched = pc.is_valid(parts).to_numpy(zero_copy_only=False)

    def field(name: str, default: int) -> np.ndarray:
        column = pc.struct_field(parts, name)
        column = pc.if_else(pc.equal(pc.utf8_length(column), 0), None, column)
        return pc.fill_null(pc.cast(column, pa.int64()), default).to_numpy(zero_copy_only=False)

    sign = np.where(pc.fill_null(pc.equal(pc.struct_field(parts, "sign"), "-"), False)
                    .to_numpy(zero_copy_only=False), -1, 1)
    y, m, d = sign * field("y", 1970), field("m", 1), field("d", 1)
    good = matched & (m >= 1) & (m <= 12) & (d >= 1) & (d <= days_in_month(y, m))
    days = days_from_civil(y, np.clip(m, 1, 12), d)
    out = pa.array(days.astype(np.int32), pa.int32(), mask=~good).cast(pa.date32())
    malformed = pc.and_(pc.is_valid(text), pa.array(~good))
    return (out[0] if scalar else out), malformed

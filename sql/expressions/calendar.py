"""Proleptic Gregorian calendar arithmetic on numpy arrays of years, months and days (the
calendar Spark's dates use), shared by string-to-date casts and date/interval arithmetic."""

from __future__ import annotations

import numpy as np

__all__ = ["days_from_civil", "days_in_month"]

_MONTH_LENGTHS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def days_from_civil(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of the dates ``y-m-d`` (H. Hinnant's algorithm, any year)."""
    y = y - (m <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    doy = (153 * (m + np.where(m > 2, -3, 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def days_in_month(y: np.ndarray, m: np.ndarray) -> np.ndarray:
    """The length of month ``m`` of year ``y`` (months outside 1..12 are read as the nearest one)."""
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    return _MONTH_LENGTHS[np.clip(m, 1, 12) - 1] + ((m == 2) & leap)

"""Checks shared by ``LIMIT``/``OFFSET`` in SQL and ``limit``/``offset`` in the DataFrame API."""

from __future__ import annotations

from ember.sql.errors import AnalysisException

__all__ = ["check_limit_like"]


def check_limit_like(kind: str, value: int) -> None:
    """``kind`` is ``"limit"`` or ``"offset"``; a negative count is Spark's ``IS_NEGATIVE`` error."""
    if value < 0:
        raise AnalysisException("INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE", f"The limit like expression "
                                f"\"{value}\" is invalid. The {kind} expression must be equal to or greater "
                                f"than 0, but got {value}.", "42K0E")

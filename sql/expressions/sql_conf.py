"""The SQL settings an expression captures when it is analysed.

Spark fixes an arithmetic node's evaluation mode (ANSI or legacy) and its decimal result type
when the query is analysed, from the active session's configuration; the node then carries
that choice to the workers, which never read configuration themselves. Ember does the same:
``coerce()`` calls these readers and stores the answer in the node.
"""

from __future__ import annotations

__all__ = ["ansi_enabled", "decimal_precision_loss"]


def _setting(key: str, default: str) -> str:
    from ember.sql.session import SparkSession

    session = SparkSession.getActiveSession()
    value = session.conf.get(key) if session is not None else None
    return (value or default).strip().lower()


def ansi_enabled() -> bool:
    """``spark.sql.ansi.enabled`` (default true, as in Spark 4): errors instead of NULL or wrap-around."""
    return _setting("spark.sql.ansi.enabled", "true") != "false"


def decimal_precision_loss() -> bool:
    """``spark.sql.decimalOperations.allowPrecisionLoss`` (default true): over 38 digits, give up scale."""
    return _setting("spark.sql.decimalOperations.allowPrecisionLoss", "true") != "false"

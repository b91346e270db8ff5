"""The SQL settings an expression captures when it is analysed.

Spark fixes an arithmetic node's evaluation mode (ANSI or legacy) and its decimal result type
when the query is analysed, from the active session's configuration; the node then carries
that choice to the workers, which never read configuration themselves. Ember does the same:
``coerce()`` calls these readers and stores the answer in the node. The settings are those of
the session analysing the query (``analysed_by``, as Spark's ``withActive``), else of the
active session.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Iterator

from ember.config import ConfigEntry
from ember.sql.errors import AnalysisException
from ember.sql.sql_config import ANSI_ENABLED, DECIMAL_ALLOW_PRECISION_LOSS, SESSION_TIME_ZONE

if TYPE_CHECKING:
    from ember.sql.session import SparkSession

__all__ = ["analysed_by", "analysing_session", "ansi_enabled", "decimal_precision_loss", "session_time_zone"]

_ANALYSING: ContextVar[SparkSession | None] = ContextVar("analysing_session", default=None)


@contextmanager
def analysed_by(session: SparkSession) -> Iterator[None]:
    """Within the block, expressions take their settings from ``session``."""
    token = _ANALYSING.set(session)
    try:
        yield
    finally:
        _ANALYSING.reset(token)


def analysing_session() -> SparkSession | None:
    """The session analysing the current query, else the active one."""
    from ember.sql.session import SparkSession

    return _ANALYSING.get() or SparkSession.getActiveSession()


def _read(entry: ConfigEntry):
    session = analysing_session()
    return entry.read(session.conf) if session is not None else entry.default


def ansi_enabled() -> bool:
    """``spark.sql.ansi.enabled`` (default true, as in Spark 4): errors instead of NULL or wrap-around."""
    return _read(ANSI_ENABLED)


def decimal_precision_loss() -> bool:
    """``spark.sql.decimalOperations.allowPrecisionLoss`` (default true): over 38 digits, give up scale."""
    return _read(DECIMAL_ALLOW_PRECISION_LOSS)


# Names of UTC itself (Java's ZoneId aliases), and zero offsets such as +00:00, -0, UTC+00:00 or GMT+0.
_UTC_NAMES = {name.lower() for name in (
    "UTC", "Z", "UT", "GMT", "UCT", "GMT0", "Zulu", "Universal", "Greenwich", "Etc/UTC", "Etc/UCT", "Etc/GMT",
    "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "Etc/Zulu", "Etc/Universal", "Etc/Greenwich", "GMT+0", "GMT-0")}
_ZERO_OFFSET = re.compile(r"(?:UTC|GMT|UT)?[+-]0{1,2}(?::?00(?::?00)?)?", re.IGNORECASE)


def session_time_zone() -> str:
    """``spark.sql.session.timeZone`` as configured, when it names UTC. Ember computes timestamps in
    UTC only, so any other zone would silently give wrong hours, casts and formats: it is refused."""
    configured = _read(SESSION_TIME_ZONE).strip()
    if configured.lower() in _UTC_NAMES or _ZERO_OFFSET.fullmatch(configured):
        return configured
    raise AnalysisException(
        "UNSUPPORTED_FEATURE",
        f"spark.sql.session.timeZone is set to '{configured}', but Ember computes timestamps in UTC only. "
        "Set spark.sql.session.timeZone to 'UTC' (or unset it) and convert with from_utc_timestamp / "
        "convert_timezone where another zone's wall time is needed.")

"""Reader and writer options: case-insensitive keys, string values, typed accessors.

PySpark passes options as strings (``option("header", True)`` arrives as ``"true"``); readers
look them up case-insensitively, as Spark's ``CaseInsensitiveMap`` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ember.sql.errors import EmberValueError

__all__ = ["Options", "option_string", "PARSE_MODES"]

PARSE_MODES = ("PERMISSIVE", "DROPMALFORMED", "FAILFAST")


def option_string(value: Any) -> str:
    """PySpark's rendering of an option value: booleans as ``true``/``false``."""
    return str(value).lower() if isinstance(value, bool) else str(value)


@dataclass(frozen=True, slots=True)
class Options:
    """An immutable, hashable bag of options (it travels with the scan to every task)."""

    items: tuple[tuple[str, str], ...] = ()

    @staticmethod
    def of(mapping: dict[str, Any]) -> Options:
        merged: dict[str, str] = {}
        for key, value in mapping.items():
            if value is not None:
                merged[key.lower()] = option_string(value)
        return Options(tuple(sorted(merged.items())))

    def get(self, key: str, default: str | None = None) -> str | None:
        return dict(self.items).get(key.lower(), default)

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.get(key)
        if value is None:
            return default
        if value.lower() not in ("true", "false"):
            raise EmberValueError("INVALID_OPTION_VALUE", f"Option '{key}' must be true or false, got '{value}'.")
        return value.lower() == "true"

    @property
    def mode(self) -> str:
        mode = (self.get("mode") or "PERMISSIVE").upper()
        if mode not in PARSE_MODES:
            # Spark falls back to PERMISSIVE for an unknown mode; a typo should not pass silently.
            raise EmberValueError("INVALID_PARSE_MODE", f"Unknown parse mode '{self.get('mode')}'. "
                                  f"Supported modes: {', '.join(PARSE_MODES)}.")
        return mode

    @property
    def corrupt_column(self) -> str:
        return self.get("columnNameOfCorruptRecord") or "_corrupt_record"

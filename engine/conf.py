"""``SparkConf``: the string-keyed settings object of PySpark's API.

Values are kept as strings, as in PySpark. Internal code never reads keys directly: it
goes through the typed entries of ``ember.config``.
"""

from __future__ import annotations

from typing import Iterable

from ember import system_properties


class SparkConf:
    """Configuration for an Ember application, as key-value string pairs.

    Examples
    --------
    >>> conf = SparkConf().setMaster("local[2]").setAppName("demo")
    >>> conf.get("spark.master")
    'local[2]'
    >>> conf.get("spark.missing", "fallback")
    'fallback'
    """

    def __init__(self, loadDefaults: bool = True, _values: dict[str, str] | None = None) -> None:
        self._values: dict[str, str] = dict(_values or {})
        if loadDefaults and _values is None:
            self._values.update(system_properties.spark_defaults())

    def set(self, key: str, value: object) -> SparkConf:
        if value is None:
            raise ValueError(f"SparkConf value for {key!r} must not be None")
        self._values[key] = value if isinstance(value, str) else _to_conf_string(value)
        return self

    def setIfMissing(self, key: str, value: object) -> SparkConf:
        if key not in self._values:
            self.set(key, value)
        return self

    def setMaster(self, value: str) -> SparkConf:
        return self.set("spark.master", value)

    def setAppName(self, value: str) -> SparkConf:
        return self.set("spark.app.name", value)

    def setAll(self, pairs: Iterable[tuple[str, object]]) -> SparkConf:
        for key, value in pairs:
            self.set(key, value)
        return self

    def get(self, key: str, defaultValue: str | None = None) -> str | None:
        return self._values.get(key, defaultValue)

    def getAll(self) -> list[tuple[str, str]]:
        return list(self._values.items())

    def contains(self, key: str) -> bool:
        return key in self._values

    def toDebugString(self) -> str:
        return "\n".join(f"{k}={v}" for k, v in self._values.items())

    def copy(self) -> SparkConf:
        return SparkConf(_values=self._values)

    def __repr__(self) -> str:
        return f"SparkConf({self._values!r})"


def _to_conf_string(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)

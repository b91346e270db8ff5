"""Process-wide properties: Ember's stand-in for the JVM system properties PySpark reaches.

``SparkContext.setSystemProperty`` stores here, ``getSystemProperty`` reads, and a
``SparkConf()`` built with ``loadDefaults=True`` starts from the ``spark.*`` entries, as a
``SparkConf`` does from the JVM's system properties in Spark.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_properties: dict[str, str] = {}


def set(key: str, value: str) -> None:  # noqa: A001 - the module is used as system_properties.set
    with _lock:
        _properties[key] = value


def get(key: str) -> str | None:
    with _lock:
        return _properties.get(key)


def spark_defaults() -> dict[str, str]:
    """The ``spark.*`` properties, which every new default ``SparkConf`` starts from."""
    with _lock:
        return {key: value for key, value in _properties.items() if key.startswith("spark.")}

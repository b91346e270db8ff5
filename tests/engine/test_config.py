"""Typed configuration entries parse like Spark's and name their key when a value is bad.

That every entry is documented, and that docs/configuration.md is generated from them, is
checked in ``test_docs.py``.
"""

from __future__ import annotations

import pytest

from ember import SparkConf, config


@pytest.mark.parametrize("text, expected", [("512m", 512 << 20), ("2g", 2 << 30), ("1024", 1024), ("64k", 64 << 10)])
def test_sizes_parse_like_spark(text, expected):
    assert config.parse_bytes(text) == expected


def test_a_bad_value_names_the_key():
    conf = SparkConf().set("spark.task.maxFailures", "many")
    with pytest.raises(ValueError, match="spark.task.maxFailures"):
        config.TASK_MAX_FAILURES.read(conf)

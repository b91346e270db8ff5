"""The public API: what ``ember`` exports, as PySpark's names (STYLE 9's compatibility list)."""

from __future__ import annotations

import ember

# The names of pyspark's top-level package that Ember provides, with the same meaning.
PYSPARK_NAMES = ["SparkConf", "SparkContext", "RDD", "StorageLevel", "Broadcast", "Accumulator",
                 "AccumulatorParam", "TaskContext", "StatCounter"]


def test_every_exported_name_exists():
    missing = [name for name in ember.__all__ if not hasattr(ember, name)]
    assert missing == []


def test_pyspark_top_level_names_are_exported():
    assert [name for name in PYSPARK_NAMES if name not in ember.__all__] == []


def test_importing_the_rdd_core_does_not_import_pyarrow():
    import subprocess
    import sys

    script = "import sys, ember; ember.SparkContext; print('pyarrow' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"

"""PySpark's own docstring examples for ``RDD``, ``SparkContext``, ``Broadcast`` and ``SparkFiles``,
run against Ember (skipped when pyspark is not installed).

Every method of those classes whose PySpark docstring has examples is run as a doctest with
``sc`` bound to an Ember context and ``from pyspark import …`` read as ``from ember import …``.
Each must pass, except the few in ``NOT_RUN``, each with the reason it cannot.
"""

from __future__ import annotations

import doctest
import re
import types
import warnings

import pytest

from ember import SparkConf, SparkContext

pyspark_rdd = pytest.importorskip("pyspark.core.rdd")
pyspark_context = pytest.importorskip("pyspark.core.context")
pyspark_broadcast = pytest.importorskip("pyspark.core.broadcast")
pyspark_files = pytest.importorskip("pyspark.core.files")

JVM_ONLY = "reads or writes Hadoop formats through the JVM"
NOT_RUN = {
    "RDD.saveAsHadoopDataset": JVM_ONLY, "RDD.saveAsHadoopFile": JVM_ONLY,
    "RDD.saveAsNewAPIHadoopDataset": JVM_ONLY, "RDD.saveAsNewAPIHadoopFile": JVM_ONLY,
    "RDD.saveAsSequenceFile": JVM_ONLY, "SparkContext.hadoopFile": JVM_ONLY,
    "SparkContext.hadoopRDD": JVM_ONLY, "SparkContext.newAPIHadoopFile": JVM_ONLY,
    "SparkContext.newAPIHadoopRDD": JVM_ONLY, "SparkContext.sequenceFile": JVM_ONLY,
    "RDD.persist": "expects py4j's Py4JJavaError when the storage level changes (Ember: EmberValueError)",
    "RDD.toDebugString": "expects the JVM's PythonRDD in the lineage",
    "RDD.intersection": "expects the 4 partitions of PySpark's local[4] doctest context",
    "SparkContext.getSystemProperty": "reads SPARK_SUBMIT, a JVM property spark-submit sets",
    "SparkContext.uiWebUrl": "Ember has no web UI",
    "SparkContext.removeJobTag": "prints a set of two strings, whose order depends on PYTHONHASHSEED",
    "SparkContext.setJobGroup": "sleeps 5 s (the same cancellation runs in SparkContext.addJobTag)",
    "SparkContext.stop": "stops the context the other examples use",
    "SparkContext.getOrCreate": "creates contexts",
}
_IMPORTS = [(r"\bfrom pyspark\.core\.(files|broadcast|context) import\b", "from ember import"),
            (r"\bfrom pyspark(\.core)?\.rdd import\b", "from ember.rdd import"),
            (r"\bfrom pyspark import\b", "from ember import")]


def _documented_methods() -> dict[str, object]:
    found = {}
    for cls, label in [(pyspark_rdd.RDD, "RDD"), (pyspark_context.SparkContext, "SparkContext"),
                       (pyspark_broadcast.Broadcast, "Broadcast"), (pyspark_files.SparkFiles, "SparkFiles")]:
        for name, member in vars(cls).items():
            function = member.fget if isinstance(member, property) else getattr(member, "__func__", member)
            if not name.startswith("_") and callable(function) and ">>>" in (function.__doc__ or ""):
                found[f"{label}.{name}"] = function
    return found


METHODS = _documented_methods()


@pytest.fixture(scope="module")
def doc_context(sc, tmp_path_factory):
    """A context of its own: the examples add files, set groups and checkpoint directories."""
    SparkContext._active = None
    context = SparkContext("local[2]", "pyspark-doc-examples",
                           conf=SparkConf().set("spark.ui.showConsoleProgress", "false"))
    context.setCheckpointDir(str(tmp_path_factory.mktemp("checkpoints")))
    yield context
    context.stop()
    SparkContext._active = sc


def test_most_documented_methods_run():
    assert len(METHODS) > 120 and len(set(METHODS) - set(NOT_RUN)) > 110


@pytest.mark.parametrize("name", sorted(set(METHODS) - set(NOT_RUN)))
def test_pyspark_docstring_examples_pass_on_ember(doc_context, name, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    [test] = doctest.DocTestFinder(recurse=False).find(METHODS[name], name, globs={})
    for example in test.examples:
        for pattern, replacement in _IMPORTS:
            example.source = re.sub(pattern, replacement, example.source)
    test.globs = {"sc": doc_context, "spark": types.SimpleNamespace(sparkContext=doc_context)}
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # deprecated methods warn, as in PySpark
        result = runner.run(test, out=report.append)
    assert result.failed == 0, "".join(report)

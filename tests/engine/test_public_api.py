"""The public API: what ``ember`` exports, as PySpark's names (STYLE 9's compatibility list)."""

from __future__ import annotations

import ember

# The names of pyspark's top-level package that Ember provides, with the same meaning.
PYSPARK_NAMES = ["SparkConf", "SparkContext", "RDD", "StorageLevel", "Broadcast", "Accumulator",
                 "AccumulatorParam", "TaskContext", "StatCounter", "StatusTracker", "SparkJobInfo",
                 "SparkStageInfo", "BarrierTaskContext", "BarrierTaskInfo", "RDDBarrier", "SparkFiles", "InheritableThread"]


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


# Issue 2's list of PySpark RDD and SparkContext methods that Ember provides.
RDD_METHODS = """map flatMap filter mapPartitions mapPartitionsWithIndex glom distinct union intersection subtract
cartesian zip zipWithIndex zipWithUniqueId sample randomSplit takeSample sortBy sortByKey groupBy groupByKey
reduceByKey reduceByKeyLocally aggregateByKey foldByKey combineByKey countByKey countByValue join
leftOuterJoin rightOuterJoin fullOuterJoin cogroup groupWith subtractByKey keyBy keys values mapValues
flatMapValues lookup partitionBy repartition coalesce repartitionAndSortWithinPartitions reduce treeReduce
fold aggregate treeAggregate count collect collectAsMap take takeOrdered top first isEmpty foreach
foreachPartition toLocalIterator sum mean max min stdev variance sampleStdev sampleVariance stats histogram
saveAsTextFile saveAsPickleFile getNumPartitions id name setName toDebugString pipe cache persist unpersist
getStorageLevel is_cached checkpoint localCheckpoint isCheckpointed getCheckpointFile""".split()
CONTEXT_METHODS = """getOrCreate parallelize range textFile wholeTextFiles pickleFile emptyRDD union broadcast
accumulator defaultParallelism setLogLevel setJobGroup setJobDescription stop cancelJobGroup cancelAllJobs
setCheckpointDir getCheckpointDir runJob statusTracker""".split()


def test_every_rdd_and_context_method_of_the_issue_exists():
    assert [m for m in RDD_METHODS if not hasattr(ember.RDD, m)] == []
    assert [m for m in CONTEXT_METHODS if not hasattr(ember.SparkContext, m)] == []

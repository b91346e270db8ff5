"""WordCount over a Zipf-distributed text corpus: Ember vs PySpark vs plain Python and friends.

The classic first Spark program, and the one where PySpark's RDD API loses to a single Python
process (on 304 MB, PySpark 4.3's job takes 17.6 s, one core's `Counter` 7.7 s): per-record
Python work, a string-keyed shuffle with a map-side combine, and a small result. Ember and
PySpark run the identical RDD code; the plain baselines show what one core
(`collections.Counter`) and two processes get, and DuckDB and Dask bag (when installed) what
other tools do with the same file.

The corpus (~300 MB at ``--scale 1``, ~10 words a line, single spaces, words drawn from a fixed
vocabulary of 200,000 with Zipf exponent 1.1, seed 42) is generated with numpy in seconds and
cached under ``--data-dir``; ``--scale`` shrinks it.

The Spark rows run a second action on the same counts (the shuffle output is reused);
``ember-killed`` loses a worker during the job, and ``ember-lost-files`` loses half of the
shuffle files before the second action (compare its "second" with ember's fault-free one).

Usage: python bench/wordcount.py [--scale 0.01] [--engines ember,pyspark,python] [--repeat 3]
"""

from __future__ import annotations

import argparse
import collections
import math
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from operator import add
from pathlib import Path
from typing import Any

import numpy as np

import common

FULL_SIZE_BYTES = 300_000_000
VOCABULARY = 200_000
ZIPF_EXPONENT = 1.1
WORDS_PER_LINE = 10
SEED = 42
TOKENS_PER_CHUNK = 1 << 19
READ_BLOCK = 8 << 20  # python-mp2 reads its byte range in blocks of this size

# ---------------------------------------------------------------------------- the workloads


def word_counts(sc: Any, path: str) -> Any:
    """The RDD program, exactly as a PySpark user writes it; runs unchanged on Ember."""
    return sc.textFile(path).flatMap(lambda line: line.split()).map(lambda w: (w, 1)).reduceByKey(add)


def top_words(counts: Any) -> list[tuple[str, int]]:
    return counts.takeOrdered(10, key=lambda kv: -kv[1])


def spark_word_count(sc: Any, path: str) -> list[tuple[str, int]]:
    return top_words(word_counts(sc, path))


def python_word_count(path: str) -> list[tuple[str, int]]:
    """One process, one `Counter`."""
    counts: collections.Counter[str] = collections.Counter()
    with open(path) as f:
        for line in f:
            counts.update(line.split())
    return counts.most_common(10)


def _count_byte_range(path: str, start: int, end: int) -> collections.Counter[str]:
    """Count the words of the lines that begin in ``[start, end)``."""
    counts: collections.Counter[str] = collections.Counter()
    with open(path, "rb") as f:
        if start:
            f.seek(start - 1)
            f.readline()  # the line holding byte start-1 belongs to the previous range
        while f.tell() < end:
            block = f.read(min(READ_BLOCK, end - f.tell()))
            if not block.endswith(b"\n"):
                block += f.readline()  # finish the line that began inside the range
            for line in block.decode().splitlines():
                counts.update(line.split())
    return counts


def python_mp2_word_count(path: str) -> list[tuple[str, int]]:
    """Two processes, each a `Counter` over half of the file's bytes, merged in the parent."""
    size = os.path.getsize(path)
    with multiprocessing.get_context("fork").Pool(2) as pool:
        first, second = pool.starmap(_count_byte_range, [(path, 0, size // 2), (path, size // 2, size)])
    first.update(second)
    return first.most_common(10)


def duckdb_word_count(path: str) -> list[tuple[str, int]]:
    """SQL over the text file (each line read as one VARCHAR column), 2 threads."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads TO 2; SET enable_progress_bar = false")
    return con.execute(
        """SELECT word, count(*) AS n
           FROM (SELECT unnest(string_split(line, ' ')) AS word
                 FROM read_csv(?, columns = {'line': 'VARCHAR'}, header = false, delim = '|',
                               quote = '', escape = '', auto_detect = false))
           WHERE word <> '' GROUP BY word ORDER BY n DESC LIMIT 10""",
        [path],
    ).fetchall()


def dask_word_count(path: str) -> list[tuple[str, int]]:
    """Dask bag with its multiprocessing scheduler, 2 workers."""
    import dask.bag as db

    top = db.read_text(path, blocksize="32MiB").str.split().flatten().frequencies().topk(10, key=1)
    return list(top.compute(scheduler="processes", num_workers=2))


# ---------------------------------------------------------------------------- the corpus


def corpus_size(args: argparse.Namespace) -> int:
    return max(10_000, int(FULL_SIZE_BYTES * args.scale))


def corpus_path(args: argparse.Namespace) -> Path:
    return args.data_dir / f"zipf-words-{corpus_size(args)}-seed{SEED}.txt"


def _vocabulary(rng: np.random.Generator) -> list[bytes]:
    """Distinct lowercase words, frequent ranks shorter (2-4 letters at the top, ~12 at the tail)."""
    lengths = 2 + (0.5 * np.log2(np.arange(VOCABULARY) + 2)).astype(int) + rng.integers(0, 3, VOCABULARY)
    letters = rng.integers(ord("a"), ord("z") + 1, (VOCABULARY, int(lengths.max()) + 4), dtype=np.uint8)
    words, seen = [], set()
    for row, length in zip(letters, lengths):
        word = row[:length].tobytes()
        while word in seen:  # rare: lengthen the word until it is new
            word += bytes([ord("a") + len(seen) % 26])
        seen.add(word)
        words.append(word)
    return words


def make_corpus(path: Path, size_bytes: int) -> int:
    """Write a corpus of about ``size_bytes`` to ``path`` (atomically); returns the word count."""
    rng = np.random.default_rng(SEED)
    words = _vocabulary(rng)
    lengths = np.array([len(w) + 1 for w in words], dtype=np.int64)  # each word plus a separator
    starts = np.cumsum(lengths) - lengths
    blob = np.frombuffer(b" ".join(words) + b" ", dtype=np.uint8)
    weights = np.arange(1, VOCABULARY + 1, dtype=np.float64) ** -ZIPF_EXPONENT
    cdf = np.cumsum(weights / weights.sum())
    total = math.ceil(size_bytes / float(weights @ lengths / weights.sum()))
    partial = path.with_suffix(".partial")
    with open(partial, "wb") as out:
        for first in range(0, total, TOKENS_PER_CHUNK):
            n = min(TOKENS_PER_CHUNK, total - first)
            ranks = np.minimum(np.searchsorted(cdf, rng.random(n)), VOCABULARY - 1)
            token_len = lengths[ranks]
            ends = np.cumsum(token_len)
            # gather each token's bytes from the vocabulary blob in one vectorised index
            chunk = blob[np.repeat(starts[ranks] - (ends - token_len), token_len) + np.arange(ends[-1])]
            line_end = rng.random(n) < 1 / WORDS_PER_LINE
            line_end[-1] = True
            chunk[ends[line_end] - 1] = ord("\n")
            out.write(chunk.tobytes())
    partial.replace(path)
    return total


def prepare(args: argparse.Namespace) -> str:
    path = corpus_path(args)
    if not path.exists():
        words = make_corpus(path, corpus_size(args))
        return f"{path} ({path.stat().st_size / 1e6:.1f} MB, {words:,} words, generated now)"
    return f"{path} ({path.stat().st_size / 1e6:.1f} MB, cached)"


# ---------------------------------------------------------------------------- engines


def _run_spark(module: str, args: argparse.Namespace, watch: common.Stopwatch) -> Any:
    """The job, then a second action on the same counts (its shuffle output is reused)."""
    path = str(corpus_path(args))
    with common.spark_context(module, watch, "bench-wordcount") as sc:
        counts = word_counts(sc, path)
        with watch.time("job"):
            top = top_words(counts)
        with watch.time("second"):
            return _same(top, top_words(counts))


def _same(first: Any, second: Any) -> Any:
    if first != second:
        raise AssertionError(f"the second action disagrees with the first: {second!r} != {first!r}")
    return second


def _run_ember_losing_shuffle_files(args: argparse.Namespace, watch: common.Stopwatch) -> Any:
    """Ember's job, then half of its shuffle files deleted, then the second action.

    Measures recovery from lost map output: the second action must rebuild every lost
    output in one resubmit of the map stage; compare its time with ember's fault-free
    second action.
    """
    path = str(corpus_path(args))
    with common.spark_context("ember", watch, "bench-wordcount-lost-files") as sc:
        counts = word_counts(sc, path)
        with watch.time("job"):
            top = top_words(counts)
        shuffle_files = sorted(Path(sc.session_dir, "shuffle").glob("*/*.data"))
        for lost in shuffle_files[::2]:
            lost.unlink()
        with watch.time("second"):
            return _same(top, top_words(counts))


def _run_ember_losing_a_worker(args: argparse.Namespace, watch: common.Stopwatch) -> Any:
    """Ember's WordCount with one worker SIGKILLed ``--kill-after`` seconds into the job.

    Measures recovery: the lost worker's running task is re-run on its replacement, and
    the job's answer must still equal everyone else's.
    """
    path = str(corpus_path(args))
    with common.spark_context("ember", watch, "bench-wordcount-killed") as sc:
        victim = min(sc.executor_pids().values())
        killer = threading.Timer(args.kill_after, os.kill, (victim, signal.SIGKILL))
        with watch.time("job"):
            killer.start()
            try:
                return spark_word_count(sc, path)
            finally:
                killer.cancel()


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kill-after", type=float, default=3.0,
                        help="seconds into the job when ember-killed loses a worker")


def _plain(fn: Callable[[str], Any]) -> common.Runner:
    return common.timed_job(lambda args: fn(str(corpus_path(args))))


BENCHMARK = common.Benchmark(
    name="wordcount",
    script=__file__,
    engines=[
        *common.spark_engines(_run_spark),
        common.Engine("ember-killed", _run_ember_losing_a_worker, "ember", {"PYTHONHASHSEED": None}),
        common.Engine("ember-lost-files", _run_ember_losing_shuffle_files, "ember", {"PYTHONHASHSEED": None}),
        common.Engine("python", _plain(python_word_count)),
        common.Engine("python-mp2", _plain(python_mp2_word_count)),
        common.Engine("duckdb", _plain(duckdb_word_count), "duckdb"),
        common.Engine("dask", _plain(dask_word_count), "dask"),
    ],
    columns=[("session", "session (s)"), ("job", "job (s)"), ("second", "second action (s)")],
    ratio_keys=["job", "second"],
    prepare=prepare,
    compare=lambda a, b: common.same_ranking(a, b, rank_index=1),
    describe=lambda top: ", ".join(f"{w}:{n}" for w, n in top),
    add_arguments=_add_arguments,
)

if __name__ == "__main__":
    sys.exit(common.main(BENCHMARK))

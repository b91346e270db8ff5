"""``SparkContext``: the entry point of the RDD API (PySpark's), and the session's wiring.

It is a façade: it parses the master, creates the private session directory, starts the
executor backend and the scheduler's logic thread, and turns actions into jobs. It makes
no scheduling decisions itself.

Masters: ``local`` (one worker), ``local[N]``, ``local[*]`` (one per core) and
``local[N,F]`` (F attempts per task) start worker processes. As in Spark, local masters
try each task once unless ``local[N,F]`` or ``spark.task.maxFailures`` asks for more; ``inline`` (Ember's addition)
runs every task inside the driver, for debugging with pdb; ``ray`` runs executors as actors
on a Ray cluster (``scheduler/backends/ray.py``), retrying tasks ``spark.task.maxFailures`` times.
"""

from __future__ import annotations

import atexit
import importlib
import itertools
import logging
import os
import pickle
import re
import sys
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Iterable, Sequence

from ember import config, system_properties
from ember.accumulators import (COMPLEX_ACCUMULATOR_PARAM, FLOAT_ACCUMULATOR_PARAM, INT_ACCUMULATOR_PARAM,
                                Accumulator, AccumulatorParam)
from ember.storage.block_manager_master import BlockManagerMaster
from ember.boundary import mark_job_error, public_api
from ember.broadcast import Broadcast, write_broadcast
from ember.call_site import capture_call_site
from ember.closure import check_closure
from ember.conf import SparkConf
from ember.faults import parse_faults
from ember.files import PACKAGE_EXTENSIONS, USER_FILES, FileRegistry, find_driver_root_with
from ember.errors import ClosureError, ContextStoppedError, EmberValueError, JobCancelledError
from ember.rdd.checkpoint import materialize_checkpoints
from ember.rdd.rdd import RDD
from ember.rdd.sources import (EmptyRDD, ParallelCollectionRDD, PickleFileRDD, TextFileRDD,
                               WholeTextFilesRDD)
from ember.rdd.union import PartitionerAwareUnionRDD, UnionRDD
from ember.scheduler.backends.inline import InlineBackend
from ember.scheduler.backends.local import LocalProcessBackend
from ember.scheduler.dag_scheduler import DAGScheduler
from ember.scheduler.event_loop import EventLoop
from ember.scheduler.events import (AllJobsCancelled, JobCancelled, JobGroupCancelled, JobSubmitted,
                                    JobTagCancelled, RDDUnpersisted, ShuffleReleased, SpeculationCheck)
from ember.scheduler.listener import ListenerBus, SparkListener
from ember.scheduler.map_output_tracker import MapOutputTracker
from ember.scheduler.progress import ConsoleProgressBar
from ember.scheduler.speculation import SpeculationPolicy
from ember.shuffle.block_resolver import ShuffleBlockResolver
from ember.status import StatusListener, StatusTracker
from ember.temp_dirs import SessionDirectory

log = logging.getLogger(__name__)

_JOB_TAGS = "spark.job.tags"
_LOCAL_MASTER = re.compile(r"local(?:\[(\*|\d+)(?:\s*,\s*(\d+))?\])?")
_LOG_LEVELS = {"ALL": logging.NOTSET, "TRACE": logging.DEBUG, "DEBUG": logging.DEBUG, "INFO": logging.INFO,
               "WARN": logging.WARNING, "ERROR": logging.ERROR, "FATAL": logging.CRITICAL,
               "OFF": logging.CRITICAL + 10}


@dataclass(frozen=True, slots=True)
class MasterSpec:
    inline: bool
    num_workers: int  # 0: as many as the cluster offers (ray)
    max_failures: int | None
    ray: bool = False


def parse_master(master: str) -> MasterSpec:
    """``local``, ``local[N]``, ``local[*]``, ``local[N,F]``, ``inline`` or ``ray``."""
    if master == "inline":
        return MasterSpec(True, 1, None)
    if master.strip() == "ray":
        return MasterSpec(False, 0, None, ray=True)
    match = _LOCAL_MASTER.fullmatch(master.strip())
    if not match:
        raise EmberValueError(
            f"Could not parse Master URL: {master!r}; Ember runs 'local', 'local[N]', 'local[*]', "
            f"'local[N,F]', 'inline' or 'ray'")
    cores, failures = match.groups()
    workers = (os.cpu_count() or 1) if cores == "*" else int(cores or 1)
    if workers < 1:
        raise EmberValueError(f"Asked to run locally with {workers} threads; need at least one")
    return MasterSpec(False, workers, int(failures) if failures else None)


@public_api
class SparkContext:
    """The entry point to Ember's RDD API.

    >>> from ember import SparkContext
    >>> with SparkContext("local[2]", "doc") as context:
    ...     context.parallelize(range(10)).map(lambda x: x * x).sum()
    285
    """

    _active: ClassVar[SparkContext | None] = None
    _lock: ClassVar[threading.RLock] = threading.RLock()
    _ember_driver_only = "context"  # closures refuse to capture it (ember.closure)

    def __init__(self, master: str | None = None, appName: str | None = None, sparkHome: str | None = None,
                 pyFiles: Any = None, environment: dict | None = None, batchSize: int = 0,
                 serializer: Any = None, conf: SparkConf | None = None, gateway: Any = None,
                 jsc: Any = None, profiler_cls: Any = None) -> None:
        with SparkContext._lock:
            if SparkContext._active is not None:
                active = SparkContext._active
                raise EmberValueError(
                    f"Cannot run multiple SparkContexts at once; existing SparkContext(app={active.appName}, "
                    f"master={active.master}) created at {active._created_at}. Call stop() on it first, "
                    f"or use SparkContext.getOrCreate()")
            self._conf = conf.copy() if conf is not None else SparkConf()
            if master:
                self._conf.setMaster(master)
            if appName:
                self._conf.setAppName(appName)
            self._start()
            SparkContext._active = self

    def _start(self) -> None:
        conf = self._conf
        self.master: str = config.MASTER.read(conf)
        self.appName: str = config.APP_NAME.read(conf)
        self._created_at = capture_call_site().label.split(" at ", 1)[-1]
        self._start_time = int(time.time() * 1000)
        spec = parse_master(self.master)
        self._spec = spec
        self._max_failures = spec.max_failures or (
            config.TASK_MAX_FAILURES.read(conf) if spec.ray or conf.contains(config.TASK_MAX_FAILURES.key) else 1)
        self._session_dir = SessionDirectory(config.LOCAL_DIR.read(conf))
        self._files = FileRegistry(os.path.join(self._session_dir.path, USER_FILES))
        self._rdd_ids = itertools.count()
        self._shuffle_ids = itertools.count()
        self._job_ids = itertools.count()
        self._broadcast_ids = itertools.count()
        self._accumulators: dict[int, Accumulator] = {}
        self._local = threading.local()
        self._stopped = False
        self._listeners = ListenerBus()
        self._status = StatusListener()
        self._listeners.add(self._status)
        self._progress = None
        if config.SHOW_CONSOLE_PROGRESS.read(conf):
            self._progress = ConsoleProgressBar()
            self._listeners.add(self._progress)
        try:
            self._backend = self._make_backend(spec)
        except BaseException:
            self._session_dir.remove()
            raise
        self._event_loop = EventLoop(self._handle_event, self._scheduler_crashed)
        tracker = MapOutputTracker(ShuffleBlockResolver(self._session_dir.path),
                                   self._backend.shuffle_files_outlive_executors)
        speculation = SpeculationPolicy.from_conf(conf)
        self._dag = DAGScheduler(
            self._backend, tracker, BlockManagerMaster(),
            self._listeners, self._accumulators, self._event_loop.post_later,
            max_task_failures=self._max_failures,
            max_stage_attempts=config.STAGE_MAX_CONSECUTIVE_ATTEMPTS.read(conf),
            locality_wait=config.LOCALITY_WAIT.read(conf),
            max_result_size=config.DRIVER_MAX_RESULT_SIZE.read(conf),
            speculation=speculation)
        self._event_loop.start()
        if speculation is not None:
            self._event_loop.post_every(speculation.interval, SpeculationCheck())
        self._backend.start(self._event_loop.post, self._dag.commit_coordinator.can_commit)
        try:
            self._backend.wait_until_ready(config.WORKER_START_TIMEOUT.read(conf))
        except Exception:
            self.stop()
            raise
        atexit.register(self._stop_at_exit)

    def _make_backend(self, spec: MasterSpec):
        memory = config.EXECUTOR_MEMORY.read(self._conf)
        storage = int(memory * config.MEMORY_STORAGE_FRACTION.read(self._conf))
        execution = memory - storage
        batch = config.SHUFFLE_BATCH_BYTES.read(self._conf)
        compress = config.SHUFFLE_COMPRESS.read(self._conf)
        rdd_compress = config.RDD_COMPRESS.read(self._conf)
        faults_text = config.TESTING_FAULTS.read(self._conf)
        if spec.inline:
            return InlineBackend(self._session_dir.path, storage, execution, batch, compress,
                                 parse_faults(faults_text), rdd_compress)
        # Workers warm up in the background with what the driver already uses (DataFrames).
        preload = [name for name in ("ember.sql",) if name in sys.modules]
        init = {"session_dir": self._session_dir.path, "sys_path": list(sys.path), "preload": preload,
                "cwd": os.getcwd(), "storage_bytes": storage, "execution_bytes": execution, "batch_bytes": batch, "compress": compress,
                "rdd_compress": rdd_compress, "faults": faults_text}
        if spec.ray:
            try:  # Ray is an optional extra
                from ember.scheduler.backends.ray import ray_backend_from_conf
            except ModuleNotFoundError as exc:
                if exc.name != "ray":
                    raise
                raise EmberValueError("the 'ray' master needs Ray, which is not installed: "
                                      "pip install 'ember[ray]'") from None
            return ray_backend_from_conf(self._conf, init, memory)
        return LocalProcessBackend(spec.num_workers, init)

    def _handle_event(self, event: Any) -> None:
        self._dag.handle(event)

    def _scheduler_crashed(self, error: BaseException) -> None:
        self._dag.abort_all_jobs(error)

    # --- lifecycle -----------------------------------------------------------------

    @classmethod
    def getOrCreate(cls, conf: SparkConf | None = None) -> SparkContext:
        """The active SparkContext, or a new one built from ``conf``."""
        with cls._lock:
            if cls._active is None:
                cls(conf=conf or SparkConf())
            return cls._active

    def stop(self) -> None:
        """Stop the workers, remove the session directory, and let a new context start."""
        with SparkContext._lock:
            if self._stopped:
                return
            self._stopped = True
            self._event_loop.post(AllJobsCancelled())
            self._event_loop.stop()
            self._dag.release_failing_jobs()
            self._backend.stop()
            if self._progress is not None:
                self._progress.close_all()
            self._session_dir.remove()
            atexit.unregister(self._stop_at_exit)
            if SparkContext._active is self:
                SparkContext._active = None

    def _stop_at_exit(self) -> None:
        try:
            self.stop()
        except Exception:
            log.exception("error while stopping the SparkContext at interpreter exit")

    def __enter__(self) -> SparkContext:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def __reduce__(self):
        raise ClosureError(
            "It appears that you are attempting to reference SparkContext from a broadcast variable, "
            "action, or transformation. SparkContext can only be used on the driver, not in code that "
            "runs on workers (see SPARK-5063).")

    def _check_active(self) -> None:
        if self._stopped:
            raise ContextStoppedError(
                "Cannot call methods on a stopped SparkContext; create a new one with SparkContext(...)")

    # --- properties ----------------------------------------------------------------

    @property
    def defaultParallelism(self) -> int:
        configured = config.DEFAULT_PARALLELISM.read(self._conf)
        return configured if configured else (self._spec.num_workers or self._backend.num_executors)

    @property
    def defaultMinPartitions(self) -> int:
        return min(self.defaultParallelism, 2)

    @property
    def version(self) -> str:
        from ember import __version__

        return __version__

    @property
    def startTime(self) -> int:
        """When this context started, in milliseconds since the epoch."""
        return self._start_time

    @property
    def applicationId(self) -> str:
        return f"local-{self.startTime}"

    @property
    def uiWebUrl(self) -> None:
        return None

    def getConf(self) -> SparkConf:
        return self._conf.copy()

    def sparkUser(self) -> str:
        import getpass

        return getpass.getuser()

    def statusTracker(self) -> StatusTracker:
        """Status of recent jobs and stages: ids, states and task counts (PySpark's ``StatusTracker``)."""
        return StatusTracker(self._status)

    def setLogLevel(self, logLevel: str) -> None:
        """Show Ember's log at ``logLevel`` and above on stderr: ALL, DEBUG, ERROR, FATAL, INFO, OFF, TRACE or WARN.

        Ember is silent by default, like any library, unless the application configures
        ``logging``; this adds a console handler the first time, as PySpark's console log.
        """
        level = _LOG_LEVELS.get(str(logLevel).upper())
        if level is None:
            raise EmberValueError(f"Supplied level {logLevel} did not match one of: {','.join(_LOG_LEVELS)}")
        logger = logging.getLogger("ember")
        logger.setLevel(level)
        if not any(isinstance(h, logging.StreamHandler) for h in logger.handlers):
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
            logger.addHandler(handler)

    # --- local properties, groups and cancellation ---------------------------------

    def local_properties(self) -> dict[str, str]:
        """This thread's local properties, the live dict (job group, description, tags)."""
        if not hasattr(self._local, "properties"):
            self._local.properties = {}
        return self._local.properties

    def setLocalProperty(self, key: str, value: str | None) -> None:
        if value is None:
            self.local_properties().pop(key, None)
        else:
            self.local_properties()[key] = value

    def getLocalProperty(self, key: str) -> str | None:
        return self.local_properties().get(key)

    def setJobGroup(self, groupId: str, description: str, interruptOnCancel: bool = False) -> None:
        self.setLocalProperty("spark.jobGroup.id", groupId)
        self.setLocalProperty("spark.job.description", description)
        self.setLocalProperty("spark.job.interruptOnCancel", str(interruptOnCancel).lower())

    def setJobDescription(self, value: str) -> None:
        self.setLocalProperty("spark.job.description", value)

    def cancelJobGroup(self, groupId: str) -> None:
        self._event_loop.post(JobGroupCancelled(groupId))

    def cancelAllJobs(self) -> None:
        self._event_loop.post(AllJobsCancelled())

    def setInterruptOnCancel(self, interruptOnCancel: bool) -> None:
        """Whether cancelling this thread's jobs interrupts their running tasks.

        Ember always stops a cancelled job's running tasks; the flag is kept as a local property.
        """
        self.setLocalProperty("spark.job.interruptOnCancel", str(interruptOnCancel).lower())

    def addJobTag(self, tag: str) -> None:
        """Attach ``tag`` to every job this thread starts from now on (see ``cancelJobsWithTag``).

        >>> sc.addJobTag("nightly"); sorted(sc.getJobTags())
        ['nightly']
        >>> sc.clearJobTags()
        """
        self._set_job_tags(self.getJobTags() | {_checked_tag(tag)})

    def removeJobTag(self, tag: str) -> None:
        """Stop attaching ``tag`` to the jobs this thread starts."""
        self._set_job_tags(self.getJobTags() - {_checked_tag(tag)})

    def getJobTags(self) -> set[str]:
        """The tags attached to the jobs this thread starts."""
        return set(filter(None, (self.getLocalProperty(_JOB_TAGS) or "").split(",")))

    def clearJobTags(self) -> None:
        """Attach no tags to the jobs this thread starts."""
        self.setLocalProperty(_JOB_TAGS, None)

    def cancelJobsWithTag(self, tag: str) -> None:
        """Cancel the active jobs started with ``tag``, stopping their running tasks."""
        self._event_loop.post(JobTagCancelled(_checked_tag(tag)))

    def _cancel_jobs(self, tag: str | None = None, job_id: int | None = None) -> list[int]:
        """Cancel the active jobs carrying ``tag``, or job ``job_id``, or all; returns the ids cancelled."""
        self._check_active()
        cancelled: Future = Future()
        if tag is not None:
            self._event_loop.post(JobTagCancelled(tag, cancelled))
        elif job_id is not None:
            self._event_loop.post(JobCancelled(job_id, "interrupted by SparkSession.interruptOperation", cancelled))
        else:
            self._event_loop.post(AllJobsCancelled(cancelled))
        return cancelled.result(timeout=60)

    def _set_job_tags(self, tags: set[str]) -> None:
        self.setLocalProperty(_JOB_TAGS, ",".join(sorted(tags)) if tags else None)

    @classmethod
    def setSystemProperty(cls, key: str, value: str) -> None:
        """Set a process-wide property; ``spark.*`` ones become defaults of every later ``SparkConf()``.

        Spark sets a JVM system property; Ember has no JVM and keeps them in the driver process.
        """
        system_properties.set(key, value)

    @classmethod
    def getSystemProperty(cls, key: str) -> str | None:
        """A property set with ``setSystemProperty``, or None (Ember has no JVM properties such as ``java.version``)."""
        return system_properties.get(key)

    # --- sources -------------------------------------------------------------------

    def new_rdd_id(self) -> int:
        """The id of a new RDD of this context (Ember's engine interface, as the methods below)."""
        self._check_active()
        return next(self._rdd_ids)

    def new_shuffle_id(self) -> int:
        """The id of a new shuffle dependency."""
        return next(self._shuffle_ids)

    def parallelize(self, c: Iterable[Any], numSlices: int | None = None) -> RDD:
        """Distribute a local collection as an RDD of ``numSlices`` partitions.

        >>> sc.parallelize([0, 2, 3, 4, 6], 5).glom().collect()
        [[0], [2], [3], [4], [6]]
        """
        data = c if isinstance(c, (range, list, tuple)) else list(c)
        return ParallelCollectionRDD(self, data, numSlices or self.defaultParallelism)

    def range(self, start: int, end: int | None = None, step: int = 1, numSlices: int | None = None) -> RDD:
        """An RDD of the integers ``range(start, end, step)``; one argument means ``range(0, start)``.

        >>> sc.range(1, 7, 2).collect()
        [1, 3, 5]
        """
        if end is None:
            start, end = 0, start
        return self.parallelize(range(start, end, step), numSlices)

    def emptyRDD(self) -> RDD:
        return EmptyRDD(self)

    def textFile(self, name: str, minPartitions: int | None = None, use_unicode: bool = True) -> RDD:
        """The lines of text files: a file, a directory, a glob, or comma-separated paths.

        Files ending in ``.gz`` are decompressed (one partition each).
        """
        return TextFileRDD(self, name, minPartitions or self.defaultMinPartitions, use_unicode)

    def wholeTextFiles(self, path: str, minPartitions: int | None = None, use_unicode: bool = True) -> RDD:
        """``(path, content)`` for each file under ``path``."""
        return WholeTextFilesRDD(self, path, minPartitions or self.defaultMinPartitions)

    def binaryFiles(self, path: str, minPartitions: int | None = None) -> RDD:
        """``(path, content bytes)`` for each file under ``path`` (a file, directory, glob or list)."""
        from ember.rdd.binary_sources import BinaryFilesRDD

        return BinaryFilesRDD(self, path, minPartitions or self.defaultMinPartitions)

    def binaryRecords(self, path: str, recordLength: int) -> RDD:
        """The files' bytes cut into records of ``recordLength`` bytes each."""
        from ember.rdd.binary_sources import BinaryRecordsRDD

        return BinaryRecordsRDD(self, path, recordLength)

    def pickleFile(self, name: str, minPartitions: int | None = None) -> RDD:
        """Read back an RDD written by ``saveAsPickleFile``."""
        return PickleFileRDD(self, name, minPartitions or self.defaultMinPartitions)

    def union(self, rdds: Sequence[RDD]) -> RDD:
        """The records of all the given RDDs, one after another."""
        rdds = list(rdds)
        if not rdds:
            raise EmberValueError("union() needs at least one RDD")
        partitioner = rdds[0].partitioner
        if len(rdds) > 1 and partitioner is not None and all(r.partitioner == partitioner for r in rdds):
            return PartitionerAwareUnionRDD(rdds)
        return UnionRDD(rdds)

    # --- shared variables ----------------------------------------------------------

    def broadcast(self, value: Any) -> Broadcast:
        """Send a read-only value to every worker once; read it with ``.value``."""
        self._check_active()
        broadcast_id = next(self._broadcast_ids)
        path = os.path.join(self._session_dir.subdir("broadcast"), str(broadcast_id))
        return write_broadcast(broadcast_id, path, value)

    def accumulator(self, value: Any, accum_param: AccumulatorParam | None = None) -> Accumulator:
        """A variable tasks can add to; only the driver reads ``.value``."""
        if accum_param is None:
            if isinstance(value, bool) or not isinstance(value, (int, float, complex)):
                raise EmberValueError(
                    f"no default AccumulatorParam for type {type(value).__name__}; pass accum_param")
            accum_param = {int: INT_ACCUMULATOR_PARAM, float: FLOAT_ACCUMULATOR_PARAM,
                           complex: COMPLEX_ACCUMULATOR_PARAM}[type(value)]
        accumulator = Accumulator(len(self._accumulators), value, accum_param)
        self._accumulators[accumulator.aid] = accumulator
        return accumulator

    # --- files for the workers ----------------------------------------------------

    PACKAGE_EXTENSIONS = PACKAGE_EXTENSIONS

    def addFile(self, path: str, recursive: bool = False) -> None:
        """Copy a file (or, with ``recursive``, a directory) to every worker; find it with ``SparkFiles.get(name)``."""
        self._check_active()
        self._files.add_file(path, recursive)

    def addPyFile(self, path: str) -> None:
        """Ship a ``.py``, ``.zip`` or ``.egg`` file to every worker and make it importable in tasks."""
        self._check_active()
        self._files.add_file(path, python=True)
        name = os.path.basename(path)
        entry = os.path.join(self._files.root, name) if name.lower().endswith(PACKAGE_EXTENSIONS) else self._files.root
        if entry not in sys.path:
            sys.path.insert(1, entry)
        importlib.invalidate_caches()

    def addArchive(self, path: str) -> None:
        """Ship an archive (``.zip``, ``.jar``, ``.tar``, ``.tar.gz``, ``.tgz``…) unpacked to every worker.

        ``path#name`` unpacks it under ``name`` instead of the archive's file name.
        """
        self._check_active()
        self._files.add_archive(path)

    @property
    def listFiles(self) -> list[str]:
        """The files and directories added with ``addFile`` and ``addPyFile``, as ``file:`` URIs."""
        return self._files.uris(archives=False)

    @property
    def listArchives(self) -> list[str]:
        """The archives added with ``addArchive``, as ``file:`` URIs."""
        return self._files.uris(archives=True)

    # --- running jobs --------------------------------------------------------------

    def runJob(self, rdd: RDD, partitionFunc: Callable[[Iterable[Any]], Iterable[Any]],
               partitions: Sequence[int] | None = None, allowLocal: bool = False) -> list[Any]:
        """Run ``partitionFunc`` on the given partitions and return all its outputs as one list."""
        check_closure(partitionFunc, "runJob")
        results = self.run_job(rdd, lambda it: list(partitionFunc(it)), partitions)
        return [item for part in results for item in part]

    def run_job(self, rdd: RDD, func: Callable[[Any], Any], partitions: Sequence[int] | None = None,
                 checkpointing: bool = False) -> list[Any]:
        """Apply ``func`` to each partition's iterator on the workers; results in partition order.

        Afterwards, checkpoints requested in the lineage are written (unless this job is the
        one writing a checkpoint).
        """
        job_id, future = self._submit_job(rdd, func, partitions)
        results = self._await_job(job_id, future)
        values = [pickle.loads(data) for data in results]
        if not checkpointing:
            materialize_checkpoints(rdd)
        return values

    def run_job_within(self, rdd: RDD, func: Callable[[Any], Any], timeout: float) -> tuple[list[Any], int]:
        """Run ``func`` on every partition, waiting at most ``timeout`` seconds.

        Returns the results of the partitions that finished in time, in no particular order,
        and the number of partitions; the rest of the job is cancelled (approximate actions).
        """
        finished: dict[int, bytes] = {}
        lock = threading.Lock()

        def record(partition: int, data: bytes) -> None:  # on the scheduler's thread
            with lock:
                finished[partition] = data

        job_id, future = self._submit_job(rdd, func, None, on_result=record)
        try:
            future.result(timeout=max(timeout, 0.0))
        except TimeoutError:
            self._event_loop.post(JobCancelled(job_id, f"an approximate result was taken after {timeout} s"))
        except BaseException:
            self._await_job(job_id, future)  # raises the job's error as run_job does
        try:
            _wait_interruptibly(future)
        except JobCancelledError:
            pass
        with lock:
            results = [pickle.loads(data) for data in finished.values()]
        return results, rdd.getNumPartitions()

    def _submit_job(self, rdd: RDD, func: Callable[[Any], Any], partitions: Sequence[int] | None,
                    on_result: Callable[[int, bytes], None] | None = None) -> tuple[int, Future]:
        self._check_active()
        count = rdd.getNumPartitions()
        partitions = tuple(range(count) if partitions is None else partitions)
        bad = [p for p in partitions if not 0 <= p < count]
        if bad:
            raise EmberValueError(f"partition indices {bad} out of range for {rdd!r} with {count} partitions")
        future: Future = Future()
        job_id = next(self._job_ids)
        self._event_loop.post(JobSubmitted(job_id, rdd, func, partitions, future, capture_call_site(),
                                           dict(self.local_properties()), on_result))
        return job_id, future

    def _await_job(self, job_id: int, future: Future) -> Any:
        try:
            return _wait_interruptibly(future)
        except KeyboardInterrupt:
            self._event_loop.post(JobCancelled(job_id, "interrupted by the user (KeyboardInterrupt)"))
            raise
        except BaseException as error:
            raise mark_job_error(error).with_traceback(None) from error.__cause__

    def setCheckpointDir(self, dirName: str) -> None:
        """Where ``checkpoint()`` writes: a new subdirectory of ``dirName`` for this application."""
        path = os.path.join(os.path.abspath(dirName), f"{self.applicationId}-{os.getpid()}")
        os.makedirs(path, mode=0o700, exist_ok=True)
        self._checkpoint_dir = path

    def getCheckpointDir(self) -> str | None:
        return getattr(self, "_checkpoint_dir", None)

    def session_subdir(self, name: str) -> str:
        """A folder of this session's private scratch directory, removed at ``stop()`` (local checkpoints)."""
        return self._session_dir.subdir(name)

    def release_shuffle(self, shuffle_id: int, blocking: bool = False) -> None:
        """Called when a shuffle dependency is garbage-collected (may run on any thread), or cleaned."""
        if self._stopped:
            return
        done: Future | None = Future() if blocking else None
        self._event_loop.post(ShuffleReleased(shuffle_id, done))
        if done is not None:
            _wait_interruptibly(done)

    @property
    def resources(self) -> dict[str, Any]:
        """The driver's custom resources (GPUs, FPGAs): none, as Ember schedules processes only."""
        return {}

    def remove_rdd_blocks(self, rdd_id: int, blocking: bool = False) -> None:
        """Forget an RDD's cached blocks, on the scheduler's thread (it reads the block map)."""
        if self._stopped:
            return
        done: Future | None = Future() if blocking else None
        self._event_loop.post(RDDUnpersisted(rdd_id, done))
        if done is not None:
            _wait_interruptibly(done)

    @property
    def session_dir(self) -> str:
        """This session's private scratch directory: shuffle files, spills, executors' folders (Ember's addition)."""
        return self._session_dir.path

    @property
    def block_manager_master(self) -> BlockManagerMaster:
        """The driver's map of which executor caches which partition (Ember's addition, for monitoring and tests)."""
        return self._dag.blocks

    def add_listener(self, listener: SparkListener) -> None:
        """Tell ``listener`` about every job, stage and task from now on (Ember's ``addSparkListener``)."""
        self._listeners.add(listener)

    def remove_listener(self, listener: SparkListener) -> None:
        """Stop telling ``listener`` (Ember's ``removeSparkListener``)."""
        self._listeners.remove(listener)

    def executor_pids(self) -> dict[str, int]:
        """Process ids of the live executors (Ember's addition, for monitoring and tests)."""
        return self._backend.executor_pids()

    def __repr__(self) -> str:
        return f"<SparkContext master={self.master} appName={self.appName}>"


def active_context() -> SparkContext | None:
    """The running SparkContext, or None."""
    return SparkContext._active


def cancel_jobs(sc: SparkContext, tag: str | None = None, job_id: int | None = None) -> list[int]:
    """Cancel ``sc``'s active jobs carrying ``tag``, or job ``job_id``, or all; returns the ids cancelled
    (for ``SparkSession``'s ``interruptAll``, ``interruptTag`` and ``interruptOperation``)."""
    return sc._cancel_jobs(tag, job_id)


def _active_files_root() -> str | None:
    active = SparkContext._active
    return None if active is None else active._files.root


find_driver_root_with(_active_files_root)


def _checked_tag(tag: Any) -> str:
    """Spark's rules for a job tag: not null, not empty, no comma (tags travel comma-joined)."""
    if tag is None:
        raise EmberValueError("Spark job tag cannot be null.")
    if tag == "":
        raise EmberValueError("Spark job tag cannot be an empty string.")
    if "," in tag:
        raise EmberValueError("Spark job tag cannot contain ','.")
    return tag


def _wait_interruptibly(future: Future) -> Any:
    """``future.result()``, waking up regularly so Ctrl-C is noticed on every platform."""
    while True:
        try:
            return future.result(timeout=0.25)
        except TimeoutError:
            continue

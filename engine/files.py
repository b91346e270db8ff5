"""Files shipped to every worker: ``SparkContext.addFile``/``addPyFile``/``addArchive`` and ``SparkFiles``.

The driver copies each added file, directory or unpacked archive into its root directory
(``<session>/userFiles``) and records it in a manifest written atomically. Before each task,
a worker copies whatever it has not copied yet into its own private directory
(``<session>/executors/<id>/files``), which is then its ``SparkFiles.getRootDirectory()``
and is on its ``sys.path``, so files added with ``addPyFile`` import in tasks. Tasks never
read the driver's copies, as in Spark, where every executor fetches its own.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import shutil
import sys
import threading
from dataclasses import asdict, dataclass
from typing import Callable, ClassVar

from ember.errors import EmberRuntimeError, EmberValueError

log = logging.getLogger(__name__)

USER_FILES = "userFiles"  # the driver's root, under the session directory
_MANIFEST = ".manifest.json"
_ARCHIVE_FORMATS = {".zip": "zip", ".jar": "zip", ".tar": "tar", ".tar.gz": "gztar", ".tgz": "gztar",
                    ".tar.bz2": "bztar", ".tar.xz": "xztar"}
PACKAGE_EXTENSIONS = (".zip", ".egg", ".jar")


class SparkFiles:
    """Paths of the files added with ``SparkContext.addFile`` (PySpark's API).

    On the driver they resolve under the driver's copy; inside a task, under the worker's.
    """

    _root_directory: ClassVar[str | None] = None  # set in worker processes only

    def __init__(self) -> None:
        raise NotImplementedError("Do not construct SparkFiles objects")

    @classmethod
    def get(cls, filename: str) -> str:
        """The absolute path of an added file (or directory, or unpacked archive) named ``filename``."""
        return os.path.abspath(os.path.join(cls.getRootDirectory(), filename))

    @classmethod
    def getRootDirectory(cls) -> str:
        """The directory that holds the added files, on the driver or in a task."""
        if cls._root_directory is not None:
            return cls._root_directory
        root = _driver_root()  # the driver's: the active context's copy
        if root is None:
            raise EmberValueError("SparkFiles needs an active SparkContext (or must run inside a task)")
        return root


def _no_driver() -> str | None:
    return None


_driver_root: Callable[[], str | None] = _no_driver


def find_driver_root_with(lookup: Callable[[], str | None]) -> None:
    """How ``SparkFiles`` finds the active context's root on the driver (None: no active context).

    The driver installs it when it is imported, so that this low module never imports the driver.
    """
    global _driver_root
    _driver_root = lookup


@dataclass(frozen=True, slots=True)
class AddedFile:
    name: str       # its name under the root directory
    uri: str        # what listFiles / listArchives show
    kind: str       # "file", "directory" or "archive"
    python: bool    # added with addPyFile: a package to put on sys.path


def _local_path(path: str) -> str:
    if path.startswith("file:"):
        path = path[len("file:"):]
        if path.startswith("//"):
            path = path[2:]
    elif "://" in path:
        raise EmberValueError(f"Ember adds local files only; cannot fetch {path!r}")
    return os.path.abspath(os.path.expanduser(path))


def _archive_format(name: str) -> str:
    for extension, archive_format in _ARCHIVE_FORMATS.items():
        if name.lower().endswith(extension):
            return archive_format
    raise EmberValueError(
        f"addArchive cannot unpack {name!r}: Ember unpacks {', '.join(_ARCHIVE_FORMATS)} archives")


def _same_contents(a: str, b: str) -> bool:
    if os.path.getsize(a) != os.path.getsize(b):
        return False
    with open(a, "rb") as left, open(b, "rb") as right:
        while True:
            chunk = left.read(1 << 20)
            if chunk != right.read(1 << 20):
                return False
            if not chunk:
                return True


class FileRegistry:
    """The driver's side: copies added files into the root directory and keeps the manifest."""

    def __init__(self, root: str) -> None:
        self.root = root
        os.makedirs(root, mode=0o700, exist_ok=True)
        self._lock = threading.Lock()
        self._added: dict[str, AddedFile] = {}
        self._sources: dict[str, str] = {}

    def add_file(self, path: str, recursive: bool = False, python: bool = False) -> None:
        source = _local_path(path)
        if not os.path.exists(source):
            raise FileNotFoundError(f"File file:{source} does not exist")
        directory = os.path.isdir(source)
        if directory and not recursive:
            raise EmberValueError("UNSUPPORTED_ADD_FILE.DIRECTORY",
                                  f"Don't support add file. The file file:{source}/ is a directory; "
                                  f"pass recursive=True to add a directory.", "0A000")
        name = os.path.basename(source.rstrip(os.sep))
        uri = f"file:{source}/" if directory else f"file:{source}"
        with self._lock:
            if self._sources.get(name) == source:
                return  # Spark ignores a path added twice
            target = os.path.join(self.root, name)
            if os.path.exists(target) and (directory or not _same_contents(target, source)):
                raise EmberRuntimeError(f"File {target} exists and does not match contents of file:{source}")
            if not os.path.exists(target):
                self._copy_in(source, target, directory)
            self._record(source, AddedFile(name, uri, "directory" if directory else "file", python))

    def add_archive(self, path: str) -> None:
        location, _, fragment = path.partition("#")
        source = _local_path(location)
        if not os.path.isfile(source):
            raise FileNotFoundError(f"File file:{source} does not exist")
        archive_format = _archive_format(source)
        name = fragment or os.path.basename(source)
        with self._lock:
            if self._sources.get(name) == source:
                return
            target = os.path.join(self.root, name)
            if os.path.exists(target):
                raise EmberRuntimeError(f"Archive {name} was already added from another path than file:{source}")
            staging = os.path.join(self.root, f".{name}.tmp")
            shutil.unpack_archive(source, staging, archive_format)
            os.rename(staging, target)
            self._record(source, AddedFile(name, f"file:{source}" + (f"#{fragment}" if fragment else ""),
                                           "archive", False))

    def uris(self, archives: bool) -> list[str]:
        with self._lock:
            return [added.uri for added in self._added.values() if (added.kind == "archive") == archives]

    def _copy_in(self, source: str, target: str, directory: bool) -> None:
        staging = os.path.join(self.root, f".{os.path.basename(target)}.tmp")
        if directory:
            shutil.copytree(source, staging)
        else:
            shutil.copyfile(source, staging)
        os.replace(staging, target)

    def _record(self, source: str, added: AddedFile) -> None:
        self._added[added.name] = added
        self._sources[added.name] = source
        staging = os.path.join(self.root, _MANIFEST + ".tmp")
        with open(staging, "w") as handle:
            json.dump([asdict(entry) for entry in self._added.values()], handle)
        os.replace(staging, os.path.join(self.root, _MANIFEST))


class WorkerFiles:
    """A worker's side: copies newly added files from the driver's root into its own."""

    def __init__(self, driver_root: str, root: str) -> None:
        self.driver_root = driver_root
        self.root = root
        self._copied: set[str] = set()
        self._manifest_version: tuple[int, int, int] | None = None
        os.makedirs(root, mode=0o700, exist_ok=True)
        SparkFiles._root_directory = root
        sys.path.insert(1, root)

    def sync(self) -> None:
        """Fetch what was added since the last task; cheap when nothing was (one ``stat``)."""
        manifest = os.path.join(self.driver_root, _MANIFEST)
        try:
            status = os.stat(manifest)
        except FileNotFoundError:
            return
        version = (status.st_ino, status.st_mtime_ns, status.st_size)
        if version == self._manifest_version:
            return
        with open(manifest) as handle:
            entries = [AddedFile(**fields) for fields in json.load(handle)]
        for entry in entries:
            if entry.name not in self._copied:
                self._fetch(entry)
        self._manifest_version = version
        importlib.invalidate_caches()

    def _fetch(self, entry: AddedFile) -> None:
        source = os.path.join(self.driver_root, entry.name)
        target = os.path.join(self.root, entry.name)
        if os.path.isdir(source):
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copyfile(source, target)
        if entry.python and entry.name.lower().endswith(PACKAGE_EXTENSIONS):
            sys.path.insert(1, target)
        self._copied.add(entry.name)

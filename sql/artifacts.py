"""``spark.addArtifacts``: a classic session ships artifacts through its ``SparkContext``."""

from __future__ import annotations

import filecmp
import os
from typing import Any

from ember.errors import PySparkRuntimeError, PySparkValueError

__all__ = ["add_artifacts"]


def add_artifacts(sc: Any, paths: tuple[str, ...], pyfile: bool, archive: bool, file: bool) -> None:
    """Add ``paths`` as Python files, archives or plain files (at most one kind), as PySpark does."""
    from ember.files import SparkFiles

    if sum([file, pyfile, archive]) > 1:
        raise PySparkValueError("INVALID_MULTIPLE_ARGUMENT_CONDITIONS", "['pyfile', 'archive' and/or 'file'] cannot "
                                "be True together.")
    for path in paths:
        normalized = os.path.abspath(path)
        shipped = os.path.join(SparkFiles.getRootDirectory(), os.path.basename(normalized))
        if os.path.exists(shipped) and not filecmp.cmp(normalized, shipped, shallow=False):
            raise PySparkRuntimeError("DUPLICATED_ARTIFACT", f"Duplicate Artifact: {normalized}. Artifacts cannot be "
                                      "overwritten.")
    add = sc.addArchive if archive else sc.addPyFile if pyfile else sc.addFile if file else None
    if add is not None:
        for path in paths:
            add(path)

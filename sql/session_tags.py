"""A session's operation tags (``spark.addTag``), kept per thread and carried by the context's job tags.

Spark tags the jobs of a classic session with ``spark-session-<uuid>-<tag>`` for every tag the
thread added, so ``interruptTag`` cancels exactly the jobs this session started under it.
Ember does the same with ``SparkContext`` job tags; ``sc.getJobTags()`` shows the longer names.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from ember.sql.errors import IllegalArgumentException

__all__ = ["SessionTags"]


def _checked(tag: Any) -> str:
    """Spark's rules for a tag (they travel comma-joined), with its error texts."""
    if tag is None:
        raise IllegalArgumentException("Spark job tag cannot be null.")
    if tag == "":
        raise IllegalArgumentException("Spark job tag cannot be an empty string.")
    if "," in tag:
        raise IllegalArgumentException("Spark job tag cannot contain ','.")
    return tag


class SessionTags:
    """The tags of one session, per thread."""

    def __init__(self, sc: Any) -> None:
        self._sc = sc
        self._prefix = f"spark-session-{uuid.uuid4()}-"
        self._local = threading.local()

    def _tags(self) -> set[str]:
        if not hasattr(self._local, "tags"):
            self._local.tags = set()
        return self._local.tags

    def job_tag(self, tag: str) -> str:
        """The context's job tag that stands for this session's ``tag``."""
        return self._prefix + _checked(tag)

    def add(self, tag: str) -> None:
        self._sc.addJobTag(self.job_tag(tag))
        self._tags().add(tag)

    def remove(self, tag: str) -> None:
        self._sc.removeJobTag(self.job_tag(tag))
        self._tags().discard(tag)

    def get(self) -> set[str]:
        return set(self._tags())

    def clear(self) -> None:
        for tag in list(self._tags()):
            self.remove(tag)

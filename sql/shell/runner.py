"""Running one statement for the shell: its result, its timing line, its error, its Ctrl-C.

Each statement runs in a job group of its own, so Ctrl-C (a ``KeyboardInterrupt`` in the
driver) cancels exactly its jobs: the wait in ``SparkContext`` posts the cancellation, the
workers are asked to stop their tasks (a worker that ignores that for two seconds is
replaced), and the shell is back at its prompt. An error prints Spark's message — a syntax
error with its caret line — and the shell goes on with the next statement.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from ember.errors import EmberException
from ember.sql.shell.output import render, time_taken

if TYPE_CHECKING:
    from ember.sql.session import SparkSession

__all__ = ["StatementRunner"]

_GROUP_IDS = itertools.count()


@dataclass
class StatementRunner:
    """Runs statements on ``spark``, printing results to ``out`` and messages to ``err``."""

    spark: SparkSession
    out: TextIO
    err: TextIO
    output_format: str
    timing: bool = True

    def run(self, statement: str) -> bool:
        """Run ``statement``; ``True`` if it succeeded (a cancelled statement did not)."""
        sc = self.spark.sparkContext
        group = f"ember-sql-{next(_GROUP_IDS)}"
        sc.setJobGroup(group, statement[:200])
        started = time.perf_counter()
        try:
            df = self.spark.sql(statement)
            rows = df.collect()
            self.out.write(render(self.output_format, df.schema, rows))
            self.out.flush()
        except KeyboardInterrupt:
            sc.cancelJobGroup(group)
            self._message("\nQuery cancelled.")  # on a line of its own, after a progress bar
            return False
        except EmberException as error:
            self._message(str(error).rstrip("\n"))
            return False
        except Exception as error:  # a user's exception from a task, re-raised as itself
            self._message(f"{type(error).__name__}: {error}")
            return False
        finally:
            for key in ("spark.jobGroup.id", "spark.job.description", "spark.job.interruptOnCancel"):
                sc.setLocalProperty(key, None)
        if self.timing:
            self._message(time_taken(time.perf_counter() - started, len(rows)))
        return True

    def _message(self, text: str) -> None:
        self.err.write(text + "\n")
        self.err.flush()

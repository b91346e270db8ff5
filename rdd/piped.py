"""``pipe``: stream a partition's records through an external command, line by line."""

from __future__ import annotations

import os
import shlex
import subprocess
import threading
from typing import Any, Iterator

from ember.errors import EmberRuntimeError


def pipe_partition(records: Iterator[Any], command: str, env: dict[str, str], check_code: bool) -> Iterator[str]:
    process = subprocess.Popen(shlex.split(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               env={**os.environ, **env})

    def feed() -> None:
        try:
            for record in records:
                text = record.decode("utf-8") if isinstance(record, bytes) else str(record)
                process.stdin.write(text.encode("utf-8") + b"\n")
        except BrokenPipeError:
            pass
        finally:
            process.stdin.close()

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    for line in process.stdout:
        yield line.decode("utf-8").rstrip("\n")
    feeder.join()
    code = process.wait()
    if check_code and code:
        raise EmberRuntimeError(f"Pipe function `{command}' exited with error code {code}")

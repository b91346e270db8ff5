"""Where shuffle files live: ``<session dir>/shuffle/<shuffle id>/<map id>.{data,index}``.

Every worker of a local session shares the session directory, so a reduce task reads map
output files directly by path. Files are written under a temporary name and renamed into
place, so a reader never sees half a file and the last successful attempt wins.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MapOutputFiles:
    data_path: str
    index_path: str
    executor_id: str = ""  # the executor that wrote them: where a remote reader fetches them from


class ShuffleBlockResolver:
    def __init__(self, root: str) -> None:
        self.root = os.path.join(root, "shuffle")

    def shuffle_dir(self, shuffle_id: int) -> str:
        return os.path.join(self.root, str(shuffle_id))

    def files_for(self, shuffle_id: int, map_id: int) -> MapOutputFiles:
        base = os.path.join(self.shuffle_dir(shuffle_id), str(map_id))
        return MapOutputFiles(base + ".data", base + ".index")

    def ensure_shuffle_dir(self, shuffle_id: int) -> str:
        path = self.shuffle_dir(shuffle_id)
        os.makedirs(path, mode=0o700, exist_ok=True)
        return path

    def remove_shuffle(self, shuffle_id: int) -> None:
        shutil.rmtree(self.shuffle_dir(shuffle_id), ignore_errors=True)

"""The driver–worker socket: typed messages and the control words of the protocol.

A message is a length-prefixed msgpack header (``[kind, fields, has_payload]``) optionally
followed by one length-prefixed binary payload (a pickled object), so large payloads are
never copied into msgpack. This module and the frame codec (``ember.serialization.frames``)
are the only places that know byte layouts; nobody else calls ``struct``.
"""

from __future__ import annotations

import socket
import struct
from enum import IntEnum
from typing import Any

import msgpack

_U64 = struct.Struct("<Q")
_SMALL_PAYLOAD = 1 << 16


class Control(IntEnum):
    """Kinds of messages between the driver and a worker process."""

    INIT = 1            # driver -> worker: executor id, paths, settings
    READY = 2           # worker -> driver: started, with its pid
    STAGE_BINARY = 3    # driver -> worker: a stage's serialized RDD chain, sent once per worker
    LAUNCH_TASK = 4     # driver -> worker: run one task of a known stage binary
    TASK_RESULT = 5     # worker -> driver: a finished task, successful or failed
    REMOVE_BLOCKS = 6   # driver -> worker: drop cached blocks of an RDD (unpersist)
    STOP = 7            # driver -> worker: exit cleanly
    FORGET_BINARY = 8   # driver -> worker: a stage attempt is over, drop its binary
    KILL_TASK = 9       # driver -> worker: stop the running task (cancellation)
    ASK_COMMIT = 10     # worker -> driver: may this task attempt commit its output?
    COMMIT_ANSWER = 11  # driver -> worker: the output commit coordinator's answer
    BARRIER_REQUEST = 12  # worker -> driver: a barrier task called barrier() or allGather()
    BARRIER_REPLY = 13    # driver -> worker: every barrier task asked; here are their messages


class ConnectionClosed(EOFError):
    """The other end of a worker connection went away."""


class MessageChannel:
    """One end of a driver–worker socket: send and receive typed messages.

    ``send`` is not thread-safe; the owner serialises calls (the driver holds a lock per
    worker, the worker has a single thread).
    """

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def send(self, kind: Control, fields: dict[str, Any], payload: bytes | None = None) -> None:
        header = msgpack.packb([int(kind), fields, payload is not None], use_bin_type=True)
        head = _U64.pack(len(header)) + header
        if payload is None:
            self._sock.sendall(head)
        elif len(payload) < _SMALL_PAYLOAD:
            self._sock.sendall(head + _U64.pack(len(payload)) + payload)
        else:  # large payloads go out without being copied into one buffer
            self._sock.sendall(head + _U64.pack(len(payload)))
            self._sock.sendall(payload)

    def receive(self) -> tuple[Control, dict[str, Any], bytearray | None]:
        header = self._read_exact(self._read_length())
        kind, fields, has_payload = msgpack.unpackb(header, raw=False, strict_map_key=False)
        payload = self._read_exact(self._read_length()) if has_payload else None
        return Control(kind), fields, payload

    def close(self) -> None:
        try:
            self._sock.close()
        except OSError:
            pass

    def fileno(self) -> int:
        return self._sock.fileno()

    def _read_length(self) -> int:
        return _U64.unpack(self._read_exact(_U64.size))[0]

    def _read_exact(self, size: int) -> bytearray:
        buffer = bytearray(size)
        view = memoryview(buffer)
        received = 0
        while received < size:
            count = self._sock.recv_into(view[received:], size - received)
            if count == 0:
                raise ConnectionClosed("connection closed by the other end")
            received += count
        return buffer

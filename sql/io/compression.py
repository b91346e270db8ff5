"""Compressed CSV, JSON and text files: codecs by file extension on read, by option on write.

As with Hadoop's codec factory, a file's extension names its codec when read: ``.gz`` (gzip),
``.bz2`` (bzip2), ``.deflate`` (a zlib stream, Hadoop's ``DefaultCodec``) and ``.zst``
(zstd frames). A compressed file is read whole, as one split. Hadoop's ``.lz4`` and
``.snappy`` files use Hadoop's own block framing, which Ember cannot read: they are refused.

On write, ``compression`` (alias ``codec``) takes Spark's names for these formats: ``none``,
``uncompressed``, ``gzip``, ``bzip2``, ``deflate``; ``lz4`` and ``snappy`` (Hadoop framing)
are refused, and any other name fails as Spark's ``CODEC_NOT_AVAILABLE`` does.
"""

from __future__ import annotations

import bz2
import gzip
import zlib
from typing import Callable

import pyarrow as pa

from ember.sql.errors import EmberValueError, IllegalArgumentException

__all__ = ["codec_not_available", "compressed", "decompress_file", "text_codec", "TEXT_CODECS"]


def _zstd(data: bytes) -> bytes:
    with pa.CompressedInputStream(pa.BufferReader(data), "zstd") as stream:
        return stream.read()


_BY_EXTENSION: dict[str, Callable[[bytes], bytes]] = {
    ".gz": gzip.decompress, ".bz2": bz2.decompress, ".deflate": zlib.decompress, ".zst": _zstd,
}
_HADOOP_FRAMED = (".lz4", ".snappy")

# Spark's names → (file extension, compress function); ``None`` compresses nothing
TEXT_CODECS: dict[str, tuple[str, Callable[[bytes], bytes] | None]] = {
    "none": ("", None), "uncompressed": ("", None), "gzip": (".gz", gzip.compress), "bzip2": (".bz2", bz2.compress),
    "deflate": (".deflate", zlib.compress),
}
_SPARK_TEXT_CODECS = "bzip2, deflate, uncompressed, snappy, none, lz4, gzip"


def compressed(path: str) -> bool:
    """Whether ``path`` names a compressed file (read whole; refused for Hadoop-framed codecs)."""
    return path.endswith(tuple(_BY_EXTENSION) + _HADOOP_FRAMED)


def decompress_file(path: str) -> bytes:
    """The decompressed bytes of a compressed file."""
    if path.endswith(_HADOOP_FRAMED):
        raise EmberValueError("UNSUPPORTED_FEATURE", f"Reading {path}: Hadoop's {path.rsplit('.', 1)[1]} block "
                              "framing is not supported by Ember; decompress the file or use gzip, bzip2 or zstd.")
    with open(path, "rb") as handle:
        data = handle.read()
    for extension, decompress in _BY_EXTENSION.items():
        if path.endswith(extension):
            return decompress(data)
    return data


def text_codec(fmt: str, name: str | None) -> tuple[str, Callable[[bytes], bytes] | None]:
    """``(extension, compress)`` for the ``compression`` option of a CSV, JSON or text write."""
    key = (name or "none").lower()
    if key in TEXT_CODECS:
        return TEXT_CODECS[key]
    if key in ("lz4", "snappy"):
        raise EmberValueError("UNSUPPORTED_FEATURE", f"The {fmt.upper()} write option 'compression' = '{name}' is "
                              "not supported by Ember (Hadoop's block framing); use gzip, bzip2 or deflate.")
    raise codec_not_available(key, _SPARK_TEXT_CODECS)


def codec_not_available(name: str, available: str) -> IllegalArgumentException:
    """Spark's error for a ``compression`` name no format knows; ``available`` lists the format's codecs."""
    return IllegalArgumentException("CODEC_NOT_AVAILABLE.WITH_AVAILABLE_CODECS_SUGGESTION",
                                    f"The codec {name} is not available. Available codecs are {available}.", "56038")

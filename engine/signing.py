"""Sealed payloads: pickled data behind an HMAC keyed by a per-application secret.

Everything the driver and the executors of a cluster send each other (stage binaries,
tasks, outcomes, shuffle blocks) travels sealed, and the receiver checks the tag *before*
unpickling, so a payload from anyone without the secret is refused instead of run.
"""

from __future__ import annotations

import hashlib
import hmac
import pickle
import secrets
from typing import Any

_TAG_BYTES = hashlib.sha256().digest_size


class SignatureError(Exception):
    """A payload's HMAC does not match: it was not sent by this application, or was altered."""


def new_secret() -> bytes:
    """A fresh per-application secret."""
    return secrets.token_bytes(32)


class Sealer:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def seal(self, value: Any) -> bytes:
        """``value`` pickled, behind its HMAC-SHA256 tag."""
        payload = pickle.dumps(value, protocol=5)
        return hmac.digest(self._secret, payload, "sha256") + payload

    def open(self, sealed: bytes, what: str) -> Any:
        """The value inside ``sealed``; raises ``SignatureError`` naming ``what`` when the tag is wrong."""
        view = memoryview(sealed)
        tag, payload = view[:_TAG_BYTES], view[_TAG_BYTES:]
        if len(sealed) < _TAG_BYTES or not hmac.compare_digest(tag, hmac.digest(self._secret, payload, "sha256")):
            raise SignatureError(f"refused {what}: its HMAC does not match this application's secret")
        return pickle.loads(payload)

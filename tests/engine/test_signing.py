"""Sealed payloads open only with the application's own secret, and are refused before unpickling."""

from __future__ import annotations

import pickle

import pytest

from ember.signing import Sealer, SignatureError, new_secret


class _Explodes:
    def __reduce__(self):
        return (pytest.fail, ("a refused payload was unpickled",))


def test_a_sealed_value_opens_with_the_same_secret():
    sealer = Sealer(new_secret())
    assert sealer.open(sealer.seal({"task": 7, "payload": b"\x00" * 10}), "a task") == {"task": 7,
                                                                                       "payload": b"\x00" * 10}


@pytest.mark.parametrize("tamper", ["other secret", "flipped byte", "too short"])
def test_a_payload_with_a_wrong_hmac_is_refused_without_being_unpickled(tamper):
    secret = new_secret()
    sealed = Sealer(secret).seal(1)
    if tamper == "other secret":
        forged = Sealer(new_secret()).seal(_Explodes())
    elif tamper == "flipped byte":
        forged = sealed[:32] + pickle.dumps(_Explodes())
    else:
        forged = sealed[:10]
    with pytest.raises(SignatureError, match="refused a stage binary: its HMAC does not match"):
        Sealer(secret).open(forged, "a stage binary")

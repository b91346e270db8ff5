"""The C module is built wherever the install could compile it (as on CI)."""

from __future__ import annotations

import shutil
import sysconfig

import pytest

from ember.serialization import serializers
from ember.shuffle import aggregator, writer


def test_the_c_loops_are_built_and_used_wherever_there_is_a_c_compiler():
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        pytest.skip(f"no C compiler ({compiler}) here: Ember runs the same loops in Python")
    from ember.serialization import _int_pairs
    from ember.shuffle import _loops

    assert aggregator._fold_in_c is _loops.fold and aggregator._KeyTable is _loops.KeyTable
    assert writer.scatter is _loops.scatter
    assert serializers.pack_int_pairs is _int_pairs.pack_int_pairs

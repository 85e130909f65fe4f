import ctypes
import os

import pytest

import zmqlib


@pytest.fixture(scope="session")
def lib():
    try:
        loaded = zmqlib.load()
    except (RuntimeError, OSError) as e:
        pytest.fail(str(e))
    expected = os.path.realpath(zmqlib.library_path())
    # The code of zmq_version must live in the expected file.
    addr = ctypes.cast(loaded.zmq_version, ctypes.c_void_p).value
    where = zmqlib.mapping_of(addr)
    if where is None or os.path.realpath(where) != expected:
        pytest.fail("zmq_version is mapped from %r, expected %r"
                    % (where, expected))
    return loaded

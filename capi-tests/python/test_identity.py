"""The tests run against the library named by ZMQ_LIB, and only that one."""
import ctypes
import os

import zmqlib


def test_zmq_lib_is_set():
    assert os.environ.get("ZMQ_LIB"), "ZMQ_LIB must name the library under test"


def test_loaded_file_is_zmq_lib(lib):
    expected = os.path.realpath(os.environ["ZMQ_LIB"])
    mapped = {os.path.realpath(p) for p in zmqlib.mapped_files()}
    assert expected in mapped
    addr = ctypes.cast(lib.zmq_version, ctypes.c_void_p).value
    assert os.path.realpath(zmqlib.mapping_of(addr)) == expected

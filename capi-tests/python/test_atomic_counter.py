import ctypes


def test_counter(lib):
    c = ctypes.c_void_p(lib.zmq_atomic_counter_new())
    assert c.value
    assert lib.zmq_atomic_counter_value(c) == 0
    assert lib.zmq_atomic_counter_inc(c) == 0
    assert lib.zmq_atomic_counter_inc(c) == 1
    assert lib.zmq_atomic_counter_value(c) == 2
    assert lib.zmq_atomic_counter_dec(c) == 1
    assert lib.zmq_atomic_counter_dec(c) == 0
    assert lib.zmq_atomic_counter_dec(c) == 1
    assert lib.zmq_atomic_counter_value(c) == -1
    lib.zmq_atomic_counter_set(c, 42)
    assert lib.zmq_atomic_counter_value(c) == 42
    lib.zmq_atomic_counter_destroy(ctypes.byref(c))
    assert c.value is None

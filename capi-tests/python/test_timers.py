import ctypes
import time

import zmqlib
from zmqlib import call_errno


def test_timers(lib):
    fired = []

    @zmqlib.TIMER_FN
    def on_timer(timer_id, arg):
        fired.append((timer_id, arg))

    t = ctypes.c_void_p(lib.zmq_timers_new())
    assert t.value
    assert lib.zmq_timers_timeout(t) == -1
    a = lib.zmq_timers_add(t, 20, on_timer, ctypes.c_void_p(0x77))
    b = lib.zmq_timers_add(t, 100000, on_timer, None)
    assert a > 0 and b > 0 and a != b
    assert 0 <= lib.zmq_timers_timeout(t) <= 20
    time.sleep(0.06)
    assert lib.zmq_timers_execute(t) == 0
    assert fired == [(a, 0x77)]
    assert lib.zmq_timers_cancel(t, a) == 0
    assert call_errno(lib.zmq_timers_cancel, t, a) == (-1, zmqlib.EINVAL)
    assert call_errno(lib.zmq_timers_reset, t, 999) == (-1, zmqlib.EINVAL)
    assert call_errno(lib.zmq_timers_set_interval, t, 999, 5) == \
        (-1, zmqlib.EINVAL)
    assert lib.zmq_timers_destroy(ctypes.byref(t)) == 0
    assert t.value is None


def test_null_timers(lib):
    assert call_errno(lib.zmq_timers_timeout, None) == (-1, zmqlib.EFAULT)
    assert call_errno(lib.zmq_timers_execute, None) == (-1, zmqlib.EFAULT)

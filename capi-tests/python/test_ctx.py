import zmqlib
from zmqlib import call_errno

INT_MAX = 2 ** 31 - 1


def test_new_term(lib):
    ctx = lib.zmq_ctx_new()
    assert ctx
    assert lib.zmq_ctx_shutdown(ctx) == 0
    assert lib.zmq_ctx_term(ctx) == 0


def test_init_term(lib):
    ctx = lib.zmq_init(2)
    assert ctx
    assert lib.zmq_ctx_get(ctx, zmqlib.ZMQ_IO_THREADS) == 2
    assert lib.zmq_term(ctx) == 0
    assert call_errno(lib.zmq_init, -1) == (None, zmqlib.EINVAL)


def test_defaults(lib):
    ctx = lib.zmq_ctx_new()
    try:
        assert lib.zmq_ctx_get(ctx, zmqlib.ZMQ_IO_THREADS) == 1
        assert lib.zmq_ctx_get(ctx, zmqlib.ZMQ_MAX_SOCKETS) == 1023
        assert lib.zmq_ctx_get(ctx, zmqlib.ZMQ_SOCKET_LIMIT) == 65535
        assert call_errno(lib.zmq_ctx_get, ctx,
                          zmqlib.ZMQ_THREAD_SCHED_POLICY) == (-1, 0)
        assert lib.zmq_ctx_get(ctx, zmqlib.ZMQ_MAX_MSGSZ) == INT_MAX
        assert lib.zmq_ctx_get(ctx, zmqlib.ZMQ_MSG_T_SIZE) == 64
        assert lib.zmq_ctx_get(ctx, zmqlib.ZMQ_THREAD_NAME_PREFIX) == 0
        assert lib.zmq_ctx_get(ctx, zmqlib.ZMQ_IPV6) == 0
        assert lib.zmq_ctx_get(ctx, zmqlib.ZMQ_BLOCKY) == 1
        assert lib.zmq_ctx_get(ctx, zmqlib.ZMQ_ZERO_COPY_RECV) == 1
    finally:
        assert lib.zmq_ctx_term(ctx) == 0


def test_set_and_validation(lib):
    ctx = lib.zmq_ctx_new()
    try:
        assert lib.zmq_ctx_set(ctx, zmqlib.ZMQ_IO_THREADS, 4) == 0
        assert lib.zmq_ctx_get(ctx, zmqlib.ZMQ_IO_THREADS) == 4
        assert call_errno(lib.zmq_ctx_set, ctx, zmqlib.ZMQ_IO_THREADS, -1) \
            == (-1, zmqlib.EINVAL)
        assert call_errno(lib.zmq_ctx_set, ctx, zmqlib.ZMQ_MAX_SOCKETS, 0) \
            == (-1, zmqlib.EINVAL)
        assert call_errno(lib.zmq_ctx_set, ctx, zmqlib.ZMQ_MSG_T_SIZE, 64) \
            == (-1, zmqlib.EINVAL)
        assert lib.zmq_ctx_set(ctx, zmqlib.ZMQ_IPV6, 5) == 0
        assert lib.zmq_ctx_get(ctx, zmqlib.ZMQ_IPV6) == 1
        assert call_errno(lib.zmq_ctx_set, ctx, zmqlib.ZMQ_BLOCKY, -1) \
            == (-1, zmqlib.EINVAL)
        assert call_errno(lib.zmq_ctx_get, ctx,
                          zmqlib.ZMQ_THREAD_AFFINITY_CPU_ADD) \
            == (-1, zmqlib.EINVAL)
        assert call_errno(lib.zmq_ctx_set, ctx,
                          zmqlib.ZMQ_THREAD_AFFINITY_CPU_REMOVE, 1) \
            == (-1, zmqlib.EINVAL)
        for bad in (0, 11, 1000, -1):
            assert call_errno(lib.zmq_ctx_set, ctx, bad, 1) == \
                (-1, zmqlib.EINVAL)
            assert call_errno(lib.zmq_ctx_get, ctx, bad) == \
                (-1, zmqlib.EINVAL)
    finally:
        assert lib.zmq_ctx_term(ctx) == 0


def test_null_context(lib):
    assert call_errno(lib.zmq_ctx_term, None) == (-1, zmqlib.EFAULT)
    assert call_errno(lib.zmq_ctx_shutdown, None) == (-1, zmqlib.EFAULT)
    assert call_errno(lib.zmq_ctx_set, None, 1, 1) == (-1, zmqlib.EFAULT)
    assert call_errno(lib.zmq_ctx_get, None, 1) == (-1, zmqlib.EFAULT)

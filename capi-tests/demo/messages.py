"""Demo: the library from Python through ctypes, loaded by explicit path ($ZMQ_LIB)."""
import ctypes
import os

lib = ctypes.CDLL(os.environ["ZMQ_LIB"])
loaded = [line.split()[-1] for line in open("/proc/self/maps") if "libzmq" in line]
print("library:", loaded[0] if loaded else "?")

major, minor, patch = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
lib.zmq_version(ctypes.byref(major), ctypes.byref(minor), ctypes.byref(patch))
print(f"version: {major.value}.{minor.value}.{patch.value}")

msg = (ctypes.c_ubyte * 64)()
lib.zmq_msg_data.restype = ctypes.c_void_p
lib.zmq_msg_size.restype = ctypes.c_size_t
lib.zmq_msg_init_size(msg, 5)
ctypes.memmove(lib.zmq_msg_data(msg), b"hello", 5)
print("message:", ctypes.string_at(lib.zmq_msg_data(msg), lib.zmq_msg_size(msg)).decode())
lib.zmq_msg_close(msg)

out = ctypes.create_string_buffer(41)
lib.zmq_z85_encode.restype = ctypes.c_char_p
print("z85:", lib.zmq_z85_encode(out, bytes(range(32)), 32).decode())

"""Runs one scratchpad program in a child process (`python -m engine.session.scratchpad_process`),
so Stop can kill it whatever it does (a C loop holding the GIL, a sleep, `sys.settrace(None)`) and
the window never waits on it. The parent writes one frame (the code) to stdin; the child answers
on its stdout with frames: ("output", text) and ("dropped", lines) while the program runs, then ("done",
RunResult with the program's tensors, pickled together so shared graphs stay shared)."""
from __future__ import annotations

import os
import pickle
import struct
import sys
import types

from engine.session.scratchpad import RunResult, Scratchpad, ScratchpadError

HEADER = struct.Struct(">Q")
MAX_TENSOR_BYTES = 64 << 20   # the program's tensors are sent back only up to this size in all


def encode_frame(message) -> bytes:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(payload)) + payload


class FrameReader:
    """Splits a byte stream back into the messages `encode_frame` made."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list:
        self._buffer += data
        messages = []
        while len(self._buffer) >= HEADER.size:
            (size,) = HEADER.unpack_from(self._buffer)
            if len(self._buffer) < HEADER.size + size:
                break
            payload = bytes(self._buffer[HEADER.size:HEADER.size + size])
            del self._buffer[:HEADER.size + size]
            # the child runs the user's own code with the user's rights: its pickles are no less trusted
            messages.append(pickle.loads(payload))
        return messages


def _lost_function(name: str):
    def lost(*args, **kwargs):
        return None
    lost.__qualname__ = name
    return lost


class _TensorPickler(pickle.Pickler):
    """Functions the program defined (hooks, lambdas) cannot cross the process boundary: they
    arrive as functions that do nothing, so the graph they hang on still can."""

    def reducer_override(self, obj):
        if isinstance(obj, types.FunctionType) and (obj.__module__ in (None, "__main__")
                                                    or "<" in obj.__qualname__):
            return _lost_function, (obj.__qualname__,)
        return NotImplemented


def pickled_tensors(result: RunResult) -> bytes:
    """The program's tensors (all in one pickle), or an empty dict's when they do not fit."""
    import io

    tensors = result.tensors()
    out = io.BytesIO()
    try:
        if sum(t.detach().numpy().nbytes for t in tensors.values()) <= MAX_TENSOR_BYTES:
            _TensorPickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(tensors)
            if out.tell() <= MAX_TENSOR_BYTES:
                return out.getvalue()
    except Exception:  # noqa: BLE001 - an odd object in a graph only costs the graph picker
        pass
    return pickle.dumps({})


def main() -> int:
    # the protocol owns the real stdout; anything written to fd 1 (C code, os.write) goes to stderr
    channel = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    code = pickle.loads(sys.stdin.buffer.read())

    def send(message) -> None:
        channel.write(encode_frame(message))

    pad = Scratchpad()
    try:
        result = pad.run(code, on_output=lambda text: send(("output", text)),
                         on_dropped=lambda n: send(("dropped", n)))
    except BaseException as exc:  # noqa: BLE001 - report, whatever the program did to the interpreter
        result = RunResult("", ScratchpadError(f"{type(exc).__name__}: {exc}", None, repr(exc)), {})
    tensors = pickled_tensors(result)
    result.namespace = {}
    send(("done", result, tensors))
    channel.close()
    os._exit(0)   # never wait on threads the program started


if __name__ == "__main__":
    sys.exit(main())

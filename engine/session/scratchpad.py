"""The scratchpad: runs a short Python program the user typed, with `torch` bound to the engine
(`import torch` and `import torch.nn as nn` work too), so PyTorch tutorial snippets run as they
are. This is user code execution by design — it runs only when the user presses Run.

Printed output and warnings are captured (through the program's own `print` and the warnings
machinery, not by redirecting sys.stdout, so other threads keep their output), throttled and capped
to the last lines (`Transcript`); errors come back as a message and a line number; `stop()` ends a
running program at its next line. In "debug backward" mode a `backward()` the program calls is
handed to a callback (the debugger) instead of running through; the program waits until that walk
is over, then goes on. Normal runs go through `scratchpad_process`, which runs this in a child
process that Stop can kill whatever the program is doing.
"""
from __future__ import annotations

import builtins
import importlib
import sys
import threading
import time
import traceback
import warnings
from collections import deque
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

import engine
import engine.autograd as _autograd
from engine.tensor import Tensor

FILENAME = "<scratchpad>"
MAX_LINES = 2000          # the output keeps this many last lines; older ones are counted as dropped
MAX_LINE_CHARS = 4000     # a longer line is cut (a program printing one endless line)
OUTPUT_INTERVAL_S = 0.1   # printed text is handed on at most this often


class ScratchpadStopped(BaseException):
    """Raised inside a running program when the user presses Stop (a BaseException, so the
    program's own `except Exception` cannot swallow it)."""


@dataclass
class ScratchpadError:
    """What went wrong: `message` as Python prints it ("NameError: name 'z' is not defined"),
    the 1-based `line` in the program (None if unknown) and the traceback lines in the program."""

    message: str
    line: int | None
    traceback: str = ""


class Transcript:
    """The last `max_lines` lines of printed text (a partial last line included), counting the
    lines that fell off the top, so a program printing in an endless loop costs bounded memory."""

    def __init__(self, max_lines: int = MAX_LINES) -> None:
        self.lines: deque[str] = deque(maxlen=max_lines)
        self.partial = ""
        self.dropped = 0

    def write(self, text: str) -> None:
        *complete, self.partial = (self.partial + text).split("\n")
        if len(self.partial) > MAX_LINE_CHARS:
            self.partial = self.partial[:MAX_LINE_CHARS] + "…"
        skip = max(0, len(complete) - self.lines.maxlen)   # would fall off the top anyway
        self.dropped += skip
        for line in complete[skip:]:
            if len(self.lines) == self.lines.maxlen:
                self.dropped += 1
            self.lines.append(line if len(line) <= MAX_LINE_CHARS else line[:MAX_LINE_CHARS] + "…")

    def text(self) -> str:
        return "".join(line + "\n" for line in self.lines) + self.partial

    def take(self) -> tuple[str, int]:
        """The text so far and the lines dropped, emptying the transcript."""
        text, dropped = self.text(), self.dropped
        self.lines.clear()
        self.partial, self.dropped = "", 0
        return text, dropped


class ThrottledOutput:
    """Hands printed text to `send(text, dropped)` at most every OUTPUT_INTERVAL_S (and on
    `flush()`), capped as a Transcript: the receiver never sees more than MAX_LINES per batch."""

    def __init__(self, send: Callable[[str, int], None]) -> None:
        self._send = send
        self._pending = Transcript()
        self._lock = threading.Lock()
        self._last = time.monotonic()

    def write(self, text: str) -> None:
        with self._lock:
            self._pending.write(text)
            due = time.monotonic() - self._last >= OUTPUT_INTERVAL_S
        if due:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            self._last = time.monotonic()
            text, dropped = self._pending.take()
        if text or dropped:
            self._send(text, dropped)

    def flush_while(self, running: threading.Event) -> None:
        """Flush every interval until `running` is cleared: text printed before a long sleep or a
        long computation still shows (run on a daemon thread)."""
        while running.is_set():
            time.sleep(OUTPUT_INTERVAL_S)
            self.flush()


@dataclass
class RunResult:
    output: str
    error: ScratchpadError | None
    namespace: dict
    stopped: bool = False
    dropped: int = 0          # lines of output that were not kept (see Transcript)

    def tensors(self) -> dict[str, Tensor]:
        """The program's tensor variables, by name: what can be picked as a graph root."""
        return {k: v for k, v in self.namespace.items() if isinstance(v, Tensor) and not k.startswith("_")}


@dataclass(eq=False)
class BackwardRequest:
    """A `backward()` the program called in debug mode, waiting for the debugger to walk it.
    The debugger calls `finish()` when the walk is over (with the exception backward would have
    raised, if any)."""

    tensors: object
    grad_tensors: object = None
    retain_graph: bool | None = None
    create_graph: bool = False
    inputs: object = None
    line: int | None = None
    names: dict = field(default_factory=dict)   # the program's tensor variables at that moment
    _done: threading.Event = field(default_factory=threading.Event)
    _error: BaseException | None = None

    def finish(self, error: BaseException | None = None) -> None:
        self._error = error
        self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, stopped: threading.Event) -> None:
        """Block the program until the walk is finished (or Stop is pressed)."""
        while not self._done.wait(0.05):
            if stopped.is_set():
                raise ScratchpadStopped()
        if self._error is not None:
            raise self._error


BackwardHandler = Callable[[BackwardRequest], None]


@contextmanager
def intercept_backward(handler: BackwardHandler):
    """Route `autograd.backward` (so `Tensor.backward()`) called on *this* thread to `handler`;
    other threads (a training run) keep the real one. Restored on exit."""
    original = _autograd.backward
    owner = threading.get_ident()

    def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
        if threading.get_ident() != owner:
            return original(tensors, grad_tensors, retain_graph, create_graph, inputs)
        frame = _program_frame()
        line = frame.f_lineno if frame is not None else None
        names = {} if frame is None else {k: v for k, v in {**frame.f_globals, **frame.f_locals}.items()
                                          if isinstance(v, Tensor) and not k.startswith("_")}
        handler(BackwardRequest(tensors, grad_tensors, retain_graph, create_graph, inputs, line, names))

    _autograd.backward = backward
    try:
        yield
    finally:
        _autograd.backward = original


def _program_frame():
    """The innermost frame of the scratchpad program on this thread's stack, or None."""
    frame = sys._getframe()
    while frame is not None:
        if frame.f_code.co_filename == FILENAME:
            return frame
        frame = frame.f_back
    return None


class Scratchpad:
    """Runs programs one at a time; `stop()` may be called from any thread."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._flush: Callable[[], None] = lambda: None

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self, code: str, on_output: Callable[[str], None] | None = None,
            on_backward: BackwardHandler | None = None,
            on_dropped: Callable[[int], None] | None = None) -> RunResult:
        """Run `code` in a fresh namespace. `on_output` receives printed text as it appears
        (throttled; `on_dropped` hears how many lines it never saw); with `on_backward` set,
        backward() calls go to it (see `intercept_backward`).

        Stop is reset when a run ends, not when it begins: a Stop pressed while the worker thread
        is still starting is not lost."""
        try:
            return self._run(code, on_output, on_backward, on_dropped)
        finally:
            self._stop.clear()

    def _run(self, code: str, on_output, on_backward, on_dropped) -> RunResult:
        out = Transcript()

        def send(text: str, dropped: int) -> None:
            if dropped and on_dropped is not None:
                on_dropped(dropped)
            on_output(text)

        throttled = ThrottledOutput(send) if on_output is not None else None

        def write(text: str) -> None:
            out.write(text)
            if throttled is not None:
                throttled.write(text)

        self._flush = throttled.flush if throttled is not None else (lambda: None)
        namespace = _fresh_namespace(write)
        try:
            program = compile(code, FILENAME, "exec")
        except SyntaxError as exc:
            return RunResult(out.text(), _syntax_error(exc), namespace)

        error, stopped = None, False
        running = threading.Event()
        running.set()
        if throttled is not None:
            threading.Thread(target=throttled.flush_while, args=(running,), daemon=True).start()
        previous_trace = sys.gettrace()
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = lambda message, category, *_: write(f"{category.__name__}: {message}\n")
            try:
                sys.settrace(self._trace)
                with intercept_backward(lambda request: self._hand_over(request, on_backward)) \
                        if on_backward is not None else _nothing():
                    exec(program, namespace)  # safe: user-run scratchpad, only on explicit Run
            except ScratchpadStopped:
                stopped = True
                write("Stopped.\n")
            except Exception as exc:
                error = _runtime_error(exc, code)
            finally:
                sys.settrace(previous_trace)
                running.clear()
                self._flush()
        return RunResult(out.text(), error, namespace, stopped, out.dropped)

    def _hand_over(self, request: BackwardRequest, on_backward: BackwardHandler) -> None:
        self._flush()   # what the program printed before backward() shows before the walk
        on_backward(request)
        request.wait(self._stop)

    def _trace(self, frame, event, arg):
        # Only the program's own frames are traced (line by line, to notice Stop); engine code
        # called from it runs untraced, at full speed.
        if frame.f_code.co_filename != FILENAME:
            return None
        if self._stop.is_set():
            raise ScratchpadStopped()
        return self._trace_lines

    def _trace_lines(self, frame, event, arg):
        if self._stop.is_set():
            raise ScratchpadStopped()
        return self._trace_lines


@contextmanager
def _nothing():
    yield


def _fresh_namespace(write: Callable[[str], None]) -> dict:
    def print_(*args, sep=" ", end="\n", file=None, flush=False):
        if file is not None and file not in (sys.stdout, sys.stderr):
            return builtins.print(*args, sep=sep, end=end, file=file, flush=flush)
        write(sep.join(str(a) for a in args) + end)

    program_builtins = dict(vars(builtins))
    program_builtins["print"] = print_
    program_builtins["__import__"] = _import
    return {"__name__": "__main__", "__builtins__": program_builtins, "torch": engine}


def _import(name, globals=None, locals=None, fromlist=(), level=0):
    """`import torch…` gives the engine; every other import is Python's own."""
    if level == 0 and (name == "torch" or name.startswith("torch.")):
        target = engine
        for part in name.split(".")[1:]:
            try:
                target = getattr(target, part)
            except AttributeError:
                raise ModuleNotFoundError(f"No module named '{name}' (GradStudio's engine has no "
                                          f"'{part}' in torch)") from None
        return target if fromlist else engine
    return importlib.__import__(name, globals, locals, fromlist, level)


def _syntax_error(exc: SyntaxError) -> ScratchpadError:
    text = f"SyntaxError: {exc.msg}"
    return ScratchpadError(text, exc.lineno, text)


def _runtime_error(exc: BaseException, code: str) -> ScratchpadError:
    source = code.splitlines()
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == FILENAME]
    line = frames[-1].lineno if frames else None
    message = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    lines = ["Traceback (most recent call last):"]
    for f in frames:
        lines.append(f"  line {f.lineno}, in {f.name}")
        if 0 < f.lineno <= len(source) and source[f.lineno - 1].strip():
            lines.append(f"    {source[f.lineno - 1].strip()}")
    lines.append(message)
    return ScratchpadError(message, line, "\n".join(lines))

"""Whether operations record the graph: a per-thread flag, as in PyTorch (a worker thread's
`no_grad` never switches recording off for the GUI thread, and vice versa)."""
import functools
import threading


class _GradState(threading.local):
    enabled = True


state = _GradState()


def is_grad_enabled() -> bool:
    return state.enabled


class _GradModeContext:
    """Base for the context managers; each also works as a function decorator."""

    mode = True

    def __enter__(self):
        self._prev = state.enabled
        state.enabled = self.mode

    def __exit__(self, *exc):
        state.enabled = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)
        return wrapper


class _NoParamDecorator(_GradModeContext):
    """Also usable without parentheses: `@no_grad` decorates directly, as in PyTorch."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class no_grad(_NoParamDecorator):
    mode = False


class enable_grad(_NoParamDecorator):
    mode = True


class set_grad_enabled(_GradModeContext):
    """Switches at construction (so `set_grad_enabled(False)` works as a plain call) and
    restores on exit when used with `with`."""

    def __init__(self, mode: bool) -> None:
        self._prev = state.enabled
        self.mode = bool(mode)
        state.enabled = self.mode

    def __enter__(self):
        pass

    def __repr__(self) -> str:
        return f"torch.autograd.grad_mode.set_grad_enabled(mode={self.mode})"

    def __call__(self, fn):
        state.enabled = self._prev  # used as a decorator: don't switch now, switch per call
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            prev, state.enabled = state.enabled, mode
            try:
                return fn(*args, **kwargs)
            finally:
                state.enabled = prev
        return wrapper

"""`engine.compile(step_fn)`: trace one eager step, generate one numba function for it, replay.

Generated sources are written to files named by a hash of their text plus the numba and numpy
versions, so numba's on-disk cache (keyed by file) is never stale. A step that cannot compile
runs eagerly and says why in `reason`; a new structure (shapes, which .grad/optimizer state
exist) traces again.
"""
from __future__ import annotations

import hashlib
import importlib.util
import math
import operator
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np

from engine import optim
from engine.compile.codegen import Generator, Program
from engine.compile.trace import Untraceable, run_traced
from engine.tensor import Tensor, _wrap


def source_dir() -> Path:
    """Where generated step sources live (beside numba's cache when NUMBA_CACHE_DIR is set)."""
    base = os.environ.get("GRADSTUDIO_COMPILE_DIR")
    if not base:
        numba_dir = os.environ.get("NUMBA_CACHE_DIR")
        base = os.path.join(numba_dir, "gradstudio_steps") if numba_dir else os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "gradstudio", "steps")
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


def source_key(source: str) -> str:
    text = f"{source}\n# numba {_numba_version()} numpy {np.__version__}"
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _numba_version() -> str:
    from importlib.metadata import version  # without importing numba (slow: the trace must not wait)
    return version("numba")


_LOADED: dict[str, object] = {}
_LOAD_LOCK = threading.Lock()


def load_program(program: Program):
    """The compiled function for `program` (numba compiles it, or loads it from its cache)."""
    key = source_key(program.source)
    with _LOAD_LOCK:
        fn = _LOADED.get(key)
        if fn is not None:
            return fn
        path = write_source(program)
        name = f"gradstudio_step_{key}"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        fn = _LOADED[key] = module.step
        return fn


def warm_up(fn, program: Program) -> None:
    """Make numba compile (or load from its cache) `fn` for the types the step will be called with:
    a call with k = 0 and dummy arrays of those types runs no step."""
    fn(*_dummy_arguments(program))


def _dummy_arguments(program: Program) -> list:
    args = [0, np.zeros(1, program.loss_value.dtype if program.loss_value is not None else np.float64),
            np.zeros((1, len(program.scalar_params))), np.zeros(program.n_bound, np.int64)]
    args += [np.zeros((1, program.args[i].size), program.args[i].dtype) for i in sorted(program.args)]
    args += [0.0] * program.n_scalars
    return args


def compile_in_child(program: Program, timeout: float = 600.0) -> None:
    """Compile `program` into numba's on-disk cache in a child process: the seconds of compiling
    hold no lock of this process (a compiling thread would take the GIL from the window and the
    training for long stretches); this process then only loads the cached machine code."""
    path = write_source(program)
    name = f"gradstudio_step_{source_key(program.source)}"  # as in load_program: numba's cache records it
    root = str(Path(__file__).resolve().parents[2])
    code = (
        "import sys, numpy as np\n"
        f"sys.path.insert(0, {root!r})\n"
        "import importlib.util\n"
        f"spec = importlib.util.spec_from_file_location({name!r}, {str(path)!r})\n"
        f"module = importlib.util.module_from_spec(spec); sys.modules[{name!r}] = module\n"
        "spec.loader.exec_module(module)\n"
        f"args = {_dummy_source(program)}\n"
        "module.step(*args)\n")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, timeout=timeout)


def _dummy_source(program: Program) -> str:
    loss = np.dtype(program.loss_value.dtype if program.loss_value is not None else np.float64).name
    parts = ["0", f"np.zeros(1, np.{loss})", f"np.zeros((1, {len(program.scalar_params)}))",
             f"np.zeros({program.n_bound}, np.int64)"]
    parts += [f"np.zeros((1, {program.args[i].size}), np.{np.dtype(program.args[i].dtype).name})"
              for i in sorted(program.args)]
    parts += ["0.0"] * program.n_scalars
    return "[" + ", ".join(parts) + "]"


def write_source(program: Program) -> Path:
    """The program's source file, named by the hash of its text (written once, atomically)."""
    path = source_dir() / f"step_{source_key(program.source)}.py"
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            f.write(program.source)
        os.replace(tmp, path)
    return path


class _Compiled:
    """One structure's program and its compiled function."""

    def __init__(self, program: Program, fn) -> None:
        self.program, self.fn = program, fn
        self._grad_bufs = [np.empty(p._data.size, p._data.dtype) for p in program.params]
        self.work = [np.empty(n, kind) for kind, n in program.work.items()]
        self.fp = None
        program.arg_order = sorted(program.args)
        program.param_shapes = [p._data.shape for p in program.params]
        program.param_dtypes = [p._data.dtype for p in program.params]
        program.loss_dtype = program.loss_value.dtype if program.loss_value is not None else np.float64


class CompiledStep:
    """A training step that runs as one numba function once traced; see `engine.compile`."""

    def __init__(self, step_fn, background: bool = False, child_process: bool | None = None) -> None:
        self.step_fn = step_fn
        self.background = background
        # background compiles run numba in a child process unless told otherwise
        self.child_process = background if child_process is None else child_process
        self.reason: str | None = None      # why the last call ran eagerly (None: it ran compiled)
        self.compiled: dict = {}            # structure key -> _Compiled
        self._failed: dict = {}             # structure key -> reason (permanent)
        self._pending: dict = {}            # structure key -> thread compiling it
        self.status = "eager"               # "eager", "compiling", "compiled"
        self.last_source: str | None = None
        self._each_step = False
        self._last = None
        # after run(): the size-1 parameters after each step (k rows), or None if it ran eagerly
        self.trajectory: np.ndarray | None = None
        self.trajectory_params: list = []

    # -- public ------------------------------------------------------------------------
    def __call__(self, *args):
        last = self._last
        if last is not None and last.fp is not None and last.unchanged() and \
                (not last.program.arg_order and not args or self._args_fit(last, args, True)):
            self.reason = None
            return last.step1(args)  # the common case, kept lean: a small step costs ~1 µs
        losses, result = self._run(1, args, single=True)
        return result

    def run(self, k: int, *args, each_step: bool = False) -> np.ndarray:
        """k steps in one call, returning their k losses (float64). The same arguments serve
        every step, or with `each_step=True` each array argument holds k of them stacked on a new
        leading axis (step s gets `arg[s]`). After a compiled run, `trajectory` holds the size-1
        parameters (`trajectory_params`) after each step."""
        self.trajectory = None
        self._each_step = bool(each_step)
        try:
            losses, _ = self._run(int(k), args, single=False)
        finally:
            self._each_step = False
        return losses

    @property
    def is_compiled(self) -> bool:
        return self.status == "compiled"

    @property
    def failed(self) -> bool:
        """Tracing found something it cannot compile (see `reason`), and nothing compiled."""
        return bool(self._failed) and not self.compiled

    # -- internals -------------------------------------------------------------------------
    def _key(self, args, single: bool, k: int):
        """The structure of the call: the shape and dtype of each step's arguments."""
        shapes = []
        for a in args:
            if _is_array(a):
                data = a._data if isinstance(a, Tensor) else a
                if self._each_step and not single:
                    if data.ndim < 1 or data.shape[0] < k:
                        raise ValueError(f"run({k}, ..., each_step=True): an argument of shape {data.shape} "
                                         f"does not hold {k} steps on its first axis")
                    shapes.append(("t", data.shape[1:], data.dtype.str))
                else:
                    shapes.append(("t", data.shape, data.dtype.str))
            else:
                shapes.append(("c", repr(a)))
        return tuple(shapes)

    def _state_key(self, program: Program) -> tuple:
        grads = tuple(p._grad is not None for p in program.params)
        states = []
        for opt in _optimizers(program):
            states.append(tuple(p in opt.state for g in opt.param_groups for p in g["params"]))
        shapes = tuple((p._data.shape, p._data.dtype.str, p._data.flags.c_contiguous) for p in program.params)
        consts = tuple((c.tensor._data.shape, c.tensor._data.dtype.str) for c in program.consts)
        return grads, tuple(states), shapes, consts

    def _find(self, key):
        for entry in self.compiled.get(key, ()):
            if entry.state_key == self._state_key(entry.program):
                return entry
        return None

    def _run(self, k, args, single):
        last = self._last
        if last is not None and last.fp is not None:
            # the common case: the same buffers as the previous call, checked by identity
            if last.unchanged() and self._args_fit(last, args, single):
                self.reason = None
                return self._replay(last, k, args, single, checked=True)
        key = self._key(args, single, k)
        entry = self._find(key)
        if entry is not None:
            self.reason = None
            result = self._replay(entry, k, args, single)
            if result is not None:
                self._last = entry
                return result
            self.compiled[key].remove(entry)  # its buffers no longer fit: trace again
        if key in self._failed:
            self.reason = self._failed[key]
            return self._eager(k, args, single, trace=False)
        if key in self._pending:
            self.reason = "compiling…"
            return self._eager(k, args, single, trace=False)
        # trace the first step eagerly, the rest (if any) run through whatever it gives
        first = self._slice(args, 0) if not single else args
        tr_args = tuple(_wrap(a) if isinstance(a, np.ndarray) else a for a in first)
        tr = run_traced(self.step_fn, tr_args, {}, _has_template)
        loss0 = _loss_of(tr.result)
        if tr.reason is not None:
            self._failed[key] = self.reason = tr.reason
        else:
            try:
                program = Generator(tr).generate()
                self.last_source = program.source
                loaded = _LOADED.get(source_key(program.source))
                if loaded is not None:  # compiled earlier in this process (a reset, a new trainer)
                    self._install(key, program, loaded, len(args))
                    self.reason = None
                elif self.background:
                    self._compile_async(key, program, len(args))
                    self.reason = "compiling…"
                else:
                    self._install(key, program, load_program(program), len(args))
                    self.reason = None
            except Untraceable as error:
                self.reason = str(error)
                if not error.transient:
                    self._failed[key] = str(error)
        if single:
            return np.array([loss0]), tr.result
        rest = self._run(k - 1, self._slice_range(args, 1, k), False)[0] if k > 1 else np.empty(0)
        self.trajectory = None  # partly eager: no trajectory
        return np.concatenate([[loss0], rest]), None

    def _install(self, key, program, fn, n_args=0) -> None:
        entry = _Compiled(program, fn)
        entry.n_args = n_args
        entry.consts_key = [(c.tensor._data.shape, c.tensor._data.dtype) for c in program.consts]
        entry.state_key = self._state_key(program)
        self.compiled.setdefault(key, []).append(entry)
        self.status = "compiled"

    def _compile_async(self, key, program, n_args) -> None:
        self.status = "compiling"

        def work():
            try:
                if self.child_process:
                    compile_in_child(program)
                fn = load_program(program)
                warm_up(fn, program)  # loaded here, so the training thread does not wait for it
                self._install(key, program, fn, n_args)  # picked up at the next call (a step boundary)
            except Exception as error:  # noqa: BLE001 - any compile error means: stay eager, say why
                detail = error.stderr.decode(errors="replace").strip().splitlines()[-1:] \
                    if isinstance(error, subprocess.CalledProcessError) and error.stderr else [str(error)]
                self._failed[key] = f"numba could not compile the step: {' '.join(detail)}"
                self.status = "eager"
            finally:
                self._pending.pop(key, None)
        thread = threading.Thread(target=work, name="gradstudio-compile", daemon=True)
        self._pending[key] = thread
        thread.start()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for background compiles to finish."""
        for thread in list(self._pending.values()):
            thread.join(timeout)

    def _slice(self, args, s):
        return tuple(a[s] if _is_array(a) else a for a in args) if self._each_step else args

    def _slice_range(self, args, start, k):
        return tuple(a[start:] if _is_array(a) else a for a in args) if self._each_step else args

    def _eager(self, k, args, single, trace=False):
        if single:
            result = self.step_fn(*args)
            return np.array([_loss_of(result)]), result
        losses = np.empty(k)
        for s in range(k):
            step_args = tuple(_wrap(a) if isinstance(a, np.ndarray) else a for a in self._slice(args, s))
            losses[s] = _loss_of(self.step_fn(*step_args))
        return losses, None

    def _args_fit(self, entry, args, single) -> bool:
        prog = entry.program
        if len(args) != entry.n_args:
            return False
        each = self._each_step and not single
        for i, v in prog.args.items():
            a = args[i]
            data = a._data if isinstance(a, Tensor) else a
            if not isinstance(data, np.ndarray) or data.dtype != v.dtype:
                return False
            if (data.shape[1:] if each else data.shape) != v.shape:
                return False
        return True

    def _fingerprint(self, prog: Program) -> list:
        """The objects whose identity the bound buffers depend on."""
        fp = [p._data for p in prog.params]
        fp += [p._grad for p in prog.params]
        fp += [c.tensor._data for c in prog.consts]
        fp += [opt.state.get(prog.params[i]) for _kind, opt, _gi, i in prog.opt_slots]
        return fp

    def _bind(self, entry: _Compiled) -> bool:
        """Bind the buffers that stay the same from call to call (parameters, grads, optimizer
        state, constants); False when one no longer fits the program (a retrace is needed)."""
        prog = entry.program
        params = prog.params
        for p, shape, dtype in zip(params, prog.param_shapes, prog.param_dtypes):
            if p._data.shape != shape or p._data.dtype != dtype or not p._data.flags.c_contiguous \
                    or (p._grad is not None and not p._grad._data.flags.c_contiguous):
                return False
        static = list(entry.work)
        static += [p._data.reshape(-1) for p in params]
        static += [p._grad._data.reshape(-1) if p._grad is not None else entry._grad_bufs[i]
                   for i, p in enumerate(params)]
        scalars = []
        for kind, opt, gi, i in prog.opt_slots:
            p, group = params[i], opt.param_groups[gi]
            if kind == "adam":
                st = opt.state[p]
                static += [st["exp_avg"].reshape(-1), st["exp_avg_sq"].reshape(-1)]
                scalars.append((kind, group, st))
            elif kind == "momentum":
                static.append(opt.state[p].reshape(-1))
                scalars.append((kind, group, None))
            else:
                scalars.append((kind, group, None))
        for c in prog.consts:
            data = c.tensor._data
            if data.shape != c.shape or data.dtype != c.dtype:
                return False
            static.append(np.ascontiguousarray(data).reshape(-1))
        entry.static = static  # held: the addresses below stay valid while these live
        entry.addresses = np.array([a.ctypes.data for a in static], dtype=np.int64)
        entry.scalars = scalars
        entry.adam_states = [st for kind, _g, st in scalars if kind == "adam"]
        entry.versions = [p._vc for p in params]
        entry.fp = self._fingerprint(prog)
        entry.unchanged = _identity_check(prog, entry.fp)
        entry.call = entry.fn
        entry.step1 = _single_step(entry)
        return True

    def _replay(self, entry: _Compiled, k, args, single, checked=False):
        prog = entry.program
        if not checked:
            fp = self._fingerprint(prog)
            if entry.fp is None or len(fp) != len(entry.fp) or not all(map(operator.is_, fp, entry.fp)):
                if not self._bind(entry):
                    return None
        if single or not self._each_step:
            A = [(a._data if isinstance(a, Tensor) else a).reshape(1, -1) for a in map(args.__getitem__, prog.arg_order)]
        else:
            A = [np.ascontiguousarray((a._data if isinstance(a, Tensor) else a)[:k]).reshape(k, -1)
                 for a in map(args.__getitem__, prog.arg_order)]
        extra = []
        for kind, group, st in entry.scalars:
            extra.append(group["lr"])
            if kind == "adam":
                extra.append(float(st["step"]))
            elif kind == "momentum":
                extra.append(group["momentum"])
        L = np.empty(k, dtype=prog.loss_dtype)
        H = np.empty((k, len(prog.scalar_params)))
        entry.call(k, L, H, entry.addresses, *A, *extra)
        self.trajectory, self.trajectory_params = H, prog.scalar_params
        if entry.call is entry.fn and len(entry.fn.signatures) == 1:
            # from now on the compiled entry point: it skips numba's type dispatch (the bind and
            # _args_fit keep the argument types those of this first call)
            entry.call = getattr(entry.fn.overloads[entry.fn.signatures[0]], "entry_point", entry.fn)
        for st in entry.adam_states:
            st["step"] += k
        for vc in entry.versions:  # the parameters changed in place, as after eager steps
            vc[0] += k
        if single:
            return L, (_wrap(L.reshape(())) if prog.loss_value is not None else None)
        return L.astype(np.float64), None


def _single_step(entry: _Compiled):
    """One compiled step with already-bound buffers, returning the loss as a 0-d tensor: generated
    as straight-line code for this program (a small step's arithmetic costs less than a loop)."""
    prog = entry.program
    env = {"entry": entry, "new": np.empty, "dtype": prog.loss_dtype, "ndarray": np.ndarray, "wrap": _wrap,
           "H": np.empty((1, len(prog.scalar_params))), "addresses": entry.addresses}
    lines, call = ["def step1(args):"], ["1", "L", "H", "addresses"]
    for j, i in enumerate(prog.arg_order):
        lines += [f"    a{j} = args[{i}]", f"    a{j} = (a{j} if type(a{j}) is ndarray else a{j}._data).reshape(1, -1)"]
        call.append(f"a{j}")
    after = []
    for slot, (kind, group, st) in enumerate(entry.scalars):
        env[f"g{slot}"], env[f"st{slot}"] = group, st
        call.append(f"g{slot}['lr']")
        if kind == "adam":
            call.append(f"float(st{slot}['step'])")
            after.append(f"    st{slot}['step'] += 1")
        elif kind == "momentum":
            call.append(f"g{slot}['momentum']")
    for j, vc in enumerate(entry.versions):
        env[f"vc{j}"] = vc
        after.append(f"    vc{j}[0] += 1")
    lines += ["    L = new(1, dtype)", f"    entry.call({', '.join(call)})", *after,
              "    return wrap(L.reshape(()))" if prog.loss_value is not None else "    return None"]
    exec("\n".join(lines), env)  # noqa: S102 - built here from this program's slots
    return env["step1"]


def _identity_check(prog: Program, expected: list):
    """A function telling whether every bound buffer is still the one bound (generated: one
    expression, ~30 ns per buffer, where a general loop costs several times that)."""
    env = {"params": prog.params, "consts": [c.tensor for c in prog.consts], "expected": expected,
           "states": [opt.state for _k, opt, _g, _i in prog.opt_slots]}
    terms, j = [], 0
    for i in range(len(prog.params)):
        terms.append(f"params[{i}]._data is expected[{j}]")
        j += 1
    for i in range(len(prog.params)):
        terms.append(f"params[{i}]._grad is expected[{j}]")
        j += 1
    for i in range(len(prog.consts)):
        terms.append(f"consts[{i}]._data is expected[{j}]")
        j += 1
    for slot, (_k, _opt, _g, i) in enumerate(prog.opt_slots):
        terms.append(f"states[{slot}].get(params[{i}]) is expected[{j}]")
        j += 1
    # bind every object as a default argument: local lookups instead of globals and indexing
    names = {}
    for name, seq in (("params", env["params"]), ("consts", env["consts"]), ("expected", expected),
                      ("states", env["states"])):
        for idx in range(len(seq)):
            names[f"{name}[{idx}]"] = f"{name}_{idx}"
    body = " and ".join(terms) or "True"
    for old, new in sorted(names.items(), key=lambda kv: -len(kv[0])):
        body = body.replace(old, new)
    defaults = ", ".join(f"{new}={old}" for old, new in names.items())
    return eval(f"lambda {defaults}: {body}", env)  # noqa: S307 - built here from names only


def _is_array(a) -> bool:
    return isinstance(a, (Tensor, np.ndarray))


def _optimizers(program: Program):
    seen = []
    for _kind, opt, _gi, _i in program.opt_slots:
        if not any(o is opt for o in seen):
            seen.append(opt)
    return seen


def _loss_of(result) -> float:
    if isinstance(result, Tensor) and result._data.size == 1:
        return float(result._data.reshape(-1)[0])
    if isinstance(result, (int, float)):
        return float(result)
    return math.nan


def _has_template(name, args, kwargs):
    from engine.compile.codegen import has_template
    return has_template(name, args, kwargs)

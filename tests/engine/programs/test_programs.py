"""Teaching programs (this folder) run unchanged with `torch` bound to the engine and to PyTorch,
each in a fresh interpreter with the same seeds: the engine run must succeed, and where PyTorch
is installed both print the same text, numbers equal to float32 precision (object addresses
aside). Each program names the public tutorial whose steps it follows, and its licence."""
from __future__ import annotations

import functools
import importlib.util
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

HERE = Path(__file__).parent
ROOT = HERE.parents[2]
PROGRAMS = sorted(p.name for p in HERE.glob("*.py") if p.name not in ("__init__.py", "run.py", "test_programs.py"))
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
ADDRESS = re.compile(r" at 0x[0-9a-f]+")
# Training loops add up float32 rounding differences (matmul summation order, SIMD exp/log/tanh)
# over hundreds of steps; a program that diverges in structure fails on the text, not here.
RTOL, ATOL = 2e-4, 1e-6


def _run(program: str, library: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, NUMBA_CACHE_DIR=os.environ.get("NUMBA_CACHE_DIR", str(ROOT / ".numba-cache")))
    return subprocess.run([sys.executable, "-m", "tests.engine.programs.run", str(HERE / program), library],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)


@functools.cache
def _all_runs() -> dict:
    """Every program under every library, two fresh interpreters at a time (importing torch takes
    seconds; the runs themselves are short)."""
    libraries = ["engine"] + (["torch"] if importlib.util.find_spec("torch") is not None else [])
    jobs = [(p, lib) for p in PROGRAMS for lib in libraries]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(jobs, pool.map(lambda job: _run(*job), jobs)))


def run(program: str, library: str) -> str:
    out = _all_runs()[(program, library)]
    assert out.returncode == 0, f"{program} failed under {library}:\n{out.stderr[-3000:]}"
    return ADDRESS.sub(" at 0x…", out.stdout)


def split(text: str):
    return NUMBER.sub("#", text), [float(m) for m in NUMBER.findall(text)]


def largest_difference(ours, theirs) -> float:
    """The largest |a - b| / (ATOL + RTOL·|b|): at most 1 when the numbers agree."""
    return max((abs(a - b) / (ATOL + RTOL * abs(b)) for a, b in zip(ours, theirs)), default=0.0)


@pytest.mark.parametrize("program", PROGRAMS)
def test_program_prints_what_pytorch_prints(program):
    ours = run(program, "engine")
    assert ours.strip(), f"{program} printed nothing"
    if importlib.util.find_spec("torch") is None:
        pytest.skip("PyTorch is not installed: the engine run succeeded, nothing to compare with")
    theirs = run(program, "torch")
    text_ours, numbers_ours = split(ours)
    text_theirs, numbers_theirs = split(theirs)
    assert text_ours == text_theirs, f"{program}: the printed text differs\n--- engine\n{ours}\n--- torch\n{theirs}"
    assert len(numbers_ours) == len(numbers_theirs)
    worst = largest_difference(numbers_ours, numbers_theirs)
    assert worst <= 1.0, f"{program}: numbers differ beyond float32 training noise\n--- engine\n{ours}\n--- torch\n{theirs}"

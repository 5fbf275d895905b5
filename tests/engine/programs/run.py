"""Run one teaching program with `torch` bound to PyTorch or to the engine, in this process:
`python -m tests.engine.programs.run PROGRAM.py engine|torch`."""
from __future__ import annotations

import runpy
import sys


def main(path: str, library: str) -> None:
    if library == "engine":
        import engine
        sys.modules["torch"] = engine  # `import torch.nn.functional as F` follows (engine._aliases)
    elif library != "torch":
        raise SystemExit(f"library must be 'engine' or 'torch', not {library!r}")
    runpy.run_path(path, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

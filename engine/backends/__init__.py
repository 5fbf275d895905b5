"""torch.backends as a CPU-only build reports it: no MPS or CUDA; cudnn flags are accepted."""
from engine.backends import cudnn, mps  # noqa: F401

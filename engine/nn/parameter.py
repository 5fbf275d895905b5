"""nn.parameter, as PyTorch names the module: `from torch.nn.parameter import Parameter`."""
from engine.nn.modules.module import Parameter

__all__ = ["Parameter"]

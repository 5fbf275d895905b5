"""Neural-network building blocks with PyTorch's layout: `nn.Module` and the layers in
`modules/`, `nn.functional`, `nn.init`. Layers are compositions of engine ops (their
gradients come from the ops' own backward rules)."""
from engine.nn import functional, init  # noqa: F401
from engine.nn.modules import *  # noqa: F401,F403
from engine.nn.modules import __all__ as _modules_all
from engine.nn.modules.module import (_global_forward_hooks, _global_forward_pre_hooks,  # noqa: F401
                                      register_module_forward_hook, register_module_forward_pre_hook)
from engine.nn.parameter import Parameter  # noqa: F401

__all__ = list(_modules_all) + ["functional", "init", "register_module_forward_hook",
                                "register_module_forward_pre_hook"]

from engine.nn import utils  # noqa: E402,F401

"""The numba kernels, each with a numpy twin, behind callables that use the numba
version only once it is compiled and only from the size where it is faster.

    kernels.warmup()                       # at startup: compiles in a daemon thread
    grad_x = kernels.tanh_backward(g, t)   # numpy until tanh_backward is ready

GRADSTUDIO_NUMBA=0 turns numba off, and numba is then never imported. Importing this
package compiles nothing and does not import numba either.
"""

# Speed of the numba version over its numpy twin, float32, call overhead included
# (python -m engine.kernels.bench; 2-core Xeon, numba 0.68, numpy 2.4). float64 is
# alike, with the numba versions winning from about the same sizes. A kernel uses
# numba from min_size elements on; below it, numpy (plus ~0.15 us of dispatch).
#
#   elements                      4    256   1024   2048   4096  16384  65536  min_size
#   tanh_backward               0.78   0.79   1.00   1.06   1.48   1.78   3.36     2048
#   sigmoid_backward            0.77   0.80   0.99   1.22   1.63   2.26   2.51     2048
#   relu_backward               0.72   0.75   0.94   1.04   1.34   1.71   2.87     2048
#   mse_forward_backward        1.63   1.60   1.79   1.94   2.05   2.78   2.92        1
#   sum_to (B,16) -> (16,)         -   1.19   1.66   2.16   2.92   5.04   6.63       64
#   sum_to (B,16) -> (B,1)         -   1.24   1.67   2.11   2.74   4.59   5.89       64
#   sum_to (B,2)  -> (B,1)         -   2.00   4.10   5.98   8.34  12.31  15.75       64
#   sum_to (4,T,16) -> (4,1,16)    -   1.38   1.80   2.32   3.06   5.17  13.56       64
#   sum_to (B,256) -> (256,)       -      -   1.09   1.16   1.22   1.38   1.70       64
#   sum_to (B,16) -> ()            -   0.98   1.09   1.20   1.36   1.88   2.74       64
#   sgd_momentum_               0.93   0.95   1.07   1.13   1.20   1.68   1.89     2048
#   adam_                       2.57   2.48   2.69   2.66   2.58   2.80   2.65        1
#
# The small elementwise kernels lose below ~1000 elements because three numpy ufunc
# calls (~1 us) cost less than preparing and entering a numba call; the fused losses
# and optimizer steps replace 4 to 10 numpy calls and win at every size. sum_to sums
# with numpy when the summed axes are not one run of adjacent axes (say (2,3,4) to
# (1,3,1)); a full sum to () is at parity with numpy's pairwise sum below ~1000.
# Arrays that are not all C- or all F-contiguous, aligned, writeable, float32 or
# float64 and of one shape and dtype go to the numpy twin (no copies, no compiles).

import threading

from engine.kernels import numpy_twins
from engine.kernels.dispatch import (
    Kernel,
    Warmup,
    adam_adapter,
    elementwise_adapter,
    mse_adapter,
    numba_enabled,
    sgd_adapter,
    sum_to_adapter,
)

__all__ = [
    "Kernel",
    "adam_",
    "get",
    "mse_forward_backward",
    "numba_enabled",
    "relu_backward",
    "sgd_momentum_",
    "sigmoid_backward",
    "status",
    "sum_to",
    "tanh_backward",
    "warmup",
]

tanh_backward = Kernel("tanh_backward", numpy_twins.tanh_backward, elementwise_adapter, 2048)
sigmoid_backward = Kernel("sigmoid_backward", numpy_twins.sigmoid_backward, elementwise_adapter, 2048)
relu_backward = Kernel("relu_backward", numpy_twins.relu_backward, elementwise_adapter, 2048)
mse_forward_backward = Kernel(
    "mse_forward_backward", numpy_twins.mse_forward_backward, mse_adapter, 1
)
sum_to = Kernel("sum_to", numpy_twins.sum_to, sum_to_adapter, 64, core="sum_middle")
sgd_momentum_ = Kernel("sgd_momentum_", numpy_twins.sgd_momentum_, sgd_adapter, 2048)
adam_ = Kernel("adam_", numpy_twins.adam_, adam_adapter, 1)

KERNELS: dict[str, Kernel] = {
    k.name: k
    for k in (
        tanh_backward,
        sigmoid_backward,
        relu_backward,
        mse_forward_backward,
        sum_to,
        sgd_momentum_,
        adam_,
    )
}

_warmup = Warmup(KERNELS)


def get(name: str) -> Kernel:
    """The kernel called ``name``, e.g. ``get("tanh_backward")(g, t)``."""
    try:
        return KERNELS[name]
    except KeyError:
        raise KeyError(f"no kernel named {name!r}; there are {', '.join(KERNELS)}") from None


def warmup(background: bool = True) -> threading.Thread | None:
    """Compile every kernel for float32 and float64, each switching to numba as soon as
    it is compiled. Returns the (daemon) thread doing it when ``background``, else
    waits for it and returns None; None too when GRADSTUDIO_NUMBA=0. Calling it again
    does not compile again."""
    return _warmup.start(background)


def status() -> dict[str, bool]:
    """For each kernel, whether its numba version is compiled and in use."""
    return {name: k.ready for name, k in KERNELS.items()}

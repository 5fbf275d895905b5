"""numba helpers the generated step functions call (inlined): only the generated code and the
compile imports this module, so tracing and generating a step never import numba."""
from __future__ import annotations

import math

import numpy as np
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

@njit(inline="always", cache=True, error_model="numpy")
def sign_(x):
    return (x > 0) - (x < 0) + 0 * x


@njit(inline="always", cache=True, error_model="numpy")
def sigmoid_(x):
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    e = math.exp(x)
    return e / (1 + e)


def _rational_tanh(real):
    """Rational tanh (Eigen's float approximation, a few ulp) in `real` arithmetic: plain
    arithmetic, so loops over it vectorise where libm's tanh would not."""
    clamp, tiny = real(7.90531110763549805), real(0.0004)
    a13, a11, a9 = real(-2.76076847742355e-16), real(2.00018790482477e-13), real(-8.60467152213735e-11)
    a7, a5, a3, a1 = real(5.12229709037114e-08), real(1.48572235717979e-05), real(6.37261928875436e-04), \
        real(4.89352455891786e-03)
    b6, b4, b2, b0 = real(1.19825839466702e-06), real(1.18534705686654e-04), real(2.26843463243900e-03), \
        real(4.89352518554385e-03)

    @njit(inline="always", cache=True, error_model="numpy")
    def tanh(x):
        v = x  # branches that become selects (min/max would keep the loop scalar)
        if v > clamp:
            v = clamp
        if v < -clamp:
            v = -clamp
        v2 = v * v
        p = ((((((a13 * v2 + a11) * v2 + a9) * v2 + a7) * v2 + a5) * v2 + a3) * v2 + a1) * v
        q = ((b6 * v2 + b4) * v2 + b2) * v2 + b0
        r = p / q
        if abs(x) < tiny:
            r = x
        return r
    return tanh


tanh32_ = _rational_tanh(np.float32)
tanh_ = _rational_tanh(np.float64)





@intrinsic
def ptr_(typingctx, address):
    """An int64 address as a void pointer: the step rebuilds its bound buffers from one array of
    addresses (`numba.carray`) instead of numba unboxing each array at every call."""
    sig = types.voidptr(address)

    def codegen(context, builder, signature, args):
        return builder.inttoptr(args[0], cgutils.voidptr_t)
    return sig, codegen

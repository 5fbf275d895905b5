"""The one-tensor elementwise ops by their old module name; their rows live in ops/elementwise.py."""
from engine.ops.elementwise import (abs, atan, clamp, clamp_max, clamp_min, cos, exp, log, neg,  # noqa: F401, A004
                                    reciprocal, relu, sigmoid, sign, sin, sqrt, tan, tanh)

"""Mixed-dtype arithmetic promotes as PyTorch 2.13 does (checked against torch when installed)."""
import numpy as np
import pytest

import engine

PAIRS = [("int64", "float16"), ("float16", "int64"), ("int32", "float16"), ("int64", "float32"),
         ("float16", "float32"), ("int64", "float64"), ("uint8", "float16"), ("int64", "int64")]


@pytest.mark.parametrize("a, b", PAIRS)
@pytest.mark.parametrize("op", ["add", "mul", "sub"])
def test_binary_ops_promote_as_pytorch(a, b, op):
    x = engine.tensor([1, 2], dtype=getattr(engine, a))
    y = engine.tensor([3, 4], dtype=getattr(engine, b))
    expected = {("int64", "float16"): "float16", ("float16", "int64"): "float16", ("int32", "float16"): "float16",
                ("int64", "float32"): "float32", ("float16", "float32"): "float32", ("int64", "float64"): "float64",
                ("uint8", "float16"): "float16", ("int64", "int64"): "int64"}[(a, b)]
    result = getattr(engine, op)(x, y)
    assert str(result.dtype) == f"torch.{expected}"
    torch = pytest.importorskip("torch")
    reference = getattr(torch, op)(torch.tensor([1, 2], dtype=getattr(torch, a)), torch.tensor([3, 4], dtype=getattr(torch, b)))
    assert str(reference.dtype) == str(result.dtype)
    np.testing.assert_array_equal(result.numpy(), reference.numpy())

"""Bad calls raise PyTorch's exception type and words, never numpy's: a sweep of the mistakes
teaching programs make (mismatched shapes, indices out of range, wrong dtypes), each run
through both libraries."""
from __future__ import annotations

import pytest

from tests.engine.helpers import compare_behaviour

MISTAKES = {
    "index_shapes_do_not_broadcast": lambda T: T.zeros(7000, 3)[T.arange(32), T.arange(7000)],
    "index_lists_do_not_broadcast": lambda T: T.zeros(4, 4)[[0, 1], [0, 1, 2]],
    "integer_index_out_of_range": lambda T: T.zeros(3)[5],
    "integer_index_out_of_range_dim1": lambda T: T.zeros(3, 2)[:, 4],
    "tensor_index_out_of_range": lambda T: T.zeros(3)[T.tensor([5])],
    "negative_index_out_of_range": lambda T: T.zeros(3)[-4],
    "too_many_indices": lambda T: T.zeros(3)[0, 1],
    "mask_shape_mismatch": lambda T: T.zeros(3)[T.tensor([True, False])],
    "float_index": lambda T: T.zeros(3)[T.tensor([0.0, 1.0])],
    "matmul_shapes": lambda T: T.zeros(2, 3) @ T.zeros(2, 3),
    "mm_of_vectors": lambda T: T.zeros(3).mm(T.zeros(3)),
    "broadcast_add": lambda T: T.zeros(2, 3) + T.zeros(3, 2),
    "broadcast_mul": lambda T: T.zeros(4) * T.zeros(3),
    "view_size": lambda T: T.zeros(6).view(4, 2),
    "reshape_inferred_size": lambda T: T.zeros(2, 3).reshape(4, -1),
    "sum_dim_out_of_range": lambda T: T.zeros(2, 3).sum(2),
    "expand_size": lambda T: T.zeros(2, 3).expand(4, 3),
    "cat_sizes": lambda T: T.cat([T.zeros(2, 3), T.zeros(3, 2)]),
    "cat_dims": lambda T: T.cat([T.zeros(2, 3), T.zeros(2, 3, 1)]),
    "cat_scalar": lambda T: T.cat([T.tensor(1.0), T.tensor(2.0)]),
    "stack_sizes": lambda T: T.stack([T.zeros(2), T.zeros(3)]),
    "cross_entropy_class_out_of_range": lambda T: T.nn.functional.cross_entropy(T.zeros(2, 3), T.tensor([0, 3])),
    "cross_entropy_float_target_shape": lambda T: T.nn.functional.cross_entropy(T.zeros(2, 3), T.zeros(2)),
    "cross_entropy_batch_mismatch": lambda T: T.nn.functional.cross_entropy(T.zeros(2, 3), T.tensor([0, 1, 2])),
    "embedding_index_out_of_range": lambda T: T.nn.Embedding(3, 2)(T.tensor([3])),
    "embedding_float_index": lambda T: T.nn.Embedding(3, 2)(T.tensor([1.0])),
    "gather_index_out_of_range": lambda T: T.zeros(2, 3).gather(1, T.tensor([[3], [0]])),
    "softmax_dim_out_of_range": lambda T: T.zeros(2, 3).softmax(dim=2),
    "requires_grad_on_int": lambda T: T.tensor([1, 2], requires_grad=True),
    "linear_input_features": lambda T: T.nn.Linear(3, 2)(T.zeros(4, 2)),
    "topk_too_large": lambda T: T.zeros(3).topk(4),
    "one_hot_of_floats": lambda T: T.nn.functional.one_hot(T.tensor([1.0])),
    "item_of_many": lambda T: T.zeros(3).item(),
}


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_mistake_raises_pytorchs_error(name):
    ours = compare_behaviour(MISTAKES[name])
    assert ours[1] is not None, f"{name}: the engine raised nothing"

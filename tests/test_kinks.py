"""PyTorch's answers at kinks, and ndgm's convention agreeing with the way the paper's losses are written."""
import math

import numpy as np

from ndgm import losses
from ndgm.studies.kinks import autodiff_at_kinks, markdown_table


def test_autodiff_answers_depend_on_how_the_function_is_written():
    rows = {k.code: k for k in autodiff_at_kinks()}
    assert rows["x.abs()"].torch_grad == 0.0
    assert rows["torch.relu(x)"].torch_grad == 0.0
    assert rows["torch.maximum(x, 0)"].torch_grad == 0.5
    assert math.isnan(rows["(x * x).sqrt()"].torch_grad)      # the same |x|, and no subgradient at all
    for k in rows.values():
        if not math.isnan(k.torch_grad):
            assert k.left <= k.torch_grad <= k.right


def test_ndgm_uses_the_abs_and_relu_conventions():
    rows = {k.code: k.torch_grad for k in autodiff_at_kinks()}
    assert losses.ToyLasso(1.0).grad(np.zeros(1))[0] == rows["x.abs()"]
    relu = losses.ReluRegression(np.ones((1, 1)), np.array([-1.0]))   # fit (y - relu(β))², y = -1
    # d/dβ at β = 0 is -2(y - 0) relu'(0) = 2 relu'(0)
    assert relu.grad(np.zeros(1))[0] == 2 * rows["torch.relu(x)"]


def test_markdown_table_has_one_row_per_kink():
    rows = autodiff_at_kinks()
    table = markdown_table(rows).splitlines()
    assert len(table) == 2 + len(rows)
    assert "`torch.maximum(x, 0)` | 0 | $[0, 1]$ | 0.5 |" in "\n".join(table)

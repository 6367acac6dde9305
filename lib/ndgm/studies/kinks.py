"""What autodiff returns at a kink: Section 2's "heuristic measure", asked of PyTorch itself.

At a point where a function has no derivative, autograd still returns one number. Which number
depends on how the function was written, not on the function: |x| and max(x, −x) are the same
function, yet PyTorch differentiates them differently at 0. Every such number lies in the
subdifferential [left derivative, right derivative] only when the code is written with care.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kink:
    """One function written one way, at a point where it has no derivative."""

    function: str         # the maths, in LaTeX
    code: str             # how it is written in PyTorch
    point: float
    left: float           # one-sided derivatives: the subdifferential (of a convex piece) is [left, right]
    right: float
    torch_grad: float     # what autograd returned


def _cases():
    import torch

    def zero(x):
        return torch.zeros_like(x)

    return [
        (r"\lvert x \rvert", "x.abs()", lambda x: x.abs(), 0.0, -1.0, 1.0),
        (r"\lvert x \rvert", "torch.stack([x, -x]).max()", lambda x: torch.stack([x, -x]).max(), 0.0, -1.0, 1.0),
        (r"\lvert x \rvert", "(x * x).sqrt()", lambda x: (x * x).sqrt(), 0.0, -1.0, 1.0),
        (r"\max(0, x)", "torch.relu(x)", torch.relu, 0.0, 0.0, 1.0),
        (r"\max(0, x)", "torch.maximum(x, 0)", lambda x: torch.maximum(x, zero(x)), 0.0, 0.0, 1.0),
        (r"\max(0, x)", "x.clamp(min=0)", lambda x: x.clamp(min=0), 0.0, 0.0, 1.0),
        (r"\max(0, x)", "torch.where(x > 0, x, 0)", lambda x: torch.where(x > 0, x, 0.0), 0.0, 0.0, 1.0),
    ]


def autodiff_at_kinks() -> list[Kink]:
    """Run torch.autograd at each kink in `_cases` and report what it returns (needs torch)."""
    import torch

    rows = []
    for function, code, f, point, left, right in _cases():
        x = torch.tensor(point, dtype=torch.float64, requires_grad=True)
        f(x).backward()
        rows.append(Kink(function, code, point, left, right, float(x.grad)))
    return rows


def markdown_table(rows: list[Kink]) -> str:
    """The kinks as a MyST table: function, code, subdifferential at the point, autograd's answer."""
    lines = ["| function | written as | point | subdifferential | autograd returns |", "|---|---|---|---|---|"]
    lines += [f"| ${k.function}$ | `{k.code}` | {k.point:g} | $[{k.left:g}, {k.right:g}]$ | {k.torch_grad:g} |"
              for k in rows]
    return "\n".join(lines)

"""ndgm: non-differentiable gradient methods, the library behind the companion book to
"GD doesn't make the cut: Three ways that non-differentiability affects neural network training".

    from ndgm import losses, optim, problems, run
    loss = losses.ToyLasso(lam1=[1.0, 100.0])                 # eq. (7), two penalties at once
    res = run.run(loss, optim.make("gd", lr=0.01), problems.BETA0_2D, 2000, record=("l1",))
    res.final("l1")                                            # the paradox: larger λ1, larger ‖β‖₁
"""
from . import losses, optim, problems, run, validation
from .losses import GeneralLasso, Huber, LeastSquares, ReluRegression, ToyLasso
from .run import sweep

__all__ = ["losses", "optim", "problems", "run", "validation", "sweep",
           "ToyLasso", "ReluRegression", "GeneralLasso", "Huber", "LeastSquares"]
__version__ = "0.1.0"

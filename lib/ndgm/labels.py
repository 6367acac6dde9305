"""Every name the book prints for an optimizer, activation or method, in words: the figures, the tables and
the claims all read them from here (their colours are in `ndgm.figures.style`)."""

OPTIMIZER_LABELS = {"sgd": "SGD (NDGM)", "rmsprop": "RMSProp", "adam": "Adam", "prox-sgd": "ProxSGD",
                    "prox-adam": "ProxAdam"}
"""The network optimizers (`ndgm.swing.OPTIMIZERS` and the proximal ones)."""
LASSO_OPTIMIZER_LABELS = {"gd": "GD (NDGM)", "momentum": "momentum", "rmsprop": "RMSProp", "adam": "Adam",
                    "prox": "proximal (ISTA)"}
"""The optimizers of Section 4's LASSO explorer."""
ACTIVATION_LABELS = {"relu": "ReLU", "gelu": "GELU", "softplus": "softplus"}
METHOD_LABELS = {"ndgm": "NDGM (GD)", "ndgm-rounded": "NDGM, then |β| < αλ₁ set to 0", "ista": "ISTA (proximal)",
                 "fista": "FISTA with restarts", "cd": "coordinate descent (scikit-learn)"}
"""The sparse-solution methods of `ndgm.studies.sparsity`."""
PRUNING_LABELS = {"toy": "toy LASSO (7), P = 2000", "lasso": "general LASSO (15), 20 x 500"}
"""The two problems of the pruning-threshold study (`ndgm.studies.sparsity.PRUNING_PROBLEMS`)."""

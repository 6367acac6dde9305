"""Numbers and settings as the paper prints them, each with where it is printed.

Pages, plots and tests read the paper's values from here, never retype them. Where the paper gives
one quantity more than one way, each version is kept with its place.
"""
from __future__ import annotations

TABLE2 = {  # Appendix C, Table 2: percentage of weights with |w| < 1e-5 after fine-tuning VGG16
    ("sgd", 0.002): 99.89, ("sgd", 2.0): 0.18,
    ("rmsprop", 0.002): 0.09, ("rmsprop", 2.0): 1.21,
    ("adam", 0.002): 3.31, ("adam", 2.0): 2.28,
}
TABLE2_TAU = 1e-5

SECTION4_NETWORK = {  # Section 4, "Experiments with deep networks", and Appendix C's script
    "lr": 0.003, "epochs": 200, "batch_size": 512, "optimizers": ("sgd", "rmsprop", "adam"),
    "model": "VGG16 pre-trained on ImageNet, fine-tuned on CIFAR-10",
}
LAMBDA1_NETWORK = {  # the small penalty of the first set of runs, printed two ways
    "Section 4 text": 0.0002,
    "Figure 3 caption, Table 2 and Appendix C's loop": 0.002,
}
LAMBDA1_NETWORK_LARGE = 2.0   # the second set: the same in the text, Figure 3, Table 2 and the script

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
TABLE2_SGD_SMALL = {  # SGD's percentage below τ at the small λ1, printed two ways
    "Section 4 text": 99.98,
    "Table 2 (Appendix C)": 99.89,
}

SECTION4_NETWORK = {  # Section 4, "Experiments with deep networks", and Appendix C's script
    "lr": 0.003, "epochs": 200, "batch_size": 512, "optimizers": ("sgd", "rmsprop", "adam"),
    "model": "VGG16 pre-trained on ImageNet, fine-tuned on CIFAR-10",
}
LAMBDA1_NETWORK = {  # the small penalty of the first set of runs, printed two ways
    "Section 4 text": 0.0002,
    "Figure 3 caption, Table 2 and Appendix C's loop": 0.002,
}
LAMBDA1_NETWORK_LARGE = 2.0   # the second set: the same in the text, Figure 3, Table 2 and the script

# ----- Section 4 (the toy LASSO) and Appendix B.1-B.2: claims.lasso_paradox, book/lasso_paradox.md -----
TWO_D_BETA0 = (0.5053, 0.5053)   # Section 4, the two-dimensional example's start β0
TWO_D_ALPHA = 0.01               # Section 4, the example's step size ...
TWO_D_REDUCED_ALPHA = 0.001      # ... and the step it is reduced to "after apparent convergence"
TWO_D_LAMBDA1 = (1.0, 100.0)     # Section 4, the example's two penalties
TWO_D_CYCLES = {  # Section 4: the two vectors each run oscillates between, (α, λ1) -> (first, second);
    # both coordinates are printed equal, so one number stands for each vector
    (0.01, 1.0): (0.0053, -0.0047), (0.01, 100.0): (0.5053, -0.4947),
    (0.001, 1.0): (0.0003, -0.0007), (0.001, 100.0): (0.0053, -0.0947),
}
TWO_D_L1 = {1.0: 0.0106, 100.0: 0.9894}   # Section 4: ‖β‖₁ "at most" 0.0106 (λ1 = 1), "at least" 0.9894 (λ1 = 100)
TOY_START_RANGE = (-1.0, 1.0)    # Proposition 4.1 and Appendix B.1: β0's entries are drawn from U[-1, 1]
GENERAL_LASSO_SHAPE = (20, 500)  # Appendix B.2: W is 20 x 500, y is 20 x 1, entries from U[-1, 1]
B2_L1 = (1.62, 25.4)             # Appendix B.2: ‖β‖₁ at the end for the small λ1 and for λ1 = 10
B2_LAMBDA1_SMALL = {  # Appendix B.2: the small penalty, printed two ways in one paragraph
    "Appendix B.2, the runs": 0.01,
    "Appendix B.2, the result": 0.1,
}
B2_LAMBDA1_LARGE = 10.0          # Appendix B.2: the large penalty (the same in both places)
B2_FOLD = (1000, 15)             # Appendix B.2: "a 1000 fold increase" in λ1, "more than 15 fold" in ‖β‖₁

# --- Section 5: the edge of stability (Proposition 5.1, eq. (10), Figure 4, Appendix D.1) ---
HUBER_SHAPE = (50, 200)          # Section 5, before eq. (10): a 50 x 1 response regressed on a 50 x 200 data matrix
FIGURE4_LR = (0.1, 10.0)         # Figure 4's caption: α = 0.1 and α = 10 (Section 5's text: "as high as α = 10")
D1_CONSTANT = 1.0                # Appendix D.1: lim_k f(x_k) − f* <= D1_CONSTANT · αL² (the constant printed is 1)

# --- Section 4's optimizer variants: Table 1, Propositions B.3-B.5, Figure 5 (Appendices B.3-B.4):
#     claims.optimizer_variants, book/optimizer_variants.md ---
TABLE1 = {  # Appendix B.3, Table 1: one row per variant; "stays at 0" is the "if the sequence hits 0" column
    "gd": {"row": "Vanilla NDGM (including SGD)", "depends on": "β0 and λ1", "stays at 0": True},
    "momentum": {"row": "NDGM with momentum", "depends on": None, "stays at 0": False},
    "rmsprop": {"row": "RMSProp", "depends on": "β0 only", "stays at 0": True},
}
EQ17_RATIO = "−η"                # Proposition B.3's proof, eq. (17): β_{N+1}[k] = −η β_{N−1}[k] when β_N[k] = 0
RMSPROP_GAMMA = 0.99             # Appendix B.3.3, after eq. (19): γ's "typical default value"
B5_T = 1000                      # Proposition B.5's proof: "with t = 1000, γ^t = O(10^-5)"
B5_GAMMA_T = "O(10^-5)"          # ... the order it gives for γ^t there
FIGURE5 = {"p": 10, "lr": 0.1,   # Figure 5's caption: P = 10 and α = 0.1
           "window": 100}        # Appendix B.4's text: the "final 100 training iterations" are plotted
FIGURE5_LAMBDA1 = {  # Figure 5's small and large λ1, printed three ways
    "Figure 5 caption": (0.001, 100.0),
    "Appendix B.4 text": (0.001, 1.0),
    "worked example after Proposition B.6": (0.01, 100.0),
}
FIGURE5_EXAMPLE_BOUNDS = {  # the worked example after Proposition B.6 (P = 10, α = 0.1): each loss of the
    0.01: {"rmsprop": 0.01, "gd": 0.0001},     # two-cycle is positive and below these, per λ1
    100.0: {"rmsprop": 100.0, "gd": 10000.0},
}

# ----- Section 3: NDGM and convergence (book/convergence.md, ndgm.claims.convergence) -----
FIGURE1_PROBLEM = {  # Section 3, the paragraph after Proposition 3.1: the data and start of Figure 1
    "n": 20, "p": 500,                  # Z1 is 20 × 500, q1 is 20 × 1
    "Z1": (-1.0, 1.0), "q1": (-1.0, 0.0), "beta0": (-1.0, 1.0),   # each entry uniform on this interval
    "lam1": 0.0, "lam2": 0.01,          # L2(β) = L1(β; Z1, q1, 0, 0.01), eq. (3)
}
FIGURE1_START_LINF = 1.0   # Section 3: the runs start from ‖β0‖∞ < 1 and Figure 1 shows ‖βk‖∞ passing 1
CAPTURE_RADIUS = 1.0       # Proposition 3.1: ‖x0 − x*‖ < 1 gives ‖xk − x*‖ < 1 ("ε̄ = 1" in Bertsekas' Prop. 1.2.5)
RATE_EXPONENTS = {         # Section 3, around eq. (6): steps to error ε grow like (1/ε)^exponent
    "GD, L-smooth convex (eq. 5)": 1,           # O(1/ε)
    "NDGM, Lipschitz convex (eq. 6)": 2,        # O(1/ε²), citing Section 7.1.3 of Tibshirani (2015)
}
KINK_QUOTIENT_LIMIT = float("inf")   # Section 3: lim_{h→0+} (1/2h)(∇q(h) − ∇q(−h)) = ∞ for q(x) = max(0, x)
APPENDIX_A2 = {            # Appendix A.2: the functions it admits and what A.3 and A.6 say about them
    "admits (A.2.1)": "extended values f: ℝⁿ → ℝ ∪ {−∞, ∞}, constraints written as +∞",
    "vertical supporting hyperplane at a finite minimum (A.3, A.6)": "never",
}

# --- Section 3's Figure 2 and Appendix A.1: ndgm.networks.experiments, book/relu_vs_gelu.md ---
FIGURE2_DEPTHS = (11, 19)        # Figure 2 and Appendix A.1: VGG networks of depth 11 and 19

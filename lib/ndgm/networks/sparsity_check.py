"""A sparsity check for a trained PyTorch network: exact zeros, or weights caught in NDGM's two-cycle?

After training with an L1 penalty and a plain (sub)gradient optimizer, a weight that the penalty drives
does not reach 0: it hops across it by the swing s every step (eq. 8), s = αλ1 for SGD, about α for
RMSProp and Adam (`ndgm.swing.swing`). So "many small weights" after training is not sparsity; only
exact zeros are, and only a proximal step (`ndgm.networks.proximal`) makes them. `check_network` counts, per
parameter tensor and overall, the exact zeros, the fractions below several thresholds τ and the weights
inside the band |w| < s, and says in one line which of the two the network has.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import validation
from ..swing import swing as swing_of

TAUS = (1e-8, 1e-6, 1e-5, 1e-4, 1e-3)
"""Default thresholds τ for the fractions of |w| < τ (Table 2's is 1e-5)."""


@dataclass(frozen=True)
class LayerSparsity:
    """One parameter tensor (or all of them, `name` = "overall")."""

    name: str
    size: int
    zeros: float              # fraction of weights exactly 0
    below: np.ndarray         # (K,) fraction with |w| < τ for each τ of the report
    band: float               # fraction with |w| < s (nan when α and λ1 were not given)


@dataclass(frozen=True)
class NetworkSparsity:
    """What `check_network` returns: per-layer rows, the overall row, the thresholds, the swing and a verdict."""

    layers: list
    overall: LayerSparsity
    taus: np.ndarray          # (K,)
    swing: float              # s (nan when α and λ1 were not given)
    verdict: str
    accuracy: float | None = None   # the network's validation accuracy, when known
    chance: float | None = None     # chance accuracy (1 / classes), when known

    @property
    def kind(self) -> str:
        """The verdict in one word (`kind`)."""
        return kind(self.overall.zeros, self.overall.band, self.swing, self.accuracy, self.chance)

    def with_accuracy(self, accuracy: float, chance: float) -> "NetworkSparsity":
        """The same report for a network whose validation accuracy and chance level are known (the verdict
        then says when the network is dead)."""
        accuracy = float(validation.in_range("accuracy", accuracy, low=0.0, high=1.0, high_open=False))
        chance = float(validation.in_range("chance", chance, low=0.0, high=1.0, low_open=True))
        return NetworkSparsity(self.layers, self.overall, self.taus, self.swing,
                               verdict(self.overall.zeros, self.overall.band, self.swing, accuracy, chance),
                               accuracy, chance)

    def as_dict(self) -> dict:
        """Plain lists and numbers (JSON-ready), as `ndgm.networks.experiments` stores the report with each run;
        `from_dict` reads it back."""
        def row(r):
            return {"name": r.name, "size": r.size, "zeros": r.zeros, "below": [float(b) for b in r.below], "band": r.band}
        return {"taus": [float(t) for t in self.taus], "swing": self.swing, "verdict": self.verdict,
                "accuracy": self.accuracy, "chance": self.chance,
                "overall": row(self.overall), "layers": [row(r) for r in self.layers]}

    @classmethod
    def from_dict(cls, d: dict) -> "NetworkSparsity":
        """The report that `as_dict` wrote."""
        def row(r):
            return LayerSparsity(r["name"], int(r["size"]), float(r["zeros"]), np.asarray(r["below"], dtype=float),
                                 float(r["band"]))
        return cls([row(r) for r in d["layers"]], row(d["overall"]), np.asarray(d["taus"], dtype=float),
                   float(d["swing"]), d["verdict"], d.get("accuracy"), d.get("chance"))

    def markdown(self) -> str:
        """The report as a MyST table, the overall row last, percentages."""
        head = ["parameter", "weights", "exact zeros"] + [f"$\\lvert w\\rvert < {t:.0e}$" for t in self.taus]
        head += [f"in the band $\\lvert w\\rvert < s$ = {self.swing:.1e}"] if np.isfinite(self.swing) else []
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for r in (*self.layers, self.overall):
            cells = [f"`{r.name}`" if r is not self.overall else "**overall**", f"{r.size:,}", f"{100 * r.zeros:.2f} %"]
            cells += [f"{100 * b:.2f} %" for b in r.below]
            cells += [f"{100 * r.band:.2f} %"] if np.isfinite(self.swing) else []
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)


def _row(name, w, taus, swing):
    a = np.sort(np.abs(w))
    n = a.size
    below = np.searchsorted(a, taus, side="left") / n
    band = np.searchsorted(a, swing, side="left") / n if np.isfinite(swing) else float("nan")
    return LayerSparsity(name, int(n), float(np.mean(w == 0.0)), below, float(band))


DEAD_ZEROS = 0.99
"""A network with at least this fraction of its weights exactly 0 has been wiped out, not made sparse."""


def dead(zeros: float, accuracy: float | None = None, chance: float | None = None) -> bool:
    """Whether the network is dead: (almost) every weight 0, or, when its accuracy is known, an accuracy
    below twice chance (it no longer computes anything useful)."""
    return zeros >= DEAD_ZEROS or (accuracy is not None and chance is not None and accuracy < 2 * chance)


def kind(zeros: float, band: float, swing: float, accuracy: float | None = None, chance: float | None = None) -> str:
    """The verdict in one word: "dead" (`dead`), "sparse" (at least 1 % exact zeros), "oscillation" (fewer
    zeros, but at least 1 % of the weights within the swing s of 0) or "not sparse"."""
    if dead(zeros, accuracy, chance):
        return "dead"
    if zeros >= 0.01:
        return "sparse"
    if np.isfinite(swing) and band >= 0.01:
        return "oscillation"
    return "not sparse"


def verdict(zeros: float, band: float, swing: float, accuracy: float | None = None,
            chance: float | None = None) -> str:
    """One line: a dead network, real sparsity (exact zeros), an oscillation (many weights within the swing,
    few zeros), or neither."""
    k = kind(zeros, band, swing, accuracy, chance)
    if k == "dead":
        acc = "" if accuracy is None else f" at accuracy {accuracy:.3f} (chance {chance:.3f})"
        return (f"{100 * zeros:.2f} % of the weights are exactly 0{acc}: the network is dead, not sparse; the "
                f"penalty or the step size destroyed it. Lower λ1 or α and check the accuracy first.")
    if k == "sparse":
        return (f"{100 * zeros:.1f} % of the weights are exactly 0: that is sparsity, which a proximal step "
                f"(or pruning) produces and a plain subgradient step does not.")
    if k == "oscillation":
        return (f"{100 * band:.1f} % of the weights sit within the swing s = {swing:.1e} of 0 but only "
                f"{100 * zeros:.2f} % are exactly 0: these small weights are an oscillation, not sparsity; "
                f"prune at τ >= s or train with ndgm.networks.proximal.")
    if not np.isfinite(swing):
        return (f"only {100 * zeros:.2f} % of the weights are exactly 0; give the α and λ1 used to see how many "
                f"sit in the band NDGM oscillates in.")
    return (f"only {100 * zeros:.2f} % of the weights are exactly 0 and {100 * band:.2f} % lie within the swing "
            f"s = {swing:.1e}: the L1 penalty has not made this network sparse.")


def check_network(model, lr: float | None = None, l1: float | None = None, optimizer: str = "sgd",
                  taus=TAUS, include_biases: bool = True, accuracy: float | None = None,
                  chance: float | None = None) -> NetworkSparsity:
    """Sparsity of every parameter of a trained `torch.nn.Module`, per tensor and overall.

    Parameters
    ----------
    model : torch.nn.Module
    lr, l1 : the α and λ1 it was trained with (both or neither); they set the swing s =
        `swing_of(optimizer, lr, l1)` whose band |w| < s is counted
    optimizer : {"sgd", "rmsprop", "adam", "prox-sgd", "prox-adam"}, what it was trained with
    taus : thresholds τ > 0 for the fractions |w| < τ, shape (K,)
    include_biases : count one-dimensional parameters (biases, norm scales) too
    accuracy, chance : the network's validation accuracy and the chance level (1 / classes), both or
        neither; with them a network below twice chance is reported dead, as is one with at least
        `DEAD_ZEROS` of its weights 0 in any case
    """
    import torch

    if not isinstance(model, torch.nn.Module):
        raise ValueError(f"model must be a torch.nn.Module; got {type(model).__name__}")
    if (lr is None) != (l1 is None):
        raise ValueError("lr and l1 must be given together (or neither)")
    taus = validation.in_range("taus", taus, low=0.0, low_open=True).reshape(-1)
    swing = float("nan") if lr is None else swing_of(optimizer, float(validation.positive("lr", lr)),
                                                             float(validation.nonnegative("l1", l1)))
    rows, flat = [], []
    for name, p in model.named_parameters():
        if p.ndim < 2 and not include_biases:
            continue
        w = p.detach().double().cpu().numpy().reshape(-1)
        rows.append(_row(name, w, taus, swing))
        flat.append(w)
    if not rows:
        raise ValueError("model has no parameters to check")
    overall = _row("overall", np.concatenate(flat), taus, swing)
    report = NetworkSparsity(rows, overall, taus, swing, verdict(overall.zeros, overall.band, swing))
    if (accuracy is None) != (chance is None):
        raise ValueError("accuracy and chance must be given together (or neither)")
    return report if accuracy is None else report.with_accuracy(accuracy, chance)

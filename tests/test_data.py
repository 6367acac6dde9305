"""ndgm.networks.data: the generated set, the IDX parser, Fashion-MNIST from files, and CIFAR-10's clear failure."""
import gzip
import socket

import numpy as np
import pytest
import torch

from ndgm.networks import data, nets


def write_idx(path, array, *, magic=None, gz=True):
    """An IDX file of unsigned bytes as Fashion-MNIST ships them (header, then the raw bytes)."""
    array = np.asarray(array, dtype=np.uint8)
    header = magic if magic is not None else bytes([0, 0, 0x08, array.ndim])
    raw = header + np.array(array.shape, dtype=">u4").tobytes() + array.tobytes()
    path.write_bytes(gzip.compress(raw) if gz else raw)
    return path


@pytest.fixture
def fake_fashion(tmp_path):
    """30 train / 20 test random 28x28 images, classes 0..9 in turn, as the four Fashion-MNIST files."""
    rng = np.random.default_rng(0)
    arrays = {}
    for part, n in (("train", 30), ("test", 20)):
        x = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        y = np.arange(n, dtype=np.uint8) % 10
        images, labels = data.FASHION_FILES[part]
        write_idx(tmp_path / images, x)
        write_idx(tmp_path / labels, y)
        arrays[part] = (x, y)
    return tmp_path, arrays


def test_synthetic_shapes_normalisation_and_balance():
    ds = data.load("synthetic")
    assert (len(ds.y_train), len(ds.y_test)) == data.SYNTHETIC_SIZES
    assert ds.x_train.shape == (512, 3, 32, 32) and ds.x_test.shape == (256, 3, 32, 32)
    assert ds.x_train.dtype == torch.float32 and ds.y_train.dtype == torch.int64
    pixels = (ds.x_train * 0.5 + 0.5) * 255                 # undo (x/255 - 0.5)/0.5
    assert torch.allclose(pixels, pixels.round(), atol=1e-3) and pixels.min() >= 0 and pixels.max() <= 255
    assert ds.y_train.bincount().tolist() == [52, 52] + [51] * 8
    assert ds.classes == data.CLASSES["synthetic"] and len(ds.classes) == 10
    small = data.load("synthetic", n_train=100, n_test=30, seed=5)
    assert small.y_train.bincount().tolist() == [10] * 10 and small.y_test.bincount().tolist() == [3] * 10
    assert small.summary() == {"name": "synthetic", "description": small.description, "n_train": 100, "n_test": 30}
    assert "seed 5" in small.description


def test_synthetic_is_determined_by_seed():
    a, b, c = (data.load("synthetic", n_train=50, n_test=20, seed=s) for s in (1, 1, 2))
    assert torch.equal(a.x_train, b.x_train) and torch.equal(a.y_test, b.y_test)
    assert not torch.equal(a.x_train, c.x_train)


def test_synthetic_is_learnable_by_a_small_vgg():
    ds = data.load("synthetic", n_train=200, n_test=20)
    torch.manual_seed(0)
    net = nets.vgg(11, batch_norm=True, width=1 / 16)
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    losses = []
    for step in range(20):
        idx = torch.arange(step * 32, step * 32 + 32) % 200
        loss = torch.nn.functional.cross_entropy(net(ds.x_train[idx]), ds.y_train[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert np.mean(losses[-5:]) < 0.7 * np.mean(losses[:5])


def test_dataset_to_returns_a_copy():
    ds = data.load("synthetic", n_train=20, n_test=10)
    moved = ds.to("cpu")
    assert moved is not ds and moved.name == ds.name and torch.equal(moved.x_train, ds.x_train)
    assert moved.to(torch.device("meta")).x_test.device.type == "meta"


def test_read_idx_round_trip(tmp_path):
    x = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    back = data.read_idx(write_idx(tmp_path / "x.gz", x), ndim=3)
    assert back.shape == (2, 3, 4) and np.array_equal(back, x) and back.flags.writeable
    assert (tmp_path / "x.gz").read_bytes()[:2] == b"\x1f\x8b"
    with gzip.open(tmp_path / "x.gz") as f:
        assert len(f.read()) == 16 + x.size                  # the 16-byte image header
    y = data.read_idx(write_idx(tmp_path / "y.gz", np.array([3, 1, 4])), ndim=1)
    assert y.tolist() == [3, 1, 4]
    with gzip.open(tmp_path / "y.gz") as f:
        assert len(f.read()) == 8 + 3                         # the 8-byte label header


def test_read_idx_rejects_corrupt_files(tmp_path):
    x = np.zeros((2, 3, 4), dtype=np.uint8)
    with pytest.raises(ValueError, match="not a readable gzip"):
        data.read_idx(write_idx(tmp_path / "plain.gz", x, gz=False), ndim=3)
    with pytest.raises(ValueError, match="magic number"):
        data.read_idx(write_idx(tmp_path / "magic.gz", x, magic=b"\x00\x00\x0d\x03"), ndim=3)
    with pytest.raises(ValueError, match="magic number"):
        data.read_idx(write_idx(tmp_path / "labels.gz", np.zeros(5)), ndim=3)
    short = tmp_path / "short.gz"
    short.write_bytes(gzip.compress(bytes([0, 0, 8, 3]) + np.array([2, 3, 4], ">u4").tobytes() + bytes(10)))
    with pytest.raises(ValueError, match=r"short.gz is corrupt.*\(2, 3, 4\)"):
        data.read_idx(short, ndim=3)
    header_only = tmp_path / "header.gz"
    header_only.write_bytes(gzip.compress(bytes([0, 0, 8, 3, 0, 0])))
    with pytest.raises(ValueError, match="truncated"):
        data.read_idx(header_only, ndim=3)
    cut = tmp_path / "cut.gz"
    cut.write_bytes(write_idx(tmp_path / "whole.gz", x).read_bytes()[:-6])
    with pytest.raises(ValueError, match="cut.gz"):
        data.read_idx(cut, ndim=3)


def test_fashion_mnist_from_a_root(fake_fashion):
    root, arrays = fake_fashion
    ds = data.load("fashion-mnist", root=root)
    assert ds.x_train.shape == (30, 3, 32, 32) and ds.x_test.shape == (20, 3, 32, 32)
    assert ds.x_train.is_contiguous()
    x, y = arrays["train"]
    assert torch.equal(ds.y_train, torch.from_numpy(y.astype(np.int64)))
    inner = (torch.from_numpy(x).float() / 255 - 0.5) / 0.5
    for c in range(3):
        assert torch.equal(ds.x_train[:, c, 2:30, 2:30], inner)
    border = torch.ones(30, 3, 32, 32, dtype=torch.bool)
    border[:, :, 2:30, 2:30] = False
    assert torch.all(ds.x_train[border] == -1.0)              # background 0 -> -1 after normalising
    assert str(root) in ds.description and "stand-in" in ds.description
    assert ds.classes == data.CLASSES["fashion-mnist"]


def test_fashion_mnist_subsets_are_balanced_and_seeded(fake_fashion):
    root, arrays = fake_fashion
    a = data.load("fashion-mnist", root=root, n_train=10, n_test=15, seed=0)
    assert a.y_train.bincount().tolist() == [1] * 10
    assert sorted(a.y_test.bincount().tolist()) == [1] * 5 + [2] * 5
    x, _ = arrays["train"]
    chosen = [int(np.flatnonzero((x == ((img[0, 2:30, 2:30] * 0.5 + 0.5) * 255).round().byte().numpy())
                                 .all(axis=(1, 2)))[0]) for img in a.x_train]
    assert [i % 10 for i in chosen] == a.y_train.tolist()
    again = data.load("fashion-mnist", root=root, n_train=10, n_test=15, seed=0)
    other = [data.load("fashion-mnist", root=root, n_train=10, seed=s).x_train for s in (1, 2, 3)]
    assert torch.equal(a.x_train, again.x_train)
    assert any(not torch.equal(a.x_train, o) for o in other)


def test_fashion_mnist_from_the_environment(fake_fashion, monkeypatch):
    root, _ = fake_fashion
    monkeypatch.setenv("NDGM_FASHION_MNIST", str(root))
    ds = data.load("fashion-mnist")
    assert len(ds.y_train) == 30 and str(root) in ds.description


def test_fashion_mnist_missing_says_what_to_install(tmp_path):
    with pytest.raises(FileNotFoundError, match="apt-get install dataset-fashion-mnist"):
        data.load("fashion-mnist", root=tmp_path, download=False)


def test_fashion_mnist_corrupt_file_is_a_clear_error(fake_fashion):
    root, _ = fake_fashion
    labels = root / data.FASHION_FILES["test"][1]
    labels.write_bytes(gzip.compress(b"\x00\x00\x08\x01" + np.array([20], ">u4").tobytes() + bytes(7)))
    with pytest.raises(ValueError, match="t10k-labels-idx1-ubyte.gz is corrupt"):
        data.load("fashion-mnist", root=root)


def test_fashion_mnist_mismatched_files_are_a_clear_error(fake_fashion):
    root, _ = fake_fashion
    write_idx(root / data.FASHION_FILES["train"][1], np.arange(29) % 10)
    with pytest.raises(ValueError, match="do not hold 28x28 images with labels 0..9"):
        data.load("fashion-mnist", root=root)


@pytest.mark.skipif(not all((data.DEBIAN_FASHION_MNIST / f).is_file()
                            for files in data.FASHION_FILES.values() for f in files),
                    reason="Debian's Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
def test_real_fashion_mnist_from_debian(monkeypatch):
    monkeypatch.delenv("NDGM_FASHION_MNIST", raising=False)
    ds = data.load("fashion-mnist")
    assert ds.summary()["n_train"] == 60_000 and ds.summary()["n_test"] == 10_000
    assert ds.y_train.bincount().tolist() == [6000] * 10 and ds.y_test.bincount().tolist() == [1000] * 10
    assert ds.x_train.shape == (60_000, 3, 32, 32) and ds.x_train.min() == -1 and ds.x_train.max() == 1
    assert "Debian package dataset-fashion-mnist" in ds.description
    with pytest.raises(ValueError, match="n_test must be at most 10000"):
        data.load("fashion-mnist", n_test=10_001)


def test_cifar10_missing_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError) as error:
        data.load("cifar10", root=tmp_path, download=False)
    message = str(error.value)
    assert "CIFAR-10 could not be found" in message and str(tmp_path) in message
    assert "NDGM_CIFAR10" in message and "fashion-mnist" in message


@pytest.mark.parametrize("kwargs,parameter", [
    ({"name": "mnist"}, "name"),
    ({"name": "synthetic", "n_train": 9}, "n_train"),
    ({"name": "synthetic", "n_test": 20.0}, "n_test"),
    ({"name": "synthetic", "seed": -1}, "seed"),
    ({"name": "synthetic", "download": "yes"}, "download"),
])
def test_bad_arguments_name_the_parameter(kwargs, parameter):
    with pytest.raises(ValueError, match=parameter):
        data.load(**kwargs)


def test_subset_larger_than_the_set(fake_fashion):
    root, _ = fake_fashion
    with pytest.raises(ValueError, match="n_train must be at most 30"):
        data.load("fashion-mnist", root=root, n_train=31)


def test_network_timeout_is_restored():
    before = socket.getdefaulttimeout()
    with data.network_timeout(3.0):
        assert socket.getdefaulttimeout() == 3.0
    assert socket.getdefaulttimeout() == before

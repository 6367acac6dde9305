"""ndgm.networks.train: the penalty's gradient is autograd's, the records are what they say, resuming is exact."""
import os
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from ndgm.networks import train


def tiny_data(n=64, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 3, 8, 8, generator=g)
    y = torch.randint(0, 10, (n,), generator=g)
    return SimpleNamespace(x_train=x, y_train=y, x_test=x[:32], y_test=y[:32])


def tiny_model(seed=0):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.Flatten(),
                               torch.nn.Linear(256, 10)).double()


def as_double(data):
    return SimpleNamespace(**{k: (v.double() if v.is_floating_point() else v) for k, v in vars(data).items()})


@pytest.mark.parametrize("optimizer", [o for o in train.OPTIMIZERS if o not in train.PROXIMAL])
def test_one_step_equals_autograd_of_the_penalised_loss(optimizer):
    """One full-batch step with λ1·sign(w) added to the gradient is the step autograd takes on
    CE + λ1‖w‖₁ (eq. 4 with PyTorch's sign(0) = 0), for every optimizer."""
    data = as_double(tiny_data(32))
    cfg = train.Config(optimizer, lr=0.01, l1=0.3, epochs=1, batch_size=32)
    model = tiny_model()
    with torch.no_grad():                      # exact zeros: the kink, where sign(0) = 0
        model[0].weight[0, 0] = 0.0
    twin = tiny_model()
    twin.load_state_dict(model.state_dict())
    train.train(model, data, cfg, progress=False)
    opt = train.make_optimizer(cfg, list(twin.parameters()))
    loss = torch.nn.functional.cross_entropy(twin(data.x_train), data.y_train)
    loss = loss + cfg.l1 * sum(p.abs().sum() for p in twin.parameters())
    loss.backward()
    opt.step()
    for p, q in zip(model.parameters(), twin.parameters()):
        # the batch is the same set of images in another order: sums differ in the last bits only
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=0, atol=1e-12)


@pytest.mark.parametrize("optimizer", train.PROXIMAL)
def test_the_proximal_optimizers_take_the_soft_threshold_step_instead_of_the_subgradient(optimizer):
    """With ProxSGD or ProxAdam the loop adds no λ1·sign(w): one full-batch step is the optimizer's step on
    the cross-entropy alone; for ProxSGD that is S_{αλ1}(w − α∇CE) (ISTA), which makes exact zeros."""
    data = as_double(tiny_data(32))
    cfg = train.Config(optimizer, lr=0.05, l1=0.5, epochs=1, batch_size=32)
    model, twin = tiny_model(), tiny_model()
    train.train(model, data, cfg, progress=False)
    loss = torch.nn.functional.cross_entropy(twin(data.x_train), data.y_train)
    grads = torch.autograd.grad(loss, list(twin.parameters()))
    if optimizer == "prox-sgd":
        want = [torch.sign(q - cfg.lr * g) * torch.clamp((q - cfg.lr * g).abs() - cfg.lr * cfg.l1, min=0)
                for q, g in zip(twin.parameters(), grads)]
    else:
        opt = train.make_optimizer(cfg, list(twin.parameters()))
        for q, g in zip(twin.parameters(), grads):
            q.grad = g
        opt.step()
        want = [q.detach() for q in twin.parameters()]
    for p, w in zip(model.parameters(), want):
        np.testing.assert_allclose(p.detach().numpy(), w.detach().numpy(), rtol=0, atol=1e-12)
    assert sum(int((p == 0).sum()) for p in model.parameters()) > 0


def test_records_per_epoch_and_final_fractions():
    data = tiny_data()
    cfg = train.Config("sgd", lr=0.05, l1=0.01, epochs=3, batch_size=16)
    h = train.train(tiny_model().float(), data, cfg, progress=False)
    assert h.epoch == [1, 2, 3]
    for name in ("train_loss", "objective", "val_loss", "val_acc", "l1", "small", "zeros", "seconds", "images_per_s"):
        assert len(getattr(h, name)) == 3, name
    assert all(o > t for o, t in zip(h.objective, h.train_loss))     # the penalty is added
    assert len(h.small_by_tau) == len(train.TAU_GRID) == len(h.below_start)
    assert np.all(np.diff(h.small_by_tau) >= 0) and np.all(np.diff(h.below_start) >= 0)
    assert h.l1_start > 0 and h.diverged_at is None
    # under SGD the weights held by the penalty move by αλ1 = 5e-4 per step, the CE gradient adds a little
    assert 0 < h.swing[0] < 10 * cfg.lr * cfg.l1


def test_weight_stats_count_exact_zeros_only():
    params = [torch.tensor([0.0, 1e-300, -1e-13, 2e-5], dtype=torch.float64), torch.tensor([[0.0, -3.0]], dtype=torch.float64)]
    l1, small, zeros = train.weight_stats(params, tau=1e-5)
    assert zeros == pytest.approx(2 / 6)                  # 1e-300 and 1e-13 are not zeros
    assert small == pytest.approx(4 / 6)                  # |w| < 1e-5: 0, 1e-300, 1e-13, 0
    assert l1 == pytest.approx(3.0 + 2e-5 + 1e-13)
    assert train.fraction_below(params, [1e-301, 1e-12, 1.0, 10.0]) == pytest.approx([2 / 6, 4 / 6, 5 / 6, 1.0])


def test_divergence_is_recorded_and_stops_training():
    data = tiny_data()
    cfg = train.Config("sgd", lr=1e6, l1=0.0, epochs=4, batch_size=16)
    h = train.train(tiny_model().float(), data, cfg, progress=False)
    assert h.diverged_at is not None and len(h.epoch) == h.diverged_at < 4


def test_bad_arguments_name_the_parameter():
    for kw, name in ((dict(optimizer="sgdd"), "optimizer"), (dict(lr=0.0), "lr"), (dict(l1=-1.0), "l1"),
                     (dict(epochs=0), "epochs"), (dict(batch_size=0), "batch_size"), (dict(tau=0.0), "tau"),
                     (dict(momentum=1.5), "momentum"), (dict(optimizer="adam", momentum=0.9), "momentum")):
        with pytest.raises(ValueError, match=name):
            train.Config(**kw)
    with pytest.raises(ValueError, match="batch_size"):
        train.train(tiny_model(), tiny_data(8), train.Config(batch_size=16), progress=False)
    with pytest.raises(ValueError, match="device"):
        train.train(tiny_model(), tiny_data(), train.Config(batch_size=16), device="tpu:7", progress=False)
    with pytest.raises(ValueError, match="config"):
        train.train(tiny_model(), tiny_data(), {"lr": 0.1}, progress=False)


def known_model():
    """A float32 Linear(4, 2) whose ten parameters are ±0.1, ±0.2, ..., ±1.0 (all distinct in |w|)."""
    model = torch.nn.Linear(4, 2)
    values = torch.tensor([0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8, 0.9, -1.0])
    with torch.no_grad():
        model.weight.copy_(values[:8].reshape(2, 4)[[1, 0]])       # not in order of |w|
        model.bias.copy_(values[8:])
    return model


def test_prune_evaluate_zeroes_exactly_the_small_weights_and_restores_them():
    data = tiny_data(32)
    model = tiny_model().float()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    w = torch.cat([p.detach().reshape(-1) for p in model.parameters()]).double().abs().numpy()
    taus = [1e-3, 0.05, float(np.median(w)), 10.0]
    rows = train.prune_evaluate(model, data.x_test, data.y_test, taus)
    for k, v in model.state_dict().items():                         # the weights come back bit for bit
        assert torch.equal(v, before[k]), k
    assert [r["tau"] for r in rows] == taus
    assert [r["zeros"] for r in rows] == [float(np.mean(w < t)) for t in taus]
    assert rows[3]["zeros"] == 1.0 and rows[2]["zeros"] == pytest.approx(0.5, abs=1 / w.size)
    # the accuracy is that of the network pruned by hand
    for tau, row in zip(taus, rows):
        pruned = tiny_model().float()
        with torch.no_grad():
            for p in pruned.parameters():
                p[p.abs().double() < tau] = 0.0
        assert (row["val_loss"], row["val_acc"]) == pytest.approx(train.evaluate(pruned, data.x_test, data.y_test))
    with pytest.raises(ValueError, match="tau"):
        train.prune_evaluate(model, data.x_test, data.y_test, [-1.0])


def test_prune_evaluate_compares_float32_weights_with_tau_itself():
    """τ just above 0.3 (in float64) prunes the float32 0.3 (= 0.30000001192...), which τ rounded to float32
    would not."""
    model = known_model()
    x, y = torch.randn(6, 4), torch.zeros(6, dtype=torch.long)
    tau = float(np.nextafter(np.float64(np.float32(0.3)), np.inf))
    (row,) = train.prune_evaluate(model, x, y, [tau])
    assert row["zeros"] == 0.3


def test_magnitude_thresholds_prune_the_requested_fraction():
    model = known_model()
    fractions = [0.1, 0.25, 0.3, 0.5, 0.99]
    taus = train.magnitude_thresholds(model, fractions)
    # the ⌈f·10⌉-th smallest |w| is pruned, the next one is not
    for f, tau in zip(fractions, taus):
        k = int(np.ceil(f * 10))
        f32 = lambda v: float(np.float32(v))           # a float32 weight, compared in float64
        assert f32(k / 10) < tau and (k == 10 or tau <= f32((k + 1) / 10)), f
    rows = train.prune_evaluate(model, torch.randn(6, 4), torch.zeros(6, dtype=torch.long), taus)
    assert [r["zeros"] for r in rows] == [0.1, 0.3, 0.3, 0.5, 1.0]
    with pytest.raises(ValueError, match="fractions"):
        train.magnitude_thresholds(model, [0.0])
    with pytest.raises(ValueError, match="fractions"):
        train.magnitude_thresholds(model, [1.0])        # all of them: not pruning but removing the network


def test_checkpoint_of_another_configuration_is_refused_and_a_run_can_be_lengthened(tmp_path):
    data, ckpt = tiny_data(), str(tmp_path / "run.pt")
    cfg = train.Config("adam", lr=0.01, l1=0.01, epochs=2, batch_size=16)
    train.train(tiny_model().float(), data, cfg, progress=False, checkpoint=ckpt)
    with pytest.raises(ValueError, match="another configuration"):
        train.train(tiny_model().float(), data, replace(cfg, lr=0.02), progress=False, checkpoint=ckpt)
    longer = train.train(tiny_model().float(), data, replace(cfg, epochs=3), progress=False, checkpoint=ckpt)
    straight = train.train(tiny_model().float(), data, replace(cfg, epochs=3), progress=False)
    assert longer.train_loss == straight.train_loss and longer.l1 == straight.l1


KILLABLE = textwrap.dedent("""
    import sys, torch
    from types import SimpleNamespace
    from ndgm.networks import train
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(2048, 3, 16, 16, generator=g); y = torch.randint(0, 10, (2048,), generator=g)
    data = SimpleNamespace(x_train=x, y_train=y, x_test=x[:256], y_test=y[:256])
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 16, 3, padding=1), torch.nn.BatchNorm2d(16), torch.nn.GELU(),
                                torch.nn.Conv2d(16, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.Flatten(),
                                torch.nn.Linear(4096, 10))
    cfg = train.Config("rmsprop", lr=0.001, l1=0.001, epochs=5, batch_size=32, seed=3)
    h = train.train(model, data, cfg, progress=False, checkpoint=sys.argv[1] if len(sys.argv) > 1 else None)
    torch.save({"history": h.as_dict(), "model": model.state_dict()}, sys.argv[2])
""")


def _strip_timing(history: dict) -> dict:
    return {k: v for k, v in history.items() if k not in ("seconds", "images_per_s")}


def test_a_run_killed_mid_training_resumes_to_the_same_numbers(tmp_path):
    """SIGKILL after the first checkpoint, start again: the final history and weights are bitwise
    those of an uninterrupted run (on a CPU, with a fixed thread count)."""
    script = tmp_path / "killable.py"
    script.write_text(KILLABLE)
    ckpt, out, ref = tmp_path / "ck.pt", tmp_path / "out.pt", tmp_path / "ref.pt"
    proc = subprocess.Popen([sys.executable, str(script), str(ckpt), str(out)])
    deadline = time.monotonic() + 120
    while not ckpt.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not out.exists()
    epochs_done = len(torch.load(ckpt, weights_only=True)["history"]["epoch"])
    assert 1 <= epochs_done < 5
    subprocess.run([sys.executable, str(script), str(ckpt), str(out)], check=True)
    subprocess.run([sys.executable, str(script), "", str(ref)], check=True)
    resumed, straight = torch.load(out, weights_only=True), torch.load(ref, weights_only=True)
    assert _strip_timing(resumed["history"]) == _strip_timing(straight["history"])
    for k in straight["model"]:
        assert torch.equal(resumed["model"][k], straight["model"][k]), k

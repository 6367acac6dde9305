"""python -m ndgm.tools.benchmark_train: both loops train the same network to the same loss; the projections."""
import pytest

from ndgm.tools import benchmark_train
from ndgm.networks import experiments, store


def test_both_loops_give_the_same_training_loss():
    r = benchmark_train.measure("vgg11", device="cpu", width=1 / 16, batch_size=16, steps=4, fast=False, workers=0)
    # same weights, same batches in the same order, the same SGD steps: only the penalty's summation differs
    assert r["ours_loss"] == pytest.approx(r["appendix_loss"], rel=1e-5)
    assert r["appendix_images_per_s"] > 0 and r["ours_images_per_s"] > 0 and r["tflops_ours"] > 0
    assert r["ratio"] == pytest.approx(r["ours_images_per_s"] / r["appendix_images_per_s"])


def test_paper_projection_counts_every_run():
    speeds = {"vgg11": 50_000.0, "vgg19": 50_000.0, "vgg16": 50_000.0}      # one epoch a second
    epochs = sum(r.config.epochs for p in store.PAGES for r in experiments.runs(p, "paper"))
    assert benchmark_train.paper_hours(speeds) == pytest.approx(epochs / 3600)


def test_paper_projection_interpolates_the_middle_depths():
    """VGG13 and VGG16 (the CIFAR ones) take a time per image between VGG11's and VGG19's, linear in depth."""
    seconds = {"vgg11": 1 / 1000, "vgg19": 1 / 200, "vgg16": 0.0}       # VGG16's runs take no time here
    hours = benchmark_train.paper_hours({k: 1 / v if v else float("inf") for k, v in seconds.items()})
    want = 0.0
    for r in experiments.runs("relu_vs_gelu", "paper"):
        t = seconds["vgg11"] + (dict(r.model)["depth"] - 11) / 8 * (seconds["vgg19"] - seconds["vgg11"])
        want += r.config.epochs * 50_000 * t
    assert hours == pytest.approx(want / 3600, rel=1e-9)


def test_step_flops_match_a_hand_count():
    import torch
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * 32 * 32, 10, bias=False))
    # forward 2·3072·10 per image, backward the weight gradient 2·3072·10 (no input gradient needed)
    assert benchmark_train.step_flops(net, 4, torch.device("cpu")) == 4 * 2 * (2 * 3072 * 10)


def test_bad_projection_rate():
    with pytest.raises(SystemExit):
        benchmark_train.main(["--project", "0"])

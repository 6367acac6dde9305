"""Training throughput: ndgm.networks.train's loop against a loop written like Appendix C's script.

    python -m ndgm.tools.benchmark_train                      # CPU: narrow VGG11, a few dozen steps
    python -m ndgm.tools.benchmark_train --device cuda --model vgg16 --batch 512 --steps 200 --fast

Both loops train the same network from the same weights on the same images in the same order with
SGD and an L1 penalty. The appendix-style loop takes its batches from a DataLoader with worker
processes, builds the penalty as a Python sum of |w| over the parameters, and calls `.item()` after
every step; ours keeps the data on the device, adds λ1·sign(w) to the gradients and reads the loss
back once per epoch (`--fast` adds channels_last, bf16 autocast and torch.compile on CUDA). The
command checks that both end with the same training loss, prints images per second for each and
their ratio, the achieved TFLOP/s, and how long the `paper` scale would take at that speed.
"""
from __future__ import annotations

import argparse
import json
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError as e:  # pragma: no cover - exercised by the packaging test
    raise ImportError("ndgm.tools.benchmark_train needs PyTorch: pip install 'ndgm[torch]' "
                      "(or the repository's requirements.txt)") from e

from ..networks import data as datasets
from ..networks import experiments, nets, store, train


def appendix_style_epoch(model, x, y, order, *, lr, l1, batch_size, device, workers=2) -> tuple[float, float]:
    """One epoch as Appendix C writes it; returns (mean objective over the steps, seconds)."""
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=batch_size,
                                         sampler=order.tolist(), num_workers=workers, drop_last=True)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    model.train()
    total, steps = 0.0, 0
    start = time.perf_counter()
    for inputs, labels in loader:
        inputs, labels = inputs.to(device), labels.to(device)
        loss_ce = F.cross_entropy(model(inputs), labels)
        penalty = 0
        for p in model.parameters():
            penalty = penalty + torch.abs(p).sum()
        loss = loss_ce + l1 * penalty
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss_ce.item()          # a host synchronisation every step, as in the script
        steps += 1
    return total / steps, time.perf_counter() - start


def step_flops(model, batch_size: int, device) -> float:
    """Floating-point operations of one training step (forward and backward), counted by PyTorch."""
    from torch.utils.flop_counter import FlopCounterMode

    x = torch.randn(batch_size, 3, 32, 32, device=device)
    with FlopCounterMode(display=False) as counter:
        model(x).sum().backward()
    model.zero_grad()
    return float(counter.get_total_flops())


def build(model_name: str, width: float):
    torch.manual_seed(0)
    if model_name == "vgg16":
        return nets.vgg16(weights=None, width=width)[0]
    return nets.vgg(int(model_name.removeprefix("vgg")), width=width)


def paper_flops() -> float:
    """Floating-point operations of every run of the `paper` scale: training steps over 50,000 CIFAR-10
    images per epoch plus a forward pass over the 10,000 test images after each epoch."""
    per_image = {}
    total = 0.0
    for page in store.PAGES:
        for r in experiments.runs(page, "paper"):
            model = dict(r.model)
            key = (model["arch"], model.get("depth"), model.get("head"), model.get("batch_norm"),
                   model.get("activation"))
            if key not in per_image:
                torch.manual_seed(0)
                net = (nets.vgg16(weights=None, head=model["head"])[0] if model["arch"] == "vgg16"
                       else nets.vgg(model["depth"], activation=model["activation"], batch_norm=model["batch_norm"]))
                per_image[key] = step_flops(net, 2, torch.device("cpu")) / 2
            total += r.config.epochs * (50_000 + 10_000 / 3) * per_image[key]
    return total


def paper_hours(images_per_s: dict) -> float:
    """Hours of training for every run of the `paper` scale (50,000 CIFAR-10 images per epoch) at the
    given throughputs, `images_per_s` keyed by "vgg11", "vgg19" and "vgg16" (torchvision's); the CIFAR VGGs
    of depth 13 and 16 take a time per image interpolated linearly in depth between VGG11's and VGG19's."""
    def seconds_per_image(model):
        if model["arch"] == "vgg16":
            return 1 / images_per_s["vgg16"]
        t11, t19 = 1 / images_per_s["vgg11"], 1 / images_per_s["vgg19"]
        return t11 + (model["depth"] - 11) / 8 * (t19 - t11)

    total = 0.0
    for page in store.PAGES:
        for r in experiments.runs(page, "paper"):
            total += r.config.epochs * 50_000 * seconds_per_image(dict(r.model))
    return total / 3600


def measure(model_name: str, *, device, width: float, batch_size: int, steps: int, fast: bool, workers: int) -> dict:
    """Both loops on `steps` batches of generated CIFAR-shaped images; their speeds and final losses."""
    dev = torch.device(device)
    n = steps * batch_size
    data = datasets.load("synthetic", n_train=n, n_test=10 * 10, seed=0)
    order = torch.randperm(n, generator=torch.Generator().manual_seed(0))
    cfg = train.Config("sgd", lr=0.003, l1=0.002, epochs=1, batch_size=batch_size, seed=0)
    ours_model = build(model_name, width).to(dev)
    theirs_model = build(model_name, width).to(dev)
    theirs_loss, theirs_s = appendix_style_epoch(theirs_model, data.x_train, data.y_train, order, lr=cfg.lr,
                                                 l1=cfg.l1, batch_size=batch_size, device=dev, workers=workers)
    hist = train.train(ours_model, data, cfg, device=dev, progress=False, compile=fast and dev.type == "cuda",
                       channels_last=fast and dev.type == "cuda", bf16=fast and dev.type == "cuda")
    ours_ips = hist.images_per_s[0]
    flops = step_flops(build(model_name, width).to(dev), batch_size, dev)
    return {"model": model_name, "width": width, "device": str(dev), "batch_size": batch_size, "steps": steps,
            "fast": fast, "appendix_images_per_s": n / theirs_s, "ours_images_per_s": ours_ips,
            "ratio": ours_ips / (n / theirs_s), "appendix_loss": theirs_loss, "ours_loss": hist.train_loss[0],
            "tflops_ours": flops / batch_size * ours_ips / 1e12}


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m ndgm.tools.benchmark_train", description=__doc__.split("\n\n")[0])
    p.add_argument("--device", default="cpu")
    p.add_argument("--model", action="append", choices=("vgg11", "vgg19", "vgg16"),
                   help="repeatable; default vgg11 (and all three on CUDA)")
    p.add_argument("--width", type=float, default=None, help="channel multiplier (default 1/8 on CPU, 1 on CUDA)")
    p.add_argument("--batch", type=int, default=None, help="batch size (default 64 on CPU, 512 on CUDA)")
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--workers", type=int, default=2, help="DataLoader workers of the appendix-style loop")
    p.add_argument("--fast", action="store_true", help="channels_last, bf16 autocast, torch.compile (CUDA)")
    p.add_argument("--out", help="also write the results as JSON to this file")
    p.add_argument("--project", type=float, metavar="TFLOPS",
                   help="only count the paper scale's operations and print its time at this sustained rate")
    args = p.parse_args(argv)
    if args.project is not None:
        if not args.project > 0:
            p.error(f"--project must be a positive number of TFLOP/s; got {args.project}")
        flops = paper_flops()
        print(f"paper scale: {flops / 1e15:.0f} PFLOP of training and evaluation; "
              f"{flops / (args.project * 1e12) / 3600:.1f} h at a sustained {args.project:g} TFLOP/s")
        return
    cuda = args.device.startswith("cuda")
    models = args.model or (["vgg11", "vgg19", "vgg16"] if cuda else ["vgg11"])
    width = args.width or (1.0 if cuda else 1 / 8)
    batch = args.batch or (512 if cuda else 64)
    results = []
    for name in models:
        r = measure(name, device=args.device, width=width, batch_size=batch, steps=args.steps, fast=args.fast,
                    workers=args.workers)
        results.append(r)
        print(f"{name} (width {width:g}, batch {batch}, {args.device}): appendix-style "
              f"{r['appendix_images_per_s']:.0f} img/s, ndgm.networks.train {r['ours_images_per_s']:.0f} img/s, "
              f"ratio {r['ratio']:.2f}x, {r['tflops_ours']:.3g} TFLOP/s; final loss "
              f"{r['appendix_loss']:.5f} vs {r['ours_loss']:.5f}", flush=True)
    speeds = {r["model"]: r["ours_images_per_s"] for r in results}
    if width == 1.0 and set(speeds) == {"vgg11", "vgg19", "vgg16"}:
        print(f"projected wall time of the whole paper scale at these speeds: {paper_hours(speeds):.1f} h")
    if args.out:
        experiments.write_json_atomic({"results": results, "environment": experiments.environment(torch.device(args.device))},
                                      args.out)


if __name__ == "__main__":
    main()

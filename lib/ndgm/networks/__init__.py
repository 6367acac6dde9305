"""Everything about the paper's networks. Needs PyTorch: `nets` (the VGGs), `data`, `proximal` (ProxSGD,
ProxAdam), `train`, `experiments` (the runs of the heavy pages) and `small_mlp` (What works' check on a small
MLP). Needs only numpy: `sparsity_check` (a network's weights near and at zero), `store` (where merged results
live), `run_records` (typed run files) and `analysis` (what the pages read off the runs)."""

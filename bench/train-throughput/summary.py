"""Summarizes bench/train-throughput/run: every round of the four sides, their medians, achieved GFLOP/s
against the ceiling measured in the same run, peak memory, and last the two ratios (medians over the
rounds of the per-round ratios).
Usage: summary.py OUT.json CEILING.json ROUND_DIR..., each ROUND_DIR holding ours.json, torchsharp.json,
pytorch.json and pytorch-tuned.json."""
import json
import os
import statistics
import sys

out_path, ceiling_path, round_dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
sides = ["ours", "torchsharp", "pytorch", "pytorch-tuned"]
labels = {"ours": "Ml.BatchNorm (fused kernels)", "torchsharp": "plain TorchSharp (same settings)",
          "pytorch": "PyTorch (as users run it)", "pytorch-tuned": "PyTorch (our allocator and OpenMP settings)"}
with open(ceiling_path) as f:
    ceiling = json.load(f)
rounds = []
for d in round_dirs:
    r = {}
    for s in sides:
        with open(os.path.join(d, s + ".json")) as f:
            r[s] = json.load(f)
    rounds.append(r)


def ips(r, s):
    return r[s]["images_per_second"]


def threads(side):
    if "threads" in side:  # the PyTorch peer
        blas = side['threads']['blas']
        # No OpenBLAS loaded means Debian's reference BLAS, which runs the dense layer 40x slower: say so.
        shown = f"openblas={blas}" if blas is not None else "blas=reference (install libopenblas0-pthread)"
        return f"torch={side['threads']['torch']} {shown}"
    return f"intra-op={side['torch_threads']} inter-op={side['interop_threads']}"


version = rounds[0]["pytorch"].get("torch_version", "?")
print(f"PyTorch peer: Debian's python3-torch {version} through /usr/bin/python3 (the only PyTorch these machines can install)")
print(f"ceiling: convolution {ceiling['conv_gflops']:.0f} GFLOP/s, matmul {ceiling['matmul_gflops']:.0f} GFLOP/s")
for i, r in enumerate(rounds, 1):
    print(f"round {i}: " + ", ".join(f"{s} {ips(r, s):.0f}" for s in sides) + " images/s")
flops = rounds[0]["ours"].get("flops_per_image") or 0
summary = {"ceiling": ceiling, "rounds": rounds, "median_images_per_second": {}}
for s in sides:
    med = statistics.median(ips(r, s) for r in rounds)
    summary["median_images_per_second"][s] = med
    side = rounds[0][s]
    rss = max((r[s].get("peak_rss_mb") or 0) for r in rounds)
    print(f"{labels[s]:36s} median {med:8.0f} images/s  {med * flops / 1e9:6.1f} GFLOP/s "
          f"({100 * med * flops / 1e9 / ceiling['conv_gflops']:.0f}% of the convolution ceiling)  threads {threads(side)}  peak RSS {rss:.0f} MB")
ratio_pytorch = statistics.median(ips(r, "ours") / ips(r, "pytorch") for r in rounds)
ratio_tuned = statistics.median(ips(r, "ours") / ips(r, "pytorch-tuned") for r in rounds)
ratio_plain = statistics.median(ips(r, "ours") / ips(r, "torchsharp") for r in rounds)
summary.update(ratio_vs_pytorch=ratio_pytorch, ratio_vs_pytorch_same_settings=ratio_tuned, ratio_vs_plain_torchsharp=ratio_plain)
with open(out_path, "w") as f:
    json.dump(summary, f, indent=2)
print(f"ratio vs PyTorch under the same allocator and OpenMP settings: {ratio_tuned:.2f}")
print(f"ratio vs PyTorch: {ratio_pytorch:.2f}")
print(f"ratio vs plain TorchSharp: {ratio_plain:.2f}")

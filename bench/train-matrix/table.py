"""One table over the cells of bench/train-matrix/run, each the JSON that bench/train-throughput/summary.py writes
(four sides per round: ours, plain TorchSharp, PyTorch as users run it, PyTorch under our settings), written as JSON too.
Per cell: median images/s of each side, the median per-round ratios against PyTorch and against plain TorchSharp
(and against PyTorch under the same settings), achieved GFLOP/s against the convolution ceiling, peak memory.
Usage: table.py OUT.json CELL.json [CELL.json ...]"""
import json
import sys

out_path, cells = sys.argv[1], sys.argv[2:]


def threads(side):
    if "threads" in side:  # the PyTorch peer
        return f"{side['threads']['torch']},{side['threads']['blas'] or '-'}"
    return f"{side['torch_threads']},{side['interop_threads']}"


rows = []
table = [("model", "batch", "threads", "ours img/s", "TorchSharp img/s", "PyTorch img/s", "PyTorch same-settings img/s",
          "vs PyTorch", "vs plain TorchSharp", "vs PyTorch same settings", "GFLOP/s ours", "% of conv ceiling",
          "peak RSS ours/PyTorch MB")]
version = None
for path in cells:
    with open(path) as f:
        cell = json.load(f)
    first = cell["rounds"][0]
    ours, peer = first["ours"], first["pytorch"]
    version = version or peer.get("torch_version")
    med = cell["median_images_per_second"]
    flops = ours.get("flops_per_image") or 0
    conv = cell["ceiling"]["conv_gflops"]
    gflops = med["ours"] * flops / 1e9
    rss_ours = max(r["ours"].get("peak_rss_mb") or 0 for r in cell["rounds"])
    rss_peer = max(r["pytorch"].get("peak_rss_mb") or 0 for r in cell["rounds"])
    row = {"model": ours["model"], "batch": ours["batch_size"], "threads_ours": threads(ours), "threads_peer": threads(peer),
           "images_per_second": med, "ratio_vs_pytorch": cell["ratio_vs_pytorch"],
           "ratio_vs_plain_torchsharp": cell["ratio_vs_plain_torchsharp"],
           "ratio_vs_pytorch_same_settings": cell["ratio_vs_pytorch_same_settings"],
           "gflops_ours": gflops, "conv_ceiling_gflops": conv, "peak_rss_mb_ours": rss_ours, "peak_rss_mb_pytorch": rss_peer,
           "rounds": len(cell["rounds"])}
    rows.append(row)
    table.append((row["model"], str(row["batch"]), f"{row['threads_ours']}/{row['threads_peer']}",
                  f"{med['ours']:.0f}", f"{med['torchsharp']:.0f}", f"{med['pytorch']:.0f}", f"{med['pytorch-tuned']:.0f}",
                  f"{row['ratio_vs_pytorch']:.2f}" + ("" if row["ratio_vs_pytorch"] > 1.0 else " (<= 1)"),
                  f"{row['ratio_vs_plain_torchsharp']:.2f}", f"{row['ratio_vs_pytorch_same_settings']:.2f}",
                  f"{gflops:.1f}", f"{100 * gflops / conv:.1f}" if conv else "-", f"{rss_ours:.0f}/{rss_peer:.0f}"))
widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
print()
print(f"PyTorch peer: Debian's python3-torch {version or '?'} through /usr/bin/python3 (the only PyTorch these machines can install)")
print("threads: ours intra-op,inter-op / PyTorch torch,blas; ratios are medians over each cell's rounds of the per-round ratios")
for r in table:
    print("  ".join(c.rjust(w) for c, w in zip(r, widths)))
with open(out_path, "w") as f:
    json.dump({"torch_version": version, "cells": rows}, f, indent=2)

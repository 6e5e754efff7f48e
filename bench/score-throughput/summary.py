"""Summarizes bench/score-throughput/run: every round of each side, the medians, achieved GFLOP/s against the ceiling
measured in the same run, and last `ratio vs PyTorch: X`, the median over the rounds of the per-round ratios:
images/s ours / PyTorch for throughput, PyTorch's p50 / ours for single-image latency (how many times faster).
Usage: summary.py OUT.json CEILING.json THROUGH ROUND_DIR..., each ROUND_DIR holding ours.json, pytorch.json and,
for --through loaded and engine, ours.json with ONNX Runtime's intra-op threads set on the loading MLContext and
ours-onnx-default.json with ONNX Runtime's default threads."""
import json
import os
import statistics
import sys

out_path, ceiling_path, through, round_dirs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
labels = {"ours": {"transformer": "fitted transformer (batched ONNX Runtime)",
                   "loaded": "loaded model file (ML.NET's ONNX transformer, intra-op threads set at load)",
                   "engine": "PredictionEngine on the loaded model file (intra-op threads set at load)",
                   "network": "Network.Score (TorchSharp)"}[through],
          "ours-onnx-default": ("loaded model file, ONNX Runtime's default threads" if through == "loaded"
                                else "PredictionEngine on the loaded model file, ONNX Runtime's default threads"),
          "pytorch": "PyTorch inference (as users run it)"}
with open(ceiling_path) as f:
    ceiling = json.load(f)
rounds = []
for d in round_dirs:
    r = {}
    for s in ("ours", "ours-onnx-default", "pytorch"):
        p = os.path.join(d, s + ".json")
        if os.path.exists(p):
            with open(p) as f:
                r[s] = json.load(f)
    rounds.append(r)
sides = [s for s in ("ours", "ours-onnx-default", "pytorch") if s in rounds[0]]
latency = through == "engine"


def ips(r, s):
    return r[s]["images_per_second"]


def p50(r, s):
    return r[s]["latency_ms"]["p50"]


def threads(side):
    if "threads" in side:  # the PyTorch peer
        return f"torch={side['threads']['torch']} blas={side['threads']['blas'] or '-'}"
    return f"torch intra-op={side['torch_threads']} inter-op={side['interop_threads']}"


peer = rounds[0]["pytorch"]
print(f"PyTorch peer: Debian's python3-torch {peer.get('torch_version', '?')} through /usr/bin/python3 "
      f"(the only PyTorch these machines can install), batch {peer['batch_size']}, {threads(peer)}")
print(f"ceiling: convolution {ceiling['conv_gflops']:.0f} GFLOP/s, sgemm {ceiling['matmul_gflops']:.0f} GFLOP/s")
for i, r in enumerate(rounds, 1):
    if latency:
        print(f"round {i}: " + ", ".join(f"{s} p50 {p50(r, s):.3f} ms p99 {r[s]['latency_ms']['p99']:.3f} ms" for s in sides))
    else:
        print(f"round {i}: " + ", ".join(f"{s} {ips(r, s):.0f}" for s in sides) + " images/s")
flops = rounds[0]["ours"].get("flops_per_image") or 0
summary = {"through": through, "ceiling": ceiling, "rounds": rounds, "medians": {}}
for s in sides:
    med = statistics.median(ips(r, s) for r in rounds)
    rss = max((r[s].get("peak_rss_mb") or 0) for r in rounds)
    entry = {"images_per_second": med, "peak_rss_mb": rss}
    line = (f"{labels[s]}: median {med:.0f} images/s, {med * flops / 1e9:.1f} GFLOP/s "
            f"({100 * med * flops / 1e9 / ceiling['conv_gflops']:.1f}% of the convolution ceiling), rows per call {rounds[0][s]['batch_size']}")
    if latency:
        entry["p50_ms"] = statistics.median(p50(r, s) for r in rounds)
        entry["p99_ms"] = statistics.median(r[s]["latency_ms"]["p99"] for r in rounds)
        line += f", latency p50 {entry['p50_ms']:.3f} ms p99 {entry['p99_ms']:.3f} ms"
    summary["medians"][s] = entry
    print(line + f", peak RSS {rss:.0f} MB")


def ratio(s):
    if latency:  # how many times faster: PyTorch's p50 over ours
        return statistics.median(p50(r, "pytorch") / p50(r, s) for r in rounds)
    return statistics.median(ips(r, s) / ips(r, "pytorch") for r in rounds)


summary["ratio_vs_pytorch"] = ratio("ours")
what = "p50 latency, PyTorch's / ours" if latency else "images/s, ours / PyTorch"
if "ours-onnx-default" in sides:
    summary["ratio_vs_pytorch_onnx_default_threads"] = ratio("ours-onnx-default")
    print(f"ratio vs PyTorch with ONNX Runtime's default threads, as ML.NET makes the session when nothing is set at load "
          f"({what}): {summary['ratio_vs_pytorch_onnx_default_threads']:.2f}")
with open(out_path, "w") as f:
    json.dump(summary, f, indent=2)
print(f"ratio: {what}" + (f"; ONNX Runtime's intra-op threads set to {rounds[0]['ours']['torch_threads']} on the loading MLContext, "
                           "the peer's thread count" if through in ("loaded", "engine") else ""))
print(f"ratio vs PyTorch: {summary['ratio_vs_pytorch']:.2f}")

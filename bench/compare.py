"""Prints a benchmark's rounds side by side, the median of each side and the median ratio, and
writes them as one JSON file.
Usage: compare.py OUT.json [--ceiling CEILING.json] OURS_1.json PEER_1.json [OURS_2 PEER_2 ...]
With --ceiling (written by the C# side's `ceiling` command in the same run) and a flops_per_image
field in the C# side's results, achieved GFLOP/s are printed against the machine's ceiling."""
import json
import platform
import statistics
import sys

args = sys.argv[1:]
out_path, args = args[0], args[1:]
ceiling = None
if args and args[0] == "--ceiling":
    with open(args[1]) as f:
        ceiling = json.load(f)
    args = args[2:]
files = args
rounds = []
for ours_path, peer_path in zip(files[0::2], files[1::2]):
    with open(ours_path) as f:
        ours = json.load(f)
    with open(peer_path) as f:
        peer = json.load(f)
    rounds.append({"ours": ours, "peer": peer, "ratio": ours["images_per_second"] / peer["images_per_second"]})

flops = rounds[0]["ours"].get("flops_per_image")


def threads(r, key):
    return r.get(f"{key}_threads", (r.get("threads") or {}).get(key))


def gflops(side):
    return side["images_per_second"] * flops / 1e9 if flops else None


header = ["round", "side", "images/s", "torch threads", "blas threads", "steps", "seconds"]
if flops:
    header.append("GFLOP/s")
if any(r["ours"].get("peak_rss_mb") for r in rounds):
    header.append("peak RSS MB")
rows = [tuple(header)]
for i, r in enumerate(rounds, 1):
    for name, side in (("ml.batchnorm", r["ours"]), ("pytorch", r["peer"])):
        row = [str(i), name, f"{side['images_per_second']:.0f}", str(threads(side, "torch")),
               str(threads(side, "blas")), str(side.get("steps")), f"{side['seconds']:.3f}"]
        if flops:
            row.append(f"{gflops(side):.1f}")
        if "peak RSS MB" in header:
            row.append(f"{side['peak_rss_mb']:.0f}" if side.get("peak_rss_mb") else "-")
        rows.append(tuple(row))
widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
for row in rows:
    print("  ".join(cell.rjust(w) for cell, w in zip(row, widths)))
ours_median = statistics.median(r["ours"]["images_per_second"] for r in rounds)
peer_median = statistics.median(r["peer"]["images_per_second"] for r in rounds)
ratio = statistics.median(r["ratio"] for r in rounds)
summary = {"median_ours": ours_median, "median_peer": peer_median, "ratio": ratio}
for name, key in (("ml.batchnorm", "ours"), ("pytorch", "peer")):
    lat = [r[key]["latency_ms"] for r in rounds if r[key].get("latency_ms")]
    if lat:
        print(f"{name} single-image latency (median over rounds): p50 {statistics.median(l['p50'] for l in lat):.3f} ms, "
              f"p99 {statistics.median(l['p99'] for l in lat):.3f} ms")
first = rounds[0]["ours"]
print(f"median images/s: ml.batchnorm {ours_median:.0f}, pytorch {peer_median:.0f}")
if flops:
    summary["flops_per_image"] = flops
    summary["gflops_ours"] = ours_median * flops / 1e9
    summary["gflops_peer"] = peer_median * flops / 1e9
    line = (f"achieved GFLOP/s ({flops / 1e6:.1f} MFLOP per image): ml.batchnorm {summary['gflops_ours']:.1f}, "
            f"pytorch {summary['gflops_peer']:.1f}")
    if ceiling:
        summary["ceiling"] = ceiling
        line += (f"; ceiling in this run: convolution {ceiling['conv_gflops']:.0f}, sgemm {ceiling['matmul_gflops']:.0f} "
                 f"(ml.batchnorm at {100 * summary['gflops_ours'] / ceiling['conv_gflops']:.1f}% of the convolution ceiling)")
    print(line)
rss = [(r["ours"].get("peak_rss_mb"), r["peer"].get("peak_rss_mb")) for r in rounds]
if all(o and p for o, p in rss):
    summary["peak_rss_mb_ours"] = statistics.median(o for o, _ in rss)
    summary["peak_rss_mb_peer"] = statistics.median(p for _, p in rss)
    print(f"peak resident memory (median): ml.batchnorm {summary['peak_rss_mb_ours']:.0f} MB, "
          f"pytorch {summary['peak_rss_mb_peer']:.0f} MB (ratio {summary['peak_rss_mb_ours'] / summary['peak_rss_mb_peer']:.2f})")
print(f"ratio (ml.batchnorm / pytorch, median of {len(rounds)} rounds): {ratio:.2f}  "
      f"[{first.get('model')} batch {first.get('batch_size')}, {platform.machine()}]")
with open(out_path, "w") as f:
    json.dump({"rounds": rounds, **summary}, f, indent=2)

"""Prints a benchmark's rounds side by side, the median of each side and the median ratio, and
writes them as one JSON file. Usage: compare.py OUT.json OURS_1.json PEER_1.json [OURS_2 PEER_2 ...]"""
import json
import platform
import statistics
import sys

out_path, files = sys.argv[1], sys.argv[2:]
rounds = []
for ours_path, peer_path in zip(files[0::2], files[1::2]):
    with open(ours_path) as f:
        ours = json.load(f)
    with open(peer_path) as f:
        peer = json.load(f)
    rounds.append({"ours": ours, "peer": peer, "ratio": ours["images_per_second"] / peer["images_per_second"]})


def threads(r, key):
    return r.get(f"{key}_threads", (r.get("threads") or {}).get(key))


rows = [("round", "side", "images/s", "torch threads", "blas threads", "steps", "seconds")]
for i, r in enumerate(rounds, 1):
    for name, side in (("ml.batchnorm", r["ours"]), ("pytorch", r["peer"])):
        rows.append((str(i), name, f"{side['images_per_second']:.0f}", str(threads(side, "torch")),
                     str(threads(side, "blas")), str(side.get("steps")), f"{side['seconds']:.2f}"))
widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
for row in rows:
    print("  ".join(cell.rjust(w) for cell, w in zip(row, widths)))
ours_median = statistics.median(r["ours"]["images_per_second"] for r in rounds)
peer_median = statistics.median(r["peer"]["images_per_second"] for r in rounds)
ratio = statistics.median(r["ratio"] for r in rounds)
for name, key in (("ml.batchnorm", "ours"), ("pytorch", "peer")):
    lat = [r[key]["latency_ms"] for r in rounds if r[key].get("latency_ms")]
    if lat:
        print(f"{name} single-image latency (median over rounds): p50 {statistics.median(l['p50'] for l in lat):.3f} ms, "
              f"p99 {statistics.median(l['p99'] for l in lat):.3f} ms")
first = rounds[0]["ours"]
print(f"median images/s: ml.batchnorm {ours_median:.0f}, pytorch {peer_median:.0f}")
print(f"ratio (ml.batchnorm / pytorch, median of {len(rounds)} rounds): {ratio:.2f}  "
      f"[{first.get('model')} batch {first.get('batch_size')}, {platform.machine()}]")
with open(out_path, "w") as f:
    json.dump({"rounds": rounds, "median_ours": ours_median, "median_peer": peer_median, "ratio": ratio}, f, indent=2)

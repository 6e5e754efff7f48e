"""Prints a benchmark's two sides side by side with their ratio, and writes them as one JSON file."""
import json
import platform
import sys

ours_path, peer_path, out_path = sys.argv[1:4]
with open(ours_path) as f:
    ours = json.load(f)
with open(peer_path) as f:
    peer = json.load(f)
ratio = ours["images_per_second"] / peer["images_per_second"]
rows = [("side", "images/s", "torch threads", "blas threads", "steps", "seconds")]
def threads(r, key):
    return r.get(f"{key}_threads", (r.get("threads") or {}).get(key))


for name, r in (("ml.batchnorm", ours), ("pytorch", peer)):
    rows.append((name, f"{r['images_per_second']:.0f}", str(threads(r, "torch")), str(threads(r, "blas")),
                 str(r.get("steps")), f"{r['seconds']:.2f}"))
widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
for row in rows:
    print("  ".join(cell.rjust(w) for cell, w in zip(row, widths)))
print(f"ratio (ml.batchnorm / pytorch): {ratio:.2f}  [{ours.get('model')} batch {ours.get('batch_size')}, {platform.processor() or platform.machine()}]")
with open(out_path, "w") as f:
    json.dump({"ours": ours, "peer": peer, "ratio": ratio}, f, indent=2)

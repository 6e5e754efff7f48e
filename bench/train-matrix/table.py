"""One table over the cells of bench/train-matrix/run (each a compare.py JSON), written as JSON too.
Usage: table.py OUT.json CELL.json [CELL.json ...]"""
import json
import sys

out_path, cells = sys.argv[1], sys.argv[2:]
rows, table = [], [("model", "batch", "threads (ours/peer torch,blas)", "ml.batchnorm img/s", "pytorch img/s", "ratio",
                    "GFLOP/s ours", "GFLOP/s peer", "% of conv ceiling")]
for path in cells:
    with open(path) as f:
        cell = json.load(f)
    ours, peer = cell["rounds"][0]["ours"], cell["rounds"][0]["peer"]
    threads = f"{ours['torch_threads']},{ours['blas_threads']}/{peer['threads']['torch']},{peer['threads']['blas']}"
    ceiling = cell.get("ceiling", {}).get("conv_gflops")
    row = {"model": ours["model"], "batch": ours["batch_size"], "threads": threads,
           "ours": cell["median_ours"], "peer": cell["median_peer"], "ratio": cell["ratio"],
           "gflops_ours": cell.get("gflops_ours"), "gflops_peer": cell.get("gflops_peer"), "conv_ceiling": ceiling}
    rows.append(row)
    table.append((row["model"], str(row["batch"]), threads, f"{row['ours']:.0f}", f"{row['peer']:.0f}", f"{row['ratio']:.2f}",
                  f"{row['gflops_ours']:.1f}", f"{row['gflops_peer']:.1f}",
                  f"{100 * row['gflops_ours'] / ceiling:.1f}" if ceiling else "-"))
widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
print()
for r in table:
    print("  ".join(c.rjust(w) for c, w in zip(r, widths)))
with open(out_path, "w") as f:
    json.dump({"cells": rows}, f, indent=2)

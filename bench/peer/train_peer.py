#!/usr/bin/python3
"""PyTorch reference peer for the Ml.BatchNorm benchmarks.

The C# library trains a batch-normalized CNN on libtorch through its own
native bridge; the benchmarks compare its throughput with PyTorch training
the *same* network in the same run.  This script is that PyTorch side.

It is the reference peer and must stay "the ordinary way": a plain
nn.Sequential, stock layers, a stock optimizer, batches built by indexing a
preloaded tensor, no torch.compile / jit / channels_last / custom kernels or
other tricks.  Its job is to show what a typical PyTorch user gets, not the
best PyTorch can do.  Keep it that way when editing.

Networks (state_dict keys are "<index>.<name>" and match our weight files):
  model1: conv5x5(1->16, no bias) BN CReLU pool  conv5x5(32->32, no bias) BN
          CReLU pool  flatten  dense(3136->1024, no bias) BN CReLU
          dropout(0.3)  dense(2048->10)
          BN: eps 1e-3, momentum 0.05, no scale (gamma fixed at 1, untrained).
  model2: the same without BN, with biases on the convs and first dense.

Run with Debian's interpreter (the one with python3-torch), e.g.
  /usr/bin/python3 bench/peer/train_peer.py --model model1 --steps 30
"""
import argparse
import ctypes
import gzip
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class CReLU(nn.Module):
    """Concatenated ReLU, written the ordinary way: relu(cat([x, -x], 1))."""

    def forward(self, x):
        return F.relu(torch.cat([x, -x], 1))


def bn(cls, n):
    """BatchNorm with TF-like settings and the scale (gamma) fixed at 1."""
    m = cls(n, eps=1e-3, momentum=0.05)
    m.weight.requires_grad_(False)
    return m


def build_model(name):
    if name == "model1":
        layers = [nn.Conv2d(1, 16, 5, padding=2, bias=False), bn(nn.BatchNorm2d, 16), CReLU(), nn.MaxPool2d(2),
                  nn.Conv2d(32, 32, 5, padding=2, bias=False), bn(nn.BatchNorm2d, 32), CReLU(), nn.MaxPool2d(2),
                  nn.Flatten(), nn.Linear(3136, 1024, bias=False), bn(nn.BatchNorm1d, 1024), CReLU(),
                  nn.Dropout(p=0.3), nn.Linear(2048, 10)]
    else:
        layers = [nn.Conv2d(1, 16, 5, padding=2), CReLU(), nn.MaxPool2d(2),
                  nn.Conv2d(32, 32, 5, padding=2), CReLU(), nn.MaxPool2d(2),
                  nn.Flatten(), nn.Linear(3136, 1024), CReLU(),
                  nn.Dropout(p=0.3), nn.Linear(2048, 10)]
    model = nn.Sequential(*layers)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.trunc_normal_(m.weight, std=0.1, a=-0.2, b=0.2)
                if m.bias is not None:
                    m.bias.zero_()
    return model


def weight_keys(model):
    """state_dict keys stored in weight files: all but BN weight and num_batches_tracked."""
    bn_weights = {f"{i}.weight" for i, m in enumerate(model) if isinstance(m, nn.modules.batchnorm._BatchNorm)}
    return [k for k in model.state_dict() if k not in bn_weights and not k.endswith("num_batches_tracked")]


# --- safetensors (F32 only), parsed by hand -------------------------------

def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (hlen,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + hlen].decode("utf-8"))
    data = memoryview(blob)[8 + hlen:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            sys.exit(f"{path}: tensor {name!r} has dtype {info['dtype']}, only F32 is supported")
        b, e = info["data_offsets"]
        arr = np.frombuffer(data[b:e], dtype="<f4").reshape(info["shape"])
        tensors[name] = torch.from_numpy(arr.copy())
    return tensors


def write_safetensors(path, tensors, metadata=None):
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        raw = t.detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    hbytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hbytes += b" " * (-len(hbytes) % 8)  # pad so the data section is 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hbytes)) + hbytes + b"".join(chunks))


def load_init(model, path):
    tensors = read_safetensors(path)
    want = weight_keys(model)
    state = model.state_dict()
    missing = [k for k in want if k not in tensors]
    unexpected = [k for k in tensors if k not in want]
    if missing or unexpected:
        sys.exit(f"{path}: does not match the model's parameters/buffers\n"
                 f"  missing: {missing}\n  unexpected: {unexpected}")
    for k in want:
        if tuple(tensors[k].shape) != tuple(state[k].shape):
            sys.exit(f"{path}: {k} has shape {list(tensors[k].shape)}, expected {list(state[k].shape)}")
    with torch.no_grad():
        for k in want:
            state[k].copy_(tensors[k])


# --- data ------------------------------------------------------------------

def read_idx(path):
    with gzip.open(path, "rb") as f:
        blob = f.read()
    ndim = blob[3]
    dims = struct.unpack(">" + "I" * ndim, blob[4:4 + 4 * ndim])
    return np.frombuffer(blob, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_split(data_dir, prefix):
    images = read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def batch_indices(n, batch_size, order_file, seed):
    """Yields index tensors forever: from --order (wrapping) or a randperm per epoch."""
    if order_file:
        order = torch.from_numpy(np.fromfile(order_file, dtype="<i4").astype(np.int64))
        if order.numel() == 0 or order.min() < 0 or order.max() >= n:
            sys.exit(f"{order_file}: indices must be in [0, {n})")
    else:
        gen = torch.Generator().manual_seed(seed)
        order = torch.randperm(n, generator=gen)
    pos = 0
    while True:
        parts, need = [], batch_size
        while need > 0:
            if pos == order.numel():  # wrap around: a fresh permutation per epoch
                pos = 0
                if not order_file:
                    order = torch.randperm(n, generator=gen)
            part = order[pos:pos + need]
            parts.append(part)
            pos += part.numel()
            need -= part.numel()
        yield parts[0] if len(parts) == 1 else torch.cat(parts)


# --- threads ---------------------------------------------------------------

def openblas_lib():
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "/lib" in line}
    except OSError:
        return None
    for p in sorted(paths):
        base = os.path.basename(p)
        if base.startswith(("libopenblas", "libblas")):
            try:
                lib = ctypes.CDLL(p)
            except OSError:
                continue
            if hasattr(lib, "openblas_get_num_threads"):
                return lib
    return None


def blas_threads(set_to=None):
    lib = openblas_lib()
    if lib is None:
        return None
    if set_to is not None and hasattr(lib, "openblas_set_num_threads"):
        lib.openblas_set_num_threads(ctypes.c_int(set_to))
    return int(lib.openblas_get_num_threads())


# --- main ------------------------------------------------------------------

def make_optimizer(name, params, lr):
    if name == "adam":
        return torch.optim.Adam(params, lr=lr)
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, initial_accumulator_value=0.1)
    return torch.optim.SGD(params, lr=lr)


def train(args, model):
    x, y = load_split(args.data, "train")
    params = [p for p in model.parameters() if p.requires_grad]  # BN gamma excluded
    opt = make_optimizer(args.optimizer, params, args.learning_rate)
    batches = batch_indices(x.shape[0], args.batch_size, args.order, args.seed)
    model.train()
    first_loss, loss, elapsed = None, None, 0.0
    for step in range(args.warmup + args.steps):
        idx = next(batches)
        xb, yb = x.index_select(0, idx), y.index_select(0, idx)
        t0 = time.perf_counter()
        loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        t1 = time.perf_counter()
        if step >= args.warmup:
            elapsed += t1 - t0
        if first_loss is None:
            first_loss = loss.item()
    return {"steps": args.steps, "warmup": args.warmup, "seconds": elapsed,
            "images_per_second": args.steps * args.batch_size / elapsed if elapsed > 0 else None,
            "first_loss": first_loss, "final_loss": loss.item() if loss is not None else None}


def score(args, model):
    """Inference throughput over the test set; with --batch-size 1, per-image latency too."""
    x, y = load_split(args.data, "t10k")
    if args.batch_size == 1:  # a full 10k single-image pass is slow; time --latency-samples images
        x, y = x[:args.latency_samples], y[:args.latency_samples]
    else:
        x, y = x[:args.rows], y[:args.rows]
    n, bs = x.shape[0], args.batch_size
    model.eval()
    with torch.inference_mode():
        for i in range(args.warmup):  # untimed warm-up batches
            model(x[(i * bs) % n:][:bs])
        total_loss, correct, times = 0.0, 0, []
        for b in range(0, n, bs):
            xb, yb = x[b:b + bs], y[b:b + bs]
            t0 = time.perf_counter()
            logits = model(xb)
            times.append(time.perf_counter() - t0)
            total_loss += F.cross_entropy(logits, yb, reduction="sum").item()
            correct += (logits.argmax(1) == yb).sum().item()
    elapsed = sum(times)
    out = {"steps": len(times), "images": n, "warmup": args.warmup, "seconds": elapsed,
           "images_per_second": n / elapsed, "final_loss": total_loss / n, "accuracy": correct / n}
    if bs == 1:
        lat = np.array(times) * 1e3
        out["latency_ms"] = {"samples": len(lat), "p50": float(np.percentile(lat, 50)),
                             "p99": float(np.percentile(lat, 99))}
    return out


def data_open(args):
    """Seconds to open and decode the training set's gzip IDX files with gzip + numpy, median of
    --repetitions (the same work as the C# side's loader: bytes in memory, not yet floats)."""
    times = []
    for _ in range(args.repetitions):
        t0 = time.perf_counter()
        images = read_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz"))
        labels = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz"))
        times.append(time.perf_counter() - t0)
    if images.shape[0] != labels.shape[0]:
        sys.exit("image and label counts differ")
    median = sorted(times)[len(times) // 2]
    return {"steps": len(times), "seconds": median, "all_seconds": times,
            "images_per_second": images.shape[0] / median, "images": int(images.shape[0])}


def peak_rss_mb():
    """Peak resident memory of this process (VmHWM), in MiB."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--model", choices=["model1", "model2"], default="model1")
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=100, help="timed steps (train mode)")
    ap.add_argument("--warmup", type=int, default=10, help="untimed steps/batches run first")
    ap.add_argument("--optimizer", choices=["adam", "adagrad", "sgd"], default="adam")
    ap.add_argument("--learning-rate", type=float, default=1e-3)
    ap.add_argument("--init", help="initial weights (.safetensors, F32)")
    ap.add_argument("--export-init", help="write the initial weights to this .safetensors file, then run")
    ap.add_argument("--order", help="raw little-endian int32 row indices into the training set")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", help="write results to this file")
    ap.add_argument("--mode", choices=["train", "score", "data-open"], default="train")
    ap.add_argument("--repetitions", type=int, default=5, help="data-open repetitions")
    ap.add_argument("--latency-samples", type=int, default=500, help="single images timed when --batch-size 1")
    ap.add_argument("--rows", type=int, default=10000, help="test rows scored (score mode, batch size above 1)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)  # before any work
    threads = {"torch": torch.get_num_threads(), "blas": blas_threads(set_to=args.threads)}

    torch.manual_seed(args.seed)
    model = build_model(args.model)
    if args.init:
        load_init(model, args.init)
    if args.export_init:
        state = model.state_dict()
        write_safetensors(args.export_init, {k: state[k] for k in weight_keys(model)},
                          {"model": args.model, "framework": "pytorch"})
    torch.manual_seed(args.seed)  # training randomness (dropout) independent of how weights were made

    if args.mode == "data-open":
        res = data_open(args)
        print(f"pytorch data-open {res['images']} images: median {res['seconds']:.3f} s "
              f"(all: {', '.join(f'{t:.3f}' for t in res['all_seconds'])})")
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"framework": "pytorch", "model": "data-open", "threads": threads, **res}, f, indent=2)
        return
    res = train(args, model) if args.mode == "train" else score(args, model)
    res["peak_rss_mb"] = peak_rss_mb()
    result = {"framework": "pytorch", "torch_version": torch.__version__, "model": args.model,
              "mode": args.mode, "batch_size": args.batch_size, "threads": threads,
              "optimizer": args.optimizer if args.mode == "train" else None, **res}

    print(f"pytorch {torch.__version__} {args.model} {args.mode} batch={args.batch_size} "
          f"threads torch={threads['torch']} blas={threads['blas']}")
    print(f"  {res['steps']} steps in {res['seconds']:.3f} s -> {res['images_per_second']:.1f} images/s")
    if args.mode == "train":
        print(f"  loss: first {res['first_loss']:.6f}  final {res['final_loss']:.6f}  peak RSS {res['peak_rss_mb']:.0f} MB")
    else:
        print(f"  test loss {res['final_loss']:.4f}  accuracy {res['accuracy']:.4f}")
        if "latency_ms" in res:
            lat = res["latency_ms"]
            print(f"  latency over {lat['samples']} images: p50 {lat['p50']:.3f} ms  p99 {lat['p99']:.3f} ms")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()

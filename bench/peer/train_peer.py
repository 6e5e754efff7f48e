"""The PyTorch peer of Ml.BatchNorm's benchmarks.

It trains (or scores with) the seed network written the ordinary PyTorch way -- CReLU as
relu(cat([x, -x])), nn.Sequential, torch.optim -- so that a benchmark compares Ml.BatchNorm with
what a PyTorch user would write, on the same libtorch, threads, batches and initial weights. Keep it
ordinary: no fusions, no tricks. Every training benchmark under bench/ runs this one script.

Run it with Debian's interpreter, /usr/bin/python3, which has python3-torch.
"""
import argparse
import ctypes
import gzip
import json
import struct
import sys
import time

import numpy as np
import torch
from torch import nn


class CReLU(nn.Module):
    def forward(self, x):
        return torch.relu(torch.cat([x, -x], 1))


def batch_norm(kind, channels):
    # slim's batch_norm as the seed calls it: epsilon 1e-3, decay 0.95 (PyTorch momentum 0.05),
    # shift (beta) learned, scale (gamma) off -- kept at 1 and never trained.
    layer = kind(channels, eps=1e-3, momentum=0.05)
    layer.weight.requires_grad_(False)
    return layer


def model1():
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2, bias=False), batch_norm(nn.BatchNorm2d, 16), CReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 32, 5, padding=2, bias=False), batch_norm(nn.BatchNorm2d, 32), CReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(3136, 1024, bias=False), batch_norm(nn.BatchNorm1d, 1024), CReLU(),
        nn.Dropout(p=0.3),
        nn.Linear(2048, 10))


def model2():
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2), CReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 32, 5, padding=2), CReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(3136, 1024), CReLU(),
        nn.Dropout(p=0.3),
        nn.Linear(2048, 10))


def truncated_normal_init(model):
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.trunc_normal_(m.weight, std=0.1, a=-0.2, b=0.2)
            if m.bias is not None:
                nn.init.zeros_(m.bias)


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    start = 8 + n
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            sys.exit(f"{path}: tensor {name} has dtype {entry['dtype']}; expected F32")
        b, e = entry["data_offsets"]
        tensors[name] = torch.frombuffer(bytearray(data[start + b:start + e]), dtype=torch.float32).reshape(entry["shape"])
    return tensors


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, t in tensors.items():
        raw = t.detach().contiguous().float().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def exported_state(model):
    # Our files hold no BN gamma (scale is off) and no num_batches_tracked.
    skip = {f"{i}.weight" for i, m in enumerate(model) if isinstance(m, nn.modules.batchnorm._BatchNorm)}
    return {k: v for k, v in model.state_dict().items() if k not in skip and not k.endswith("num_batches_tracked")}


def load_init(model, path):
    tensors = read_safetensors(path)
    expected = exported_state(model)
    missing = sorted(set(expected) - set(tensors))
    extra = sorted(set(tensors) - set(expected))
    if missing or extra:
        sys.exit(f"{path}: tensors do not match the network (missing {missing}, unexpected {extra})")
    with torch.no_grad():
        for name, t in tensors.items():
            if tuple(t.shape) != tuple(expected[name].shape):
                sys.exit(f"{path}: tensor {name} has shape {list(t.shape)}, expected {list(expected[name].shape)}")
            expected[name].copy_(t)


def read_idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">i", data[:4])
    rank = magic & 0xff
    dims = struct.unpack(">" + "i" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def blas_threads():
    try:
        with open("/proc/self/maps") as maps:
            libs = {line.split()[-1] for line in maps if "blas" in line and line.strip().endswith(".so.0") or "libblas.so" in line}
        for lib in libs:
            handle = ctypes.CDLL(lib)
            if hasattr(handle, "openblas_get_num_threads"):
                return handle.openblas_get_num_threads()
    except OSError:
        pass
    return None


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--model", choices=["model1", "model2"], default="model1")
    p.add_argument("--mode", choices=["train", "score"], default="train")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--optimizer", choices=["adam", "adagrad", "sgd"], default="adam")
    p.add_argument("--learning-rate", type=float, default=1e-3)
    p.add_argument("--init", help="initial weights (safetensors, PyTorch state_dict names)")
    p.add_argument("--export-init", help="write the initial weights as safetensors and continue")
    p.add_argument("--order", help="int32 row indices taken batch after batch")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", help="write the result here")
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = model1() if a.model == "model1" else model2()
    truncated_normal_init(model)
    if a.init:
        load_init(model, a.init)
    if a.export_init:
        write_safetensors(a.export_init, exported_state(model))

    split = "train" if a.mode == "train" else "t10k"
    images = torch.from_numpy(read_idx(f"{a.data}/{split}-images-idx3-ubyte.gz").astype(np.float32) / 255.0).unsqueeze(1)
    labels = torch.from_numpy(read_idx(f"{a.data}/{split}-labels-idx1-ubyte.gz").astype(np.int64))
    n = images.shape[0]
    if a.order:
        order = torch.from_numpy(np.fromfile(a.order, dtype="<i4").astype(np.int64))
    else:
        order = torch.cat([torch.randperm(n) for _ in range((a.warmup + a.steps) * a.batch_size // n + 1)])

    def batch(step):
        start = (step * a.batch_size) % len(order)
        rows = order[start:start + a.batch_size]
        return images.index_select(0, rows), labels.index_select(0, rows)

    if a.mode == "train":
        model.train()
        params = [q for q in model.parameters() if q.requires_grad]
        if a.optimizer == "adam":
            opt = torch.optim.Adam(params, lr=a.learning_rate)
        elif a.optimizer == "adagrad":
            opt = torch.optim.Adagrad(params, lr=a.learning_rate, initial_accumulator_value=0.1)
        else:
            opt = torch.optim.SGD(params, lr=a.learning_rate, momentum=0.9)
        loss_fn = nn.CrossEntropyLoss()

        def step(s):
            x, y = batch(s)
            loss = loss_fn(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss.item()

        for s in range(a.warmup):
            step(s)
        begin = time.perf_counter()
        for s in range(a.warmup, a.warmup + a.steps):
            loss = step(s)
        seconds = time.perf_counter() - begin
        result = {"images_per_second": a.steps * a.batch_size / seconds, "final_loss": loss}
    else:
        model.eval()
        with torch.inference_mode():
            for s in range(a.warmup):
                model(batch(s)[0])
            times = []
            begin = time.perf_counter()
            for s in range(a.warmup, a.warmup + a.steps):
                t0 = time.perf_counter()
                model(batch(s)[0])
                times.append(time.perf_counter() - t0)
            seconds = time.perf_counter() - begin
        times.sort()
        result = {"images_per_second": a.steps * a.batch_size / seconds,
                  "latency_p50_ms": 1000 * times[len(times) // 2],
                  "latency_p99_ms": 1000 * times[min(len(times) - 1, int(len(times) * 0.99))]}

    result.update({"framework": "pytorch", "torch_version": torch.__version__, "mode": a.mode, "model": a.model,
                   "batch_size": a.batch_size, "torch_threads": torch.get_num_threads(), "blas_threads": blas_threads(),
                   "steps": a.steps, "seconds": seconds})
    print(f"pytorch {a.model} {a.mode} batch {a.batch_size} threads torch={result['torch_threads']} "
          f"blas={result['blas_threads']}: {result['images_per_second']:.0f} images/s ({a.steps} steps, {seconds:.2f} s)")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f)


if __name__ == "__main__":
    main()

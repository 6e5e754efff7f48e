#!/usr/bin/env bash
# Installs the Debian packages Ml.BatchNorm's tests and benchmarks need (idempotent, quiet). Needs root
# or sudo. The engine itself (TorchSharp, libtorch) comes from NuGet: no compiler, no libtorch from apt.
#   dataset-fashion-mnist  the default training data, /usr/share/datasets/fashion-mnist
#   python3-torch          the PyTorch peer used by the benchmarks
#   libopenblas0-pthread   the BLAS behind python3-torch's matrix products: without it Debian's alternative is
#                          the reference BLAS (about 2 GFLOP/s against OpenBLAS's 78 on the peer's dense layer),
#                          which made the peer 4-8x slower than PyTorch as users run it
#   python3-onnx           an independent checker of exported ONNX graphs
#   python3-opencv         an independent runtime for exported ONNX graphs (cv2.dnn)
#   postgresql             a real server for the sweep store's tests (started by eng/postgres.sh)
set -euo pipefail
packages=(dataset-fashion-mnist python3-torch libopenblas0-pthread python3-onnx python3-opencv postgresql)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# Installs the Debian packages Ml.BatchNorm needs (idempotent, quiet). Needs root or sudo.
#   libtorch-dev           the engine (CPU, oneDNN) and its CMake config
#   libopenblas0-pthread   fast matrix products for libtorch (the reference BLAS is ~3x slower)
#   cmake g++              building the native bridge
#   dataset-fashion-mnist  the default training data, /usr/share/datasets/fashion-mnist
#   python3-torch          the PyTorch peer used by the benchmarks (same libtorch)
#   libopencv-imgcodecs-dev libopencv-imgproc-dev   PNG/JPEG decoding and resizing
#   libdnnl-dev            oneDNN headers: the dense layers' matrix products (libtorch's own oneDNN)
set -euo pipefail
packages=(libtorch-dev libopenblas0-pthread cmake g++ dataset-fashion-mnist python3-torch
          libopencv-imgcodecs-dev libopencv-imgproc-dev libdnnl-dev)
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

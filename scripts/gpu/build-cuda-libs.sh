#!/usr/bin/env bash
# Builds the llama.cpp that llama-cpp-sys-2 vendors as shared libraries with CUDA, on a machine
# without a GPU or a CUDA install: the CUDA 13.0 compiler, headers and link libraries come from
# NVIDIA's PyPI wheels. Output: target/gpu-pack/lib (libllama, libggml*, libggml-cuda,
# libllama-common), which scripts/gpu/pack.sh packs.
#
#   scripts/gpu/build-cuda-libs.sh            # Hopper (H100/H200): CUDA_ARCH=90-real
#   CUDA_ARCH=89-real scripts/gpu/build-cuda-libs.sh
#
# The libraries need CUDA 13's libcudart.so.13 and libcublas.so.13 where they run (a driver of
# the 580 series or newer). A two-core machine takes about half an hour; JOBS sets the parallelism.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ARCH=${CUDA_ARCH:-90-real}
JOBS=${JOBS:-$(nproc)}
WORK=${WORK:-$ROOT/target/gpu-build}
OUTPUT=$ROOT/target/gpu-pack/lib
CUDA_VERSION=13.0.88

SYS_VERSION=$(sed -n 's/^llama-cpp-sys-2 = { version = "=\([^"]*\)".*/\1/p' "$ROOT/generators/Cargo.toml")
SOURCE=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"llama-cpp-sys-2-$SYS_VERSION"/llama.cpp 2>/dev/null | head -1)
if [[ -z "$SOURCE" ]]; then
    echo "llama-cpp-sys-2 $SYS_VERSION is not in the cargo registry: run 'cargo fetch' first" >&2
    exit 2
fi

# The toolkit: compiler, device-code compiler, runtime and cuBLAS (headers, link libraries).
TOOLKIT=$WORK/cuda
if [[ ! -x "$TOOLKIT/bin/nvcc" ]]; then
    mkdir -p "$WORK/wheels" "$WORK/unpacked"
    python3 -m pip download --no-deps --quiet --dest "$WORK/wheels" \
        "nvidia-cuda-nvcc==$CUDA_VERSION" "nvidia-nvvm==$CUDA_VERSION" \
        "nvidia-cuda-crt==$CUDA_VERSION" nvidia-cuda-runtime==13.0.96 \
        nvidia-cuda-cccl==13.0.85 nvidia-cublas==13.0.2.14
    for wheel in "$WORK"/wheels/*.whl; do
        python3 -m zipfile -e "$wheel" "$WORK/unpacked"
    done
    chmod +x "$WORK"/unpacked/nvidia/cu13/bin/* "$WORK"/unpacked/nvidia/cu13/nvvm/bin/*
    ln -sfn "$WORK/unpacked/nvidia/cu13" "$TOOLKIT"
    for library in cudart cublas cublasLt; do
        ln -sf "lib$library.so.13" "$TOOLKIT/lib/lib$library.so"
    done
    ln -sfn lib "$TOOLKIT/lib64"
fi

# VMM off: the driver library (libcuda.so) is not in the wheels, so nothing links it directly.
# FlashAttention kernels only for f16 K/V (orgforge's cache type), to halve the compile.
cmake -S "$SOURCE" -B "$WORK/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON \
    -DGGML_CUDA=ON -DCMAKE_CUDA_COMPILER="$TOOLKIT/bin/nvcc" -DCUDAToolkit_ROOT="$TOOLKIT" \
    -DCMAKE_CUDA_ARCHITECTURES="$ARCH" -DGGML_CUDA_NO_VMM=ON -DGGML_CUDA_NCCL=OFF \
    -DGGML_CUDA_FA_QUANTS=f16-f16 -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON \
    -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DGGML_OPENMP=OFF -DLLAMA_BUILD_COMMON=ON \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF \
    -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_APP=OFF -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF >/dev/null
cmake --build "$WORK/build" --parallel "$JOBS" --target llama ggml-cuda llama-common

mkdir -p "$OUTPUT"
find "$WORK/build" -name 'lib*.so*' \( -type f -o -type l \) -exec cp -P {} "$OUTPUT/" \;
strip --strip-unneeded "$OUTPUT"/*.so* 2>/dev/null || true
ls -l "$OUTPUT"

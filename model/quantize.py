#!/usr/bin/env python3
"""Dynamic int8 quantization of an exported ttpscope model, with only the `onnx` package.

Every MatMul whose second input is a constant 2-D float weight becomes ONNX Runtime's
com.microsoft DynamicQuantizeMatMul: the weight is stored as int8 with one symmetric scale per
output column, and the activation is quantized to uint8 at run time (what ORT's own
quantize_dynamic produces, which Debian's packages do not ship). Everything else (embeddings,
LayerNorm, attention score MatMuls, the classifier head) stays float32.

Usage: model/quantize.py --in model/default --out model/work/int8
The other files of the model directory (tokenizer.json, config.json, ...) are copied unchanged;
config.json gains "ttpscope_quantization": "int8-dynamic-per-column".
"""
import argparse
import json
import os
import shutil

import numpy as np
import onnx
from onnx import helper, numpy_helper

MS_DOMAIN = "com.microsoft"


def quantize_weight(w):
    """Symmetric per-column int8: w ~= q * scale[col], q in [-127, 127]."""
    amax = np.max(np.abs(w), axis=0)
    scale = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32)
    q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    return q, scale


def quantize(model):
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    uses = {}
    for n in g.node:
        for x in n.input:
            uses[x] = uses.get(x, 0) + 1
    new_nodes, dropped, added, count = [], set(), [], 0
    for n in g.node:
        w = inits.get(n.input[1]) if n.op_type == "MatMul" and len(n.input) == 2 else None
        if w is None or len(w.dims) != 2 or w.data_type != onnx.TensorProto.FLOAT:
            new_nodes.append(n)
            continue
        q, scale = quantize_weight(numpy_helper.to_array(w))
        base = n.input[1]
        qn, sn, zn = base + "_int8", base + "_scale", base + "_zero_point"
        added += [numpy_helper.from_array(q, qn), numpy_helper.from_array(scale, sn),
                  numpy_helper.from_array(np.zeros(q.shape[1], dtype=np.int8), zn)]
        if uses[base] == 1:
            dropped.add(base)
        new_nodes.append(helper.make_node("DynamicQuantizeMatMul", [n.input[0], qn, sn, zn], list(n.output),
                                          name=(n.name or base) + "_quant", domain=MS_DOMAIN))
        count += 1
    keep = [i for i in g.initializer if i.name not in dropped]
    del g.initializer[:]
    g.initializer.extend(keep + added)
    del g.node[:]
    g.node.extend(new_nodes)
    if not any(o.domain == MS_DOMAIN for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
    return count


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--in", dest="src", required=True, help="model directory (model.onnx, tokenizer.json, config.json)")
    ap.add_argument("--out", required=True, help="output model directory")
    args = ap.parse_args()
    model = onnx.load(os.path.join(args.src, "model.onnx"))
    n = quantize(model)
    if n == 0:
        raise SystemExit("quantize: no MatMul with a constant float weight in %s" % args.src)
    onnx.checker.check_model(model)
    os.makedirs(args.out, exist_ok=True)
    for f in os.listdir(args.src):
        p = os.path.join(args.src, f)
        if f != "model.onnx" and os.path.isfile(p):
            shutil.copy(p, os.path.join(args.out, f))
    onnx.save(model, os.path.join(args.out, "model.onnx"))
    cfg_path = os.path.join(args.out, "config.json")
    if os.path.exists(cfg_path):
        with open(cfg_path) as f:
            cfg = json.load(f)
        cfg["ttpscope_quantization"] = "int8-dynamic-per-column"
        with open(cfg_path, "w") as f:
            json.dump(cfg, f, indent=2)
            f.write("\n")
    print("quantize: %d MatMuls to int8, %s -> %s (%d -> %d bytes)" % (
        n, args.src, args.out, os.path.getsize(os.path.join(args.src, "model.onnx")),
        os.path.getsize(os.path.join(args.out, "model.onnx"))))


if __name__ == "__main__":
    main()

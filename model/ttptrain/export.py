"""Hugging Face style config.json and ONNX export (like an Optimum export of
RobertaForSequenceClassification: inputs input_ids and attention_mask, int64, output logits)."""
import json
import os

import torch


def hf_config(cfg, labels, temperature, name, version, max_len, extra=None):
    tt = {"temperature": float(temperature), "name": name, "version": version, "max_len": int(max_len),
          "labels": list(labels)}
    if extra:
        tt.update(extra)
    return {
        "architectures": ["RobertaForSequenceClassification"],
        "model_type": "roberta",
        "vocab_size": cfg.vocab_size,
        "hidden_size": cfg.hidden_size,
        "num_hidden_layers": cfg.num_hidden_layers,
        "num_attention_heads": cfg.num_attention_heads,
        "intermediate_size": cfg.intermediate_size,
        "hidden_act": "gelu",
        "hidden_dropout_prob": cfg.hidden_dropout_prob,
        "attention_probs_dropout_prob": cfg.attention_probs_dropout_prob,
        "max_position_embeddings": cfg.max_position_embeddings,
        "type_vocab_size": cfg.type_vocab_size,
        "initializer_range": cfg.initializer_range,
        "layer_norm_eps": cfg.layer_norm_eps,
        "pad_token_id": cfg.pad_token_id,
        "bos_token_id": cfg.bos_token_id,
        "eos_token_id": cfg.eos_token_id,
        "position_embedding_type": "absolute",
        "classifier_dropout": None,
        "problem_type": "single_label_classification",
        "torch_dtype": "float32",
        "id2label": {str(i): l for i, l in enumerate(labels)},
        "label2id": {l: i for i, l in enumerate(labels)},
        "ttpscope": tt,
    }


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def export_onnx(model, path, sample_ids, sample_mask, opset=14):
    """Export model (eval mode) to path with dynamic batch and sequence axes."""
    model.eval()
    axes = {0: "batch_size", 1: "sequence_length"}
    with torch.no_grad():
        torch.onnx.export(
            model, (sample_ids, sample_mask), path,
            input_names=["input_ids", "attention_mask"], output_names=["logits"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "logits": {0: "batch_size"}},
            opset_version=opset, do_constant_folding=True,
        )


def check_onnx(path, want_labels):
    """onnx.checker plus a look at the graph's inputs/outputs; returns a summary dict."""
    import onnx

    onnx.checker.check_model(path)
    m = onnx.load(path, load_external_data=False)
    def io(vs):
        out = {}
        for v in vs:
            t = v.type.tensor_type
            dims = [d.dim_param or d.dim_value for d in t.shape.dim]
            out[v.name] = {"elem_type": onnx.TensorProto.DataType.Name(t.elem_type), "dims": dims}
        return out
    inputs, outputs = io(m.graph.input), io(m.graph.output)
    if set(inputs) != {"input_ids", "attention_mask"} or list(outputs) != ["logits"]:
        raise ValueError(f"unexpected ONNX signature: inputs {inputs}, outputs {outputs}")
    for n in ("input_ids", "attention_mask"):
        if inputs[n]["elem_type"] != "INT64":
            raise ValueError(f"{n} is {inputs[n]['elem_type']}, want INT64")
    if outputs["logits"]["dims"][-1] != want_labels:
        raise ValueError(f"logits dims {outputs['logits']['dims']}, want last {want_labels}")
    return {"opset": m.opset_import[0].version, "inputs": inputs, "outputs": outputs,
            "bytes": os.path.getsize(path), "nodes": len(m.graph.node)}

"""LoRA (low-rank adaptation) for the RoBERTa encoder's projections, and importing an exported
model back into torch.

LoRA keeps a pretrained weight W frozen and learns a low-rank update: y = x W^T + b + s * x A^T B^T
with A [r, in], B [out, r], s = alpha / r; B starts at zero, so training starts from the pretrained
model exactly. After training, merge() folds s * B A into W and the model exports like any other.
"""
import json
import os

import numpy as np
import torch
from torch import nn

from .roberta import RobertaConfig, RobertaForSequenceClassification

# The projections LoRA adapts: attention query/key/value and the dense matrices (attention output,
# intermediate, output), as the seed model card describes.
DEFAULT_TARGETS = ("attention.self.query", "attention.self.key", "attention.self.value",
                   "attention.output.dense", "intermediate.dense", "output.dense")


class LoRALinear(nn.Module):
    """A frozen nn.Linear plus a trainable low-rank update."""

    def __init__(self, base, rank, alpha, dropout=0.0, generator=None):
        super().__init__()
        if rank < 1:
            raise ValueError("LoRA rank must be >= 1")
        self.base = base
        for p in self.base.parameters():
            p.requires_grad_(False)
        self.rank, self.scale = rank, alpha / rank
        self.lora_A = nn.Parameter(torch.empty(rank, base.in_features))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, rank))
        with torch.no_grad():
            bound = 1.0 / np.sqrt(base.in_features)
            self.lora_A.uniform_(-bound, bound, generator=generator)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        return self.base(x) + (self.dropout(x) @ self.lora_A.t() @ self.lora_B.t()) * self.scale

    def merged(self):
        """The base Linear with the update folded in."""
        with torch.no_grad():
            self.base.weight += (self.lora_B @ self.lora_A) * self.scale
        for p in self.base.parameters():
            p.requires_grad_(True)
        return self.base


def _targets(model, targets):
    for name, module in model.named_modules():
        for child_name, child in module.named_children():
            full = f"{name}.{child_name}" if name else child_name
            if isinstance(child, nn.Linear) and any(full.endswith(t) for t in targets) and "classifier" not in full:
                yield module, child_name, full


def apply_lora(model, rank=8, alpha=16, dropout=0.0, targets=DEFAULT_TARGETS, seed=0, train_head=True):
    """Freezes model, wraps the target projections with LoRALinear and returns their names.

    With train_head the classification head stays trainable (it is small and task-specific)."""
    for p in model.parameters():
        p.requires_grad_(False)
    g = torch.Generator().manual_seed(seed)
    names = []
    for parent, child_name, full in list(_targets(model, targets)):
        setattr(parent, child_name, LoRALinear(getattr(parent, child_name), rank, alpha, dropout, g))
        names.append(full)
    if not names:
        raise ValueError(f"no Linear layer matches the LoRA targets {targets}")
    if train_head:
        for p in model.classifier.parameters():
            p.requires_grad_(True)
    return names


def merge_lora(model):
    """Replaces every LoRALinear with its merged nn.Linear; returns how many were merged."""
    n = 0
    for module in list(model.modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, LoRALinear):
                setattr(module, child_name, child.merged())
                n += 1
    for p in model.parameters():
        p.requires_grad_(True)
    return n


def load_exported(model_dir):
    """Rebuilds the torch model of an exported ttpscope model directory (model.onnx + config.json).

    Named initializers map to parameters directly; weight MatMuls, which the exporter renames
    (onnx::MatMul_N, stored as W^T), are found by their node names (/roberta/encoder/layer.0/
    attention/self/query/MatMul -> roberta.encoder.layer.0.attention.self.query.weight).
    Returns (model in eval mode, config dict)."""
    import onnx
    from onnx import numpy_helper

    with open(os.path.join(model_dir, "config.json")) as f:
        conf = json.load(f)
    cfg = RobertaConfig(
        vocab_size=conf["vocab_size"], hidden_size=conf["hidden_size"], num_hidden_layers=conf["num_hidden_layers"],
        num_attention_heads=conf["num_attention_heads"], intermediate_size=conf["intermediate_size"],
        max_position_embeddings=conf["max_position_embeddings"], num_labels=len(conf["id2label"]),
        pad_token_id=conf.get("pad_token_id", 1), bos_token_id=conf.get("bos_token_id", 0),
        eos_token_id=conf.get("eos_token_id", 2), type_vocab_size=conf.get("type_vocab_size", 1),
        layer_norm_eps=conf.get("layer_norm_eps", 1e-5))
    model = RobertaForSequenceClassification(cfg)
    m = onnx.load(os.path.join(model_dir, "model.onnx"))
    if any(n.domain == "com.microsoft" for n in m.graph.node):
        raise ValueError(f"{model_dir}: a quantized model cannot be adapted; use its float32 original")
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    state = model.state_dict()
    found = {}
    for name, arr in inits.items():
        if name in state:
            found[name] = torch.from_numpy(arr.copy())
    for n in m.graph.node:
        if n.op_type == "MatMul" and n.name.endswith("/MatMul") and n.input[1] in inits:
            pname = n.name.strip("/")[: -len("/MatMul")].replace("/", ".") + ".weight"
            if pname in state:
                found[pname] = torch.from_numpy(inits[n.input[1]].T.copy())
    # Buffers (position ids and the like) are not parameters of the export.
    missing = [k for k in state if k not in found and not k.endswith("position_ids")]
    if missing:
        # The exporter merges parameters with identical values (untrained zeros and ones) into one constant.
        raise ValueError(f"{model_dir}/model.onnx lacks parameters {missing[:5]}{'...' if len(missing) > 5 else ''} "
                         "(not an export of a trained ttpscope RoBERTa?)")
    for k, v in found.items():
        if tuple(v.shape) != tuple(state[k].shape):
            raise ValueError(f"{k}: shape {tuple(v.shape)} in the ONNX file, {tuple(state[k].shape)} in the model")
    model.load_state_dict({**state, **found})
    model.eval()
    return model, conf

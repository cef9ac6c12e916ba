#!/usr/bin/python3
"""Train, calibrate and export ttpscope's sequence classifier.

    /usr/bin/python3 model/train.py --data model/work/enc --tokenizer model/work/out/tokenizer.json \
        --out model/work/out --layers 2 --hidden 128 --heads 4 --ffn 512

reads the arrays written by model/cmd/encode, trains a RoBERTa-architecture encoder (AdamW,
linear warmup/decay, cross-entropy, early stopping on validation macro-F1, batches bucketed by
length), fits a softmax temperature on validation, and writes model.onnx, config.json,
tokenizer.json, training_log.json and verify.json (inputs with torch logits, for an ONNX Runtime
check) to --out.

    /usr/bin/python3 model/train.py --random-init --export-only --vocab-size 50265 \
        --layers 12 --hidden 768 --heads 12 --ffn 3072 --max-len 512 --out model/work/base

exports an untrained model of any size (benchmarks).
"""
import argparse
import json
import os
import random
import shutil
import sys
import time

# On a shared machine OpenMP worker threads that spin while another process holds the core make
# 2 threads slower than 1 (measured: 1.4 vs 6.7 steps/s); passive waiting fixes it. These must be
# set before torch loads its OpenMP runtime.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# Deterministic cuBLAS when training on a GPU (--device cuda); must be set before CUDA starts.
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ttptrain import data as tdata  # noqa: E402
from ttptrain import export as texport  # noqa: E402
from ttptrain import metrics as tmetrics  # noqa: E402
from ttptrain.roberta import RobertaConfig, RobertaForSequenceClassification, count_parameters  # noqa: E402

DEFAULT_LABELS = ["benign", "T1003.002", "T1562", "T1134"]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default="model/work/enc", help="directory written by model/cmd/encode")
    p.add_argument("--tokenizer", default="", help="tokenizer.json to copy next to the model")
    p.add_argument("--out", default="model/work/out", help="output directory")
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--ffn", type=int, default=512)
    p.add_argument("--max-len", type=int, default=0, help="max sequence length (default: from meta.json, else 128)")
    p.add_argument("--vocab-size", type=int, default=0, help="vocabulary size (default: from meta.json or --tokenizer)")
    p.add_argument("--dropout", type=float, default=0.1)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--eval-batch-size", type=int, default=256)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--warmup", type=float, default=0.06, help="warmup as a fraction of total steps")
    p.add_argument("--epochs", type=float, default=8)
    p.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (0: no limit)")
    p.add_argument("--max-minutes", type=float, default=25.0,
                   help="wall-time budget for training (0: none); the LR schedule is shortened to end inside it, "
                        "so the number of steps then depends on machine speed")
    p.add_argument("--eval-every", type=int, default=500, help="evaluate on validation every N steps")
    p.add_argument("--patience", type=int, default=6, help="evaluations without a better val macro-F1 before stopping")
    p.add_argument("--val-limit", type=int, default=0, help="evaluate on at most N validation rows during training (0: all)")
    p.add_argument("--threads", type=int, default=2, help="torch intra-op threads")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda", "auto"],
                   help="where to train (auto: cuda when available); the final evaluation, calibration and "
                        "export always run on the CPU so that a GPU run exports the same way")
    p.add_argument("--weights-only", action="store_true",
                   help="after training write only weights.npz and training_log.json (no evaluation, "
                        "calibration or export: finish elsewhere with --init-weights and --epochs 0)")
    p.add_argument("--init-weights", default="",
                   help="start from these weights (pytorch_model.bin from --save-torch, or .npz of the same "
                        "names); with --epochs 0 the weights are only calibrated, evaluated and exported")
    p.add_argument("--opset", type=int, default=14, choices=range(14, 18))
    p.add_argument("--name", default="ttpscope-tiny")
    p.add_argument("--version", default="0.1.0")
    p.add_argument("--save-torch", action="store_true", help="also write pytorch_model.bin (HF parameter names)")
    p.add_argument("--random-init", action="store_true", help="do not train (use with --export-only)")
    p.add_argument("--export-only", action="store_true", help="export without training data")
    p.add_argument("--no-verify-file", action="store_true", help="do not write verify.json")
    p.add_argument("--log-every", type=int, default=100)
    p.add_argument("--min-val-f1", type=float, default=0.0,
                   help="exit with status 3 after writing outputs if validation macro-F1 is below this")
    return p.parse_args(argv)


def log(msg):
    print(f"[train {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def seed_everything(seed, threads, device="cpu"):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    # On CUDA a kernel without a deterministic variant warns instead of stopping the run.
    torch.use_deterministic_algorithms(True, **({"warn_only": True} if device == "cuda" else {}))


def pick_device(name):
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        sys.exit("train.py: --device cuda but torch sees no GPU")
    return name


def load_weights(model, path):
    """Load a state dict written by --save-torch (torch.save) or as .npz (any float dtype) into model."""
    if path.endswith(".npz"):
        with np.load(path) as z:
            state = {k: torch.from_numpy(z[k].astype(np.float32) if z[k].dtype.kind == "f" else z[k]) for k in z.files}
    else:
        state = torch.load(path, map_location="cpu")
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        sys.exit(f"train.py: load weights {path}: missing {sorted(missing)}, unexpected {sorted(unexpected)}")


def tokenizer_vocab_size(path):
    with open(path) as f:
        tok = json.load(f)
    ids = list(tok["model"]["vocab"].values()) + [t["id"] for t in tok.get("added_tokens", [])]
    return max(ids) + 1


def build_config(args, vocab_size, max_len, num_labels):
    return RobertaConfig(
        vocab_size=vocab_size, hidden_size=args.hidden, num_hidden_layers=args.layers,
        num_attention_heads=args.heads, intermediate_size=args.ffn,
        max_position_embeddings=max_len + 2, num_labels=num_labels,
        hidden_dropout_prob=args.dropout, attention_probs_dropout_prob=args.dropout,
    )


@torch.no_grad()
def predict(model, split, pad_id, batch_size, limit=0):
    """Logits for every row of split (or its first `limit` rows), in row order."""
    model.eval()
    dev = next(model.parameters()).device
    n = len(split) if not limit else min(limit, len(split))
    lengths = split.lengths[:n]
    out = np.zeros((n, model.config.num_labels), dtype=np.float32)
    for idx in tdata.bucket_batches(lengths, batch_size, None, shuffle=False):
        ids, mask, _ = tdata.make_batch(split, idx, pad_id)
        out[idx] = model(ids.to(dev), mask.to(dev)).float().cpu().numpy()
    return out


def evaluate(model, split, pad_id, batch_size, labels, limit=0):
    logits = predict(model, split, pad_id, batch_size, limit)
    y = split.labels[: len(logits)]
    rep = tmetrics.report(y, logits.argmax(1), labels)
    rep["loss"] = tmetrics.nll(logits, y)
    return rep, logits


def lr_lambda(warmup, plan):
    """Linear warmup then linear decay to 0 at plan["total"] (which may shrink during training)."""
    def f(step):
        if step < warmup:
            return (step + 1) / max(1, warmup)
        return max(0.0, (plan["total"] - step) / max(1, plan["total"] - warmup))
    return f


def replan(plan, step, elapsed_s, budget_s, warmup):
    """Shrink plan["total"] so the schedule ends inside the time budget at the pace seen so far
    (training and evaluation included), keeping the LR decay complete when the machine is slower
    than expected. Never grows the plan."""
    if budget_s <= 0 or step < max(warmup, 1) or elapsed_s <= 0:
        return
    feasible = step + int(step / elapsed_s * max(0.0, budget_s - elapsed_s) * 0.95)
    if feasible < plan["total"]:
        plan["total"] = max(step + 1, feasible)


def train(args, model, train_split, val_split, pad_id, labels, device="cpu"):
    params_decay = [p for n, p in model.named_parameters() if not (n.endswith("bias") or "LayerNorm" in n)]
    params_nodecay = [p for n, p in model.named_parameters() if n.endswith("bias") or "LayerNorm" in n]
    opt = torch.optim.AdamW([{"params": params_decay, "weight_decay": args.weight_decay},
                             {"params": params_nodecay, "weight_decay": 0.0}], lr=args.lr)
    steps_per_epoch = (len(train_split) + args.batch_size - 1) // args.batch_size
    total = int(steps_per_epoch * args.epochs)
    if args.max_steps:
        total = min(total, args.max_steps)
    warmup = int(total * args.warmup)
    plan = {"total": total}
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda(warmup, plan))
    rng = np.random.RandomState(args.seed)
    curve = []
    best = {"val_macro_f1": -1.0, "step": 0}
    best_state = None
    bad_evals = 0
    step = 0
    seen = 0
    train_time = 0.0
    start = time.time()
    running = []
    stop_reason = "steps"
    log(f"training: {len(train_split)} rows, {steps_per_epoch} steps/epoch, {total} steps planned, warmup {warmup}")
    epoch = 0
    while step < plan["total"]:
        batches = tdata.bucket_batches(train_split.lengths, args.batch_size, rng, shuffle=True)
        for idx in batches:
            if step >= plan["total"]:
                break
            t0 = time.time()
            model.train()
            ids, mask, y = tdata.make_batch(train_split, idx, pad_id)
            if device != "cpu":
                ids, mask, y = ids.to(device, non_blocking=True), mask.to(device, non_blocking=True), y.to(device, non_blocking=True)
            loss = F.cross_entropy(model(ids, mask), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            train_time += time.time() - t0
            step += 1
            seen += len(idx)
            running.append(float(loss))
            if step % args.log_every == 0:
                log(f"step {step}/{plan['total']} loss {np.mean(running[-args.log_every:]):.4f} "
                    f"{step / train_time:.1f} steps/s lr {sched.get_last_lr()[0]:.2e}")
            if step % args.eval_every == 0 or step == plan["total"]:
                rep, _ = evaluate(model, val_split, pad_id, args.eval_batch_size, labels, args.val_limit)
                point = {"step": step, "epoch": round(step / steps_per_epoch, 3),
                         "train_loss": float(np.mean(running[-args.eval_every:])), "val_loss": rep["loss"],
                         "val_macro_f1": rep["macro_f1"], "val_accuracy": rep["accuracy"],
                         "elapsed_s": round(time.time() - start, 1)}
                curve.append(point)
                log(f"eval step {step}: val loss {rep['loss']:.4f} macro-F1 {rep['macro_f1']:.4f} acc {rep['accuracy']:.4f}")
                if rep["macro_f1"] > best["val_macro_f1"]:
                    best = {"val_macro_f1": rep["macro_f1"], "step": step, "val_loss": rep["loss"]}
                    best_state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
                    bad_evals = 0
                else:
                    bad_evals += 1
                if bad_evals >= args.patience:
                    stop_reason = "early-stopping"
                    break
                before = plan["total"]
                replan(plan, step, time.time() - start, args.max_minutes * 60, warmup)
                if plan["total"] != before:
                    log(f"time budget: schedule shortened from {before} to {plan['total']} steps")
            if args.max_minutes > 0 and (time.time() - start) / 60 > args.max_minutes:
                stop_reason = "time-budget"
                break
        epoch += 1
        if stop_reason != "steps":
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    model.to("cpu")
    wall = time.time() - start
    return {
        "steps": step, "planned_steps": total, "final_planned_steps": plan["total"], "epochs": round(step / steps_per_epoch, 3), "stop_reason": stop_reason,
        "train_seconds": round(train_time, 1), "wall_seconds": round(wall, 1),
        "steps_per_second": round(step / train_time, 2) if train_time else 0.0,
        "samples_per_second": round(seen / train_time, 1) if train_time else 0.0,
        "best": best, "curve": curve,
    }


def sample_inputs(split, pad_id, n=8, seed=0):
    """A small padded batch of real rows of varying length (or random ids without data)."""
    rng = np.random.RandomState(seed)
    idx = rng.choice(len(split), size=min(n, len(split)), replace=False)
    idx = idx[np.argsort(split.lengths[idx])]
    return tdata.make_batch(split, idx, pad_id)[:2]


def random_inputs(vocab, pad_id, max_len, n=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    t = min(max_len, 16)
    ids = torch.randint(5, vocab, (n, t), generator=g)
    ids[:, 0] = 0
    lengths = [t, max(3, t // 2), max(3, t // 3), 3][:n]
    for i, l in enumerate(lengths):
        ids[i, l - 1] = 2
        ids[i, l:] = pad_id
    return ids, (ids != pad_id).long()


def write_outputs(args, model, cfg, labels, temperature, max_len, sample, extra_cfg, log_obj):
    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "model.onnx")
    texport.export_onnx(model, onnx_path, sample[0], sample[1], args.opset)
    info = texport.check_onnx(onnx_path, cfg.num_labels)
    log(f"exported {onnx_path}: {info['bytes']} bytes, opset {info['opset']}, {info['nodes']} nodes")
    conf = texport.hf_config(cfg, labels, temperature, args.name, args.version, max_len, extra_cfg)
    texport.write_json(os.path.join(args.out, "config.json"), conf)
    if args.tokenizer:
        dst = os.path.join(args.out, "tokenizer.json")
        if os.path.abspath(args.tokenizer) != os.path.abspath(dst):
            shutil.copyfile(args.tokenizer, dst)
    if args.save_torch:
        torch.save(model.state_dict(), os.path.join(args.out, "pytorch_model.bin"))
    if not args.no_verify_file:
        model.eval()
        with torch.no_grad():
            ids, mask = sample
            logits = model(ids, mask)
        texport.write_json(os.path.join(args.out, "verify.json"), {
            "input_ids": ids.tolist(), "attention_mask": mask.tolist(),
            "logits": [[round(float(x), 6) for x in row] for row in logits],
            "tolerance": 1e-3,
        })
    log_obj["onnx"] = info
    return info


def main(argv=None):
    args = parse_args(argv)
    device = pick_device(args.device)
    seed_everything(args.seed, args.threads, device)
    meta = None
    if not args.export_only:
        meta = tdata.load_meta(args.data)
    labels = meta["labels"] if meta else DEFAULT_LABELS
    pad_id = meta["pad_id"] if meta else 1
    max_len = args.max_len or (meta["max_len"] if meta else 128)
    vocab = args.vocab_size or (meta["vocab_size"] if meta else 0)
    if not vocab and args.tokenizer:
        vocab = tokenizer_vocab_size(args.tokenizer)
    if not vocab:
        sys.exit("train.py: need --vocab-size, --tokenizer or --data with meta.json")
    cfg = build_config(args, vocab, max_len, len(labels))
    model = RobertaForSequenceClassification(cfg)
    if args.init_weights:
        load_weights(model, args.init_weights)
    nparams = count_parameters(model)
    log(f"model: {args.layers} layers, hidden {args.hidden}, heads {args.heads}, ffn {args.ffn}, vocab {vocab}, "
        f"max_len {max_len}, {nparams} parameters, {args.threads} threads, device {device}")
    log_obj = {"args": vars(args), "model": {"config": cfg.to_dict(), "parameters": nparams},
               "torch": torch.__version__}

    if args.export_only:
        if not args.random_init:
            sys.exit("train.py: --export-only without --random-init has no weights to export")
        sample = random_inputs(vocab, pad_id, max_len)
        write_outputs(args, model, cfg, labels, 1.0, max_len, sample, {"random_init": True}, log_obj)
        texport.write_json(os.path.join(args.out, "training_log.json"), log_obj)
        return 0

    splits = {name: tdata.load_split(args.data, name) for name in ("train", "val", "test", "heldout")}
    if splits["train"] is None or splits["val"] is None:
        sys.exit(f"train.py: {args.data} needs train and val splits")
    log_obj["data"] = {k: (len(v) if v is not None else 0) for k, v in splits.items()}
    log(f"data: {log_obj['data']}")

    if args.init_weights:
        # Weights trained elsewhere (a GPU run's --weights-only output): keep that run's training record.
        prior = os.path.join(os.path.dirname(os.path.abspath(args.init_weights)), "training_log.json")
        log_obj["init_weights"] = {"path": args.init_weights}
        if os.path.exists(prior):
            with open(prior) as f:
                p = json.load(f)
            log_obj["init_weights"].update({"training": p.get("training"), "args": p.get("args"), "torch": p.get("torch")})
    if args.random_init:
        log_obj["training"] = {"steps": 0, "stop_reason": "random-init"}
    else:
        if device != "cpu":
            model.to(device)
        log_obj["training"] = train(args, model, splits["train"], splits["val"], pad_id, labels, device)
        log_obj["training"]["device"] = torch.cuda.get_device_name() if device == "cuda" else "cpu"
        tr = log_obj["training"]
        log(f"trained {tr['steps']} steps in {tr['train_seconds']}s ({tr['steps_per_second']} steps/s, "
            f"{tr['samples_per_second']} samples/s), stop: {tr['stop_reason']}, best {tr['best']}")
    if args.weights_only:
        os.makedirs(args.out, exist_ok=True)
        np.savez(os.path.join(args.out, "weights.npz"), **{k: v.cpu().numpy() for k, v in model.state_dict().items()})
        texport.write_json(os.path.join(args.out, "training_log.json"), log_obj)
        log(f"wrote weights to {args.out}")
        return 0

    results = {}
    logits_by = {}
    for name, sp in splits.items():
        if name == "train" or sp is None or len(sp) == 0:
            continue
        rep, logits = evaluate(model, sp, pad_id, args.eval_batch_size, labels)
        results[name] = rep
        logits_by[name] = logits
        log(f"{name}: macro-F1 {rep['macro_f1']:.4f} acc {rep['accuracy']:.4f} "
            + " ".join(f"{k}={v['f1']:.3f}" for k, v in rep["per_class"].items()))

    val_logits, val_y = logits_by["val"], splits["val"].labels
    t = tmetrics.fit_temperature(val_logits, val_y)
    cal = {"temperature": t,
           "val_nll_before": tmetrics.nll(val_logits, val_y), "val_nll_after": tmetrics.nll(val_logits, val_y, t),
           "val_ece_before": tmetrics.ece(tmetrics.softmax(val_logits), val_y),
           "val_ece_after": tmetrics.ece(tmetrics.softmax(val_logits, t), val_y)}
    if "test" in logits_by:
        ty = splits["test"].labels
        cal["test_nll_after"] = tmetrics.nll(logits_by["test"], ty, t)
        cal["test_ece_before"] = tmetrics.ece(tmetrics.softmax(logits_by["test"]), ty)
        cal["test_ece_after"] = tmetrics.ece(tmetrics.softmax(logits_by["test"], t), ty)
    log(f"temperature {t:.4f}: val NLL {cal['val_nll_before']:.4f} -> {cal['val_nll_after']:.4f}, "
        f"ECE {cal['val_ece_before']:.4f} -> {cal['val_ece_after']:.4f}")
    log_obj["calibration"] = cal

    if "heldout" in logits_by:
        sp = splits["heldout"]
        pred = logits_by["heldout"].argmax(1)
        fam = {}
        for f, y, p in zip(sp.families, sp.labels, pred):
            d = fam.setdefault(f, {"label": labels[y], "n": 0, "correct": 0})
            d["n"] += 1
            d["correct"] += int(y == p)
        for d in fam.values():
            d["accuracy"] = round(d["correct"] / d["n"], 4)
        results["heldout_families"] = dict(sorted(fam.items(), key=lambda kv: kv[1]["accuracy"]))
    log_obj["eval"] = results

    sample = sample_inputs(splits["val"], pad_id)
    trained = log_obj["training"].get("steps", 0)
    if "training" in log_obj.get("init_weights", {}) and log_obj["init_weights"]["training"]:
        trained += log_obj["init_weights"]["training"].get("steps", 0)
    extra = {"trained_steps": trained,
             "val_macro_f1": results["val"]["macro_f1"],
             "test_macro_f1": results.get("test", {}).get("macro_f1"),
             "heldout_macro_f1": results.get("heldout", {}).get("macro_f1")}
    write_outputs(args, model, cfg, labels, t, max_len, sample, extra, log_obj)
    texport.write_json(os.path.join(args.out, "training_log.json"), log_obj)
    log(f"wrote {args.out}")
    if results["val"]["macro_f1"] < args.min_val_f1:
        log(f"validation macro-F1 {results['val']['macro_f1']:.4f} is below --min-val-f1 {args.min_val_f1}")
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())

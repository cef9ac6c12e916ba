"""Classification metrics and temperature scaling."""
import numpy as np
import torch
import torch.nn.functional as F


def confusion(y_true, y_pred, k):
    m = np.zeros((k, k), dtype=np.int64)
    np.add.at(m, (y_true, y_pred), 1)
    return m


def report(y_true, y_pred, labels):
    """Per-class precision/recall/F1, macro-F1 and accuracy. A class absent from both truth and
    prediction has F1 undefined and is left out of the macro average."""
    k = len(labels)
    m = confusion(np.asarray(y_true), np.asarray(y_pred), k)
    per = {}
    f1s = []
    for i, name in enumerate(labels):
        tp = m[i, i]
        fp = m[:, i].sum() - tp
        fn = m[i, :].sum() - tp
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        per[name] = {"precision": float(p), "recall": float(r), "f1": float(f1), "support": int(m[i, :].sum())}
        if tp + fp + fn:
            f1s.append(f1)
    total = m.sum()
    return {
        "macro_f1": float(np.mean(f1s)) if f1s else 0.0,
        "accuracy": float(np.trace(m) / total) if total else 0.0,
        "per_class": per,
        "confusion": m.tolist(),
    }


def ece(probs, y, bins=15):
    """Expected calibration error of the top-class probability."""
    conf = probs.max(axis=1)
    pred = probs.argmax(axis=1)
    edges = np.linspace(0, 1, bins + 1)
    e = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (conf > lo) & (conf <= hi)
        if sel.any():
            e += sel.mean() * abs((pred[sel] == y[sel]).mean() - conf[sel].mean())
    return float(e)


def fit_temperature(logits, y, max_iter=200):
    """The temperature T > 0 minimizing the NLL of softmax(logits / T) (fitted on log T with LBFGS)."""
    logits = torch.as_tensor(logits, dtype=torch.float64)
    y = torch.as_tensor(y, dtype=torch.long)
    log_t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=0.1, max_iter=max_iter, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(logits / log_t.exp(), y)
        loss.backward()
        return loss

    opt.step(closure)
    t = float(log_t.exp().item())
    return min(max(t, 0.05), 20.0)


def nll(logits, y, t=1.0):
    return float(F.cross_entropy(torch.as_tensor(logits, dtype=torch.float64) / t, torch.as_tensor(y)).item())


def softmax(logits, t=1.0):
    z = np.asarray(logits, dtype=np.float64) / t
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)

"""Loading the encoded splits written by model/cmd/encode and batching them by length."""
import json
import os

import numpy as np
import torch


class Split:
    """One encoded split: ids [N, L] int32 padded with pad_id, lengths [N], labels [N], families."""

    def __init__(self, ids, lengths, labels, families=None):
        self.ids = ids
        self.lengths = lengths.astype(np.int64)
        self.labels = labels.astype(np.int64)
        self.families = families or [""] * len(labels)

    def __len__(self):
        return len(self.labels)


def load_meta(enc_dir):
    with open(os.path.join(enc_dir, "meta.json")) as f:
        return json.load(f)


def load_split(enc_dir, name):
    base = os.path.join(enc_dir, name)
    if not os.path.exists(base + "_ids.npy"):
        return None
    ids = np.load(base + "_ids.npy")
    lengths = np.load(base + "_lengths.npy")
    labels = np.load(base + "_labels.npy")
    fams = None
    if os.path.exists(base + "_families.txt"):
        with open(base + "_families.txt") as f:
            fams = f.read().split("\n")[: len(labels)]
    if not (len(ids) == len(lengths) == len(labels)):
        raise ValueError(f"{base}: arrays disagree in length ({len(ids)}, {len(lengths)}, {len(labels)})")
    return Split(ids, lengths, labels, fams)


def bucket_batches(lengths, batch_size, rng, shuffle=True, bucket_factor=50):
    """Index batches of similar length.

    With shuffle, indices are permuted, cut into chunks of bucket_factor*batch_size, sorted by
    length inside each chunk, cut into batches, and the batch order is shuffled. Without shuffle,
    indices are sorted by length (evaluation). rng is a numpy RandomState (deterministic).
    """
    n = len(lengths)
    if not shuffle:
        order = np.argsort(lengths, kind="stable")
        return [order[i:i + batch_size] for i in range(0, n, batch_size)]
    perm = rng.permutation(n)
    chunk = batch_size * bucket_factor
    batches = []
    for s in range(0, n, chunk):
        idx = perm[s:s + chunk]
        idx = idx[np.argsort(lengths[idx], kind="stable")]
        batches.extend(idx[i:i + batch_size] for i in range(0, len(idx), batch_size))
    rng.shuffle(batches)
    return batches


def make_batch(split, idx, pad_id):
    """input_ids and attention_mask (int64) cropped to the batch's longest row, plus labels."""
    lens = split.lengths[idx]
    t = int(lens.max())
    ids = torch.from_numpy(split.ids[idx, :t].astype(np.int64))
    mask = (ids != pad_id).long()
    return ids, mask, torch.from_numpy(split.labels[idx])

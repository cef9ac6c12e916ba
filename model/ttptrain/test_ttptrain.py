"""Unit tests of the training modules: /usr/bin/python3 -m unittest discover -s model/ttptrain -t model"""
import os
import sys
import tempfile
import unittest

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ttptrain import data as tdata  # noqa: E402
from ttptrain import export as texport  # noqa: E402
from ttptrain import metrics as tmetrics  # noqa: E402
from ttptrain.roberta import (RobertaConfig, RobertaForSequenceClassification,  # noqa: E402
                              position_ids_from_input_ids)

torch.set_num_threads(1)


def tiny_config(**kw):
    base = dict(vocab_size=50, hidden_size=16, num_hidden_layers=2, num_attention_heads=2, intermediate_size=32,
                max_position_embeddings=34, num_labels=4)
    base.update(kw)
    return RobertaConfig(**base)


class RobertaTest(unittest.TestCase):
    def test_parameter_names_match_hf(self):
        m = RobertaForSequenceClassification(tiny_config())
        names = set(n for n, _ in m.named_parameters())
        for want in [
            "roberta.embeddings.word_embeddings.weight",
            "roberta.embeddings.position_embeddings.weight",
            "roberta.embeddings.token_type_embeddings.weight",
            "roberta.embeddings.LayerNorm.weight",
            "roberta.encoder.layer.0.attention.self.query.weight",
            "roberta.encoder.layer.0.attention.self.key.bias",
            "roberta.encoder.layer.0.attention.self.value.weight",
            "roberta.encoder.layer.0.attention.output.dense.weight",
            "roberta.encoder.layer.0.attention.output.LayerNorm.bias",
            "roberta.encoder.layer.1.intermediate.dense.weight",
            "roberta.encoder.layer.1.output.dense.weight",
            "roberta.encoder.layer.1.output.LayerNorm.weight",
            "classifier.dense.weight",
            "classifier.out_proj.weight",
            "classifier.out_proj.bias",
        ]:
            self.assertIn(want, names)
        self.assertEqual(m.roberta.embeddings.token_type_embeddings.weight.shape, (1, 16))
        self.assertTrue(torch.all(m.roberta.embeddings.word_embeddings.weight[1] == 0))

    def test_position_ids_follow_roberta(self):
        ids = torch.tensor([[0, 7, 8, 2, 1, 1], [0, 9, 2, 1, 1, 1]])
        got = position_ids_from_input_ids(ids, 1)
        self.assertEqual(got.tolist(), [[2, 3, 4, 5, 1, 1], [2, 3, 4, 1, 1, 1]])

    def test_padding_does_not_change_logits(self):
        torch.manual_seed(0)
        m = RobertaForSequenceClassification(tiny_config()).eval()
        short = torch.tensor([[0, 11, 12, 13, 2]])
        padded = torch.tensor([[0, 11, 12, 13, 2, 1, 1, 1]])
        with torch.no_grad():
            a = m(short, torch.ones_like(short))
            b = m(padded, (padded != 1).long())
        self.assertEqual(a.shape, (1, 4))
        self.assertTrue(torch.allclose(a, b, atol=1e-5), (a, b))

    def test_head_uses_first_token(self):
        torch.manual_seed(0)
        m = RobertaForSequenceClassification(tiny_config()).eval()
        feats = torch.randn(2, 5, 16)
        feats2 = feats.clone()
        feats2[:, 1:] = torch.randn(2, 4, 16)
        with torch.no_grad():
            self.assertTrue(torch.allclose(m.classifier(feats), m.classifier(feats2)))

    def test_learns_separable_task(self):
        torch.manual_seed(1)
        cfg = tiny_config(hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
        m = RobertaForSequenceClassification(cfg)
        n = 256
        y = torch.randint(0, 4, (n,))
        ids = torch.randint(10, 50, (n, 8))
        ids[:, 0] = 0
        ids[:, 3] = y + 5  # the class token
        ids[:, -1] = 2
        mask = torch.ones_like(ids)
        opt = torch.optim.AdamW(m.parameters(), lr=3e-3)
        first = None
        for _ in range(150):
            loss = F.cross_entropy(m(ids, mask), y)
            first = first or float(loss)
            opt.zero_grad()
            loss.backward()
            opt.step()
        m.eval()
        with torch.no_grad():
            acc = (m(ids, mask).argmax(1) == y).float().mean().item()
        self.assertLess(float(loss), first / 4)
        self.assertGreater(acc, 0.95)


class DataTest(unittest.TestCase):
    def test_bucket_batches_cover_all_once(self):
        lengths = np.random.RandomState(0).randint(3, 100, size=1000)
        for shuffle in (True, False):
            batches = tdata.bucket_batches(lengths, 32, np.random.RandomState(1), shuffle=shuffle)
            allidx = np.concatenate(batches)
            self.assertEqual(sorted(allidx.tolist()), list(range(1000)))
            self.assertTrue(all(len(b) <= 32 for b in batches))
        spread = np.mean([lengths[b].max() - lengths[b].min() for b in batches])
        self.assertLess(spread, 5)

    def test_bucket_batches_deterministic(self):
        lengths = np.arange(500) % 37
        a = tdata.bucket_batches(lengths, 16, np.random.RandomState(5))
        b = tdata.bucket_batches(lengths, 16, np.random.RandomState(5))
        self.assertTrue(all(np.array_equal(x, y) for x, y in zip(a, b)))

    def test_make_batch_crops_to_longest(self):
        ids = np.full((3, 10), 1, dtype=np.int32)
        ids[0, :4] = [0, 5, 6, 2]
        ids[1, :6] = [0, 5, 6, 7, 8, 2]
        ids[2, :3] = [0, 5, 2]
        sp = tdata.Split(ids, np.array([4, 6, 3]), np.array([0, 1, 2]))
        x, mask, y = tdata.make_batch(sp, np.array([0, 2]), 1)
        self.assertEqual(tuple(x.shape), (2, 4))
        self.assertEqual(x.dtype, torch.int64)
        self.assertEqual(mask.tolist(), [[1, 1, 1, 1], [1, 1, 1, 0]])
        self.assertEqual(y.tolist(), [0, 2])


class MetricsTest(unittest.TestCase):
    def test_report_values(self):
        y = [0, 0, 1, 1, 2, 3]
        p = [0, 1, 1, 1, 2, 0]
        r = tmetrics.report(y, p, ["a", "b", "c", "d"])
        self.assertAlmostEqual(r["per_class"]["a"]["f1"], 0.5)
        self.assertAlmostEqual(r["per_class"]["b"]["precision"], 2 / 3)
        self.assertAlmostEqual(r["per_class"]["c"]["f1"], 1.0)
        self.assertAlmostEqual(r["per_class"]["d"]["f1"], 0.0)
        self.assertAlmostEqual(r["macro_f1"], (0.5 + 0.8 + 1.0 + 0.0) / 4)
        self.assertAlmostEqual(r["accuracy"], 4 / 6)
        self.assertEqual(r["confusion"][3][0], 1)

    def test_temperature_recovers_scale(self):
        rng = np.random.RandomState(0)
        true_logits = rng.randn(4000, 4) * 2
        probs = tmetrics.softmax(true_logits)
        y = np.array([rng.choice(4, p=pr) for pr in probs])
        t = tmetrics.fit_temperature(true_logits * 3.0, y)  # overconfident by 3x
        self.assertAlmostEqual(t, 3.0, delta=0.3)
        self.assertLess(tmetrics.nll(true_logits * 3.0, y, t), tmetrics.nll(true_logits * 3.0, y))

    def test_ece_perfect_and_bad(self):
        y = np.array([0, 1, 0, 1])
        self.assertAlmostEqual(tmetrics.ece(np.array([[1.0, 0], [0, 1.0], [1.0, 0], [0, 1.0]]), y), 0.0)
        self.assertAlmostEqual(tmetrics.ece(np.array([[1.0, 0], [1.0, 0], [1.0, 0], [1.0, 0]]), y), 0.5)


class ExportTest(unittest.TestCase):
    def test_config_fields(self):
        cfg = tiny_config()
        c = texport.hf_config(cfg, ["benign", "T1003.002", "T1562", "T1134"], 1.3, "ttpscope-tiny", "0.1.0", 32)
        self.assertEqual(c["architectures"], ["RobertaForSequenceClassification"])
        self.assertEqual(c["model_type"], "roberta")
        self.assertEqual(c["id2label"]["2"], "T1562")
        self.assertEqual(c["label2id"]["T1134"], 3)
        self.assertEqual((c["pad_token_id"], c["bos_token_id"], c["eos_token_id"]), (1, 0, 2))
        self.assertEqual(c["max_position_embeddings"], 34)
        self.assertEqual(c["type_vocab_size"], 1)
        self.assertEqual(c["layer_norm_eps"], 1e-5)
        self.assertEqual(c["ttpscope"]["temperature"], 1.3)

    def test_onnx_export_and_check(self):
        torch.manual_seed(0)
        m = RobertaForSequenceClassification(tiny_config()).eval()
        ids = torch.tensor([[0, 11, 12, 2], [0, 13, 2, 1]])
        mask = (ids != 1).long()
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "model.onnx")
            texport.export_onnx(m, p, ids, mask, opset=14)
            info = texport.check_onnx(p, 4)
        self.assertEqual(info["opset"], 14)
        self.assertEqual(info["inputs"]["input_ids"]["dims"], ["batch_size", "sequence_length"])
        self.assertEqual(info["outputs"]["logits"]["dims"], ["batch_size", 4])


if __name__ == "__main__":
    unittest.main()


class ScheduleTest(unittest.TestCase):
    def test_replan_shrinks_to_budget(self):
        import importlib.util
        spec = importlib.util.spec_from_file_location(
            "train_script", os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "train.py"))
        tr = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(tr)
        plan = {"total": 10000}
        tr.replan(plan, 1000, 100.0, 600.0, 100)  # 10 steps/s, 500 s left -> ~4750 more
        self.assertEqual(plan["total"], 1000 + int(10 * 500 * 0.95))
        tr.replan(plan, 2000, 150.0, 6000.0, 100)  # faster now: never grows
        self.assertEqual(plan["total"], 5750)
        tr.replan(plan, 5000, 700.0, 600.0, 100)  # over budget: ends at the next step
        self.assertEqual(plan["total"], 5001)
        f = tr.lr_lambda(100, plan)
        self.assertAlmostEqual(f(0), 0.01)
        self.assertAlmostEqual(f(5001), 0.0)


def _load_train_script():
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "train_script", os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "train.py"))
    tr = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tr)
    return tr


def _write_enc(d, rng, n=64, max_len=12, vocab=50):
    """A tiny encoded dataset in model/cmd/encode's layout: the label is whether token 7 occurs."""
    import json
    with open(os.path.join(d, "meta.json"), "w") as f:
        json.dump({"labels": ["benign", "T1003.002", "T1562", "T1134"], "max_len": max_len, "pad_id": 1,
                   "bos_id": 0, "eos_id": 2, "vocab_size": vocab}, f)
    for split in ("train", "val", "test"):
        ids = np.full((n, max_len), 1, dtype=np.int32)
        lengths = rng.randint(4, max_len + 1, size=n)
        labels = np.zeros(n, dtype=np.int32)
        for i, ln in enumerate(lengths):
            ids[i, 0], ids[i, ln - 1] = 0, 2
            ids[i, 1:ln - 1] = rng.randint(8, vocab, size=ln - 2)
            if i % 2:
                ids[i, 1] = 7
                labels[i] = 2
        np.save(os.path.join(d, split + "_ids.npy"), ids)
        np.save(os.path.join(d, split + "_lengths.npy"), lengths.astype(np.int32))
        np.save(os.path.join(d, split + "_labels.npy"), labels)


class TrainElsewhereTest(unittest.TestCase):
    """--weights-only then --init-weights --epochs 0: the GPU route exports what was trained."""

    def test_weights_round_trip(self):
        tr = _load_train_script()
        with tempfile.TemporaryDirectory() as d:
            enc, w, out = (os.path.join(d, x) for x in ("enc", "w", "out"))
            os.makedirs(enc)
            _write_enc(enc, np.random.RandomState(0))
            size = ["--layers", "1", "--hidden", "16", "--heads", "2", "--ffn", "32", "--threads", "1"]
            self.assertEqual(tr.main(["--data", enc, "--out", w, "--weights-only", "--max-steps", "20",
                                      "--eval-every", "10", "--batch-size", "16"] + size), 0)
            self.assertEqual(sorted(os.listdir(w)), ["training_log.json", "weights.npz"])
            with np.load(os.path.join(w, "weights.npz")) as z:
                trained = {k: z[k] for k in z.files}
            self.assertEqual(tr.main(["--data", enc, "--out", out, "--epochs", "0",
                                      "--init-weights", os.path.join(w, "weights.npz")] + size), 0)
            import json
            with open(os.path.join(out, "config.json")) as f:
                conf = json.load(f)
            self.assertEqual(conf["ttpscope"]["trained_steps"], 20)
            # The exported model holds the trained weights: its verify logits are those of a model
            # loaded from weights.npz.
            cfg = RobertaConfig(vocab_size=50, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                intermediate_size=32, max_position_embeddings=14, num_labels=4)
            m = RobertaForSequenceClassification(cfg)
            m.load_state_dict({k: torch.from_numpy(v) for k, v in trained.items()})
            m.eval()
            with open(os.path.join(out, "verify.json")) as f:
                ver = json.load(f)
            with torch.no_grad():
                got = m(torch.tensor(ver["input_ids"]), torch.tensor(ver["attention_mask"])).numpy()
            np.testing.assert_allclose(got, np.array(ver["logits"]), atol=1e-4)

    def test_init_weights_rejects_wrong_shape_names(self):
        tr = _load_train_script()
        with tempfile.TemporaryDirectory() as d:
            enc = os.path.join(d, "enc")
            os.makedirs(enc)
            _write_enc(enc, np.random.RandomState(1))
            bad = os.path.join(d, "bad.npz")
            np.savez(bad, **{"not.a.parameter": np.zeros(3, dtype=np.float32)})
            with self.assertRaises(SystemExit) as cm:
                tr.main(["--data", enc, "--out", os.path.join(d, "o"), "--epochs", "0", "--init-weights", bad,
                         "--layers", "1", "--hidden", "16", "--heads", "2", "--ffn", "32"])
            self.assertIn("unexpected", str(cm.exception.code))

"""Unit tests of LoRA and of rebuilding a model from its ONNX export."""
import os
import sys
import tempfile
import unittest

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ttptrain import export as texport  # noqa: E402
from ttptrain import lora as tlora  # noqa: E402
from ttptrain.roberta import RobertaConfig, RobertaForSequenceClassification  # noqa: E402

torch.set_num_threads(1)


def tiny():
    torch.manual_seed(3)
    cfg = RobertaConfig(vocab_size=50, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=34, num_labels=4)
    m = RobertaForSequenceClassification(cfg)
    with torch.no_grad():  # distinct values everywhere, like a trained model (the exporter merges equal constants)
        for p in m.parameters():
            p.normal_(0, 0.1)
    m.eval()
    return m, cfg


def batch():
    ids = torch.tensor([[0, 5, 9, 11, 2, 1, 1], [0, 7, 8, 9, 10, 12, 2]])
    return ids, (ids != 1).long()


class LoRATest(unittest.TestCase):
    def test_starts_as_identity_and_merges_exactly(self):
        m, _ = tiny()
        ids, mask = batch()
        with torch.no_grad():
            ref = m(ids, mask)
        names = tlora.apply_lora(m, rank=4, alpha=8)
        self.assertEqual(len(names), 12)  # 6 projections x 2 layers
        self.assertTrue(all("classifier" not in n for n in names))
        m.eval()
        with torch.no_grad():
            self.assertTrue(torch.allclose(m(ids, mask), ref, atol=1e-6))  # B starts at zero
        trainable = {n for n, p in m.named_parameters() if p.requires_grad}
        self.assertTrue(all("lora_" in n or n.startswith("classifier.") for n in trainable), trainable)
        with torch.no_grad():
            for mod in m.modules():
                if isinstance(mod, tlora.LoRALinear):
                    mod.lora_B.normal_()
            adapted = m(ids, mask)
        self.assertFalse(torch.allclose(adapted, ref, atol=1e-3))
        self.assertEqual(tlora.merge_lora(m), 12)
        self.assertFalse(any(isinstance(mod, tlora.LoRALinear) for mod in m.modules()))
        with torch.no_grad():
            self.assertTrue(torch.allclose(m(ids, mask), adapted, atol=1e-5))

    def test_load_exported_round_trip(self):
        m, cfg = tiny()
        ids, mask = batch()
        with tempfile.TemporaryDirectory() as d:
            texport.export_onnx(m, os.path.join(d, "model.onnx"), ids, mask)
            texport.write_json(os.path.join(d, "config.json"),
                               texport.hf_config(cfg, ["benign", "a", "b", "c"], 1.0, "t", "1", 32))
            back, conf = tlora.load_exported(d)
        self.assertFalse(back.training)
        self.assertEqual(conf["ttpscope"]["name"], "t")
        want, got = m.state_dict(), back.state_dict()
        for k in want:
            self.assertTrue(torch.equal(want[k], got[k]), k)


if __name__ == "__main__":
    unittest.main()

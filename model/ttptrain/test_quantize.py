"""Unit tests of model/quantize.py (dynamic int8 quantization)."""
import os
import sys
import unittest

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import quantize  # noqa: E402


class QuantizeTest(unittest.TestCase):
    def test_weight_round_trip(self):
        rng = np.random.default_rng(1)
        w = rng.normal(size=(64, 32)).astype(np.float32)
        w[:, 3] = 0  # an all-zero column must not divide by zero
        q, scale = quantize.quantize_weight(w)
        self.assertEqual(q.dtype, np.int8)
        self.assertEqual(scale.shape, (32,))
        self.assertEqual(int(np.abs(q).max()), 127)
        err = np.abs(q.astype(np.float32) * scale - w)
        self.assertTrue(np.all(err <= scale / 2 + 1e-7), err.max())
        self.assertTrue(np.all(q[:, 3] == 0))

    def test_graph_rewrite(self):
        w = numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(3, 4), "w")
        nodes = [helper.make_node("MatMul", ["x", "w"], ["y"], name="mm"),
                 helper.make_node("MatMul", ["y", "y2"], ["z"], name="dyn")]  # no constant weight: kept
        g = helper.make_graph(nodes, "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3]),
                               helper.make_tensor_value_info("y2", TensorProto.FLOAT, [4, 2])],
                              [helper.make_tensor_value_info("z", TensorProto.FLOAT, [2, 2])], [w])
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 14)])
        self.assertEqual(quantize.quantize(m), 1)
        ops = [(n.op_type, n.domain) for n in m.graph.node]
        self.assertEqual(ops, [("DynamicQuantizeMatMul", "com.microsoft"), ("MatMul", "")])
        names = sorted(i.name for i in m.graph.initializer)
        self.assertEqual(names, ["w_int8", "w_scale", "w_zero_point"])
        self.assertIn("com.microsoft", [o.domain for o in m.opset_import])
        onnx.checker.check_model(m)


if __name__ == "__main__":
    unittest.main()

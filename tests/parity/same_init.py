"""Runs an exported VAE Playground script, but starts its model from the app's initial
weights (a float32 file from tests/parity/app-train.ts: per layer, weights inputs x outputs
row-major, then biases), so app and PyTorch differ only in their noise draws.
    python same_init.py WEIGHTS SCRIPT [script arguments...]
"""
import importlib.util
import sys

import torch

weights_file, script = sys.argv[1], sys.argv[2]
spec = importlib.util.spec_from_file_location("exported", script)
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
flat = torch.frombuffer(bytearray(open(weights_file, "rb").read()), dtype=torch.float32)
original_init = m.VAE.__init__


def init_from_app(self):
    original_init(self)
    offset = 0
    with torch.no_grad():
        for layer in [l for l in self.modules() if isinstance(l, torch.nn.Linear)]:
            out_f, in_f = layer.weight.shape
            layer.weight.copy_(flat[offset:offset + in_f * out_f].reshape(in_f, out_f).t())
            offset += in_f * out_f
            layer.bias.copy_(flat[offset:offset + out_f])
            offset += out_f
    if offset != flat.numel():
        raise SystemExit(f"{weights_file} holds {flat.numel()} values, the model {offset}")


m.VAE.__init__ = init_from_app
sys.argv = [script] + sys.argv[3:]
m.main()

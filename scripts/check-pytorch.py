"""Loads a compact model's model.py + model.safetensors with PyTorch and prints the largest difference from
TensorFlow.js' outputs on the same inputs. Run by scripts/check-pytorch.ts, which writes the reference:

    python3 scripts/check-pytorch.py RUN_DIR/compact REFERENCE.json

REFERENCE.json: {"name", "inputs" (row-major, NCHW for images), "shape", "outputs" (TensorFlow.js')}.
Exit 1 when the difference is over 1e-4.
"""
import importlib.util
import json
import sys
from pathlib import Path

import torch


def main():
    folder, reference = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text())
    spec = importlib.util.spec_from_file_location("exported_model", folder / "model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    net = module.load()
    x = torch.tensor(reference["inputs"], dtype=torch.float32).reshape(reference["shape"])
    with torch.no_grad():
        y = net(x)
    expected = torch.tensor(reference["outputs"], dtype=torch.float32).reshape(y.shape)
    diff = (y - expected).abs().max().item()
    print(f"{reference['name']}: max |PyTorch - TensorFlow.js| {diff:.3g} over {y.numel()} outputs (torch {torch.__version__})")
    return 0 if diff <= 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main())

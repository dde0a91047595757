"""The PyTorch eager peer: the same networks, data and per-batch bookkeeping as ``fit``.

Per batch it does what Keras-style ``fit`` does: forward, cross-entropy loss,
running loss and accuracy (on the pre-update outputs), backward, optimizer step.
Glorot-uniform kernels and zero biases like Keras; BatchNorm1d with Keras's
momentum (0.01 in PyTorch's convention) and epsilon 1e-3.
"""

from __future__ import annotations


def build(workload, sizes, seed):
    import torch
    from torch import nn

    torch.manual_seed(seed)
    act = nn.Sigmoid if workload.activation == "sigmoid" else nn.ReLU
    mods = []
    for k, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        lin = nn.Linear(a, b)
        nn.init.xavier_uniform_(lin.weight)
        nn.init.zeros_(lin.bias)
        mods.append(lin)
        if k < len(sizes) - 2:
            if workload.batchnorm:
                mods.append(nn.BatchNorm1d(b, eps=1e-3, momentum=0.01))
            mods.append(act())
    model = nn.Sequential(*mods)
    if workload.optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=workload.lr, eps=1e-7)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=workload.lr)
    return model, opt


def train_epoch(model, opt, x, y, batch_size, gen):
    import torch

    loss_fn = torch.nn.CrossEntropyLoss()
    order = torch.randperm(len(x), generator=gen)
    xs, ys = x[order], y[order]
    loss_sum = torch.zeros(())
    correct = torch.zeros((), dtype=torch.int64)
    model.train()
    for s in range(0, len(xs), batch_size):
        xb, yb = xs[s : s + batch_size], ys[s : s + batch_size]
        out = model(xb)
        loss = loss_fn(out, yb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        with torch.no_grad():
            loss_sum += loss.detach() * len(yb)
            correct += (out.argmax(1) == yb).sum()
    return float(loss_sum) / len(x), int(correct) / len(x)


def predict(model, x, batch_size=32):
    import torch

    model.eval()
    with torch.no_grad():
        return torch.cat([model(x[s : s + batch_size]) for s in range(0, len(x), batch_size)])

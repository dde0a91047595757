"""One measurement in its own process: ``python -m benchmarks.worker IMPL WORKLOAD``.

Prints one JSON line: per-repeat times, min, median, test accuracy, peak RSS.
IMPL is ``scratchdl`` (through the Keras-face ``fit``, or the book face for W5),
``torch`` (PyTorch eager) or ``numpy`` (the lean reference loop).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time

import numpy as np

from benchmarks.workloads import WORKLOADS, layer_sizes, load_mnist_float32

W5_ITERATIONS = 24000


def _limit_threads(threads):
    from threadpoolctl import threadpool_info, threadpool_limits

    limiter = threadpool_limits(threads)
    info = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    arch = info[0].get("architecture", "?") if info else "?"
    return limiter, arch


def _sparse_ce_with_tf_ops(y_true, y_pred):
    """W1L's loss: the sparse cross-entropy written by hand with tf ops (Keras's clipping)."""
    import scratchdl.tensorflow as tf

    p = tf.clip_by_value(y_pred, 1e-7, 1.0 - 1e-7)
    picked = tf.reduce_sum(tf.one_hot(tf.cast(y_true, "int64"), 10, dtype=p.dtype) * p, axis=-1)
    return -tf.math.log(picked)


def _functional_model(w, seed):
    from scratchdl.keras import Input, Model
    from scratchdl.keras.layers import Dense
    from scratchdl.keras.optimizers import SGD

    x = inputs = Input(shape=(784,))
    for units in w.hidden:
        x = Dense(units, activation=w.activation)(x)
    model = Model(inputs, Dense(10, activation="softmax")(x), seed=seed)
    model.compile(SGD(learning_rate=w.lr), "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _scratchdl_model(w, seed):
    from scratchdl.keras.layers import BatchNormalization, Dense, InputLayer
    from scratchdl.keras.models import Sequential
    from scratchdl.keras.optimizers import SGD, Adam

    if w.style == "functional":
        return _functional_model(w, seed)
    model = Sequential(seed=seed)
    model.add(InputLayer(shape=(784,)))
    for units in w.hidden:
        if w.batchnorm:
            model.add(Dense(units))
            model.add(BatchNormalization())
            from scratchdl.keras.layers import Activation

            model.add(Activation(w.activation))
        else:
            model.add(Dense(units, activation=w.activation))
    model.add(Dense(10, activation="softmax"))
    opt = Adam(learning_rate=w.lr) if w.optimizer == "adam" else SGD(learning_rate=w.lr)
    loss = _sparse_ce_with_tf_ops if w.style == "tf_loss" else "sparse_categorical_crossentropy"
    model.compile(optimizer=opt, loss=loss, metrics=["accuracy"])
    return model


class _EpochTimer:
    """A callback recording the wall time of each epoch (no batch hooks: the fast path)."""

    def __init__(self):
        from scratchdl.keras.callbacks import Callback  # (also in older checkouts: --baseline)

        class Timer(Callback):
            def __init__(self):
                super().__init__()
                self.times = []

            def on_epoch_begin(self, epoch, logs=None):
                self._t = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                self.times.append(time.perf_counter() - self._t)

        self.callback = Timer()


def run_scratchdl(w, data, repeats, seed):
    x, y, xt, yt = data
    if w.name == "W5":
        return run_book_w5(data, repeats, seed)
    times = []
    runs = repeats + 1 if w.epochs_per_run == 1 else repeats
    for r in range(1 if w.epochs_per_run == 1 else runs):
        model = _scratchdl_model(w, seed + r)
        timer = _EpochTimer().callback
        t0 = time.perf_counter()
        epochs = runs if w.epochs_per_run == 1 else w.epochs_per_run
        model.fit(x, y, batch_size=w.batch_size, epochs=epochs, verbose=0, callbacks=[timer])
        times += timer.times[1:] if w.epochs_per_run == 1 else [time.perf_counter() - t0]
    acc = float((model.predict(xt, verbose=0).argmax(1) == yt).mean())
    return times, acc, model


def run_book_w5(data, repeats, seed, iterations=None):
    from scratchdl.book.ch04.two_layer_net import TwoLayerNet

    x, y, xt, yt = data
    iterations = iterations or W5_ITERATIONS
    t = np.eye(10, dtype=np.float32)[y]
    times = []
    for r in range(repeats):
        rng = np.random.default_rng(seed + r)
        net = TwoLayerNet(784, 50, 10, rng=rng)
        t0 = time.perf_counter()
        for _ in range(iterations):
            idx = rng.integers(0, len(x), 100)
            grads = net.gradient(x[idx], t[idx])
            for key in ("W1", "b1", "W2", "b2"):
                net.params[key] -= 0.1 * grads[key]
        times.append(time.perf_counter() - t0)
    acc = float(net.accuracy(xt, np.eye(10)[yt]))
    return times, acc, None


def run_numpy(w, data, repeats, seed):
    from benchmarks.numpy_ref import LeanMLP, train_epoch

    x, y, xt, yt = data
    sizes = layer_sizes(w)
    times = []
    if w.name == "W5":
        for r in range(repeats):
            rng = np.random.default_rng(seed + r)
            model = LeanMLP(sizes, w.activation, False, "sgd", w.lr, rng)
            t0 = time.perf_counter()
            for _ in range(W5_ITERATIONS_RUN[0]):
                idx = rng.integers(0, len(x), 100)
                model.step(x[idx], y[idx])
            times.append(time.perf_counter() - t0)
    else:
        runs = repeats + 1 if w.epochs_per_run == 1 else repeats
        for r in range(1 if w.epochs_per_run == 1 else runs):
            rng = np.random.default_rng(seed + r)
            model = LeanMLP(sizes, w.activation, w.batchnorm, w.optimizer, w.lr, rng)
            epochs = runs if w.epochs_per_run == 1 else w.epochs_per_run
            t0 = time.perf_counter()
            for e in range(epochs):
                te = time.perf_counter()
                train_epoch(model, x, y, w.batch_size, rng)
                if w.epochs_per_run == 1 and e > 0:
                    times.append(time.perf_counter() - te)
            if w.epochs_per_run > 1:
                times.append(time.perf_counter() - t0)
    return times, None, None


def run_torch(w, data, repeats, seed, threads):
    import torch

    from benchmarks import torch_peer

    torch.set_num_threads(threads)
    x, y, xt, yt = (torch.from_numpy(a) for a in data)
    sizes = layer_sizes(w)
    gen = torch.Generator().manual_seed(seed)
    times = []
    if w.name == "W5":
        for _ in range(repeats):
            model, opt = torch_peer.build(w, sizes, seed)
            loss_fn = torch.nn.CrossEntropyLoss()
            t0 = time.perf_counter()
            for _ in range(W5_ITERATIONS_RUN[0]):
                idx = torch.randint(0, len(x), (100,), generator=gen)
                loss = loss_fn(model(x[idx]), y[idx])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
            times.append(time.perf_counter() - t0)
    else:
        runs = repeats + 1 if w.epochs_per_run == 1 else repeats
        for _ in range(1 if w.epochs_per_run == 1 else runs):
            model, opt = torch_peer.build(w, sizes, seed)
            epochs = runs if w.epochs_per_run == 1 else w.epochs_per_run
            t0 = time.perf_counter()
            for e in range(epochs):
                te = time.perf_counter()
                torch_peer.train_epoch(model, opt, x, y, w.batch_size, gen)
                if w.epochs_per_run == 1 and e > 0:
                    times.append(time.perf_counter() - te)
            if w.epochs_per_run > 1:
                times.append(time.perf_counter() - t0)
    acc = float((torch_peer.predict(model, xt).argmax(1) == yt).float().mean())
    return times, acc, model


W5_ITERATIONS_RUN = [W5_ITERATIONS]


def measure(impl, name, repeats, threads, quick, seed=0):
    w = WORKLOADS[name]
    limiter, arch = _limit_threads(threads)
    data = load_mnist_float32(w.n_train)
    if quick:
        if w.n_train is None and name != "W5":
            data = (data[0][:3000], data[1][:3000], data[2][:1000], data[3][:1000])
        if w.epochs_per_run > 1:
            w = type(w)(**{**w.__dict__, "epochs_per_run": 10})
        W5_ITERATIONS_RUN[0] = 300
    if impl == "scratchdl":
        if name == "W5":
            times, acc, _ = run_book_w5(data, repeats, seed, W5_ITERATIONS_RUN[0])
        else:
            times, acc, _ = run_scratchdl(w, data, repeats, seed)
    elif impl == "numpy":
        times, acc, _ = run_numpy(w, data, repeats, seed)
    elif impl == "torch":
        times, acc, _ = run_torch(w, data, repeats, seed, threads)
    else:
        raise SystemExit(f"unknown implementation {impl!r}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "impl": impl,
        "workload": name,
        "times": times,
        "min": min(times),
        "median": statistics.median(times),
        "accuracy": acc,
        "peak_rss_mb": peak_mb,
        "threads": threads,
        "blas_kernel": arch,
        "quick": quick,
    }


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.worker")
    p.add_argument("impl")
    p.add_argument("workload")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--quick", action="store_true")
    a = p.parse_args(argv)
    print(json.dumps(measure(a.impl, a.workload, a.repeats, a.threads, a.quick)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

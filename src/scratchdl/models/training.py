"""The training, evaluation and prediction loops of ``Sequential`` (Keras semantics, A3).

One training step::

    out  = layer_k(... layer_1(xb))            forward, training=True
    L    = loss(out, yb) + sum of penalties    recorded before the update
    d    = dL/d(out)  (or dL/dz when the softmax/sigmoid is fused with the loss)
    d    = layer_i.backward(d) for i = k .. first layer with parameters
    grad += regularizer gradients; optimizer.apply(store)

Epoch numbers (as Keras): the training ``loss`` is the batch-size-weighted running
mean of the total loss over the epoch; metrics are running means on the forward
passes before each update; validation runs once at the end of the epoch in
inference mode.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from scratchdl import metrics as metrics_module
from scratchdl.autodiff.calls import on_tape
from scratchdl.autodiff.ops.shape import Reshape
from scratchdl.autodiff.tape import GradientTape
from scratchdl.autodiff.tensor import Tensor, apply, value_of
from scratchdl.eager import as_eager
from scratchdl.layers.symbolic import call_symbolic, flatten_inputs, is_symbolic
from scratchdl.models.custom_step import CompiledMetrics, loss_tracker, penalty_terms, unpack_data
from scratchdl.models.data_adapter import (
    check_batch_size,
    check_fit_options,
    check_steps,
    check_targets,
    check_validation_freq,
    class_weights_to_sample_weights,
    prepare_x,
    split_validation,
)
from scratchdl.models.datasets_input import (
    DatasetBatches,
    check_dataset_args,
    is_dataset,
    unpack,
)
from scratchdl.models.fit_loop import (
    FitPlan,
    evaluation_bar,
    finish_evaluation_bar,
    make_callbacks,
    resolve_verbose,
    run_fit,
)

__all__ = ["TrainingMixin"]


def _same_layout(shape, expected):
    """True when an input of ``shape`` is the model's ``expected`` input reshaped safely.

    Safe means the same values in the same C order: the shapes differ only by axes of
    size 1 (``(28, 28, 1)`` for ``(28, 28)``), or one side is the flat vector of the
    other (``(784,)`` for ``(28, 28)`` and back).  Other rearrangements of the same
    count (``(14, 56)`` for ``(28, 28)``) are refused rather than guessed.
    """
    if int(np.prod(shape)) != int(np.prod(expected)):
        return False
    squeezed = tuple(d for d in shape if d != 1)
    squeezed_expected = tuple(d for d in expected if d != 1)
    return squeezed == squeezed_expected or min(len(squeezed), len(squeezed_expected)) <= 1


class TrainingMixin:
    """``fit``, ``evaluate``, ``predict``, ``train_on_batch`` and ``__call__``."""

    # -- forward / backward ----------------------------------------------------------
    def _forward(self, x, training):
        for layer in self._layers:
            x = layer.forward(x, training)
        return x

    def __call__(self, x: Any, training: bool | None = None) -> Any:
        """``model(x)``: the outputs (an EagerTensor, ``.numpy()`` works).

        ``training=True`` runs the layers in training mode (dropout active, batch
        norm on batch statistics, updating its moving ones), as Keras's call does.
        """
        if is_symbolic(x):  # the functional API: this model becomes one node of a graph
            return self._call_symbolic(x)
        if on_tape(*flatten_inputs(x)):  # each layer call is one recorded op
            return self._call_on_tape(x, training)
        out = self._forward(self._prepare_input(x), bool(training))
        return [as_eager(o) for o in out] if isinstance(out, list) else as_eager(out)

    def _call_symbolic(self, x):
        shape = tuple(x.shape[1:])
        if not self.built:
            self.build_as_layer(shape, x.dtype)
        elif shape != tuple(self.layer_input_shape):
            raise ValueError(
                f"model {self.name!r} takes inputs of shape {(None, *self.layer_input_shape)}, "
                f"received {x!r}"
            )
        return call_symbolic(self, x, shape, self.layer_output_shape)

    def _call_on_tape(self, x, training):
        """A chain of layer calls on tensors (a graph model overrides this)."""
        prepared = self._prepare_input(value_of(x))  # builds; checks the shape
        out = x if isinstance(x, Tensor) else Tensor(prepared)
        if out.shape != prepared.shape:  # e.g. (N, 28, 28, 1) for a (28, 28) model
            out = apply(Reshape(prepared.shape), out)
        for layer in self._layers:
            out = layer(out, training=training)
        return out

    def _fusable(self):
        """True when the last layer's activation is the one the loss fuses with."""
        want = getattr(self.loss, "fuses_with", None)
        if want is None:
            return False
        last = self._layers[-1]
        fn = getattr(last, "activation", None) or getattr(last, "fn", None)
        return getattr(fn, "name", None) == want and getattr(fn, "axis", -1) == -1

    def _backward(self) -> None:
        """Backpropagation from the loss: every layer writes dL/dθ into its gradients."""
        layers = self._layers
        d = self.loss.fused_backward() if self._fused else self.loss.backward()
        k = len(layers) - 1
        if self._fused:  # d is dL/dz of the last activation: skip that activation
            last = layers[-1]
            d = last.backward_linear(d) if hasattr(last, "backward_linear") else d
            k -= 1
        for i in range(k, self._first_grad - 1, -1):
            d = layers[i].backward(d)

    def add_loss(self, loss: Any) -> None:
        """Keras's ``model.add_loss``: a zero-argument callable of the weights (tensor ops).

        Its value joins the loss of every training step and evaluation; its gradient
        comes from the tape.  A symbolic tensor (``model.add_loss(x)`` on a graph's
        tensor) is not supported: add the term inside a Layer's ``call`` instead.
        """
        if not callable(loss):
            raise ValueError(
                "model.add_loss takes a zero-argument callable, e.g. "
                "lambda: 1e-3 * tf.reduce_sum(tf.square(layer.kernel)); a term that depends "
                "on the inputs belongs in a Layer's call (self.add_loss(...))"
            )
        self._model_losses = [*self._model_losses, loss]

    def _model_loss_terms(self, add_gradients=False) -> float:
        """The ``model.add_loss`` terms summed; their gradients added to the Variables'."""
        variables = self.trainable_weights
        with GradientTape() as tape:
            total = 0.0
            for fn in self._model_losses:
                total = total + fn()
        if add_gradients:
            for var, g in zip(variables, tape.gradient(total, variables)):
                if g is not None:
                    var.grad = var.grad + value_of(g)
        return float(np.sum(value_of(total)))

    def _activity_penalty(self):
        """Penalties computed on the last forward (activity regularizers, add_loss terms)."""
        return sum(layer.activity_penalty() for layer in self._act_reg_layers)

    def _penalty(self):
        total = 0.0
        for layer in self._reg_layers:
            total += layer.penalty()
        for layer in self._act_reg_layers:
            total += layer.activity_penalty()
        return total

    def _train_step(self, xb, yb, swb):
        """Forward, loss, backward, update; returns (loss before the update, outputs).

        After the backward every trainable Variable's ``grad`` is dL/dθ of this
        batch's loss (penalties included), whatever the optimizer.
        """
        out = self._forward(xb, True)
        loss = self.loss.forward_trusted(out, yb, swb)
        if self._reg_layers or self._act_reg_layers:
            loss += self._penalty()
        self._backward()
        for layer in self._reg_layers:
            layer.add_penalty_gradients()
        if self._model_losses:
            loss += self._model_loss_terms(add_gradients=True)
        if self._check_next_step:
            self._check_wiring()
        self.optimizer.apply(self.store)
        return loss, out

    def _check_wiring(self) -> None:
        """Stop with a clear error if a layer replaced its params/grads dicts (first step)."""
        for layer in self._layers:
            layer.check_wiring()
        self._check_next_step = False

    # -- input handling ------------------------------------------------------------
    def _prepare_input(self, x):
        x = prepare_x(x, self.dtype)
        if not self.built:
            if self._input_layer is None:
                self._input_layer = self._make_input_layer(x.shape[1:])
            self._build_from(self._input_layer.shape)
        expected = tuple(self._input_layer.shape)
        if x.shape[1:] != expected:
            if _same_layout(x.shape[1:], expected):  # (1, 28, 28, 1) for (28, 28)
                return x.reshape((x.shape[0],) + expected)
            hint = ""
            if int(np.prod(x.shape[1:])) == int(np.prod(expected)):
                hint = (
                    f"; if it holds the same layout, reshape it first: "
                    f"x.reshape((len(x),) + {expected})"
                )
            raise ValueError(
                f"Input of model {self.name!r} is incompatible: expected shape "
                f"{(None,) + expected}, received an array of shape {x.shape}{hint}"
            )
        return x

    def _make_input_layer(self, shape):
        from scratchdl.layers import InputLayer

        return InputLayer(shape=shape)

    def _require_compiled(self, what):
        if not getattr(self, "compiled", False):
            raise RuntimeError(
                f"You must compile your model before {what}. "
                f"Call model.compile(optimizer, loss, metrics) first."
            )

    def _build_metrics(self, y, out_shape) -> None:
        """The compiled metrics, then the weighted ones (renamed ``weighted_<name>`` on a clash)."""
        probe_pred = np.zeros((1,) + tuple(out_shape[1:]), dtype=self.dtype)
        probe_true = y[:1]
        specs = self._metric_specs
        if isinstance(specs, dict):  # {output name: metrics}: one output takes them all
            specs = [s for v in specs.values() for s in (v if isinstance(v, list) else [v])]
        plain = [metrics_module.get(s, probe_true, probe_pred) for s in specs]
        self.compiled_metrics = CompiledMetrics(
            plain + self._weighted(plain, probe_true, probe_pred)
        )

    def _weighted(self, plain, probe_true, probe_pred):
        names = {m.name for m in plain}
        weighted = []
        for spec in getattr(self, "_weighted_metric_specs", []):
            m = metrics_module.get(spec, probe_true, probe_pred)
            if m.name in names:
                m.name = f"weighted_{m.name}"
            m.weighted = True
            weighted.append(m)
        return weighted

    def _prepare_fit_data(self, x, y, sample_weight, class_weight):
        x = self._prepare_input(x)
        y = np.asarray(y)
        if len(x) != len(y):
            raise ValueError(
                f"x and y must have the same number of samples, received x with {len(x)} "
                f"and y with {len(y)}"
            )
        if class_weight is not None:
            if sample_weight is not None:
                raise ValueError("You cannot pass both class_weight and sample_weight")
            sample_weight = class_weights_to_sample_weights(y, class_weight)
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=self.dtype).reshape(-1)
            if len(sample_weight) != len(y):
                raise ValueError(
                    f"sample_weight has {len(sample_weight)} entries for {len(y)} samples"
                )
        check_targets(self.loss, y, self.output_shape)
        if getattr(self.loss, "name", "") == "sparse_categorical_crossentropy":
            y = y.reshape(-1).astype(np.int64, copy=False)  # checked once: (N,) class ids
        return x, y, sample_weight

    # -- customizing what happens in fit (models/custom_step.py) ---------------------
    def train_step(self, data: Any) -> dict:
        """One batch of ``fit``: a subclass may override it (Keras's extension point).

        ``data`` is ``(x, y)`` or ``(x, y, sample_weight)`` of prepared arrays; the
        return value is the logs dict ``fit`` shows.  This default is the engine's
        own step (the hand-written backward), so ``super().train_step(data)`` works.
        """
        x, y, sw = unpack_data(data)
        loss, out = self._train_step(x, y, sw)
        self.loss_tracker.update_state(np.full(len(y), loss))
        self.compiled_metrics.update_state(y, out, sw)
        return {m.name: m.result() for m in self.metrics}

    @property
    def loss_tracker(self) -> Any:
        if getattr(self, "_loss_tracker", None) is None:
            self._loss_tracker = loss_tracker()
        return self._loss_tracker

    @property
    def metrics(self) -> list:
        """The ``loss`` tracker, then the compiled metrics (built by the first fit)."""
        return [self.loss_tracker, *(self.compiled_metrics or [])]

    def reset_metrics(self) -> None:
        for m in self.metrics:
            m.reset_state()

    @property
    def losses(self) -> list:
        """Regularization terms as tensors: weight penalties and ``add_loss`` terms."""
        leaves = self.flat_layers()
        added = [t for layer in leaves for t in getattr(layer, "layer_losses", [])]
        return penalty_terms(leaves) + added

    def compute_metrics(self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None) -> dict:
        """Update the compiled metrics; the logs ``{name: result}`` of ``self.metrics``."""
        self.compiled_metrics.update_state(y, y_pred, sample_weight)
        return {m.name: m.result() for m in self.metrics}

    def compiled_loss(
        self,
        y_true: Any,
        y_pred: Any,
        sample_weight: Any = None,
        regularization_losses: list | None = None,
    ) -> Any:
        """tf.keras 2.x: the compiled loss (+ the given regularization terms), counted."""
        total = self.loss(y_true, y_pred, sample_weight)
        for term in regularization_losses or []:
            total = total + term
        n = len(value_of(y_pred))
        self.loss_tracker.update_state(np.full(n, float(value_of(total))))
        return total

    def compute_loss(
        self, x: Any = None, y: Any = None, y_pred: Any = None, sample_weight: Any = None
    ) -> Any:
        """Keras 3: the compiled loss plus every regularization term of the model."""
        total = self.loss(y, y_pred, sample_weight)
        for term in self.losses:
            total = total + term
        return total

    # -- fit ------------------------------------------------------------------------
    def fit(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose: str | int = "auto",
        callbacks: list[Any] | None = None,
        validation_split: float = 0.0,
        validation_data: Any = None,
        shuffle: bool = True,
        class_weight: dict[int, float] | None = None,
        sample_weight: np.ndarray | None = None,
        initial_epoch: int = 0,
        steps_per_epoch: int | None = None,
        validation_steps: int | None = None,
        validation_batch_size: int | None = None,
        validation_freq: int | list[int] = 1,
    ) -> Any:
        """Train for ``epochs`` epochs (Keras semantics; see the module docstring).

        ``steps_per_epoch``: an epoch is that many batches of one stream of passes
        over the data, continuing across epochs; if the stream runs out, training
        stops with tf.keras's warning.  Without ``batch_size`` the batch size is then
        ``ceil(N / steps_per_epoch)``.  ``validation_steps`` caps the validation
        batches (each validation starts from the first).  Ctrl-C stops after the
        current batch; the model and the returned History stay usable.
        """
        self._require_compiled("training/testing")
        steps_per_epoch = check_steps("steps_per_epoch", steps_per_epoch)
        validation_steps = check_steps("validation_steps", validation_steps)
        validation_freq = check_validation_freq(validation_freq)
        check_fit_options(epochs, initial_epoch, shuffle)
        verbose = resolve_verbose(verbose)
        batches = None
        if is_dataset(x):  # its batches, shuffling and targets come from the dataset
            check_dataset_args(y, batch_size, sample_weight, validation_split)
            batches = DatasetBatches(x, steps_per_epoch)
            x, y, sample_weight = batches.first()
        if x is None or y is None:
            raise ValueError("fit() needs x and y arrays (or a dataset of (x, y) batches)")
        x, y, sw = self._prepare_fit_data(x, y, sample_weight, class_weight)
        if batch_size is None and steps_per_epoch is not None:
            batch_size = math.ceil(len(x) / steps_per_epoch)
        batch_size = check_batch_size(batch_size)
        if validation_data is None and validation_split:
            (x, y, sw), validation_data = split_validation(x, y, sw, validation_split)
        if is_dataset(validation_data):
            validation_data = (validation_data, None, None)
        elif validation_data is not None:
            validation_data = self._prepare_validation(validation_data)
        self._ensure_optimizer()
        self._build_metrics(y, self.output_shape)
        plan = FitPlan(
            train_step=self._train_step,
            evaluate=self._evaluate_arrays,
            metrics=self.compiled_metrics,
            rng=self.rng,
            x=x,
            y=y,
            sw=sw,
            batch_size=batch_size,
            epochs=epochs,
            initial_epoch=initial_epoch,
            shuffle=shuffle,
            steps_per_epoch=steps_per_epoch,
            validation_data=validation_data,
            validation_batch_size=check_batch_size(validation_batch_size or batch_size),
            validation_steps=validation_steps,
            validation_freq=validation_freq,
            verbose=verbose,
            callbacks=list(callbacks or []),
        )
        if type(self).train_step is not TrainingMixin.train_step:
            plan.custom_step, plan.reset_metrics = self.train_step, self.reset_metrics
        if batches is not None:
            plan.batches = batches
            plan.prepare = lambda xb, yb, swb: self._prepare_fit_data(xb, yb, swb, class_weight)
        return run_fit(self, plan)

    def _prepare_validation(self, data):
        if not isinstance(data, (tuple, list)) or len(data) not in (2, 3):
            what = (
                f"a {type(data).__name__} of length {len(data)}"
                if isinstance(data, (tuple, list))
                else f"an object of type {type(data).__name__}"
            )
            raise ValueError(
                "validation_data must be a tuple (x_val, y_val) or (x_val, y_val, "
                f"sample_weight), received {what}"
            )
        sw = data[2] if len(data) == 3 else None
        xv, yv, swv = self._prepare_fit_data(data[0], data[1], sw, None)
        return xv, yv, swv

    def _ensure_optimizer(self) -> None:
        """Before training: the store is this model's, the optimizer built for it."""
        self.ensure_store()
        if getattr(self.optimizer, "_built_for", None) is not self.store:
            self.optimizer.build(self.store)
            self.optimizer._built_for = self.store
        self._fused = self._fusable()
        self._check_next_step = True

    # -- evaluate / predict ------------------------------------------------------------
    def _evaluate_arrays(self, x, y, sw, batch_size, steps=None, callbacks=None):
        """Loss (incl. penalties) and metric values on (x, y) in inference mode.

        ``steps`` caps the number of batches; ``callbacks`` (a CallbackList) get the
        ``on_test_*`` hooks with logs without a ``val_`` prefix.  ``x`` may be a
        dataset of batches (then ``y``, ``sw`` and ``batch_size`` are unused).
        """
        if is_dataset(x):
            batches = (self._prepare_fit_data(*unpack(e), None) for e in x)
        else:
            batches = (
                (
                    x[i : i + batch_size],
                    y[i : i + batch_size],
                    None if sw is None else sw[i : i + batch_size],
                )
                for i in range(0, len(x), batch_size)
            )
        return self._evaluate_batches(batches, steps, callbacks)

    def _evaluate_batches(self, batches, steps, callbacks):
        """The evaluation loop over ``(x, y, sample_weight)`` batches (batch-size weighted)."""
        loss_sum, n_total = 0.0, 0
        metrics = self.compiled_metrics or []
        for m in metrics:
            m.reset_state()
        if callbacks is not None:
            callbacks.on_test_begin()
        for batch, (xb, yb, swb) in enumerate(batches):
            if steps is not None and batch >= steps:
                break
            if callbacks is not None:
                callbacks.on_test_batch_begin(batch)
            out = self._forward(xb, False)
            loss = self.loss.forward(out, yb, sample_weight=swb) + self._activity_penalty()
            loss_sum += loss * len(yb)
            n_total += len(yb)
            for m in metrics:
                m.update_state(yb, out, swb if getattr(m, "weighted", False) else None)
            if callbacks is not None:
                callbacks.on_test_batch_end(batch, self._logs(loss_sum / n_total, metrics))
        logs = self._logs(loss_sum / max(n_total, 1), metrics)
        if callbacks is not None:
            callbacks.on_test_end(logs)
        return logs

    def _logs(self, loss, metrics):
        if self._reg_layers:
            loss += sum(layer.penalty() for layer in self._reg_layers)
        if self._model_losses:
            loss += self._model_loss_terms()
        logs = {"loss": float(loss)}
        for m in metrics:
            logs[m.name] = float(m.result())
        return logs

    def evaluate(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        verbose: str | int = "auto",
        sample_weight: np.ndarray | None = None,
        steps: int | None = None,
        callbacks: list[Any] | None = None,
        return_dict: bool = False,
    ) -> float | list[float] | dict[str, float]:
        """Loss and metrics on (x, y): a scalar (loss only), ``[loss, *metrics]``, or a dict.

        ``steps`` caps the number of batches; ``callbacks`` receive the ``on_test_*``
        hooks.
        """
        self._require_compiled("training/testing")
        steps = check_steps("steps", steps)
        verbose = resolve_verbose(verbose)
        if is_dataset(x):
            check_dataset_args(y, batch_size, sample_weight, None)
            first = self._prepare_fit_data(*DatasetBatches(x, steps).first(), None)
            y, n, batch_size = first[1], max(x.cardinality(), 1), 1
        else:
            batch_size = check_batch_size(batch_size)
            if x is None or y is None:
                raise ValueError("evaluate() needs x and y arrays (or a dataset of batches)")
            x, y, sw = self._prepare_fit_data(x, y, sample_weight, None)
            n = len(x)
        if self.compiled_metrics is None:
            self._build_metrics(y, self.output_shape)
        self._fused = self._fusable()
        n_steps = math.ceil(n / batch_size) if steps is None else steps
        cb = None
        if callbacks:
            cb, _ = make_callbacks(self, callbacks, 0, 1, n_steps, with_history=False)
        bar = evaluation_bar(n, batch_size, verbose, steps)
        logs = self._evaluate_arrays(x, y, None if is_dataset(x) else sw, batch_size, steps, cb)
        finish_evaluation_bar(bar, logs)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict(
        self,
        x: Any,
        batch_size: int | None = None,
        verbose: str | int = "auto",
        steps: int | None = None,
        callbacks: list[Any] | None = None,
    ) -> np.ndarray | list[np.ndarray]:
        """Outputs for ``x`` in inference mode, computed in batches, as one array.

        ``steps`` caps the number of batches (the result then has ``steps *
        batch_size`` rows at most); ``callbacks`` receive the ``on_predict_*`` hooks,
        ``on_predict_batch_end`` with ``{"outputs": batch outputs}`` as tf.keras.
        """
        if is_dataset(x):  # each element is a batch (x, or (x, y, ...))
            if batch_size is not None:
                raise ValueError("batch_size must not be given with a dataset")
            parts = [unpack(e)[0] for k, e in enumerate(x) if steps is None or k < steps]
            outs = [self.predict(p, batch_size=len(p), verbose=0) for p in parts]
            if outs and isinstance(outs[0], list):
                return [np.concatenate(o) for o in zip(*outs)]
            return np.concatenate(outs)
        batch_size = check_batch_size(batch_size)
        steps = check_steps("steps", steps)
        verbose = resolve_verbose(verbose)
        x = self._prepare_input(x)
        if steps is not None:
            x = x[: steps * batch_size]
        n_steps = math.ceil(len(x) / batch_size)
        cb = None
        if callbacks:
            cb, _ = make_callbacks(self, callbacks, 0, 1, n_steps, with_history=False)
            cb.on_predict_begin()
        bar = evaluation_bar(len(x), batch_size, verbose)
        shapes = self.output_shape if isinstance(self.output_shape, list) else [self.output_shape]
        outs = [np.empty((len(x), *tuple(s)[1:]), dtype=self.dtype) for s in shapes]
        for batch in range(n_steps):
            sel = slice(batch * batch_size, (batch + 1) * batch_size)
            if cb is not None:
                cb.on_predict_batch_begin(batch)
            values = self._forward(x[sel], False)
            for out, value in zip(outs, values if isinstance(values, list) else [values]):
                out[sel] = value
            if cb is not None:
                batch_out = [out[sel] for out in outs]
                cb.on_predict_batch_end(
                    batch, {"outputs": batch_out[0] if len(outs) == 1 else batch_out}
                )
        if cb is not None:
            cb.on_predict_end()
        finish_evaluation_bar(bar)
        return outs[0] if len(outs) == 1 else outs

    def train_on_batch(
        self,
        x: Any,
        y: Any = None,
        sample_weight: np.ndarray | None = None,
        class_weight: dict[int, float] | None = None,
        return_dict: bool = False,
    ) -> float | list[float] | dict[str, float]:
        """One optimizer step on one batch; returns the loss (and metrics) before the update."""
        self._require_compiled("training/testing")
        x, y, sw = self._prepare_fit_data(x, y, sample_weight, class_weight)
        self._ensure_optimizer()
        if self.compiled_metrics is None:
            self._build_metrics(y, self.output_shape)
        loss, out = self._train_step(x, y, sw)
        logs = {"loss": float(loss)}
        for m in self.compiled_metrics:
            m.reset_state()
            m.update_state(y, out, sw if getattr(m, "weighted", False) else None)
            logs[m.name] = float(m.result())
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

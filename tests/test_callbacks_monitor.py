"""EarlyStopping, ReduceLROnPlateau, LearningRateScheduler and mode "auto" on scripted logs."""

import numpy as np
import pytest

from scratchdl.models.callbacks import EarlyStopping, LearningRateScheduler, ReduceLROnPlateau
from tests.test_callbacks import FakeModel, fit


def _logs(key, values):
    return [{"loss": 1.0, key: v} for v in values]


def _run_es(key, values, **kwargs):
    model = FakeModel()
    es = EarlyStopping(monitor=key, **kwargs)
    history = fit(model, [es], _logs(key, values))
    return model, es, history


# -- EarlyStopping --------------------------------------------------------------------


def test_patience_counts_epochs_without_improvement():
    model, es, history = _run_es("val_loss", [1.0, 0.9, 0.95, 0.97, 0.8, 0.7], patience=2)
    assert history.epoch == [0, 1, 2, 3]
    assert es.stopped_epoch == 3 and es.best == 0.9 and es.best_epoch == 1
    assert model.stop_training


def test_patience_0_stops_at_the_first_non_improvement_but_never_at_epoch_0():
    _, es, history = _run_es("val_loss", [1.0, 0.5, 0.6, 0.4], patience=0)
    assert history.epoch == [0, 1, 2] and es.stopped_epoch == 2
    _, es, history = _run_es("val_loss", [1.0, 1.0], patience=0)
    assert history.epoch == [0, 1] and es.stopped_epoch == 1


def test_seed_notes_setting_val_accuracy_patience_10(capsys):
    values = [0.80 + 0.01 * e for e in range(9)] + [0.85] * 20  # best at epoch 8
    _, es, history = _run_es("val_accuracy", values, patience=10, verbose=1)
    assert history.epoch[-1] == 18 and es.stopped_epoch == 18
    assert capsys.readouterr().out == "Epoch 19: early stopping\n"


@pytest.mark.parametrize("min_delta", [0.01, -0.01])
def test_min_delta_sign_is_ignored_max_mode(min_delta):
    values = [0.5, 0.505, 0.52, 0.53]
    _, es, history = _run_es("val_accuracy", values, patience=1, min_delta=min_delta)
    assert es.stopped_epoch == 1 and es.best == 0.5  # 0.505 - 0.01 does not beat 0.5
    _, es, history = _run_es("val_accuracy", values, patience=1)
    assert es.stopped_epoch == 0 and history.epoch == [0, 1, 2, 3]


def test_min_delta_min_mode():
    values = [1.0, 0.995, 0.98, 0.97]
    _, es, _ = _run_es("val_loss", values, patience=1, min_delta=0.01)
    assert es.stopped_epoch == 1  # 0.995 + 0.01 is not below 1.0
    _, es, _ = _run_es("val_loss", [1.0, 0.985, 0.97, 0.99], patience=1, min_delta=0.01)
    assert es.stopped_epoch == 3 and es.best == 0.97


def test_baseline_must_be_beaten_for_wait_to_reset():
    values = [0.5, 0.6, 0.55, 0.56]
    _, es, history = _run_es("val_accuracy", values, patience=2, baseline=0.9)
    assert es.stopped_epoch == 2 and es.best == 0.6  # improving but below the baseline
    _, es, history = _run_es("val_accuracy", values, patience=2)
    assert es.stopped_epoch == 3  # without a baseline, wait was reset at epochs 0 and 1
    _, es, history = _run_es("val_accuracy", values, patience=2, baseline=0.55)
    assert es.stopped_epoch == 3  # 0.6 beat the baseline: wait reset at epoch 1


def test_baseline_min_mode():
    _, es, _ = _run_es("val_loss", [1.0, 0.9, 0.95, 0.96], patience=2, baseline=0.5)
    assert es.stopped_epoch == 2


def test_start_from_epoch_ignores_warm_up():
    values = [1.0, 2.0, 3.0, 2.5, 2.6, 2.7]
    _, es, history = _run_es("val_loss", values, patience=0, start_from_epoch=2)
    assert es.stopped_epoch == 4 and es.best == 2.5 and es.best_epoch == 3
    _, es, _ = _run_es("val_loss", values, patience=0)
    assert es.stopped_epoch == 1


def _weights_after_epoch(n_epochs, steps=2):
    model = FakeModel()
    fit(model, [], [{"loss": 1.0}] * n_epochs, steps=steps)
    return model.get_weights()


def test_restore_best_weights_when_stopping(capsys):
    model, es, history = _run_es(
        "val_loss", [1.0, 0.5, 0.7, 0.8, 0.1], patience=2, restore_best_weights=True, verbose=1
    )
    assert es.stopped_epoch == 3 and es.best_epoch == 1
    for got, want in zip(model.get_weights(), _weights_after_epoch(2), strict=True):
        np.testing.assert_array_equal(got, want)
    assert capsys.readouterr().out == (
        "Epoch 4: early stopping\nRestoring model weights from the end of the best epoch: 2.\n"
    )


def test_restore_best_weights_also_without_stopping(capsys):
    model, es, history = _run_es(
        "val_loss", [1.0, 0.5, 0.7], patience=5, restore_best_weights=True, verbose=1
    )
    assert es.stopped_epoch == 0 and history.epoch == [0, 1, 2]
    np.testing.assert_array_equal(model.get_weights()[1], _weights_after_epoch(2)[1])
    assert capsys.readouterr().out == (
        "Restoring model weights from the end of the best epoch: 2.\n"
    )


def test_restore_uses_first_monitored_epoch_when_nothing_improves():
    model, es, _ = _run_es(
        "val_loss",
        [5.0, 1.0, 2.0, 3.0, 4.0],
        patience=2,
        restore_best_weights=True,
        start_from_epoch=2,
    )
    assert es.best_epoch == 2 and es.stopped_epoch == 4
    np.testing.assert_array_equal(model.get_weights()[1], _weights_after_epoch(3)[1])


def test_no_restore_without_the_flag():
    model, _, _ = _run_es("val_loss", [1.0, 0.5, 0.7, 0.8], patience=2)
    np.testing.assert_array_equal(model.get_weights()[1], _weights_after_epoch(4)[1])


def test_instance_can_be_reused_across_fits():
    es = EarlyStopping(monitor="val_loss", patience=1)
    fit(FakeModel(), [es], _logs("val_loss", [0.1, 0.2, 0.3]))
    history = fit(FakeModel(), [es], _logs("val_loss", [1.0, 0.9, 0.8]))
    assert history.epoch == [0, 1, 2] and es.stopped_epoch == 0


def test_missing_monitor_warns_with_available_keys():
    es = EarlyStopping(monitor="val_loss")
    with pytest.warns(
        UserWarning,
        match=r"Early stopping conditioned on metric `val_loss` "
        r"which is not available\. Available metrics are: "
        r"loss,accuracy",
    ):
        history = fit(FakeModel(), [es], [{"loss": 1.0, "accuracy": 0.5}] * 3)
    assert history.epoch == [0, 1, 2]


@pytest.mark.parametrize(
    ("monitor", "values", "stop"),
    [
        ("val_accuracy", [0.5, 0.6, 0.55], 2),  # metric direction "up": max
        ("val_acc", [0.5, 0.6, 0.55], 2),
        ("val_mae", [0.5, 0.4, 0.45], 2),  # "down": min
        ("loss", [0.5, 0.4, 0.45], 2),
        ("val_loss", [0.5, 0.6, 0.55], 1),
    ],
)
def test_mode_auto_uses_the_metric_direction(monitor, values, stop):
    _, es, _ = _run_es(monitor, values, patience=0)
    assert es.stopped_epoch == stop


def test_mode_auto_without_a_direction_asks_for_mode():
    with pytest.raises(ValueError, match=r"monitor='val_f1'.*mode='max'.*mode='min'"):
        _run_es("val_f1", [0.1, 0.2], patience=0)
    _, es, _ = _run_es("val_f1", [0.1, 0.2, 0.15], patience=0, mode="max")
    assert es.stopped_epoch == 2


def test_loss_is_min_even_for_a_model_without_metric_direction():
    class Bare:
        stop_training = False

    es = EarlyStopping(monitor="val_loss", patience=0)
    es.set_model(Bare())
    es.on_train_begin()
    es.on_epoch_end(0, {"val_loss": 1.0})
    es.on_epoch_end(1, {"val_loss": 2.0})
    assert es.stopped_epoch == 1


def test_explicit_mode_overrides_the_metric():
    _, es, _ = _run_es("val_accuracy", [0.5, 0.4, 0.3], patience=0, mode="min")
    assert es.stopped_epoch == 0 and es.best == 0.3


def test_unknown_mode_warns_and_falls_back_to_auto():
    with pytest.warns(
        UserWarning, match="EarlyStopping mode maximum is unknown, fallback to auto mode."
    ):
        es = EarlyStopping(monitor="val_accuracy", mode="maximum")
    assert es.mode == "auto"


def test_bad_patience():
    with pytest.raises(ValueError, match="patience must be a non-negative integer, received -1"):
        EarlyStopping(patience=-1)


# -- ReduceLROnPlateau ---------------------------------------------------------------


def _lr_run(values, lr=0.1, **kwargs):
    model = FakeModel(lr=lr)
    cb = ReduceLROnPlateau(monitor="val_loss", **kwargs)
    history = fit(model, [cb], _logs("val_loss", values))
    return model, history


def _f32(values):
    return [float(np.float32(v)) for v in values]


def test_reduce_lr_with_cooldown_and_min_lr():
    _, history = _lr_run([1.0] * 10, factor=0.5, patience=2, cooldown=1, min_lr=0.02)
    # reductions at epochs 2, 4 and 6 (0.025 * 0.5 is clipped to min_lr = 0.02); at
    # epoch 8 the lr is already float32(min_lr), so nothing happens.
    want = _f32([0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02, 0.02])
    np.testing.assert_allclose(history.history["lr"], want, rtol=1e-6)
    assert list(history.history) == ["loss", "val_loss", "lr"]


def test_reduce_lr_without_cooldown():
    _, history = _lr_run([1.0] * 6, factor=0.5, patience=2)
    want = _f32([0.1, 0.1, 0.1, 0.05, 0.05, 0.025])
    np.testing.assert_allclose(history.history["lr"], want, rtol=1e-6)


def test_reduce_lr_improvement_resets_wait():
    _, history = _lr_run([1.0, 0.9, 0.95, 0.8, 0.85, 0.86, 0.9], factor=0.1, patience=2)
    np.testing.assert_allclose(history.history["lr"], _f32([0.1] * 6 + [0.01]), rtol=1e-6)


def test_reduce_lr_min_delta():
    # 0.99995 is not below 1.0 - 1e-4: no improvement, so wait grows
    _, history = _lr_run([1.0, 0.99995, 0.99991], factor=0.5, patience=2)
    np.testing.assert_allclose(history.history["lr"], _f32([0.1, 0.1, 0.1]), rtol=1e-6)
    model, _ = _lr_run([1.0, 0.99995, 0.99991], factor=0.5, patience=2)
    assert model.optimizer.learning_rate == pytest.approx(0.05)
    model, _ = _lr_run([1.0, 0.99995, 0.99991], factor=0.5, patience=2, min_delta=0.0)
    assert model.optimizer.learning_rate == pytest.approx(0.1)


def test_reduce_lr_message(capsys):
    _lr_run([1.0, 1.0, 1.0], factor=0.5, patience=2, verbose=1)
    new_lr = float(np.float32(0.1)) * 0.5
    assert capsys.readouterr().out == (
        f"\nEpoch 3: ReduceLROnPlateau reducing learning rate to {new_lr}.\n"
    )


def test_reduce_lr_max_mode_auto():
    model = FakeModel(lr=0.1)
    cb = ReduceLROnPlateau(monitor="val_accuracy", factor=0.5, patience=1)
    fit(model, [cb], _logs("val_accuracy", [0.5, 0.6, 0.7, 0.65]))
    assert model.optimizer.learning_rate == pytest.approx(0.05)


def test_reduce_lr_arguments():
    with pytest.raises(ValueError, match="factor >= 1.0, received factor=1.0"):
        ReduceLROnPlateau(factor=1.0)
    with pytest.warns(DeprecationWarning, match="`epsilon` argument is deprecated"):
        cb = ReduceLROnPlateau(epsilon=0.5)
    assert cb.min_delta == 0.5
    with pytest.raises(ValueError, match="Unrecognized keyword arguments.*'lr_min'"):
        ReduceLROnPlateau(lr_min=0.1)


def test_reduce_lr_missing_monitor_warns_but_logs_lr():
    model = FakeModel(lr=0.1)
    with pytest.warns(
        UserWarning,
        match="Learning rate reduction is conditioned on metric `val_loss` which is not available",
    ):
        history = fit(model, [ReduceLROnPlateau()], [{"loss": 1.0}] * 2)
    assert history.history["lr"] == _f32([0.1, 0.1])


# -- LearningRateScheduler -----------------------------------------------------------


def test_scheduler_two_arguments():
    def schedule(epoch, lr):
        return lr if epoch < 2 else lr * 0.5

    model = FakeModel(lr=0.1)
    history = fit(model, [LearningRateScheduler(schedule)], [{"loss": 1.0}] * 4)
    want = _f32([0.1, 0.1, float(np.float32(0.1)) * 0.5, float(np.float32(0.05)) * 0.5])
    np.testing.assert_allclose(history.history["lr"], want, rtol=1e-7)


def test_scheduler_one_argument_and_numpy_floats():
    model = FakeModel(lr=0.1)
    history = fit(
        model, [LearningRateScheduler(lambda epoch: 0.1 * np.exp(-epoch))], [{"loss": 1.0}] * 3
    )
    np.testing.assert_allclose(
        history.history["lr"], [0.1, 0.1 * np.exp(-1), 0.1 * np.exp(-2)], rtol=1e-6
    )
    fit(model, [LearningRateScheduler(lambda e, lr: np.float32(0.5))], [{"loss": 1.0}])
    assert model.optimizer.learning_rate == 0.5


def test_scheduler_message(capsys):
    fit(
        FakeModel(),
        [LearningRateScheduler(lambda e: 0.01 / (e + 1), verbose=1)],
        [{"loss": 1.0}] * 2,
    )
    assert capsys.readouterr().out == (
        "\nEpoch 1: LearningRateScheduler setting learning rate to 0.01.\n"
        "\nEpoch 2: LearningRateScheduler setting learning rate to 0.005.\n"
    )


@pytest.mark.parametrize("bad", [1, "0.1", None, [0.1]])
def test_scheduler_must_return_a_float(bad):
    with pytest.raises(ValueError, match=r"should be a float, received .* at epoch 0"):
        fit(FakeModel(), [LearningRateScheduler(lambda e, lr: bad)], [{"loss": 1.0}])


def test_scheduler_does_not_hide_type_errors_inside_the_schedule():
    def schedule(epoch, lr):
        return lr * "x"

    with pytest.raises(TypeError, match="can't multiply"):
        fit(FakeModel(), [LearningRateScheduler(schedule)], [{"loss": 1.0}])
    with pytest.raises(ValueError, match="schedule must be callable, received 0.1"):
        LearningRateScheduler(0.1)

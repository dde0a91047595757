"""Book §6.4.3 (ch06/overfit_dropout.py): 300 samples, 6 x 100 ReLU, dropout 0.2, 301 epochs.

Runs the baseline (use_dropout=False) and the dropout network with the same setup.  The
per-epoch evaluation uses the first 1000 test images (``evaluate_sample_num_per_epoch``;
the 300 training samples are all used); the final test accuracy uses all 10 000.
Recorded (book, dropout): epoch 301 train 0.67 / test 0.5476; final test 0.5478.
"""

import numpy as np

from scratchdl.book.mnist import load_mnist
from scratchdl.book.multi_layer_net_extend import MultiLayerNetExtend
from scratchdl.book.trainer import Trainer

np.random.seed(0)
(x_train, t_train), (x_test, t_test) = load_mnist(normalize=True)
x_train = x_train[:300]
t_train = t_train[:300]

results = {}
for use_dropout in (False, True):
    dropout_ratio = 0.2
    network = MultiLayerNetExtend(
        input_size=784,
        hidden_size_list=[100, 100, 100, 100, 100, 100],
        output_size=10,
        use_dropout=use_dropout,
        dropout_ration=dropout_ratio,
    )
    trainer = Trainer(
        network,
        x_train,
        t_train,
        x_test,
        t_test,
        epochs=301,
        mini_batch_size=100,
        optimizer="sgd",
        optimizer_param={"lr": 0.01},
        evaluate_sample_num_per_epoch=1000,
        verbose=False,
    )
    trainer.train()
    train_acc = trainer.train_acc_list[-1]
    test_acc = network.accuracy(x_test, t_test)  # all 10 000 test images
    results[use_dropout] = (train_acc, test_acc, trainer.train_acc_list, trainer.test_acc_list)
    print(
        f"use_dropout={use_dropout}: epoch {trainer.current_epoch}, "
        f"train acc {train_acc}, test acc {test_acc}"
    )

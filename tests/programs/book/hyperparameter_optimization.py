"""Book §6.5.3 (ch06/hyperparameter_optimization.py): random search of lr and weight decay.

500 samples, 20 % validation, 6 x 100 ReLU, Trainer(epochs=50, batch 100, sgd).
lr = 10**U(-6, -2), weight decay = 10**U(-8, -4).  Book: learning goes well for lr about
0.001-0.01; recorded Best-1 val 0.84 (lr 0.00940, wd 2.77e-6), the top 9 all have lr in
[0.0049, 0.0100].  ``optimization_trial`` is 100 as in the book (environment variable
BOOK_TRIALS overrides it).
"""

import os

import numpy as np

from scratchdl.book.mnist import load_mnist
from scratchdl.book.multi_layer_net import MultiLayerNet
from scratchdl.book.trainer import Trainer
from scratchdl.book.util import shuffle_dataset

np.random.seed(0)
(x_train, t_train), (x_test, t_test) = load_mnist(normalize=True)
x_train = x_train[:500]
t_train = t_train[:500]

validation_rate = 0.20
validation_num = int(x_train.shape[0] * validation_rate)
x_train, t_train = shuffle_dataset(x_train, t_train)
x_val = x_train[:validation_num]
t_val = t_train[:validation_num]
x_train = x_train[validation_num:]
t_train = t_train[validation_num:]


def __train(lr, weight_decay, epocs=50):
    network = MultiLayerNet(
        input_size=784,
        hidden_size_list=[100, 100, 100, 100, 100, 100],
        output_size=10,
        weight_decay_lambda=weight_decay,
    )
    trainer = Trainer(
        network, x_train, t_train, x_val, t_val,
        epochs=epocs, mini_batch_size=100,
        optimizer="sgd", optimizer_param={"lr": lr}, verbose=False,
    )  # fmt: skip
    trainer.train()
    return trainer.test_acc_list, trainer.train_acc_list


optimization_trial = int(os.environ.get("BOOK_TRIALS", "100"))
results_val = {}
results_train = {}
trials = []  # (final val acc, lr, weight decay), for the tests
for _ in range(optimization_trial):
    weight_decay = 10 ** np.random.uniform(-8, -4)
    lr = 10 ** np.random.uniform(-6, -2)

    val_acc_list, train_acc_list = __train(lr, weight_decay)
    print(
        "val acc:"
        + str(val_acc_list[-1])
        + " | lr:"
        + str(lr)
        + ", weight decay:"
        + str(weight_decay)
    )
    key = "lr:" + str(lr) + ", weight decay:" + str(weight_decay)
    results_val[key] = val_acc_list
    results_train[key] = train_acc_list
    trials.append((val_acc_list[-1], lr, weight_decay))

print("=========== Hyper-Parameter Optimization Result ===========")
ranking = sorted(results_val.items(), key=lambda x: x[1][-1], reverse=True)
for i, (key, val_acc_list) in enumerate(ranking[:5]):
    print("Best-" + str(i + 1) + "(val acc:" + str(val_acc_list[-1]) + ") | " + key)

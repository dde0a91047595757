"""Book §4.5 (ch04/train_neuralnet.py): the sigmoid TwoLayerNet, 10 000 SGD steps.

Recorded (book): first evaluation 0.0986 / 0.0958, last 0.94705 / 0.9465 (train / test).
"""

import time

import numpy as np

from scratchdl.book.ch04.two_layer_net import TwoLayerNet
from scratchdl.book.mnist import load_mnist

np.random.seed(0)
(x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, one_hot_label=True)

network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10)

iters_num = 10000
train_size = x_train.shape[0]
batch_size = 100
learning_rate = 0.1

train_loss_list = []
train_acc_list = []
test_acc_list = []
iter_per_epoch = max(train_size / batch_size, 1)

start = time.perf_counter()
for i in range(iters_num):
    batch_mask = np.random.choice(train_size, batch_size)
    x_batch = x_train[batch_mask]
    t_batch = t_train[batch_mask]

    grad = network.gradient(x_batch, t_batch)
    for key in ("W1", "b1", "W2", "b2"):
        network.params[key] -= learning_rate * grad[key]

    loss = network.loss(x_batch, t_batch)
    train_loss_list.append(loss)

    if i % iter_per_epoch == 0:
        train_acc = network.accuracy(x_train, t_train)
        test_acc = network.accuracy(x_test, t_test)
        train_acc_list.append(train_acc)
        test_acc_list.append(test_acc)
        print("train acc, test acc | " + str(train_acc) + ", " + str(test_acc))
elapsed = time.perf_counter() - start
print(f"{iters_num} iterations in {elapsed:.1f} s")

"""Book §6.4.1 (KR ch06/overfit.py): 300 samples, 6 x 100 ReLU, no weight decay, 201 epochs.

Third-party runs: epoch 200 train 1.0 / test 0.759 and 1.0 / 0.7425.

The test accuracy on all 10 000 test images is evaluated every 10 epochs and at the last
(the book: every epoch); evaluation draws no random numbers, so training is unchanged.
"""

import numpy as np

from scratchdl.book.mnist import load_mnist
from scratchdl.book.multi_layer_net import MultiLayerNet
from scratchdl.book.optimizer import SGD

np.random.seed(0)
(x_train, t_train), (x_test, t_test) = load_mnist(normalize=True)
x_train = x_train[:300]
t_train = t_train[:300]

weight_decay_lambda = 0
network = MultiLayerNet(
    input_size=784,
    hidden_size_list=[100, 100, 100, 100, 100, 100],
    output_size=10,
    weight_decay_lambda=weight_decay_lambda,
)
optimizer = SGD(lr=0.01)

max_epochs = 201
train_size = x_train.shape[0]
batch_size = 100

train_acc_list = []
test_acc_list = []
test_epochs = []
iter_per_epoch = max(train_size / batch_size, 1)
epoch_cnt = 0

for i in range(1000000000):
    batch_mask = np.random.choice(train_size, batch_size)
    x_batch = x_train[batch_mask]
    t_batch = t_train[batch_mask]

    grads = network.gradient(x_batch, t_batch)
    optimizer.update(network.params, grads)

    if i % iter_per_epoch == 0:
        train_acc = network.accuracy(x_train, t_train)
        train_acc_list.append(train_acc)
        if epoch_cnt % 10 == 0 or epoch_cnt == max_epochs - 1:  # the book: every epoch
            test_acc = network.accuracy(x_test, t_test)
            test_acc_list.append(test_acc)
            test_epochs.append(epoch_cnt)
        if epoch_cnt % 50 == 0 or epoch_cnt == max_epochs - 1:
            print(
                "epoch:"
                + str(epoch_cnt)
                + ", train acc:"
                + str(train_acc)
                + ", test acc:"
                + str(test_acc)
            )
        epoch_cnt += 1
        if epoch_cnt >= max_epochs:
            break

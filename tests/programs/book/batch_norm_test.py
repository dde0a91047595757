"""Book §6.3.2 (ch06/batch_norm_test.py): BN vs no BN over 16 weight scales, 1000 samples.

Recorded epoch-19 training accuracy [normal - BN] for the 16 scales: 0.097-0.419,
0.097-0.498, 0.979-0.63, 0.823-0.763, 0.235-0.89, 0.116-0.95, 0.116-0.99, 0.116-1.0,
0.116-1.0, 0.117-0.998, 0.116-0.999, 0.117-0.831, 0.116-0.804, 0.116-0.595,
0.117-0.618, 0.116-0.523.
"""

import numpy as np

from scratchdl.book.mnist import load_mnist
from scratchdl.book.multi_layer_net_extend import MultiLayerNetExtend
from scratchdl.book.optimizer import SGD

np.random.seed(0)
(x_train, t_train), (x_test, t_test) = load_mnist(normalize=True)
x_train = x_train[:1000]
t_train = t_train[:1000]

max_epochs = 20
train_size = x_train.shape[0]
batch_size = 100
learning_rate = 0.01


def __train(weight_init_std):
    bn_network = MultiLayerNetExtend(
        input_size=784,
        hidden_size_list=[100, 100, 100, 100, 100],
        output_size=10,
        weight_init_std=weight_init_std,
        use_batchnorm=True,
    )
    network = MultiLayerNetExtend(
        input_size=784,
        hidden_size_list=[100, 100, 100, 100, 100],
        output_size=10,
        weight_init_std=weight_init_std,
    )
    optimizer = SGD(lr=learning_rate)

    train_acc_list = []
    bn_train_acc_list = []
    iter_per_epoch = max(train_size / batch_size, 1)
    epoch_cnt = 0

    for i in range(1000000000):
        batch_mask = np.random.choice(train_size, batch_size)
        x_batch = x_train[batch_mask]
        t_batch = t_train[batch_mask]

        for _network in (bn_network, network):
            grads = _network.gradient(x_batch, t_batch)
            optimizer.update(_network.params, grads)

        if i % iter_per_epoch == 0:
            train_acc = network.accuracy(x_train, t_train)
            bn_train_acc = bn_network.accuracy(x_train, t_train)
            train_acc_list.append(train_acc)
            bn_train_acc_list.append(bn_train_acc)
            epoch_cnt += 1
            if epoch_cnt >= max_epochs:
                print(
                    "epoch:"
                    + str(epoch_cnt - 1)
                    + " | "
                    + str(train_acc)
                    + " - "
                    + str(bn_train_acc)
                )
                break

    return train_acc_list, bn_train_acc_list


weight_scale_list = np.logspace(0, -4, num=16)
results = []
for i, w in enumerate(weight_scale_list):
    print("============== " + str(i + 1) + "/16" + " ==============")
    train_acc_list, bn_train_acc_list = __train(w)
    results.append((w, train_acc_list, bn_train_acc_list))

"""ch06/batch_norm_gradient_check.py: backprop against numerical gradients with batch norm.

MultiLayerNetExtend(784, [100, 100], 10, use_batchnorm=True).  The book uses
``x_train[:1]``, which is degenerate (with one row BN outputs exactly beta, and ReLU's kink
at 0 gives beta2 a mismatch); here 3 rows, for which every difference should be < 1e-6.
"""

import numpy as np

from scratchdl.book.mnist import load_mnist
from scratchdl.book.multi_layer_net_extend import MultiLayerNetExtend

np.random.seed(0)
(x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, one_hot_label=True)

network = MultiLayerNetExtend(
    input_size=784, hidden_size_list=[100, 100], output_size=10, use_batchnorm=True
)
x_batch = x_train[:3]
t_batch = t_train[:3]

grad_backprop = network.gradient(x_batch, t_batch)
grad_backprop = {key: grad.copy() for key, grad in grad_backprop.items()}
grad_numerical = network.numerical_gradient(x_batch, t_batch)

diffs = {}
for key in grad_numerical:
    diffs[key] = np.average(np.abs(grad_backprop[key] - grad_numerical[key]))
    print(key + ":" + str(diffs[key]))

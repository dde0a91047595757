"""Book §5.7.3 (ch05/gradient_check.py): backprop against numerical gradients.

Prints the mean absolute difference per parameter of the ch05 TwoLayerNet on 3 samples.
Recorded (book): W1 1.8e-06, b1 2.4e-05, W2 6.2e-09, b2 1.4e-07.
"""

import numpy as np

from scratchdl.book.mnist import load_mnist
from scratchdl.book.two_layer_net import TwoLayerNet

np.random.seed(0)
(x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, one_hot_label=True)

network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10)
x_batch, t_batch = x_train[:3], t_train[:3]
grad_numerical = network.numerical_gradient(x_batch, t_batch)
grad_backprop = network.gradient(x_batch, t_batch)

diffs = {}
for key in grad_numerical:
    diffs[key] = np.average(np.abs(grad_backprop[key] - grad_numerical[key]))
    print(key + ":" + str(diffs[key]))

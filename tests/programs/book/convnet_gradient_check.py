"""Book ch07/gradient_check.py: SimpleConvNet's backprop against numerical gradients.

A 10x10 single-channel image, 10 filters of 3x3, 10 hidden units, one sample of class 1.
Prints the mean absolute difference per parameter.
Recorded (the book's notebook): W1 1.6e-06, b1 2.9e-06, W2 5.0e-11, b2 3.7e-09,
W3 9.7e-11, b3 1.8e-07.
"""

import numpy as np

from scratchdl.book.ch07.simple_convnet import SimpleConvNet

np.random.seed(0)
network = SimpleConvNet(
    input_dim=(1, 10, 10),
    conv_param={"filter_num": 10, "filter_size": 3, "pad": 0, "stride": 1},
    hidden_size=10,
    output_size=10,
    weight_init_std=0.01,
)
X = np.random.rand(100).reshape((1, 1, 10, 10))
T = np.array([1]).reshape((1, 1))

grad_num = network.numerical_gradient(X, T)
grad = network.gradient(X, T)

diffs = {}
for key, value in grad_num.items():
    diffs[key] = np.abs(grad[key] - value).mean()
    print(key, diffs[key])

"""Book §7.5 (ch07/train_convnet.py): SimpleConvNet on MNIST, Adam lr 0.001, batch 100.

The book trains 20 epochs on all 60 000 images (12 000 iterations, sampling with
replacement) and evaluates 1000 samples per epoch; its 2016 weights score 0.989 on the
test set.  CONVNET_TRAIN_SIZE, CONVNET_TEST_SIZE and CONVNET_EPOCHS shrink the run.
After training the parameters are saved, loaded into a fresh network and scored again.
"""

import os

import numpy as np

from scratchdl.book.ch07.simple_convnet import SimpleConvNet
from scratchdl.book.common.trainer import Trainer
from scratchdl.book.dataset.mnist import load_mnist

np.random.seed(0)
(x_train, t_train), (x_test, t_test) = load_mnist(flatten=False)
train_size = int(os.environ.get("CONVNET_TRAIN_SIZE", x_train.shape[0]))
test_size = int(os.environ.get("CONVNET_TEST_SIZE", x_test.shape[0]))
max_epochs = int(os.environ.get("CONVNET_EPOCHS", 20))
x_train, t_train = x_train[:train_size], t_train[:train_size]
x_test, t_test = x_test[:test_size], t_test[:test_size]

network = SimpleConvNet(
    input_dim=(1, 28, 28),
    conv_param={"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1},
    hidden_size=100,
    output_size=10,
    weight_init_std=0.01,
)
trainer = Trainer(
    network,
    x_train,
    t_train,
    x_test,
    t_test,
    epochs=max_epochs,
    mini_batch_size=100,
    optimizer="Adam",
    optimizer_param={"lr": 0.001},
    evaluate_sample_num_per_epoch=1000,
)
trainer.train()

network.save_params("params.pkl")
print("Saved Network Parameters!")

restored = SimpleConvNet()
restored.load_params("params.pkl")
test_acc = restored.accuracy(x_test, t_test)
print("restored test acc:", test_acc)

# Chapter 3, inference with a pretrained network: a reader's script on the book's API.
# It reads sample_weight.pkl from the working directory, as the book's neuralnet_mnist.py
# does; `scratchdl book sample-weights` writes that file.
import pickle

import numpy as np

from scratchdl.book.common.functions import sigmoid, softmax
from scratchdl.book.dataset.mnist import load_mnist


def test_images():
    _, (images, labels) = load_mnist(normalize=True, flatten=True, one_hot_label=False)
    return images, labels


def load_network(path="sample_weight.pkl"):
    with open(path, "rb") as f:
        return pickle.load(f)


def forward(net, x):
    hidden1 = sigmoid(np.dot(x, net["W1"]) + net["b1"])
    hidden2 = sigmoid(np.dot(hidden1, net["W2"]) + net["b2"])
    return softmax(np.dot(hidden2, net["W3"]) + net["b3"])


images, labels = test_images()
net = load_network()
batch = 100
hits = 0
for start in range(0, len(images), batch):
    scores = forward(net, images[start : start + batch])
    hits += np.sum(np.argmax(scores, axis=1) == labels[start : start + batch])
accuracy = float(hits) / len(images)
print("Accuracy:" + str(accuracy))

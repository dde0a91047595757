"""Every autodiff operation against central differences (float64, random upstream gradient).

Shapes are drawn at random for each seed, and the second input of a binary op
gets a broadcast version of the first's shape (leading axes dropped, some axes
set to 1), so that every backward's ``unbroadcast`` is exercised.
"""

import numpy as np
import pytest

from scratchdl.autodiff import ops
from scratchdl.gradcheck import check_op

SEEDS = [0, 1, 2]


def random_shape(rng, min_ndim=1, max_ndim=3):
    return tuple(int(n) for n in rng.integers(2, 5, size=rng.integers(min_ndim, max_ndim + 1)))


def broadcast_of(rng, shape):
    """A shape that broadcasts to ``shape``: some leading axes dropped, some axes 1."""
    kept = shape[int(rng.integers(0, len(shape))) :]
    return tuple(1 if rng.random() < 0.4 else n for n in kept)


def away_from_zero(rng, shape, low=0.5, high=2.0):
    return rng.uniform(low, high, shape) * rng.choice([-1.0, 1.0], size=shape)


def binary(op_class, make_b=None, make_a=None):
    def case(rng):
        shape = random_shape(rng)
        a_shape, b_shape = shape, broadcast_of(rng, shape)
        if rng.random() < 0.5:  # broadcasting in either operand
            a_shape, b_shape = b_shape, a_shape
        a = make_a(rng, a_shape) if make_a else rng.standard_normal(a_shape)
        b = make_b(rng, b_shape) if make_b else rng.standard_normal(b_shape)
        return op_class(), [a, b]

    return case


def unary(op_factory, make_x=None):
    def case(rng):
        shape = random_shape(rng)
        x = make_x(rng, shape) if make_x else rng.standard_normal(shape)
        return op_factory(rng, len(shape)), [x]

    return case


def reduction(op_class):
    def case(rng):
        shape = random_shape(rng, 2, 3)
        choice = int(rng.integers(0, 3))
        axis = [None, int(rng.integers(-len(shape), len(shape))), (0, len(shape) - 1)][choice]
        return op_class(axis=axis, keepdims=bool(rng.random() < 0.5)), [
            rng.uniform(0.5, 1.5, shape) * rng.choice([-1, 1], size=shape)
        ]

    return case


def matmul_case(rng):
    n, k, m = (int(v) for v in rng.integers(2, 5, size=3))
    batch = (int(rng.integers(2, 4)),)
    a_shape, b_shape = [(batch + (n, k), (k, m)), ((n, k), batch + (k, m)), ((n, k), (k, m))][
        int(rng.integers(0, 3))
    ]
    return ops.MatMul(), [rng.standard_normal(a_shape), rng.standard_normal(b_shape)]


def getitem_case(rng):
    x = rng.standard_normal((5, 4))
    index = [(slice(1, 4), 2), np.array([0, 3, 3, 1]), (np.array([1, 1]), slice(None))][
        int(rng.integers(0, 3))
    ]
    return ops.GetItem(index), [x]


def gather_case(rng):
    x = rng.standard_normal((4, 5, 3))
    axis = int(rng.integers(0, 3))
    indices = rng.integers(0, x.shape[axis], size=(2, 3))  # repeats are likely
    return ops.Gather(indices, axis=axis), [x]


def concat_case(rng):
    axis = int(rng.integers(0, 2))
    xs = [rng.standard_normal((2, 3)) for _ in range(3)]
    xs[1] = rng.standard_normal((4, 3) if axis == 0 else (2, 4))
    return ops.Concat(axis), xs


def stack_case(rng):
    shape = random_shape(rng, 1, 2)
    axis = int(rng.integers(-len(shape) - 1, len(shape) + 1))
    return ops.Stack(axis), [rng.standard_normal(shape) for _ in range(3)]


def where_case(rng):
    shape = random_shape(rng, 2, 3)
    condition = rng.random(shape) < 0.5
    return ops.Where(condition), [rng.standard_normal(shape), rng.standard_normal(shape[-1:])]


def clip_case(rng):
    x = rng.choice([-2.0, -0.5, 0.3, 1.7], size=(3, 4)) + rng.uniform(-0.1, 0.1, (3, 4))
    return ops.Clip(-1.0, 1.0), [x]


def softmax_ce_case(rng):
    shape = random_shape(rng, 2, 3)
    labels = rng.random(shape)
    labels /= labels.sum(axis=-1, keepdims=True)
    return ops.SoftmaxCrossEntropy(-1), [labels, rng.standard_normal(shape)]


def sparse_ce_case(rng):
    n, c = (int(v) for v in rng.integers(2, 6, size=2))
    return ops.SparseSoftmaxCrossEntropy(rng.integers(0, c, size=n)), [rng.standard_normal((n, c))]


def positive(rng, shape):
    return rng.uniform(0.5, 2.0, shape)


CASES = {
    "add": binary(ops.Add),
    "subtract": binary(ops.Subtract),
    "multiply": binary(ops.Multiply),
    "divide": binary(ops.Divide, make_b=away_from_zero),
    "pow": binary(ops.Pow, make_a=positive),
    "maximum": binary(ops.Maximum),
    "minimum": binary(ops.Minimum),
    "matmul": matmul_case,
    "negative": unary(lambda rng, nd: ops.Negative()),
    "identity": unary(lambda rng, nd: ops.Identity()),
    "square": unary(lambda rng, nd: ops.Square()),
    "sqrt": unary(lambda rng, nd: ops.Sqrt(), positive),
    "exp": unary(lambda rng, nd: ops.Exp()),
    "log": unary(lambda rng, nd: ops.Log(), positive),
    "abs": unary(lambda rng, nd: ops.Abs(), away_from_zero),
    "relu": unary(lambda rng, nd: ops.Relu(), away_from_zero),
    "sigmoid": unary(lambda rng, nd: ops.Sigmoid()),
    "tanh": unary(lambda rng, nd: ops.Tanh()),
    "softmax": unary(lambda rng, nd: ops.Softmax(int(rng.integers(-nd, nd)))),
    "log_softmax": unary(lambda rng, nd: ops.LogSoftmax(int(rng.integers(-nd, nd)))),
    "cast": unary(lambda rng, nd: ops.Cast(np.float64)),
    "reshape": unary(lambda rng, nd: ops.Reshape((-1,))),
    "transpose": unary(lambda rng, nd: ops.Transpose(list(rng.permutation(nd)))),
    "reduce_sum": reduction(ops.Sum),
    "reduce_mean": reduction(ops.Mean),
    "reduce_max": reduction(ops.Max),
    "reduce_min": reduction(ops.Min),
    "reduce_prod": reduction(ops.Prod),
    "getitem": getitem_case,
    "gather": gather_case,
    "concat": concat_case,
    "stack": stack_case,
    "where": where_case,
    "clip_by_value": clip_case,
    "softmax_cross_entropy": softmax_ce_case,
    "sparse_softmax_cross_entropy": sparse_ce_case,
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_op_backward_matches_central_differences(name, seed):
    rng = np.random.default_rng(seed)
    op, inputs = CASES[name](rng)
    check_op(op, inputs, rng).assert_ok()


def test_every_op_class_has_a_gradient_check():
    checked = {type(CASES[name](np.random.default_rng(0))[0]) for name in CASES}
    all_ops = {
        cls
        for cls in vars(ops).values()
        if isinstance(cls, type) and issubclass(cls, ops.Op) and cls is not ops.Op
    }
    assert all_ops - checked == {ops.Function}  # Function is checked in test_function_op.py


def test_reduce_prod_gradient_is_right_with_a_zero_factor(rng):
    x = np.array([[2.0, 0.0, 3.0], [1.0, 4.0, 5.0]])
    check_op(ops.Prod(axis=1), [x], rng).assert_ok()
    op = ops.Prod(axis=1)
    op.forward(x)
    (dx,) = op.backward(np.ones(2))
    np.testing.assert_allclose(dx[0], [0.0, 6.0, 0.0])


def test_tied_maxima_share_the_gradient():
    op = ops.Max(axis=None)
    op.forward(np.array([1.0, 3.0, 3.0]))
    (dx,) = op.backward(np.array(1.0))
    np.testing.assert_allclose(dx, [0.0, 0.5, 0.5])


def test_maximum_sends_ties_to_the_first_input():
    op = ops.Maximum()
    op.forward(np.array([1.0, 2.0]), np.array([1.0, 3.0]))
    da, db = op.backward(np.array([1.0, 1.0]))
    np.testing.assert_allclose(da, [1.0, 0.0])
    np.testing.assert_allclose(db, [0.0, 1.0])


class _WrongMultiply(ops.Multiply):
    """A planted bug: da = dy * a instead of dy * b."""

    def backward(self, dout):
        return dout * self.a, dout * self.a


def test_a_wrong_backward_fails_the_check(rng):
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    result = check_op(_WrongMultiply(), [a, b], rng)
    assert not result.ok
    assert "FAIL" in result.table()
    check_op(ops.Multiply(), [a, b], rng).assert_ok()  # the same inputs pass with the right one


class _Constant(ops.Op):
    """An op whose output ignores its input: its numerical gradient is all zero."""

    def forward(self, x):
        self.shape = x.shape
        return np.ones(x.shape)

    def backward(self, dout):
        return (np.zeros(self.shape),)


def test_an_all_zero_numerical_gradient_fails_instead_of_passing(rng):
    result = check_op(_Constant(), [rng.standard_normal(4)], rng)
    assert not result.ok
    assert "ALL-ZERO" in result.table()


@pytest.mark.parametrize(
    "shape, target, expected",
    [
        ((3, 1), (2, 3, 4), lambda g: g.sum(axis=0).sum(axis=-1, keepdims=True)),
        ((4,), (2, 3, 4), lambda g: g.sum(axis=(0, 1))),
        ((), (2, 3), lambda g: g.sum()),
        ((2, 3), (2, 3), lambda g: g),
    ],
)
def test_unbroadcast_sums_over_the_broadcast_axes(shape, target, expected, rng):
    g = rng.standard_normal(target)
    out = ops.unbroadcast(g, shape)
    assert out.shape == shape
    np.testing.assert_allclose(out, expected(g))


def test_matmul_skips_the_gradient_of_an_untracked_input(rng):
    op = ops.MatMul()
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    op.forward(a, b)
    op.needs_grad = (False, True)
    da, db = op.backward(np.ones((3, 2)))
    assert da is None
    np.testing.assert_allclose(db, a.T @ np.ones((3, 2)))

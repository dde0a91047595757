"""A book network's ``params``: the book's dict habits, with every write reaching the network.

The book's networks keep ``self.params`` as a plain dict whose arrays the layers share, and
its readers write to it in three ways::

    optimizer.update(network.params, grads)                      # in place: p -= ...
    network.params[key] = network.params[key] - lr * grad[key]    # chapter 4's loop
    network.params[key] = saved[key]                              # load_params

With a plain dict the last two put a *new* array in the dict and the layers keep the old
one: training silently stops.  ``NetworkParams`` is a dict (reading, iterating, ``items()``,
``-=`` all work as before) whose item assignment copies the value into the existing array
(``scratchdl.variables.assign_into``: same shape, a float-compatible dtype, else an error
naming the key).  ``network.params = {...}`` (the whole dict) assigns key by key too, and
must give exactly the network's keys.  Keys cannot be added or removed: the network's
parameters are fixed when it is built.
"""

from collections.abc import Iterable as _Iterable
from collections.abc import Mapping as _Mapping
from typing import Any as _Any

import numpy as _np

from scratchdl.variables import assign_into as _assign_into


class NetworkParams(dict):
    """name -> the network's live parameter array; ``params[key] = value`` copies into it.

    Args:
        owner: the network's class name, used in error messages.
        arrays: the (key, array) pairs; the arrays are the ones the layers read.
    """

    def __init__(
        self, owner: str, arrays: _Mapping[str, _np.ndarray] | _Iterable[tuple[str, _np.ndarray]]
    ) -> None:
        super().__init__(arrays)
        self._owner = owner

    def __setitem__(self, key, value):
        if key not in self:
            raise KeyError(
                f"{self._owner} has no parameter {key!r}; its parameters are {list(self)} "
                "(fixed when the network is built)"
            )
        _assign_into(dict.__getitem__(self, key), value, f"{self._owner}.params[{key!r}]")

    def update(self, other: _Any = (), **kwargs: _Any) -> None:
        """Assign every given entry (each one checked as ``params[key] = value``)."""
        items = other.items() if hasattr(other, "items") else other
        for key, value in [*items, *kwargs.items()]:
            self[key] = value

    def assign_all(self, values: _Mapping[str, _Any]) -> None:
        """``network.params = values``: the same keys as the network, each assigned."""
        if set(values) != set(self):
            raise KeyError(
                f"cannot replace {self._owner}.params: expected the keys {sorted(self)}, "
                f"received {sorted(values)}"
            )
        self.update(values)

    def _refuse(self, *args, **kwargs):
        raise TypeError(
            f"{self._owner}.params cannot gain or lose entries; assign into them instead "
            "(network.params[key] = value)"
        )

    __delitem__ = pop = popitem = clear = setdefault = _refuse

    def __reduce__(self):
        """Pickle (and deepcopy) as a plain dict of the arrays, as the book's params."""
        return (dict, (dict(self),))


def params_property() -> property:
    """The networks' ``params`` attribute: a NetworkParams; setting it assigns every key."""

    def get(net):
        return net._params

    def set_(net, values) -> None:
        net._params.assign_all(values)

    return property(get, set_, doc="The network's parameters (assignment copies into them).")

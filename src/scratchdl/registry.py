"""What initializers, regularizers, constraints and schedules share: config and name lookup.

``Configurable`` gives a class ``get_config`` / ``from_config`` / ``__repr__`` from the
tuple ``_config_keys`` of its constructor arguments.  ``Registry`` resolves Keras-style
identifiers of one family (``"he_normal"``, ``{"class_name": ..., "config": ...}``, an
instance, a class, a callable) and serialises instances back to dicts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["Configurable", "Registry"]

_C = TypeVar("_C", bound="Configurable")


class Configurable:
    """``get_config()`` returns the constructor arguments named in ``_config_keys``."""

    _config_keys: tuple = ()

    def get_config(self) -> dict:
        return {k: getattr(self, k) for k in self._config_keys}

    @classmethod
    def from_config(cls: type[_C], config: dict) -> _C:
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Registry:
    """Names -> classes (or factories) for one family, e.g. ``Registry("constraint", Constraint)``.

    Args:
        kind: the family's name in error messages ("initializer", "regularizer", ...).
        base: the family's base class (instances pass through ``get``).
        names: name -> class or factory function; class names and aliases alike.
    """

    def __init__(self, kind: str, base: type, names: dict) -> None:
        self.kind, self.base, self.names = kind, base, dict(names)

    def lookup(self, name: str) -> Callable[..., Any]:
        if name not in self.names:
            raise ValueError(
                f"Unknown {self.kind}: {name!r}. Valid names: {', '.join(sorted(self.names))}"
            )
        return self.names[name]

    def serialize(self, obj: object) -> dict:
        """``{"class_name": ..., "config": ...}`` of an instance of the family."""
        if not isinstance(obj, self.base):
            raise ValueError(f"cannot serialize {obj!r}: not a scratchdl {self.base.__name__}")
        return {"class_name": type(obj).__name__, "config": obj.get_config()}

    def deserialize(self, config: dict) -> Any:
        """Inverse of ``serialize``: a new instance from ``{"class_name", "config"}``."""
        if not isinstance(config, dict) or "class_name" not in config:
            raise ValueError(f"expected a dict with 'class_name' and 'config', received {config!r}")
        factory = self.lookup(config["class_name"])
        kwargs = dict(config.get("config") or {})
        if isinstance(factory, type):
            return factory.from_config(kwargs)
        return factory(**kwargs)

    def get(self, identifier: str | dict[str, Any] | type | Callable[..., Any] | None) -> Any:
        """None, a name, a config dict, an instance, a class of the family, or a callable."""
        if identifier is None or isinstance(identifier, self.base):
            return identifier
        if isinstance(identifier, str):
            return self.lookup(identifier)()
        if isinstance(identifier, dict):
            return self.deserialize(identifier)
        if isinstance(identifier, type) and issubclass(identifier, self.base):
            return identifier()
        if callable(identifier):
            return identifier
        raise ValueError(f"Could not interpret {self.kind} identifier: {identifier!r}")

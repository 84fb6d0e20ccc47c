"""The building blocks of every settings section: bounded numbers, a described setting,
and a secret that never prints."""

from __future__ import annotations

from typing import Annotated

import msgspec

__all__ = ["AtLeastOne", "Positive", "Secret", "about"]

Positive = Annotated[float, msgspec.Meta(gt=0)]
AtLeastOne = Annotated[int, msgspec.Meta(ge=1)]


def about(description: str) -> msgspec.Meta:
    """A setting's one-line description: the configuration reference in docs/operations.md."""
    return msgspec.Meta(description=description)


class Secret:
    """A token that prints as ``**********``: a repr or log line of the settings leaks nothing."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

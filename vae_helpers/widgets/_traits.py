"""The widgets' trait types: each declares its type and range once, and checks every value set.

A widget's synced traits are the contract with its JavaScript. Declared with these types, a
trait refuses a bad value the same way from the constructor, a setter and a direct assignment
(a ``ValueError`` naming the trait), accepts numpy scalars and arrays where a number or a list
is meant, and publishes its range to the page through the widget's ``ranges`` trait (the
sliders read it, instead of writing their own).
"""

from __future__ import annotations

import numpy as np
import traitlets

from vae_helpers._validation import as_float_array, as_number_in_range

__all__ = ["Number", "Integer", "NumberList"]


class Number(traitlets.Float):
    """A float in ``[low, high]`` (finite), which a slider of ``step`` moves in the page."""

    def __init__(self, default: float, low: float, high: float, step: float | None = None, **kwargs) -> None:
        super().__init__(default, **kwargs)
        self.low, self.high, self.step = float(low), float(high), step

    def validate(self, obj, value) -> float:
        return as_number_in_range(value, self.name, self.low, self.high)

    def slider_range(self) -> list[float] | None:
        return None if self.step is None else [self.low, self.high, self.step]


class Integer(traitlets.Int):
    """An integer in ``[low, high]``; ``high`` may be a callable of the widget (a count it holds)."""

    def __init__(self, default: int, low: int, high=None, **kwargs) -> None:
        super().__init__(default, **kwargs)
        self.low, self.high = low, high

    def validate(self, obj, value) -> int:
        high = self.high(obj) if callable(self.high) else self.high
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < self.low or (
            high is not None and value > high
        ):
            expected = f"in [{self.low}, {high}]" if high is not None else f">= {self.low}"
            raise ValueError(f"{self.name} must be an integer {expected}: got {value!r}")
        return int(value)

    def slider_range(self) -> None:
        return None


class NumberList(traitlets.List):
    """A list of ``minlen`` to ``maxlen`` finite floats, each in ``[low, high]`` (a list, tuple or numpy array)."""

    def __init__(self, default: list[float], low: float = -np.inf, high: float = np.inf, step: float | None = None,
                 minlen: int = 0, maxlen: int = 2**31, **kwargs) -> None:
        super().__init__(traitlets.Float(), default_value=list(default), minlen=minlen, maxlen=maxlen, **kwargs)
        self.low, self.high, self.step = float(low), float(high), step

    def validate(self, obj, value) -> list[float]:
        return self.check(value, self.name)

    def check(self, value, name: str) -> list[float]:
        """``value`` as a list of floats if it is one this trait holds, else a ValueError naming ``name``."""
        array = as_float_array(value, name)
        if array.ndim != 1 or not self._minlen <= len(array) <= self._maxlen:
            count = str(self._minlen) if self._minlen == self._maxlen else f"{self._minlen} to {self._maxlen}"
            raise ValueError(f"{name} must be a list of {count} numbers: got shape {array.shape}")
        if not np.isfinite(array).all() or ((array < self.low) | (array > self.high)).any():
            bounds = f" in [{self.low:g}, {self.high:g}]" if np.isfinite([self.low, self.high]).any() else ""
            raise ValueError(f"{name} must hold finite numbers{bounds}: got {array}")
        return [float(number) for number in array]

    def slider_range(self) -> list[float] | None:
        return None if self.step is None else [self.low, self.high, self.step]

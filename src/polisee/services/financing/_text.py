"""Translatable sentences with parameters: the services say *what* to tell the user
(a message id and typed values), the web layer and the CLI say it in the user's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["UNITS", "Phrase", "Quantity", "english_quantity", "render_phrase"]

#: Units a quantity can have; the renderer decides how each is written.
UNITS = ("count", "share", "years", "fte", "eur", "points", "flag", "days")


@dataclass(frozen=True)
class Quantity:
    """A number with its unit (``share`` is a fraction: 0.25 reads 25%)."""

    value: float | None
    unit: str

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "unit": self.unit}


@dataclass(frozen=True)
class Phrase:
    """A message id with ``{name}`` placeholders; with ``plural`` it is chosen by ``n``.

    String values are message ids themselves (metric labels) and are translated too.
    """

    text: str
    values: Mapping[str, Quantity | str] = field(default_factory=dict)
    plural: str | None = None
    n: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "plural": self.plural,
            "n": self.n,
            "values": {
                k: v.to_json() if isinstance(v, Quantity) else v for k, v in self.values.items()
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Phrase:
        values: dict[str, Quantity | str] = {}
        for key, value in dict(data.get("values", {})).items():
            values[key] = (
                Quantity(value["value"], value["unit"]) if isinstance(value, dict) else str(value)
            )
        return cls(str(data["text"]), values, data.get("plural"), data.get("n"))


def english_quantity(quantity: Quantity) -> str:
    """A quantity written in English, for the CLI and logs.

    >>> english_quantity(Quantity(0.18, "share"))
    '18%'
    >>> english_quantity(Quantity(1250000.0, "eur"))
    'EUR 1,250,000'
    >>> english_quantity(Quantity(None, "count"))
    'no data'
    """
    value = quantity.value
    if value is None:
        return "no data"
    if quantity.unit == "share":
        return f"{value * 100:.3g}%" if value * 100 < 100 else f"{value * 100:.0f}%"
    if quantity.unit == "eur":
        return f"EUR {value:,.0f}"
    if quantity.unit == "fte":
        return f"{value:g} FTE"
    if quantity.unit == "points":
        return f"{value:.1f}"
    if quantity.unit == "years":
        return f"{value:g} years"
    if quantity.unit == "flag":
        return "yes" if value else "no"
    return f"{value:g}"


def render_phrase(
    phrase: Phrase,
    *,
    gettext: Callable[[str], str] = lambda s: s,
    ngettext: Callable[[str, str, int], str] = lambda s, p, n: s if n == 1 else p,
    quantity: Callable[[Quantity], str] = english_quantity,
) -> str:
    """The phrase in a language: its message translated, then its values filled in.

    >>> render_phrase(Phrase("{count} more SME member", {"count": Quantity(3, "count")},
    ...                      "{count} more SME members", 3))
    '3 more SME members'
    >>> render_phrase(Phrase("{metric} {actual} of {required}", {"metric": "export share",
    ...     "actual": Quantity(0.18, "share"), "required": Quantity(0.25, "share")}))
    'export share 18% of 25%'
    """
    if phrase.plural is not None and phrase.n is not None:
        template = ngettext(phrase.text, phrase.plural, phrase.n)
    else:
        template = gettext(phrase.text)
    values = {
        key: quantity(value) if isinstance(value, Quantity) else gettext(value)
        for key, value in phrase.values.items()
    }
    return template.format(**values)

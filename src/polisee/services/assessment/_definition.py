"""Framework definitions: the YAML format, its strict loader with file and line in every
error, and the typed, immutable definition an assessment is answered against."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from polisee.errors import InputError

__all__ = [
    "MAX_FRAMEWORK_BYTES",
    "Criterion",
    "FrameworkDefinition",
    "Level",
    "LocalText",
    "Theme",
    "parse_framework",
]

MAX_FRAMEWORK_BYTES = 200_000
_FRAMEWORK_KEY = re.compile(r"^[a-z][a-z0-9-]{1,63}$")
_ITEM_KEY = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")


@dataclass(frozen=True)
class LocalText:
    """A text in several languages; English is always there and stands in for the others.

    >>> title = LocalText((("en", "Poor"), ("hu", "Gyenge")))
    >>> title("hu"), title("de"), title.en
    ('Gyenge', 'Poor', 'Poor')
    """

    texts: tuple[tuple[str, str], ...]

    def __call__(self, language: str) -> str:
        found = dict(self.texts)
        return found.get(language) or found["en"]

    @property
    def en(self) -> str:
        return self("en")

    def to_json(self) -> dict[str, str]:
        return dict(self.texts)

    @classmethod
    def from_json(cls, value: Mapping[str, str]) -> LocalText:
        return cls(tuple(sorted(value.items())))


@dataclass(frozen=True)
class Level:
    """One level of the scale; level 0 means "no information" and is left out of statistics."""

    level: int
    label: LocalText


@dataclass(frozen=True)
class Criterion:
    """What respondents score: guiding questions, the evidence asked for, linked indicators."""

    key: str
    theme_key: str
    title: LocalText
    guiding: tuple[LocalText, ...]
    evidence: tuple[LocalText, ...]
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class Theme:
    """A group of criteria; themes are the axes of the radar chart."""

    key: str
    number: int
    title: LocalText
    description: LocalText | None
    criteria: tuple[Criterion, ...]
    short: LocalText | None = None

    def label(self, language: str) -> str:
        """The short name (for chart axes), else the title."""
        return (self.short or self.title)(language)


@dataclass(frozen=True)
class FrameworkDefinition:
    """A validated framework: its scale and themes, in the order of the YAML file."""

    key: str
    title: LocalText
    description: LocalText | None
    scale: tuple[Level, ...]
    themes: tuple[Theme, ...]

    @property
    def max_score(self) -> int:
        return self.scale[-1].level

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for theme in self.themes for c in theme.criteria)

    def criterion(self, key: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.key == key:
                return criterion
        raise KeyError(key)

    def theme(self, key: str) -> Theme:
        for theme in self.themes:
            if theme.key == key:
                return theme
        raise KeyError(key)

    def level_label(self, score: int | None, language: str) -> str:
        for level in self.scale:
            if level.level == score:
                return level.label(language)
        return ""

    def to_json(self) -> dict[str, Any]:
        """The definition as plain JSON (what the frameworks table stores)."""

        def text(value: LocalText | None) -> dict[str, str] | None:
            return None if value is None else value.to_json()

        return {
            "key": self.key,
            "title": self.title.to_json(),
            "description": text(self.description),
            "scale": [{"level": lv.level, "label": lv.label.to_json()} for lv in self.scale],
            "themes": [
                {
                    "key": t.key,
                    "title": t.title.to_json(),
                    "short": text(t.short),
                    "description": text(t.description),
                    "criteria": [
                        {
                            "key": c.key,
                            "title": c.title.to_json(),
                            "guiding": [g.to_json() for g in c.guiding],
                            "evidence": [e.to_json() for e in c.evidence],
                            "indicators": list(c.indicators),
                        }
                        for c in t.criteria
                    ],
                }
                for t in self.themes
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FrameworkDefinition:
        """The definition stored by :meth:`to_json` (trusted: it was validated on import)."""

        def text(value: Mapping[str, str] | None) -> LocalText | None:
            return None if value is None else LocalText.from_json(value)

        themes = []
        for number, t in enumerate(data["themes"], start=1):
            criteria = tuple(
                Criterion(
                    key=c["key"],
                    theme_key=t["key"],
                    title=LocalText.from_json(c["title"]),
                    guiding=tuple(LocalText.from_json(g) for g in c["guiding"]),
                    evidence=tuple(LocalText.from_json(e) for e in c["evidence"]),
                    indicators=tuple(c["indicators"]),
                )
                for c in t["criteria"]
            )
            themes.append(
                Theme(
                    t["key"],
                    number,
                    LocalText.from_json(t["title"]),
                    text(t["description"]),
                    criteria,
                    text(t.get("short")),
                )
            )
        return cls(
            key=data["key"],
            title=LocalText.from_json(data["title"]),
            description=text(data["description"]),
            scale=tuple(
                Level(int(lv["level"]), LocalText.from_json(lv["label"])) for lv in data["scale"]
            ),
            themes=tuple(themes),
        )


# --- the loader -------------------------------------------------------------------------------


class _Reader:
    """Walks the YAML node tree; every error names the file, the line and the field."""

    def __init__(self, source: str, indicators: frozenset[str]) -> None:
        self.source = source
        self.indicators = indicators

    def fail(self, node: Node | None, field: str, message: str) -> InputError:
        line = node.start_mark.line + 1 if node is not None else None
        return InputError(message, path=self.source, line=line, field=field or None)

    def mapping(
        self,
        node: Node,
        field: str,
        required: frozenset[str] | set[str],
        optional: frozenset[str] | set[str] = frozenset(),
    ) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            raise self.fail(node, field, f"expected a mapping, got {_kind(node)}")
        out: dict[str, Node] = {}
        for key_node, value in node.value:
            if not isinstance(key_node, ScalarNode):
                raise self.fail(key_node, field, "expected plain keys")
            key = str(key_node.value)
            where = f"{field}.{key}" if field else key
            if key in out:
                raise self.fail(key_node, where, f"the key {key!r} appears twice")
            if key not in required | optional:
                allowed = ", ".join(sorted(required | optional))
                raise self.fail(key_node, where, f"unknown key {key!r}; expected one of {allowed}")
            out[key] = value
        missing = sorted(required - set(out))
        if missing:
            raise self.fail(node, field, f"missing {', '.join(repr(m) for m in missing)}")
        return out

    def sequence(self, node: Node, field: str, low: int, high: int) -> list[Node]:
        if not isinstance(node, SequenceNode):
            raise self.fail(node, field, f"expected a list, got {_kind(node)}")
        if not low <= len(node.value) <= high:
            raise self.fail(node, field, f"expected {low} to {high} items, got {len(node.value)}")
        return list(node.value)

    def string(self, node: Node, field: str, max_length: int) -> str:
        if not isinstance(node, ScalarNode) or node.tag != "tag:yaml.org,2002:str":
            raise self.fail(node, field, f"expected text, got {_kind(node)}")
        value = " ".join(str(node.value).split())
        if not value:
            raise self.fail(node, field, "expected text, got an empty value")
        if len(value) > max_length:
            raise self.fail(
                node, field, f"expected at most {max_length} characters, got {len(value)}"
            )
        return value

    def integer(self, node: Node, field: str) -> int:
        if not isinstance(node, ScalarNode) or node.tag != "tag:yaml.org,2002:int":
            raise self.fail(node, field, f"expected a whole number, got {_kind(node)}")
        return int(str(node.value))

    def key(self, node: Node, field: str, pattern: re.Pattern[str]) -> str:
        value = self.string(node, field, 64)
        if not pattern.match(value):
            joiner = "-" if pattern is _FRAMEWORK_KEY else "_"
            raise self.fail(
                node,
                field,
                f"expected a key of 2 to 64 lower-case letters, digits and {joiner}, "
                f"starting with a letter, got {value!r}",
            )
        return value

    def text(self, node: Node, field: str, max_length: int = 300) -> LocalText:
        """Plain text (English), or a mapping of language codes to texts with ``en``."""
        if isinstance(node, ScalarNode):
            return LocalText((("en", self.string(node, field, max_length)),))
        if not isinstance(node, MappingNode):
            raise self.fail(
                node, field, f"expected text or a mapping of languages, got {_kind(node)}"
            )
        texts: dict[str, str] = {}
        for key_node, value in node.value:
            language = str(key_node.value)
            where = f"{field}.{language}"
            if not _LANGUAGE.match(language):
                raise self.fail(
                    key_node, where, f"expected a two-letter language code, got {language!r}"
                )
            if language in texts:
                raise self.fail(key_node, where, f"the language {language!r} appears twice")
            texts[language] = self.string(value, where, max_length)
        if "en" not in texts:
            raise self.fail(node, field, "expected an English text ('en')")
        return LocalText(tuple(sorted(texts.items())))

    def texts(self, node: Node, field: str, low: int) -> tuple[LocalText, ...]:
        return tuple(
            self.text(item, f"{field}[{i}]", 500)
            for i, item in enumerate(self.sequence(node, field, low, 10))
        )

    def scale(self, node: Node) -> tuple[Level, ...]:
        levels = []
        for i, item in enumerate(self.sequence(node, "scale", 3, 11)):
            field = f"scale[{i}]"
            parts = self.mapping(item, field, {"level", "label"})
            level = self.integer(parts["level"], f"{field}.level")
            if level != i:
                raise self.fail(
                    parts["level"],
                    f"{field}.level",
                    f"expected levels 0, 1, 2, ... in order, got {level} at position {i}",
                )
            levels.append(Level(level, self.text(parts["label"], f"{field}.label", 60)))
        return tuple(levels)

    def criterion(self, node: Node, field: str, theme_key: str, seen: dict[str, str]) -> Criterion:
        parts = self.mapping(node, field, {"key", "title", "guiding", "evidence"}, {"indicators"})
        key = self.key(parts["key"], f"{field}.key", _ITEM_KEY)
        if key in seen:
            raise self.fail(
                parts["key"],
                f"{field}.key",
                f"the criterion key {key!r} is used already in {seen[key]}",
            )
        seen[key] = field
        indicators: list[str] = []
        if "indicators" in parts:
            for i, item in enumerate(
                self.sequence(parts["indicators"], f"{field}.indicators", 0, 5)
            ):
                name = self.string(item, f"{field}.indicators[{i}]", 64)
                if name not in self.indicators:
                    raise self.fail(
                        item,
                        f"{field}.indicators[{i}]",
                        f"unknown indicator {name!r}; expected one of {', '.join(sorted(self.indicators))}",
                    )
                indicators.append(name)
        return Criterion(
            key=key,
            theme_key=theme_key,
            title=self.text(parts["title"], f"{field}.title"),
            guiding=self.texts(parts["guiding"], f"{field}.guiding", 1),
            evidence=self.texts(parts["evidence"], f"{field}.evidence", 1),
            indicators=tuple(indicators),
        )

    def themes(self, node: Node) -> tuple[Theme, ...]:
        themes: list[Theme] = []
        theme_keys: dict[str, str] = {}
        criterion_keys: dict[str, str] = {}
        for i, item in enumerate(self.sequence(node, "themes", 1, 12)):
            field = f"themes[{i}]"
            parts = self.mapping(
                item, field, {"key", "title", "criteria"}, {"short", "description"}
            )
            key = self.key(parts["key"], f"{field}.key", _ITEM_KEY)
            if key in theme_keys:
                raise self.fail(
                    parts["key"],
                    f"{field}.key",
                    f"the theme key {key!r} is used already in {theme_keys[key]}",
                )
            theme_keys[key] = field
            criteria = tuple(
                self.criterion(c, f"{field}.criteria[{j}]", key, criterion_keys)
                for j, c in enumerate(self.sequence(parts["criteria"], f"{field}.criteria", 1, 10))
            )
            description = (
                self.text(parts["description"], f"{field}.description", 2000)
                if "description" in parts
                else None
            )
            short = self.text(parts["short"], f"{field}.short", 40) if "short" in parts else None
            themes.append(
                Theme(
                    key,
                    i + 1,
                    self.text(parts["title"], f"{field}.title"),
                    description,
                    criteria,
                    short,
                )
            )
        return tuple(themes)


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    tag = str(node.tag).rsplit(":", 1)[-1]
    return {
        "str": "text",
        "int": "a number",
        "float": "a number",
        "bool": "true/false",
        "null": "nothing",
    }.get(tag, tag) + (f" {node.value!r}" if isinstance(node, ScalarNode) and node.value else "")


def _documents(text: str, source: str) -> Iterator[Node]:
    try:
        yield from yaml.compose_all(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        context = ""
        if exc.context and exc.context_mark is not None:
            context = f" ({exc.context}, which starts on line {exc.context_mark.line + 1})"
        raise InputError(
            f"not valid YAML: {exc.problem or exc.context}{context}",
            path=source,
            line=mark.line + 1 if mark is not None else None,
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", path=source) from None


def parse_framework(
    text: str, *, source: str = "<framework>", indicators: frozenset[str] = frozenset()
) -> FrameworkDefinition:
    """Validate a framework written in YAML; ``indicators`` are the indicator keys criteria
    may name. Raises InputError naming ``source``, the line and the field of the first problem.

    >>> definition = parse_framework('''
    ... key: tiny
    ... title: A tiny framework
    ... scale:
    ...   - {level: 0, label: No information}
    ...   - {level: 1, label: Poor}
    ...   - {level: 2, label: Good}
    ... themes:
    ...   - key: skills
    ...     title: {en: Skills, hu: Készségek}
    ...     criteria:
    ...       - key: training
    ...         title: Firms train people
    ...         guiding: ["Do firms train people?"]
    ...         evidence: [Training plans]
    ... ''')
    >>> definition.max_score, definition.themes[0].title("hu"), definition.criteria[0].key
    (2, 'Készségek', 'training')
    >>> parse_framework("key: tiny\\ntitle: [a list]\\nscale: []\\nthemes: []", source="tiny.yaml")
    Traceback (most recent call last):
    ...
    polisee.errors.InputError: tiny.yaml:2: title: expected text or a mapping of languages, got a list
    """
    if len(text.encode("utf-8")) > MAX_FRAMEWORK_BYTES:
        raise InputError(f"expected at most {MAX_FRAMEWORK_BYTES} bytes of YAML", path=source)
    documents = list(_documents(text, source))
    if len(documents) != 1:
        raise InputError(f"expected one YAML document, got {len(documents)}", path=source)
    reader = _Reader(source, indicators)
    root = documents[0]
    parts = reader.mapping(root, "", {"key", "title", "scale", "themes"}, {"description"})
    return FrameworkDefinition(
        key=reader.key(parts["key"], "key", _FRAMEWORK_KEY),
        title=reader.text(parts["title"], "title"),
        description=(
            reader.text(parts["description"], "description", 4000)
            if "description" in parts
            else None
        ),
        scale=reader.scale(parts["scale"]),
        themes=reader.themes(parts["themes"]),
    )

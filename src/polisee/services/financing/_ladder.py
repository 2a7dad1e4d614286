"""Development ladders as data: the model, and the strict YAML reader that names the file,
line and field of every mistake.

A ladder lists stages in order. Each stage has entry rules (metric, operator, threshold),
optionally a rubric pass mark, a validity period, renewal terms and the funding
instruments open to it. Every threshold says whether it is ``public`` (taken from the
programme's published rules, with a reference) or a ``default`` (not published; an
editable default that an administrator can change by importing a new version).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from polisee.errors import InputError
from polisee.services.financing._metrics import METRICS

__all__ = [
    "BASES",
    "BUILTIN_LADDERS",
    "OPERATORS",
    "Instrument",
    "Ladder",
    "MembershipRules",
    "Renewal",
    "Rubric",
    "RubricItem",
    "RubricSection",
    "Rule",
    "Source",
    "Stage",
    "builtin_ladder_text",
    "parse_ladder",
]

OPERATORS = (">=", ">", "<=", "<", "==")
BASES = ("public", "default")
#: Ladders shipped with polisee (file stems in ``services/financing/ladders``).
BUILTIN_LADDERS = ("hu_cluster_ladder", "management_excellence")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class Source:
    """A public document the ladder follows."""

    title: str
    url: str


@dataclass(frozen=True)
class Rule:
    """An entry rule: ``metric op value``."""

    metric: str
    op: str
    value: float
    basis: str
    reference: str = ""

    def holds(self, actual: float | None) -> bool:
        """Whether ``actual`` satisfies the rule; a missing value never does.

        >>> Rule("members_count", ">=", 15, "default").holds(15.0)
        True
        >>> Rule("member_change_share", "<=", 0.5, "public").holds(None)
        False
        """
        if actual is None:
            return False
        eps = 1e-12
        return {
            ">=": actual >= self.value - eps,
            ">": actual > self.value + eps,
            "<=": actual <= self.value + eps,
            "<": actual < self.value - eps,
            "==": abs(actual - self.value) <= eps,
        }[self.op]


@dataclass(frozen=True)
class RubricItem:
    """Points for one metric, rising linearly from ``zero_at`` (0 points) to ``full_at``."""

    metric: str
    points: float
    zero_at: float
    full_at: float
    basis: str

    def score(self, actual: float | None) -> float:
        """The points earned by ``actual`` (none for a missing value).

        >>> RubricItem("joint_projects", 10, 0, 8, "default").score(6.0)
        7.5
        """
        if actual is None:
            return 0.0
        fraction = (actual - self.zero_at) / (self.full_at - self.zero_at)
        return self.points * min(max(fraction, 0.0), 1.0)


@dataclass(frozen=True)
class RubricSection:
    """A weighted section of the rubric; its items' points add up to its weight."""

    key: str
    name: str
    weight: float
    items: tuple[RubricItem, ...]


@dataclass(frozen=True)
class Rubric:
    """The scoring rubric; section weights add up to ``total``."""

    total: float
    basis: str
    reference: str
    sections: tuple[RubricSection, ...]


@dataclass(frozen=True)
class Instrument:
    """A funding instrument open to a stage."""

    name: str
    note: str = ""
    url: str = ""


@dataclass(frozen=True)
class Renewal:
    """How a stage is renewed: up to ``grace_years`` after expiry, for ``validity_years``
    counted from the old expiry when ``seamless``, else from the renewal."""

    grace_years: int
    validity_years: int
    seamless: bool = False
    note: str = ""


@dataclass(frozen=True)
class Stage:
    """One rung of the ladder."""

    key: str
    name: str
    description: str
    rules: tuple[Rule, ...]
    pass_mark: float | None
    pass_mark_basis: str
    validity_years: int | None
    renewal: Renewal | None
    instruments: tuple[Instrument, ...]


@dataclass(frozen=True)
class MembershipRules:
    """The membership-change rules of a titled stage: a change above ``max_change_share`` of
    the members since the award ends the title; each change is reported within
    ``report_within_days``."""

    max_change_share: float
    report_within_days: int
    window_years: int
    basis: str
    reference: str


@dataclass(frozen=True)
class Ladder:
    """A development ladder: stages in order, rubric, membership rules, sources."""

    key: str
    name: str
    description: str
    sources: tuple[Source, ...]
    stages: tuple[Stage, ...]
    rubric: Rubric | None
    membership: MembershipRules | None

    def stage(self, key: str) -> Stage:
        """The stage with this key (KeyError if none)."""
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise KeyError(key)

    def stage_keys(self) -> list[str]:
        """The stage keys in ladder order."""
        return [s.key for s in self.stages]


# --- the YAML reader -----------------------------------------------------------------------

_CONSTRUCTOR = yaml.SafeLoader("")


class _Reader:
    """Walks the composed YAML node tree, so every error can name its line."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, node: yaml.Node, field: str, message: str) -> InputError:
        return InputError(message, path=self.path, line=node.start_mark.line + 1, field=field)

    def mapping(
        self,
        node: yaml.Node,
        field: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
    ) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, field, f"expected a mapping, got {self._kind(node)}")
        out: dict[str, yaml.Node] = {}
        allowed = required + optional
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            where = f"{field}.{key}" if field else str(key)
            if key not in allowed:
                raise self.fail(
                    key_node, where, f"unknown field {key!r}; expected one of {list(allowed)}"
                )
            if key in out:
                raise self.fail(key_node, where, f"field {key!r} is given twice")
            out[key] = value_node
        for key in required:
            if key not in out:
                raise self.fail(node, f"{field}.{key}" if field else key, "is required")
        return out

    def sequence(self, node: yaml.Node, field: str, *, min_items: int = 0) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, field, f"expected a list, got {self._kind(node)}")
        if len(node.value) < min_items:
            raise self.fail(
                node, field, f"expected at least {min_items} entries, got {len(node.value)}"
            )
        return list(node.value)

    def scalar(self, node: yaml.Node, field: str) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, field, f"expected a single value, got {self._kind(node)}")
        return _CONSTRUCTOR.construct_object(node)

    def text(self, node: yaml.Node, field: str, *, pattern: re.Pattern[str] | None = None) -> str:
        value = self.scalar(node, field)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(node, field, f"expected non-empty text, got {value!r}")
        if pattern is not None and not pattern.match(value):
            raise self.fail(
                node, field, f"expected lower-case letters, digits and _ (a key), got {value!r}"
            )
        return value.strip()

    def number(
        self, node: yaml.Node, field: str, *, low: float | None = None, high: float | None = None
    ) -> float:
        value = self.scalar(node, field)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(node, field, f"expected a number, got {value!r}")
        if (low is not None and value < low) or (high is not None and value > high):
            raise self.fail(node, field, f"expected a number from {low} to {high}, got {value!r}")
        return float(value)

    def integer(self, node: yaml.Node, field: str, *, low: int = 0, high: int = 1000) -> int:
        value = self.scalar(node, field)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(node, field, f"expected a whole number, got {value!r}")
        if not low <= value <= high:
            raise self.fail(
                node, field, f"expected a whole number from {low} to {high}, got {value}"
            )
        return value

    def url(self, node: yaml.Node, field: str) -> str:
        value = self.text(node, field)
        if not re.match(r"^https?://[^\s]+$", value):
            raise self.fail(node, field, f"expected an http(s) address, got {value!r}")
        return value

    def choice(self, node: yaml.Node, field: str, options: tuple[str, ...]) -> str:
        value = self.scalar(node, field)
        if value not in options:
            raise self.fail(node, field, f"expected one of {list(options)}, got {value!r}")
        return str(value)

    def optional_text(self, fields: dict[str, yaml.Node], name: str, field: str) -> str:
        where = f"{field}.{name}" if field else name
        return self.text(fields[name], where) if name in fields else ""

    @staticmethod
    def _kind(node: yaml.Node) -> str:
        if isinstance(node, yaml.MappingNode):
            return "a mapping"
        if isinstance(node, yaml.SequenceNode):
            return "a list"
        return repr(node.value)


def _metric(reader: _Reader, node: yaml.Node, field: str) -> str:
    name = reader.text(node, field)
    if name not in METRICS:
        raise reader.fail(
            node, field, f"unknown metric {name!r}; expected one of {sorted(METRICS)}"
        )
    return name


def _rule(reader: _Reader, node: yaml.Node, field: str) -> Rule:
    f = reader.mapping(node, field, ("metric", "op", "value", "basis"), ("reference",))
    basis = reader.choice(f["basis"], f"{field}.basis", BASES)
    reference = reader.optional_text(f, "reference", field)
    if basis == "public" and not reference:
        raise reader.fail(node, f"{field}.reference", "a public threshold needs a reference")
    return Rule(
        metric=_metric(reader, f["metric"], f"{field}.metric"),
        op=reader.choice(f["op"], f"{field}.op", OPERATORS),
        value=reader.number(f["value"], f"{field}.value"),
        basis=basis,
        reference=reference,
    )


def _rubric(reader: _Reader, node: yaml.Node, field: str) -> Rubric:
    f = reader.mapping(node, field, ("total", "basis", "sections"), ("reference",))
    total = reader.number(f["total"], f"{field}.total", low=1)
    sections = []
    keys: set[str] = set()
    for i, section_node in enumerate(
        reader.sequence(f["sections"], f"{field}.sections", min_items=1)
    ):
        where = f"{field}.sections[{i}]"
        s = reader.mapping(section_node, where, ("key", "name", "weight", "items"))
        key = reader.text(s["key"], f"{where}.key", pattern=_KEY)
        if key in keys:
            raise reader.fail(s["key"], f"{where}.key", f"section {key!r} is given twice")
        keys.add(key)
        weight = reader.number(s["weight"], f"{where}.weight", low=0)
        items = []
        for j, item_node in enumerate(reader.sequence(s["items"], f"{where}.items", min_items=1)):
            at = f"{where}.items[{j}]"
            it = reader.mapping(item_node, at, ("metric", "points", "zero_at", "full_at", "basis"))
            zero = reader.number(it["zero_at"], f"{at}.zero_at")
            full = reader.number(it["full_at"], f"{at}.full_at")
            if full == zero:
                raise reader.fail(it["full_at"], f"{at}.full_at", "must differ from zero_at")
            items.append(
                RubricItem(
                    metric=_metric(reader, it["metric"], f"{at}.metric"),
                    points=reader.number(it["points"], f"{at}.points", low=0),
                    zero_at=zero,
                    full_at=full,
                    basis=reader.choice(it["basis"], f"{at}.basis", BASES),
                )
            )
        points = sum(item.points for item in items)
        if abs(points - weight) > 1e-9:
            raise reader.fail(
                s["weight"], f"{where}.weight", f"items add up to {points:g} points, not {weight:g}"
            )
        sections.append(
            RubricSection(key, reader.text(s["name"], f"{where}.name"), weight, tuple(items))
        )
    weights = sum(s.weight for s in sections)
    if abs(weights - total) > 1e-9:
        raise reader.fail(
            f["total"], f"{field}.total", f"section weights add up to {weights:g}, not {total:g}"
        )
    basis = reader.choice(f["basis"], f"{field}.basis", BASES)
    reference = reader.optional_text(f, "reference", field)
    if basis == "public" and not reference:
        raise reader.fail(node, f"{field}.reference", "public weights need a reference")
    return Rubric(total, basis, reference, tuple(sections))


def _stage(reader: _Reader, node: yaml.Node, field: str, rubric: Rubric | None) -> Stage:
    f = reader.mapping(
        node,
        field,
        ("key", "name", "rules"),
        (
            "description",
            "pass_mark",
            "pass_mark_basis",
            "validity_years",
            "renewal",
            "instruments",
        ),
    )
    rules = tuple(
        _rule(reader, r, f"{field}.rules[{i}]")
        for i, r in enumerate(reader.sequence(f["rules"], f"{field}.rules"))
    )
    pass_mark = None
    pass_mark_basis = ""
    if "pass_mark" in f:
        if rubric is None:
            raise reader.fail(f["pass_mark"], f"{field}.pass_mark", "the ladder has no rubric")
        pass_mark = reader.number(f["pass_mark"], f"{field}.pass_mark", low=0, high=rubric.total)
        if "pass_mark_basis" not in f:
            raise reader.fail(node, f"{field}.pass_mark_basis", "is required with pass_mark")
        pass_mark_basis = reader.choice(f["pass_mark_basis"], f"{field}.pass_mark_basis", BASES)
    renewal = None
    if "renewal" in f:
        r = reader.mapping(
            f["renewal"],
            f"{field}.renewal",
            ("grace_years", "validity_years"),
            ("seamless", "note"),
        )
        seamless = False
        if "seamless" in r:
            flag = reader.scalar(r["seamless"], f"{field}.renewal.seamless")
            if not isinstance(flag, bool):
                raise reader.fail(
                    r["seamless"],
                    f"{field}.renewal.seamless",
                    f"expected true or false, got {flag!r}",
                )
            seamless = flag
        renewal = Renewal(
            grace_years=reader.integer(r["grace_years"], f"{field}.renewal.grace_years", high=10),
            validity_years=reader.integer(
                r["validity_years"], f"{field}.renewal.validity_years", low=1, high=20
            ),
            seamless=seamless,
            note=reader.optional_text(r, "note", f"{field}.renewal"),
        )
    instruments = []
    if "instruments" in f:
        for i, inst in enumerate(reader.sequence(f["instruments"], f"{field}.instruments")):
            at = f"{field}.instruments[{i}]"
            m = reader.mapping(inst, at, ("name",), ("note", "url"))
            instruments.append(
                Instrument(
                    reader.text(m["name"], f"{at}.name"),
                    reader.optional_text(m, "note", at),
                    reader.url(m["url"], f"{at}.url") if "url" in m else "",
                )
            )
    return Stage(
        key=reader.text(f["key"], f"{field}.key", pattern=_KEY),
        name=reader.text(f["name"], f"{field}.name"),
        description=reader.optional_text(f, "description", field),
        rules=rules,
        pass_mark=pass_mark,
        pass_mark_basis=pass_mark_basis,
        validity_years=(
            reader.integer(f["validity_years"], f"{field}.validity_years", low=1, high=20)
            if "validity_years" in f
            else None
        ),
        renewal=renewal,
        instruments=tuple(instruments),
    )


def parse_ladder(text: str, *, path: str = "<ladder>") -> Ladder:
    """The ladder in ``text``; InputError naming ``path``, the line and the field otherwise."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise InputError(
            f"not valid YAML: {exc.problem or exc.context}",
            path=path,
            line=mark.line + 1 if mark else None,
        ) from None
    if root is None:
        raise InputError("the ladder file is empty", path=path)
    reader = _Reader(path)
    f = reader.mapping(
        root,
        "",
        ("key", "name", "stages"),
        ("description", "sources", "rubric", "membership_change"),
    )
    rubric = _rubric(reader, f["rubric"], "rubric") if "rubric" in f else None
    sources = []
    if "sources" in f:
        for i, node in enumerate(reader.sequence(f["sources"], "sources")):
            s = reader.mapping(node, f"sources[{i}]", ("title", "url"))
            sources.append(
                Source(
                    reader.text(s["title"], f"sources[{i}].title"),
                    reader.url(s["url"], f"sources[{i}].url"),
                )
            )
    membership = None
    if "membership_change" in f:
        m = reader.mapping(
            f["membership_change"],
            "membership_change",
            ("max_change_share", "report_within_days", "basis"),
            ("reference", "window_years"),
        )
        basis = reader.choice(m["basis"], "membership_change.basis", BASES)
        reference = reader.optional_text(m, "reference", "membership_change")
        if basis == "public" and not reference:
            raise reader.fail(
                f["membership_change"],
                "membership_change.reference",
                "public rules need a reference",
            )
        membership = MembershipRules(
            max_change_share=reader.number(
                m["max_change_share"], "membership_change.max_change_share", low=0, high=1
            ),
            report_within_days=reader.integer(
                m["report_within_days"], "membership_change.report_within_days", low=1, high=365
            ),
            window_years=(
                reader.integer(m["window_years"], "membership_change.window_years", low=1, high=10)
                if "window_years" in m
                else 2
            ),
            basis=basis,
            reference=reference,
        )
    stage_nodes = reader.sequence(f["stages"], "stages", min_items=1)
    stages = [_stage(reader, node, f"stages[{i}]", rubric) for i, node in enumerate(stage_nodes)]
    seen: set[str] = set()
    for i, stage in enumerate(stages):
        if stage.key in seen:
            raise reader.fail(
                stage_nodes[i], f"stages[{i}].key", f"stage {stage.key!r} is given twice"
            )
        seen.add(stage.key)
    return Ladder(
        key=reader.text(f["key"], "key", pattern=_KEY),
        name=reader.text(f["name"], "name"),
        description=reader.optional_text(f, "description", ""),
        sources=tuple(sources),
        stages=tuple(stages),
        rubric=rubric,
        membership=membership,
    )


def builtin_ladder_text(stem: str) -> str:
    """The YAML text of a ladder shipped with polisee (``hu_cluster_ladder``, ...)."""
    if stem not in BUILTIN_LADDERS:
        raise InputError(f"expected one of {list(BUILTIN_LADDERS)}, got {stem!r}", field="ladder")
    return (
        resources.files("polisee.services.financing")
        .joinpath("ladders", f"{stem}.yaml")
        .read_text(encoding="utf-8")
    )

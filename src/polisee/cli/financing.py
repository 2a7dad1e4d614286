"""``polisee ladders`` and ``polisee clusters``: import ladder versions, list them, list
cluster organisations and evaluate one on a ladder (printing rules, rubric and what is
missing for the next stage)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from polisee.cli import _console
from polisee.config import Settings
from polisee.errors import InputError, NotFound
from polisee.records.db import transaction
from polisee.services import clusters
from polisee.services import financing as fin
from polisee.services.audit import CLI_ACTOR
from polisee.services.schema import upgrade

__all__ = ["clusters_app", "evaluation_lines", "ladders_app"]

ladders_app = typer.Typer(help="Development ladders: import versions, list.", no_args_is_help=True)
clusters_app = typer.Typer(
    help="Cluster organisations: list, evaluate on a ladder.", no_args_is_help=True
)
_OPS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}


def _database() -> str:
    url = Settings().database_url
    upgrade(url)
    return url


@ladders_app.command("import")
def import_ladder(
    file: Annotated[Path, typer.Argument(help="A ladder YAML file.", exists=True, dir_okay=False)],
) -> None:
    """Import FILE as the next version of its ladder (past evaluations keep theirs)."""
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError("expected UTF-8 text", path=file) from None
    with transaction(_database()) as db:
        fin.ensure_builtin_ladders(db)
        version = fin.import_ladder(db, CLI_ACTOR, text, source=str(file))
        key, number = version.key, version.version
    _console.console.print(f"imported ladder {key} version {number}")


@ladders_app.command("list")
def list_ladders() -> None:
    """Print the newest version of every ladder with its stages."""
    with transaction(_database()) as db:
        fin.ensure_builtin_ladders(db)
        rows = [
            (v.key, v.version, v.name, " → ".join(s.key for s in fin.ladder_of(v).stages))
            for v in fin.latest_ladders(db)
        ]
    _console.print_table("ladders", ["key", "version", "name", "stages"], rows)


@clusters_app.command("list")
def list_clusters() -> None:
    """Print every cluster organisation with its latest stage per ladder."""
    with transaction(_database()) as db:
        profiles = clusters.list_clusters(db, clusters.CLI_VIEWER)
        stages = fin.latest_stages(db, [p.cluster.id for p in profiles])
        rows = [
            (
                p.cluster.id,
                p.cluster.name,
                p.cluster.region_code,
                p.members,
                ", ".join(
                    f"{s.ladder_key}: {s.stage or '-'}" for s in stages.get(p.cluster.id, [])
                ),
            )
            for p in profiles
        ]
    _console.print_table(
        "cluster organisations", ["id", "name", "region", "members", "stages"], rows
    )


def _value(metric: str, value: float | None) -> str:
    unit = fin.METRICS[metric].unit if metric in fin.METRICS else "count"
    return fin.english_quantity(fin.Quantity(value, unit))


def evaluation_lines(
    name: str, evaluation: fin.Evaluation, version: int, ladder: fin.Ladder
) -> list[str]:
    """The evaluation as plain English lines (what ``polisee clusters evaluate`` prints)."""
    e = evaluation
    lines = [f"{name} — {e.ladder_name}, version {version}, on {e.as_of.isoformat()}"]
    score = (
        f" (rubric {e.score:.1f} of {e.rubric_total:g})"
        if e.score is not None and e.rubric_total
        else ""
    )
    lines.append(f"Stage reached: {e.stage_name or 'none'}{score}")
    if e.valid_until:
        lines.append(f"Valid until: {e.valid_until.isoformat()} ({e.award} award)")
    if e.membership is not None:
        m = e.membership
        lines.append(
            f"Membership change since the award on {m.since.isoformat()}: {m.joined} joined, "
            f"{m.left} left of {m.members_at_award} ({fin.english_quantity(fin.Quantity(m.share, 'share'))})"
            + (f"; the title lapsed on {m.lapsed_on.isoformat()}" if m.lapsed_on else "")
        )
    if e.next_stage_name:
        lines.append(
            f"Missing for {e.next_stage_name}: " + "; ".join(fin.render_phrase(g) for g in e.gaps)
        )
    else:
        lines.append("The top of the ladder is reached.")
    if e.sections:
        lines.append(
            "Rubric by section: "
            + ", ".join(f"{s.name} {s.score:.1f}/{s.weight:g}" for s in e.sections)
        )
    for stage in e.stages:
        mark = "passed" if stage.passed else "not passed"
        lines.append(f"  {stage.name}: {mark}")
        for rule in stage.rules:
            lines.append(
                f"    {'✓' if rule.passed else '✗'} {fin.METRICS[rule.metric].label} "
                f"{_OPS[rule.op]} {_value(rule.metric, rule.required)}, actual "
                f"{_value(rule.metric, rule.actual)} [{rule.basis}]"
            )
        if stage.pass_mark is not None:
            lines.append(
                f"    {'✓' if stage.rubric_passed else '✗'} rubric score ≥ {stage.pass_mark:g}, "
                f"actual {e.score:.1f} [{ladder.stage(stage.key).pass_mark_basis}]"
            )
    return lines


@clusters_app.command("evaluate")
def evaluate_cluster(
    cluster: Annotated[str, typer.Argument(help="Cluster organisation id or exact name.")],
    ladder: Annotated[str, typer.Option(help="Ladder key.")] = "hu_cluster",
    on: Annotated[str | None, typer.Option(help="Date (YYYY-MM-DD); today by default.")] = None,
    store: Annotated[bool, typer.Option(help="Keep the evaluation with its inputs.")] = False,
) -> None:
    """Evaluate a cluster organisation on a ladder and print rules, rubric and what is missing."""
    try:
        day = date.fromisoformat(on) if on else date.today()
    except ValueError:
        raise InputError(f"expected a date like 2026-11-27, got {on!r}", field="--on") from None
    with transaction(_database()) as db:
        fin.ensure_builtin_ladders(db)
        profiles = clusters.list_clusters(db, clusters.CLI_VIEWER)
        found = [
            p.cluster for p in profiles if str(p.cluster.id) == cluster or p.cluster.name == cluster
        ]
        if not found:
            raise NotFound(f"no cluster organisation {cluster!r}; see `polisee clusters list`")
        stored = fin.evaluate_cluster(
            db, clusters.CLI_VIEWER, found[0].id, ladder, as_of=day, store=store
        )
        lines = evaluation_lines(
            found[0].name,
            stored.evaluation,
            stored.ladder_version.version,
            fin.ladder_of(stored.ladder_version),
        )
    for line in lines:
        _console.console.print(line, markup=False)

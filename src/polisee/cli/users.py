"""``polisee users``: create accounts, grant roles, list users, issue password reset tokens."""

from __future__ import annotations

from typing import Annotated

import typer

from polisee.cli import _console
from polisee.config import Settings
from polisee.errors import Conflict, InputError, NotFound, PoliseeError
from polisee.records.db import transaction
from polisee.services import accounts
from polisee.services.audit import CLI_ACTOR
from polisee.services.schema import upgrade

__all__ = ["app"]

app = typer.Typer(help="Accounts, organisations and roles.", no_args_is_help=True)


def _fail(error: PoliseeError) -> typer.Exit:
    _console.err_console.print(f"error: {error}")
    return typer.Exit(2 if isinstance(error, InputError) else 1)


def _database() -> str:
    url = Settings().database_url
    upgrade(url)
    return url


@app.command("create")
def create_user(
    email: Annotated[str, typer.Argument(help="The login email.")],
    name: Annotated[str, typer.Option(help="Display name.")],
    role: Annotated[str | None, typer.Option(help="Role to grant in --org.")] = None,
    org: Annotated[str | None, typer.Option(help="Organisation name (created if new).")] = None,
    org_kind: Annotated[str, typer.Option(help="Kind of a new organisation.")] = "agency",
    password: Annotated[
        str | None, typer.Option(help="Password; one is generated and printed once if omitted.")
    ] = None,
) -> None:
    """Create a user, optionally with a role in an organisation."""
    if (role is None) != (org is None):
        raise _fail(InputError("give --role and --org together", field="--role/--org"))
    generated = password is None
    secret = password or accounts.generate_password()
    try:
        with transaction(_database()) as db:
            user = accounts.create_user(
                db, email=email, display_name=name, password=secret, actor=CLI_ACTOR
            )
            if role is not None and org is not None:
                try:
                    organisation = accounts.find_organisation(db, org)
                except NotFound:
                    organisation = accounts.create_organisation(
                        db, name=org, kind=org_kind, actor=CLI_ACTOR
                    )
                accounts.grant_role(
                    db, user_id=user.id, organisation_id=organisation.id, role=role, actor=CLI_ACTOR
                )
            address = user.email
    except PoliseeError as error:
        raise _fail(error) from None
    _console.console.print(f"created {address}")
    if generated:
        _console.console.print(f"password (shown once): {secret}")


@app.command("grant")
def grant_role(
    email: Annotated[str, typer.Argument(help="The user's email.")],
    role: Annotated[str, typer.Option(help="Role to grant.")],
    org: Annotated[str, typer.Option(help="Organisation name.")],
) -> None:
    """Grant a role in an existing organisation."""
    try:
        with transaction(_database()) as db:
            user = accounts.find_user(db, email)
            organisation = accounts.find_organisation(db, org)
            accounts.grant_role(
                db, user_id=user.id, organisation_id=organisation.id, role=role, actor=CLI_ACTOR
            )
    except (InputError, NotFound, Conflict) as error:
        raise _fail(error) from None
    _console.console.print(f"{email} is now {role} in {org}")


@app.command("list")
def list_users() -> None:
    """Print every user with roles."""
    with transaction(_database()) as db:
        users = accounts.list_users(db)
    rows = [
        (
            u.email,
            u.display_name,
            "yes" if u.active else "no",
            ", ".join(f"{r.value}@{o}" for o, r in u.roles) or "-",
            u.last_login_at.strftime("%Y-%m-%d %H:%M") if u.last_login_at else "never",
        )
        for u in users
    ]
    _console.print_table("users", ["email", "name", "active", "roles", "last sign-in"], rows)


@app.command("reset-token")
def reset_token(email: Annotated[str, typer.Argument(help="The user's email.")]) -> None:
    """Print a one-time password reset link path (valid two hours; there is no mail server)."""
    try:
        with transaction(_database()) as db:
            token = accounts.issue_reset_token(db, email, actor=CLI_ACTOR)
    except PoliseeError as error:
        raise _fail(error) from None
    _console.console.print(f"reset link: /reset/{token}")

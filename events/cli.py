"""The `events` command: serve, migrate, demo, user, token (and the domains' own commands)."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click
import uvicorn

from events.accounts import service as accounts
from events.accounts.tables import User
from events.app import create_app
from events.demo import database_is_empty, load_demo
from events.evaluation import service as evaluation
from events.kernel import database
from events.kernel.clock import Clock
from events.kernel.errors import RuleViolation
from events.kernel.settings import Settings, SettingsError
from events.kernel.text import normalise_email
from events.live import service as live
from events.mail import worker as mail_worker
from events.mail.jobs import worker_jobs
from events.materials import service as materials
from events.materials.storage import storage_for
from events.organisations import service as organisations
from events.programme import service as programme
from events.quiz import service as quiz
from events.registration import service as registration
from events.resources.cli import run_check_links
from events.web.access_log import log_config

T = TypeVar("T")


def load_settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        click.echo(f"events: configuration error: {exc}", err=True)
        sys.exit(2)


def run_with_database(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    """Run `work` with the engine bound and (for PostgreSQL) its pool open."""

    async def runner() -> T:
        engine = database.make_engine(settings.database)
        database.bind_engine(engine)
        await database.start(engine)
        try:
            return await work()
        finally:
            await database.stop(engine)

    try:
        return asyncio.run(runner())
    except OSError as exc:
        click.echo(f"events: cannot reach the database ({settings.database.kind}): {exc}", err=True)
        sys.exit(1)


def migrate_now(settings: Settings) -> None:

    async def work() -> None:
        await database.migrate(database.make_engine(settings.database))

    run_with_database(settings, work)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Conferences, webinars and weerbaarheidsfestivals for the Dutch public sector."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--demo-if-empty", is_flag=True, help="Load the demo scenario when the database has no users yet.")
@click.option("--no-migrate", is_flag=True, help="Skip migrating before listening.")
def serve(host: str, port: int, workers: int, demo_if_empty: bool, no_migrate: bool) -> None:
    """Migrate, then serve the app."""

    settings = load_settings()
    if not no_migrate:
        migrate_now(settings)
    if demo_if_empty:

        async def maybe_demo() -> list[str]:
            return await load_demo(settings, Clock()) if await database_is_empty() else []

        for line in run_with_database(settings, maybe_demo):
            click.echo(line)
    click.echo(f"events: serving on http://{host}:{port} ({settings.database.kind})")
    uvicorn.run(
        "events.asgi:create",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
        log_config=log_config(),
        access_log=False,  # events.web.access_log.AccessLog writes the (masked) lines instead
        ws_per_message_deflate=False,  # saves most of the ~69 KB a quiz socket would otherwise cost
        server_header=False,  # no "server: uvicorn": answers do not advertise the software and its version
        # uvicorn's supervisor kills a worker that misses its 5 s health ping; a worker busy with a crowd (or
        # starting on a loaded machine) must not lose its sockets for that.
        timeout_worker_healthcheck=30,
    )


@main.command()
def migrate() -> None:
    """Run pending database migrations."""
    settings = load_settings()
    migrate_now(settings)
    click.echo("events: database is up to date")


@main.command()
def demo() -> None:
    """Load the demo scenario (idempotent)."""

    settings = load_settings()
    migrate_now(settings)
    for line in run_with_database(settings, lambda: load_demo(settings, Clock())):
        click.echo(line)


@main.group()
def user() -> None:
    """Manage users."""


async def _create_user_in(
    email: str, role: str, password: str | None, name: str, organisation_slug: str | None, org_role: str
) -> list[str]:
    organisation = None
    if organisation_slug:
        organisation = await organisations.organisation_by_slug(organisation_slug)
        if organisation is None:
            raise click.BadParameter(f"no organisation with slug {organisation_slug}", param_hint="--organisation")
    created = await accounts.create_user(email, role, password=password, name=name)
    lines = [f"created {created.role} {created.email} (id {created.id})"]
    now = Clock().now()
    if organisation is None and role == "organiser":
        organisation = await organisations.create_organisation(
            {"name": name or created.email}, now, actor_label="events user create"
        )
        org_role = "owner"
    if organisation is not None:
        await organisations.add_member(organisation.id, created.id, org_role, now, actor_label="events user create")
        lines.append(f"member of {organisation.slug} as {org_role}")
    return lines


@user.command("create")
@click.option("--email", required=True)
@click.option("--password", default=None, help="At least 10 characters; speakers may go without.")
@click.option("--role", required=True, type=click.Choice(["organiser", "speaker", "admin"]))
@click.option("--name", default="")
@click.option("--organisation", "organisation_slug", default=None, help="Make the user a member of this organisation.")
@click.option("--org-role", default="editor", show_default=True, type=click.Choice(["owner", "editor", "viewer"]))
def user_create(email: str, password: str | None, role: str, name: str, organisation_slug: str | None, org_role: str) -> None:
    """Create a user; a new organiser without --organisation gets an organisation of their own (as its owner)."""
    settings = load_settings()
    if role != "speaker" and not password:
        raise click.UsageError("--password is required for organisers and admins")
    if organisation_slug and role == "speaker":
        raise click.UsageError("speakers are no members of organisations; leave out --organisation")

    async def work() -> list[str]:
        async with database.write_transaction(database.bound_engine()):  # the user and their membership, or neither
            return await _create_user_in(email, role, password, name, organisation_slug, org_role)

    try:
        for line in run_with_database(settings, work):
            click.echo(line)
    except accounts.AccountError as exc:
        raise click.BadParameter(str(exc)) from exc


@main.group()
def organisation() -> None:
    """Manage organisations."""


@organisation.command("create")
@click.option("--name", required=True)
@click.option("--slug", default=None, help="The organisation's address; made from the name when left out.")
def organisation_create(name: str, slug: str | None) -> None:
    """Create an organisation (add its first owner with `events user create … --organisation SLUG --org-role owner`)."""
    settings = load_settings()
    try:
        created = run_with_database(
            settings, lambda: organisations.create_organisation({"name": name}, Clock().now(), slug=slug, actor_label="events organisation create")
        )
    except RuleViolation as exc:
        raise click.BadParameter("; ".join(exc.errors.values()) or exc.message) from exc
    click.echo(f"created organisation {created.slug} ({created.name})")


@main.group()
def token() -> None:
    """Manage API tokens."""


@token.command("create")
@click.option("--email", required=True)
@click.option("--label", default="cli")
def token_create(email: str, label: str) -> None:
    """Create an API token; the token alone is printed on the last line."""

    settings = load_settings()

    async def work() -> Any:
        row = await User.select(User.id).where(User.email == normalise_email(email)).first()
        if row is None:
            return None
        return await accounts.create_api_token(row["id"], label=label)

    value = run_with_database(settings, work)
    if value is None:
        raise click.BadParameter(f"no user with e-mail {email}", param_hint="--email")
    click.echo("Keep this token secret; it is shown only once:", err=True)
    click.echo(value)


@token.command("revoke")
@click.option("--token", "value", required=True)
def token_revoke(value: str) -> None:
    """Revoke an API token."""

    settings = load_settings()
    if not run_with_database(settings, lambda: accounts.revoke_api_token(value, Clock().now())):
        raise click.BadParameter("no active token with that value", param_hint="--token")
    click.echo("revoked")


@main.command("check-links")
@click.option("--concurrency", default=8, show_default=True, type=click.IntRange(1, 64), help="Requests at once.")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(0.1, 120), help="Seconds per request.")
@click.option("--max-redirects", default=5, show_default=True, type=click.IntRange(0, 20))
@click.option("--only-broken", is_flag=True, help="Re-check only the links found broken last time.")
@click.option("--allow-private", is_flag=True, help="Also probe loopback/private addresses (intranet, tests); EVENTS_ALLOW_PRIVATE_TARGETS=true does the same.")
def check_links(concurrency: int, timeout: float, max_redirects: int, only_broken: bool, allow_private: bool) -> None:
    """Check every library resource's address and record which links are broken (exit 1 when any is)."""

    settings = load_settings()
    allow_private = allow_private or settings.allow_private_targets
    broken = run_with_database(
        settings, lambda: run_check_links(Clock(), concurrency, timeout, max_redirects, only_broken, allow_private)
    )
    sys.exit(1 if broken else 0)


@main.command()
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
@click.option("--interval", default=1.0, show_default=True, type=click.FloatRange(0.1, 60), help="Seconds between rounds.")
def worker(once: bool, interval: float) -> None:
    """Deliver the mail outbox and queue reminders (run with EVENTS_DELIVER_IN_PROCESS=false on the servers)."""


    settings = load_settings()

    async def work() -> int:

        clock = Clock()
        engine = database.bound_engine()
        # The app's wiring registers the domains' jobs: the same jobs `events serve` runs (nothing is served).
        jobs = worker_jobs(create_app(settings, clock=clock, engine=engine).state)
        if once:
            return await mail_worker.work_once(clock, mail_worker.deliverer_for(settings, clock, engine, jobs), jobs)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        click.echo(f"events: delivering mail ({'SMTP' if settings.smtp_url else settings.mail_dir})", err=True)
        await mail_worker.run_worker(settings, clock, engine, stop, jobs, interval=interval)
        return 0

    sent = run_with_database(settings, work)
    if once:
        click.echo(f"sent {sent} messages")


@main.command()
def purge() -> None:
    """Anonymise participant data of events that ended more than EVENTS_RETENTION_DAYS ago (registrations and their
    mails with the .eml files, names in live spaces, quiz nicknames, the addresses and sign-in links of speakers
    with no later event), and delete uploaded files that no material refers to any more. The public programme of
    the archive (titles, sessions, the speakers' published names and bios) and anonymous results stay."""

    settings = load_settings()
    now = Clock().now()
    touched = run_with_database(settings, lambda: registration.purge(now, settings.retention_days, mail_dir=settings.mail_dir))
    click.echo(f"anonymised {touched} registrations of events that ended more than {settings.retention_days} days ago")
    names = run_with_database(settings, lambda: live.purge_names(now, settings.retention_days))
    click.echo(f"forgot {names} names in live spaces of those events")
    players = run_with_database(settings, lambda: quiz.forget_past_players(now, settings.retention_days))
    click.echo(f"forgot {players} quiz players' nicknames of those events")
    speakers = run_with_database(settings, lambda: programme.forget_past_speakers(now, settings.retention_days))
    click.echo(f"forgot the addresses and links of {speakers} speakers who speak at none but those events")
    shared = run_with_database(settings, lambda: evaluation.purge_names(now, settings.retention_days))
    click.echo(f"made {shared} named evaluation answers of those events anonymous")
    swept = run_with_database(settings, lambda: materials.sweep_orphaned_files(storage_for(settings.data_dir), now))
    click.echo(f"deleted {swept} uploaded files that no material refers to any more")


if __name__ == "__main__":  # pragma: no cover
    main()

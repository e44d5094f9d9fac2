"""Command-line tools: `seed`, `demo`, `frameworks import|export`, `users create-admin` and `retention purge`."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from recruit.extensions import db
from recruit.models import Framework
from recruit.services.frameworks.framework_files import export_framework, import_framework_file
from recruit.services.frameworks.seed import seed
from recruit.services.frameworks.yaml_files import MAX_FILE_BYTES, FileProblems, dump_yaml


def _fail(error: FileProblems, what: str) -> None:
    click.echo(f"{what} was refused; nothing was changed. {len(error.problems)} problem(s):", err=True)
    for problem in error.problems:
        click.echo(f"  {problem}", err=True)
    raise SystemExit(1)


@click.command("seed")
@click.option(
    "--dir",
    "seeds_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder of seed files (default: the project's seeds/).",
)
@with_appcontext
def seed_command(seeds_dir: str | None) -> None:
    """Load or update the scales, frameworks and role profiles in seeds/."""
    try:
        summary = seed(seeds_dir or current_app.config["SEEDS_DIR"])
    except FileProblems as error:
        _fail(error, "The seed data")
    click.echo(
        f"Seeded {summary.scales} scales, {len(summary.frameworks)} frameworks "
        f"({', '.join(summary.frameworks)}) and {len(summary.role_profiles)} role profiles."
    )


@click.group("frameworks")
def frameworks_cli() -> None:
    """Import and export competency frameworks as YAML."""


@frameworks_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(file: Path) -> None:
    """Import FILE, creating the framework or updating it in place."""
    try:
        with file.open("rb") as handle:
            # One byte over the limit is enough to refuse it: a huge file, or a device, is never read whole.
            raw = handle.read(MAX_FILE_BYTES + 1)
        framework = import_framework_file(raw)
    except FileProblems as error:
        _fail(error, str(file))
    click.echo(f"Imported {framework.name} ({framework.slug}).")


@frameworks_cli.command("export")
@click.argument("slug")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of standard output.",
)
@with_appcontext
def export_command(slug: str, output: Path | None) -> None:
    """Export the framework SLUG as YAML."""
    framework = db.session.scalar(select(Framework).where(Framework.slug == slug))
    if framework is None:
        click.echo(f"There is no framework with the slug '{slug}'.", err=True)
        raise SystemExit(1)
    text = dump_yaml(export_framework(framework))
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Exported {framework.slug} to {output}.")


@click.group("users")
def users_cli() -> None:
    """Manage accounts from the command line."""


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", prompt="Full name", help="The admin's full name.")
@click.password_option(help="The admin's password (asked for when not given).")
@with_appcontext
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create the first recruitment admin account (or another one)."""
    from recruit.services.accounts.account_changes import create_admin
    from recruit.services.errors import Refused

    try:
        user = create_admin(name, email, password)
    except Refused as error:
        click.echo(f"{error.message}. No account was created.", err=True)
        raise SystemExit(1) from None
    click.echo(f"Created admin account {user.email}.")


@click.group("retention")
def retention_cli() -> None:
    """Erase candidates' personal data once its retention period is over."""


@retention_cli.command("purge")
@click.option(
    "--apply",
    "apply_changes",
    is_flag=True,
    help="Erase what is listed. Without it, the command only lists and changes nothing.",
)
@with_appcontext
def purge_command(apply_changes: bool) -> None:
    """List the campaigns past RETENTION_MONTHS (and idle candidate accounts) whose personal data would be
    erased; with --apply, erase it. Safe to run on a schedule: a second run finds nothing more to do."""
    from recruit.services.records import retention

    try:
        months = retention.retention_months(current_app.config.get("RETENTION_MONTHS"))
    except retention.BadRetentionPeriod as error:
        click.echo(f"{error} Nothing was changed.", err=True)
        raise SystemExit(2) from None
    for line in retention.summary_lines(retention.purge(months, apply=apply_changes)):
        click.echo(line)


@click.group("reports")
def reports_cli() -> None:
    """Render PDF reports in the background."""


@reports_cli.command("render")
@click.argument("report_id", type=int)
@with_appcontext
def render_command(report_id: int) -> None:
    """Render one queued report (the local worker process the app starts when there is no REDIS_URL)."""
    from recruit.services.reports import jobs

    jobs.work(report_id)


@reports_cli.command("worker")
@with_appcontext
def worker_command() -> None:
    """Work through the report queue on REDIS_URL until stopped (run one or more beside the app)."""
    from rq import SimpleWorker

    from recruit.services.notifications import jobs as notification_jobs
    from recruit.services.reports.queue import rq_queue

    if not current_app.config.get("REDIS_URL"):
        click.echo("REDIS_URL is not set: the app renders reports in local worker processes of its own.", err=True)
        raise SystemExit(2)
    queue = rq_queue()
    # The same worker takes the jobs that send queued emails as soon as they are committed.
    SimpleWorker([queue, notification_jobs.rq_queue()], connection=queue.connection).work()


@click.group("notifications")
def notifications_cli() -> None:
    """Send the emails in the notifications outbox."""


@notifications_cli.command("send")
@click.option("--once", is_flag=True, help="Send everything that is due, then stop.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds to wait when nothing is due before looking again.",
)
@with_appcontext
def notifications_send_command(once: bool, interval: float) -> None:
    """Send queued emails, and retry failed ones when they come due, until stopped (run one beside the app)."""
    import signal
    import time

    from recruit.services.notifications import sender, transports

    transport = transports.transport_for(current_app.config)
    if transport is None:
        click.echo(
            "No way of sending email is set up: set NOTIFY_API_KEY (GOV.UK Notify) or MAIL_SERVER (SMTP).", err=True
        )
        raise SystemExit(2)
    stopping = []
    if not once:
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        click.echo(f"Sending queued emails through {transport.name}; stop with Ctrl+C.")
    reminded_at = -float(REMIND_EVERY_SECONDS)
    try:
        while not stopping:
            if not once and time.monotonic() - reminded_at >= REMIND_EVERY_SECONDS:
                reminded_at = time.monotonic()
                _queue_reminders()
            outcome = sender.send_all_due()
            if outcome.claimed:
                click.echo(f"{outcome.sent} sent, {outcome.failed} to be tried again, {outcome.given_up} not sent")
            if once:
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        pass


REMIND_EVERY_SECONDS = 3600


def _queue_reminders() -> int:
    """Queue the reminders for tomorrow's interviews; a failure is logged, and the loop carries on sending."""
    from recruit.services.notifications import messages

    try:
        return messages.remind()
    except Exception:
        logging.getLogger(__name__).exception("The interview reminders could not be queued; trying again later")
        return 0


@notifications_cli.command("remind")
@with_appcontext
def notifications_remind_command() -> None:
    """Queue a reminder to each candidate whose interview is tomorrow. Run it as often as you like: each interview
    is reminded of once (the `send` loop also runs it every hour)."""
    from recruit.services.notifications import messages

    added = messages.remind()
    click.echo(f"{added} interview reminder{'' if added == 1 else 's'} queued.")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Make the demonstration (an admin, a sift panel and a campaign in the sift) and print how to sign in.

    Development only. Run again, it changes nothing and prints the same sign-in details."""
    from recruit.services import demo
    from recruit.services.errors import Refused

    try:
        made = demo.make_demo(current_app.config["RECRUIT_ENV"], current_app.config["SEEDS_DIR"])
    except demo.NotHere as error:
        click.echo(f"{error} Nothing was created.", err=True)
        raise SystemExit(1) from None
    except Refused as error:
        click.echo(f"The demonstration could not be made: {error.message}.", err=True)
        raise SystemExit(1) from None
    campaign = made.campaign
    if made.created:
        click.echo(
            f"Made the demonstration: {campaign.title} ({campaign.reference}), in the sift with "
            f"{len(demo.applications_of(campaign))} applications."
        )
    else:
        click.echo(f"The demonstration is already here: {campaign.title} ({campaign.reference}).")
    click.echo("Sign in at http://127.0.0.1:5000/sign-in as any of these, with the password below:")
    for person in made.sign_ins:
        click.echo(f"  {person.email:<30} {person.name} ({person.role})")
    click.echo(f"Password (every demonstration account): {made.password}")

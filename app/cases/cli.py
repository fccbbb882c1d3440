"""``flask evidence verify``: check every evidence hash chain and every stored file, in
whichever store holds them; ``flask evidence migrate``: copy a local store into the bucket."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.cases.chains import check_chains
from app.cases.models import Case
from app.core.extensions import db
from app.core.storage import LocalStore

evidence_cli = AppGroup("evidence", help="Evidence timelines: hash chains and stored files.")


@evidence_cli.command("verify")
@click.option(
    "--case",
    "case_ids",
    type=int,
    multiple=True,
    metavar="ID",
    help="Check only this case (may be given several times). Default: every case.",
)
def verify_command(case_ids: tuple[int, ...]) -> None:
    """Recompute every chain link, entry hash, text hash and file SHA-256.

    Prints each problem on its own line and exits with status 1 if there is any.
    """
    if case_ids:
        _require_cases(case_ids)
    report = check_chains(case_ids or None)
    checked = (
        f"{report.entries_checked} entr{'y' if report.entries_checked == 1 else 'ies'} "
        f"and {count(report.files_checked, 'file')}"
    )
    report_verification(report.problems, checked, intact="all evidence intact")


@evidence_cli.command("migrate")
@click.option(
    "--from",
    "source_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="The local folder to copy. Default: STORAGE_FALLBACK_DIR.",
)
def migrate_command(source_dir: Path | None) -> None:
    """Copy every file of a local evidence folder into the S3 bucket configured
    (STORAGE_BACKEND=s3), each checked by its SHA-256 once in the bucket.

    Safe while the site runs, and to run again: what the bucket already holds is skipped.
    Exits with status 1 if any copy does not match. Run ``flask evidence verify`` after.
    """
    from app.core.storage.migration import migrate  # boto3: only for this command
    from app.core.storage.s3 import s3_store

    config = current_app.config
    if config["STORAGE_BACKEND"] != "s3":
        raise click.ClickException("set STORAGE_BACKEND=s3 and the S3_* settings first")
    if source_dir is None and config["STORAGE_FALLBACK_DIR"]:
        source_dir = Path(config["STORAGE_FALLBACK_DIR"])
    if source_dir is None:
        raise click.ClickException("name the folder to copy: --from or STORAGE_FALLBACK_DIR")
    report = migrate(LocalStore(source_dir), s3_store(current_app))
    total = report.copied + report.already_there + len(report.problems)
    checked = (
        f"{count(total, 'file')} ({report.copied} copied, {report.already_there} already there)"
    )
    report_verification(report.problems, checked, intact="migrated")


def _require_cases(case_ids: tuple[int, ...]) -> None:
    found = set(db.session.scalars(select(Case.id).where(Case.id.in_(case_ids))))
    missing = sorted(set(case_ids) - found)
    if missing:
        raise click.ClickException(f"no case {', '.join(map(str, missing))}")


def count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def report_verification(problems: list[str], checked: str, *, intact: str) -> None:
    """Print a verification's findings and set the exit status; shared by every command
    that verifies evidence. ``checked`` says how much was looked at."""
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo(f"{count(len(problems), 'problem')} found; {checked} checked", err=True)
        raise SystemExit(1)
    click.echo(f"{intact}: {checked} checked")

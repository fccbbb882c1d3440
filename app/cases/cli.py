"""``flask evidence verify``: check every evidence hash chain and every stored file, or an
exported case dossier."""

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.cases.evidence import check_chains
from app.cases.models import Case
from app.extensions import db
from app.mediation.dossier import check_dossier

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
@click.option(
    "--dossier",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Check an exported case dossier (ZIP) instead of the database.",
)
def verify_command(case_ids: tuple[int, ...], dossier: Path | None) -> None:
    """Recompute every chain link, entry hash, text hash and file SHA-256.

    With --dossier, check the dossier on its own: its manifest against every file, and its
    timelines' chains, entry hashes and files.

    Prints each problem on its own line and exits with status 1 if there is any.
    """
    if dossier is not None:
        if case_ids:
            raise click.UsageError("--dossier checks a file on its own; leave out --case")
        report = check_dossier(dossier)
        _report(report.problems, _count(report.files_checked, "file"), intact="dossier intact")
        return
    if case_ids:
        _require_cases(case_ids)
    report = check_chains(case_ids or None)
    checked = (
        f"{report.entries_checked} entr{'y' if report.entries_checked == 1 else 'ies'} "
        f"and {_count(report.files_checked, 'file')}"
    )
    _report(report.problems, checked, intact="all evidence intact")


def _require_cases(case_ids: tuple[int, ...]) -> None:
    found = set(db.session.scalars(select(Case.id).where(Case.id.in_(case_ids))))
    missing = sorted(set(case_ids) - found)
    if missing:
        raise click.ClickException(f"no case {', '.join(map(str, missing))}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _report(problems: list[str], checked: str, *, intact: str) -> None:
    """Print a verification's findings and set the exit status; shared by every kind of
    verification this command runs. ``checked`` says how much was looked at."""
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo(f"{_count(len(problems), 'problem')} found; {checked} checked", err=True)
        raise SystemExit(1)
    click.echo(f"{intact}: {checked} checked")

"""``flask dossier …``: a closed case's dossier, written to a file, and a dossier checked on
its own."""

from pathlib import Path

import click
from flask.cli import AppGroup

from app.cases.cli import count, report_verification
from app.cases.models import Case
from app.cases.states import CaseState
from app.closing.dossier.build import DossierIncomplete, write_dossier_file
from app.closing.dossier.verify import check_dossier
from app.closing.services import ClosingRefused
from app.core.audit import record_event
from app.core.extensions import db

dossier_cli = AppGroup("dossier", help="Dossiers of closed cases: export and verify.")


@dossier_cli.command("export")
@click.argument("case_id", metavar="CASE", type=int)
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_command(case_id: int, file: Path) -> None:
    """Write the dossier of closed case CASE to FILE (a ZIP).

    Check it later with ``flask dossier verify FILE``.
    """
    case = db.session.get(Case, case_id)
    if case is None:
        raise click.ClickException(f"no case {case_id}")
    if case.current_state is not CaseState.CLOSED:
        raise click.ClickException(
            f"case {case_id} is not closed (it is {case.state}): only a closed case has a dossier"
        )
    try:
        members = write_dossier_file(case, file)
    except DossierIncomplete as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        raise click.ClickException(
            f"case {case_id}: its stored evidence does not match its records; "
            f"run `flask evidence verify --case {case_id}`"
        ) from error
    except ClosingRefused as error:
        raise click.ClickException(str(error)) from error
    record_event(None, "case.dossier_exported", case, after={"by": "command"})
    db.session.commit()
    click.echo(f"case {case_id}: dossier of {members} files written to {file}")


@dossier_cli.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify_command(file: Path) -> None:
    """Check an exported dossier on its own: its manifest against every file, and its
    timelines' chains, entry hashes and files.

    Prints each problem on its own line and exits with status 1 if there is any.
    """
    report = check_dossier(file)
    report_verification(
        report.problems, count(report.files_checked, "file"), intact="dossier intact"
    )

"""``flask cases export-dossier CASE FILE``: a closed case's dossier, written to a file."""

from pathlib import Path

import click
from flask.cli import AppGroup

from app.audit import record_event
from app.cases.models import Case, CaseState
from app.extensions import db
from app.mediation.closing import ClosingRefused
from app.mediation.dossier import DossierIncomplete, write_dossier_file

cases_cli = AppGroup("cases", help="Cases: the dossier of a closed case.")


@cases_cli.command("export-dossier")
@click.argument("case_id", metavar="CASE", type=int)
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_dossier_command(case_id: int, file: Path) -> None:
    """Write the dossier of closed case CASE to FILE (a ZIP).

    Check it later with ``flask evidence verify --dossier FILE``.
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

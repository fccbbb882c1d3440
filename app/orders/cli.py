"""``flask orders import FILE``: load orders from a marketplace export, JSON or CSV."""

import csv
import io
import json
import re
from pathlib import Path

import click
from flask.cli import AppGroup

from app.core.extensions import db
from app.orders.importing import OrderRecordError, import_orders
from app.orders.records import RecordProblem

orders_cli = AppGroup("orders", help="Orders from the marketplace.")

CSV_REQUIRED_COLUMNS = (
    "marketplace_order_id",
    "buyer_id",
    "buyer_email",
    "buyer_name",
    "seller_id",
    "seller_email",
    "seller_name",
    "items",
    "amount_fen",
    "currency",
    "status",
    "placed_at",
)
CSV_OPTIONAL_COLUMNS = (
    "seller_shop_name",
    "shipped_at",
    "delivered_at",
    "carrier",
    "tracking_number",
)
# CSV column → (key of the record, key inside it or None)
CSV_FIELDS = {
    "marketplace_order_id": ("marketplace_order_id", None),
    "buyer_id": ("buyer", "id"),
    "buyer_email": ("buyer", "email"),
    "buyer_name": ("buyer", "name"),
    "seller_id": ("seller", "id"),
    "seller_email": ("seller", "email"),
    "seller_name": ("seller", "name"),
    "seller_shop_name": ("seller", "shop_name"),
    "amount_fen": ("amount_fen", None),
    "currency": ("currency", None),
    "status": ("status", None),
    "placed_at": ("placed_at", None),
    "shipped_at": ("shipped_at", None),
    "delivered_at": ("delivered_at", None),
    "carrier": ("carrier", None),
    "tracking_number": ("tracking_number", None),
}
WHOLE_NUMBER = re.compile(r"-?[0-9]+")


@orders_cli.command("import")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
def import_command(path: Path) -> None:
    """Import the orders in FILE: JSON (a list, or {"orders": [...]}) or CSV.

    All or nothing: if any record is wrong, every problem is listed and nothing is written.
    Importing the same file again changes nothing.
    """
    try:
        result = import_orders(read_order_file(path))
    except OrderRecordError as error:
        for problem in error.errors:
            click.echo(str(problem), err=True)
        count = len(error.errors)
        raise click.ClickException(
            f"nothing was imported: {count} problem{'s' if count != 1 else ''} found"
        ) from error
    db.session.commit()
    click.echo(f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}")


def read_order_file(path: Path) -> list:
    """The raw records of a JSON or CSV file (by extension, else by its first character)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{path} is not UTF-8 text") from error
    except OSError as error:
        raise click.ClickException(f"cannot read {path}: {error.strerror}") from error
    suffix = path.suffix.lower()
    is_json = suffix == ".json" or (suffix != ".csv" and text.lstrip()[:1] in ("[", "{"))
    return records_from_json(text, path) if is_json else records_from_csv(text, path)


def records_from_json(text: str, path: Path) -> list:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise click.ClickException(f"{path} is not valid JSON: {error}") from error
    if isinstance(document, dict) and isinstance(document.get("orders"), list):
        return document["orders"]
    if isinstance(document, list):
        return document
    raise click.ClickException(f'{path} must hold a list of orders, or {{"orders": [...]}}')


def records_from_csv(text: str, path: Path) -> list[dict]:
    """One record per row. An empty cell is an absent value; ``items`` is a JSON array."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    _check_header(reader.fieldnames, path)
    records, problems = [], []
    try:
        for index, row in enumerate(reader):
            record, row_problems = _record_from_row(index, row)
            records.append(record)
            problems += row_problems
    except csv.Error as error:
        raise click.ClickException(f"{path} is not valid CSV: {error}") from error
    if problems:
        raise OrderRecordError(problems)
    return records


def _check_header(columns: list[str] | None, path: Path) -> None:
    if not columns:
        raise click.ClickException(f"{path} is empty: expected a CSV header line")
    stripped = [column.strip() for column in columns]
    missing = [column for column in CSV_REQUIRED_COLUMNS if column not in stripped]
    known = CSV_REQUIRED_COLUMNS + CSV_OPTIONAL_COLUMNS
    unknown = [column for column in stripped if column not in known]
    repeated = sorted({column for column in stripped if stripped.count(column) > 1})
    complaints = []
    if missing:
        complaints.append(f"missing columns: {', '.join(missing)}")
    if unknown:
        complaints.append(f"unknown columns: {', '.join(unknown)}")
    if repeated:
        complaints.append(f"repeated columns: {', '.join(repeated)}")
    if complaints:
        raise click.ClickException(f"{path} has a bad CSV header ({'; '.join(complaints)})")


def _record_from_row(index: int, row: dict) -> tuple[dict, list[RecordProblem]]:
    cells = {
        (column or "").strip(): value.strip()
        for column, value in row.items()
        if isinstance(value, str) and value.strip()
    }
    order_id = cells.get("marketplace_order_id")
    problems = []
    if None in row:  # DictReader files surplus cells of a row under None
        problems.append(RecordProblem(index, order_id, None, "has more cells than the header"))
    record: dict = {"buyer": {}, "seller": {}}
    for column, (key, inner) in CSV_FIELDS.items():
        if column not in cells:
            continue
        value = cells[column]
        if column == "amount_fen" and WHOLE_NUMBER.fullmatch(value):
            value = int(value)  # anything else stays text, which the import refuses
        if inner is None:
            record[key] = value
        else:
            record[key][inner] = value
    if "items" in cells:
        try:
            record["items"] = json.loads(cells["items"])
        except json.JSONDecodeError as error:
            problems.append(RecordProblem(index, order_id, "items", f"is not valid JSON: {error}"))
    return record, problems

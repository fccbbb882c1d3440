"""A figure as both pages and the CSV export hold it: a titled table whose first column
labels the rows, the columns' kinds (how a value is written), and the chart drawn from it.

The table is the figure; the chart is drawn from the same rows by ``static/js/charts.js``
(``chart_spec``), so a screen reader and a CSV get exactly what the chart shows.
"""

import csv
import io
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    LABEL = "label"  # text
    COUNT = "count"  # a whole number
    PERCENT = "percent"  # 0–100, one decimal
    HOURS = "hours"  # one decimal
    NUMBER = "number"  # one decimal
    YUAN = "yuan"  # an amount in fen, written in yuan


@dataclass(frozen=True)
class Column:
    heading: str
    kind: Kind = Kind.COUNT


@dataclass
class Figure:
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    chart: str | None = None  # "bar" or "line"; None: a table only
    charted: tuple[int, ...] = (1,)  # the columns drawn, against the first
    note: str | None = None

    def chart_spec(self) -> dict:
        """What the chart script draws: the first column as the labels, one series per
        charted column."""
        return {
            "type": self.chart,
            "labels": [str(row[0]) for row in self.rows],
            "series": [
                {
                    "label": str(self.columns[index].heading),
                    "data": [row[index] for row in self.rows],
                }
                for index in self.charted
            ],
        }


def percent(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole, 1)


def hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


# Cells a spreadsheet would run as a formula (OWASP's CSV injection list)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A cell as the CSV carries it: text that a spreadsheet would take for a formula is
    prefixed with an apostrophe; numbers are written as they are."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(figure: Figure) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(str(column.heading)) for column in figure.columns])
    for row in figure.rows:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()

"""The fairness figures as a chart (SVG, with a text alternative) and as a CSV a spreadsheet opens safely."""

from __future__ import annotations

from recruit.services.fairness.adverse_impact import FOUR_FIFTHS, Characteristic, GroupRow, TransitionTable
from recruit.services.fairness.suppression import SUPPRESSED_LABEL
from recruit.services.reports.charts import COLOURS, HATCHES, TEXT, WIDTH_INCHES, Chart, _figure, _margins, _style, _svg
from recruit.services.reports.spreadsheets import to_csv


def percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def p_value(value: float | None) -> str:
    if value is None:
        return ""
    return "less than 0.001" if value < 0.001 else f"{value:.3f}"


def count(value: int | None) -> str:
    return SUPPRESSED_LABEL if value is None else str(value)


def chart(characteristic: Characteristic) -> Chart | None:
    """Grouped bars: each stage's selection rate for each group shown, with the four-fifths line of the highest
    rate drawn per stage. None when no stage has a rate to draw."""
    tables = [t for t in characteristic.transitions if t.reached and any(r.rate is not None for r in t.rows)]
    if not tables:
        return None
    groups = list(dict.fromkeys(r.label for t in tables for r in t.rows))
    height = 1.2 + 0.22 * len(groups) * len(tables) + 0.5 * len(tables)
    figure = _figure(WIDTH_INCHES, max(height, 2.5))
    _margins(figure, top=0.35, bottom=0.55, left=2.6, right=0.2)
    axes = figure.subplots()
    labels, positions, y = [], [], 0.0
    for table in tables:
        rows = {r.label: r for r in table.rows}
        # The stage heads its own bars, above them, so a long stage name is never cut off at the left.
        axes.text(0, y, table.label, va="center", ha="left", fontsize=7.5, fontweight="bold", color=TEXT)
        y += 1
        for index, group in enumerate(groups):
            row = rows.get(group)
            if row is None:
                continue
            value = row.rate
            axes.barh(
                y,
                (value or 0) * 100,
                color=COLOURS[index % len(COLOURS)],
                hatch=HATCHES[index % len(HATCHES)],
                edgecolor="white",
                height=0.8,
            )
            text = f"{value * 100:.0f}%" if value is not None else SUPPRESSED_LABEL.lower()
            axes.text((value or 0) * 100 + 1, y, text, va="center", fontsize=7, color=TEXT)
            labels.append(group)
            positions.append(y)
            y += 1
        y += 0.8
    axes.set_yticks(positions, [_short(label) for label in labels], fontsize=7)
    axes.invert_yaxis()
    axes.set_xlim(0, 110)
    axes.set_xlabel("Selection rate (%)", fontsize=8)
    _style(axes)
    figure.suptitle(f"Selection rates by {characteristic.name.lower()}", fontsize=9, color=TEXT)
    return Chart(_svg(figure), alt_text(characteristic, tables))


def _short(label: str) -> str:
    return label if len(label) <= 40 else label[:37] + "..."


def alt_text(characteristic: Characteristic, tables: list[TransitionTable]) -> str:
    parts = [f"Bar chart of selection rates by {characteristic.name.lower()} at each stage."]
    for table in tables:
        shown = [f"{r.label} {percent(r.rate)}" for r in table.rows if r.rate is not None]
        hidden = sum(1 for r in table.rows if r.rate is None)
        text = f"{table.label}: " + "; ".join(shown)
        if hidden:
            text += f"; {hidden} {'group' if hidden == 1 else 'groups'} with fewer than 10 people not shown"
        parts.append(text + ".")
    flagged = [f"{r.label} ({t.label.lower()})" for t in tables for r in t.rows if r.flagged]
    if flagged:
        parts.append(f"Below four-fifths of the highest rate: {', '.join(flagged)}.")
    return " ".join(parts)


HEADER = (
    "Figures for",
    "Characteristic",
    "Stage",
    "Group",
    "Reached the stage before",
    "Reached this stage",
    "Selection rate",
    "Ratio to the highest rate",
    f"Below {FOUR_FIFTHS:g} (four-fifths rule)",
    "Fisher's exact test p-value",
)


def _row(subject: str, characteristic: Characteristic, table: TransitionTable, row: GroupRow) -> list[str]:
    return [
        subject,
        characteristic.name,
        table.label,
        row.label,
        count(row.considered),
        count(row.selected),
        percent(row.rate),
        ratio(row.ratio),
        "Yes" if row.flagged else ("No" if row.ratio is not None else ""),
        p_value(row.p_value),
    ]


def csv_bytes(subject: str, characteristics: list[Characteristic]) -> bytes:
    """Every characteristic's figures, one row per group and stage; a stage not reached yet says so. Every cell
    goes through safe_cell (by to_csv), so a campaign title that looks like a formula stays text."""
    rows: list[list[str]] = []
    for characteristic in characteristics:
        for table in characteristic.transitions:
            if not table.reached:
                rows.append([subject, characteristic.name, table.label, "Not reached yet", *[""] * 6])
                continue
            rows.extend(_row(subject, characteristic, table, row) for row in table.rows)
            rows.append(
                [
                    subject,
                    characteristic.name,
                    table.label,
                    "Total",
                    count(table.total_considered),
                    count(table.total_selected),
                    *[""] * 4,
                ]
            )
    return to_csv(HEADER, rows)

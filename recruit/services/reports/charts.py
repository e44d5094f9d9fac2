"""Charts for the PDF reports and the results pages, drawn with matplotlib as SVG.

Text is drawn as paths, so a browser and WeasyPrint show the same drawing without the fonts; every chart
carries a text alternative that states the same numbers, and the pages follow it with a table of them.
"""

from __future__ import annotations

import io
import textwrap
from base64 import b64encode
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# GOV.UK Design System colours, with a hatch each so that bars stay apart in greyscale print.
COLOURS = ("#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d53880", "#28a197", "#b58840", "#6f777b")
HATCHES = ("", "//", "..", "xx", "\\\\", "++", "oo", "--")
TEXT = "#0b0c0c"
AGREED = "#505a5f"
# Wide enough for an A4 page's text column, and for the main column of a GOV.UK page.
WIDTH_INCHES = 7.0


@dataclass(frozen=True)
class Chart:
    svg: str
    alt: str

    @property
    def src(self) -> str:
        """The chart as a data URI, for an <img> in a report or a page (the CSP allows data: images)."""
        return "data:image/svg+xml;base64," + b64encode(self.svg.encode("utf-8")).decode("ascii")


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _svg(figure: Figure) -> str:
    import matplotlib

    buffer = io.StringIO()
    # A fixed hash salt and no date: the same figures give the same SVG.
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "recruit"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _figure(width: float, height: float) -> Figure:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    # A Figure of its own rather than pyplot: no global state shared between threads or requests. Margins are
    # set by hand: matplotlib's automatic layouts draw the figure again and again, and cost more than the drawing.
    return Figure(figsize=(width, height))


def _margins(
    figure: Figure, *, top: float, bottom: float, left: float, right: float, gap: float = 0.0, rows: int = 1
) -> None:
    """Margins in inches, as subplots_adjust takes them in fractions of the figure."""
    width, height = figure.get_size_inches()
    axes_height = (height - top - bottom - gap * (rows - 1)) / rows
    figure.subplots_adjust(
        left=left / width,
        right=1 - right / width,
        top=1 - top / height,
        bottom=bottom / height,
        hspace=gap / axes_height,
        wspace=0.25,
    )


def _wrapped(text: str, width: int) -> str:
    """Text wrapped at spaces to lines of about `width` characters, never cut short: the figure makes room for
    every line."""
    return textwrap.fill(text, width, break_long_words=False)


def _lines(text: str) -> int:
    return text.count("\n") + 1


def _style(axes: Axes) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(colors=TEXT, labelsize=8)
    axes.yaxis.label.set_color(TEXT)
    axes.xaxis.label.set_color(TEXT)


def _small_multiples(
    titles: Sequence[str], points: Sequence[int], counts: Sequence[Sequence[int]], x_label: str, y_label: str
) -> Figure:
    """One small bar chart per title, three to a row on a shared count axis: how many fell on each point."""
    from matplotlib.ticker import MaxNLocator

    columns = max(min(3, len(titles)), 1)
    rows = max(-(-len(titles) // columns), 1)
    wrapped = [_wrapped(title, 26) for title in titles]  # about the width of one small chart
    # Each small chart's title takes about 0.15 inches a line: room above each row for the longest.
    title_room = 0.15 * max((_lines(title) for title in wrapped), default=1)
    top, bottom, gap = 0.1 + title_room, 0.55, 0.35 + title_room
    figure = _figure(WIDTH_INCHES, top + bottom + 1.25 * rows + gap * (rows - 1))
    grid = figure.subplots(rows, columns, squeeze=False, sharey=True)
    _margins(figure, top=top, bottom=bottom, left=0.6, right=0.1, gap=gap, rows=rows)
    highest = max((max(row) for row in counts if row), default=0)
    for index, axes in enumerate(grid.flat):
        if index >= len(titles):
            axes.set_visible(False)
            continue
        bars = axes.bar([str(p) for p in points], counts[index], color=COLOURS[0], width=0.7)
        axes.bar_label(bars, labels=[str(c) if c else "" for c in counts[index]], fontsize=7, color=TEXT, padding=1)
        axes.set_title(wrapped[index], fontsize=8.5, color=TEXT)
        axes.set_ylim(0, max(highest, 1) * 1.2)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=3))
        _style(axes)
    # One label per axis for the whole figure: every glyph is a path WeasyPrint draws, so fewer is faster.
    figure.supxlabel(x_label, fontsize=8, color=TEXT)
    figure.supylabel(y_label, fontsize=8, color=TEXT)
    return figure


def distribution_alt(criteria: list[str], points: list[int], counts: list[list[int]], applications: int) -> str:
    parts = [
        f"Bar charts of the agreed scores of {_plural(applications, 'application', 'applications')}, "
        f"one per criterion, on the {points[0]} to {points[-1]} scale."
    ]
    for name, row in zip(criteria, counts):
        scored = [(point, count) for point, count in zip(points, row) if count]
        if not scored:
            parts.append(f"{name}: no agreed scores.")
            continue
        said = [
            f"{_plural(count, 'application', 'applications')} scored {point}"
            if index == 0
            else f"{count} scored {point}"
            for index, (point, count) in enumerate(scored)
        ]
        parts.append(f"{name}: {', '.join(said)}.")
    return " ".join(parts)


def score_distribution(criteria: list[str], points: list[int], counts: list[list[int]], applications: int) -> Chart:
    """Per criterion, how many applications got each agreed score on the scale (one small chart each)."""
    return _score_distribution(tuple(criteria), tuple(points), tuple(tuple(row) for row in counts), applications)


# The results page draws the same chart on every visit until a score changes; keep the last few drawings.
@lru_cache(maxsize=32)
def _score_distribution(
    criteria: tuple[str, ...], points: tuple[int, ...], counts: tuple[tuple[int, ...], ...], applications: int
) -> Chart:
    figure = _small_multiples(criteria, points, counts, "Agreed score", "Applications")
    return Chart(_svg(figure), distribution_alt(list(criteria), list(points), [list(r) for r in counts], applications))


def comparison_alt(
    criteria: list[str], members: list[str], scores: list[list[int | None]], agreed: list[int | None]
) -> str:
    parts = ["Bar chart of each panel member's score, side by side, with the agreed score, for each criterion."]
    for name, row, final in zip(criteria, scores, agreed):
        said = [
            f"{member} {value}" if value is not None else f"{member} no score" for member, value in zip(members, row)
        ]
        outcome = f"agreed {final}" if final is not None else "not agreed yet"
        parts.append(f"{name}: {', '.join(said)}; {outcome}.")
    return " ".join(parts)


def panel_comparison(
    criteria: list[str], members: list[str], scores: list[list[int | None]], agreed: list[int | None], points: list[int]
) -> Chart:
    """Per criterion, each panel member's score as a bar side by side, then the agreed score as a dark bar."""
    return _panel_comparison(
        tuple(criteria), tuple(members), tuple(tuple(row) for row in scores), tuple(agreed), tuple(points)
    )


# A campaign's interview report draws one of these per candidate each time it is asked for.
@lru_cache(maxsize=128)
def _panel_comparison(
    criteria: tuple[str, ...],
    members: tuple[str, ...],
    scores: tuple[tuple[int | None, ...], ...],
    agreed: tuple[int | None, ...],
    points: tuple[int, ...],
) -> Chart:
    # About 13 characters an inch at this size: wrap each criterion's name to its group's width, and make room
    # below the axis for as many lines as the longest takes (about 0.13 inches a line).
    per_group = (WIDTH_INCHES - 2.4) / max(len(criteria), 1)
    ticks = [_wrapped(name, max(10, int(per_group * 13))) for name in criteria]
    bottom = 0.24 + 0.13 * max((_lines(tick) for tick in ticks), default=1)
    figure = _figure(WIDTH_INCHES, 2.65 + bottom)
    axes = figure.subplots()
    _margins(figure, top=0.15, bottom=bottom, left=0.5, right=1.9)
    series: list[tuple[str, Sequence[int | None], str, str]] = [
        (member, [row[number] for row in scores], COLOURS[number % len(COLOURS)], HATCHES[number % len(HATCHES)])
        for number, member in enumerate(members)
    ]
    series.append(("Agreed score", agreed, AGREED, ""))
    width = 0.8 / len(series)
    for number, (label, values, colour, hatch) in enumerate(series):
        shown = [
            (index - 0.4 + width * (number + 0.5), value) for index, value in enumerate(values) if value is not None
        ]
        bars = axes.bar(
            [x for x, _ in shown],
            [v for _, v in shown],
            width=width * 0.92,
            label=_wrapped(label, 26),
            color=colour,
            edgecolor="white",
            hatch=hatch,
        )
        axes.bar_label(bars, fontsize=7, color=TEXT, padding=1)
    axes.set_xticks(range(len(criteria)), ticks, fontsize=7.5 if len(criteria) <= 4 else 7)
    axes.set_ylim(min(0, points[0]), points[-1] + 0.8)
    axes.set_yticks(points)
    axes.set_ylabel("Score", fontsize=8)
    axes.legend(fontsize=7.5, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    _style(axes)
    return Chart(_svg(figure), comparison_alt(list(criteria), list(members), [list(r) for r in scores], list(agreed)))


def assessor_scores_alt(names: list[str], points: list[int], counts: list[list[int]]) -> str:
    parts = [
        f"Bar charts of the scores each panel member submitted, one per panel member, on the {points[0]} to "
        f"{points[-1]} scale."
    ]
    for name, row in zip(names, counts):
        given = [(point, count) for point, count in zip(points, row) if count]
        if not given:
            parts.append(f"{name}: no scores submitted.")
            continue
        said = [
            f"{_plural(count, 'score', 'scores')} of {point}" if index == 0 else f"{count} of {point}"
            for index, (point, count) in enumerate(given)
        ]
        parts.append(f"{name}: {', '.join(said)}.")
    return " ".join(parts)


def assessor_scores(names: list[str], points: list[int], counts: list[list[int]]) -> Chart:
    """Per panel member, how many of their submitted scores fell on each point of the scale (one small chart
    each), drawn as the agreed scores' distribution is."""
    return _assessor_scores(tuple(names), tuple(points), tuple(tuple(row) for row in counts))


# The panel quality page draws the same charts on every visit until a score is submitted.
@lru_cache(maxsize=32)
def _assessor_scores(names: tuple[str, ...], points: tuple[int, ...], counts: tuple[tuple[int, ...], ...]) -> Chart:
    figure = _small_multiples(names, points, counts, "Score submitted", "Scores")
    return Chart(_svg(figure), assessor_scores_alt(list(names), list(points), [list(r) for r in counts]))

"""Small charts of sign-ons, drawn as SVG on the server (no script needed). Pure functions that
return the shapes; templates/signons/_charts.html draws them."""

from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT, MARGIN = 600, 220, 40
#: each country is a row: its name above its bar, with room at the right of the longest bar for the count
BAR_ROW, BAR_ROOM = 48, 80


@dataclass
class LineChart:
    points: str  # "x,y x,y ..." for a polyline
    total: int
    first_day: str
    last_day: str
    peak: int


@dataclass
class Bar:
    label: str
    count: int
    width: float
    y: float


def days_chart(series: list[tuple[str, int]]) -> LineChart | None:
    """Cumulative sign-ons per day as a line."""
    if not series:
        return None
    running, cumulative = 0, []
    for _, count in series:
        running += count
        cumulative.append(running)
    peak = cumulative[-1]
    days = [date.fromisoformat(day) for day, _ in series]
    span = max((days[-1] - days[0]).days, 1)  # days without sign-ons take their place on the time axis
    points = " ".join(
        f"{MARGIN + (WIDTH - 2 * MARGIN) * (day - days[0]).days / span:.1f},"
        f"{HEIGHT - MARGIN - (HEIGHT - 2 * MARGIN) * n / peak:.1f}"
        for day, n in zip(days, cumulative)
    )
    return LineChart(points, peak, series[0][0], series[-1][0], peak)


def countries_chart(by_country: list[tuple[str, str, int]], top: int = 10) -> list[Bar]:
    """The countries with most sign-ons as horizontal bars."""
    rows = by_country[:top]
    if not rows:
        return []
    most = rows[0][2]
    return [Bar(name, count, (WIDTH - BAR_ROOM) * count / most, i * BAR_ROW)
            for i, (name, _, count) in enumerate(rows)]

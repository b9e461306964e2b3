"""Small charts of sign-ons, drawn as SVG on the server (no script needed). Pure functions that
return the shapes; templates/signons/_charts.html draws them."""

from dataclasses import dataclass

WIDTH, HEIGHT, MARGIN = 600, 220, 40


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
    span = max(len(cumulative) - 1, 1)
    points = " ".join(
        f"{MARGIN + (WIDTH - 2 * MARGIN) * i / span:.1f},{HEIGHT - MARGIN - (HEIGHT - 2 * MARGIN) * n / peak:.1f}"
        for i, n in enumerate(cumulative)
    )
    return LineChart(points, peak, series[0][0], series[-1][0], peak)


def countries_chart(by_country: list[tuple[str, str, int]], top: int = 10) -> list[Bar]:
    """The countries with most sign-ons as horizontal bars."""
    rows = by_country[:top]
    if not rows:
        return []
    most = rows[0][2]
    return [Bar(name, count, (WIDTH - 220) * count / most, 10 + i * 24) for i, (name, _, count) in enumerate(rows)]

"""The results' summary chart: an SVG made on the server (no script), one bar per scale question and per rated
live session, its average on a 1–5 axis. Accessible: role="img" with a <title> and a <desc> that says every
value; the page shows the same figures in a table beside it."""

from __future__ import annotations

from html import escape
from typing import Any

from events.kernel.i18n import gettext_for

BAR_HEIGHT = 26
GAP = 14
LABEL_WIDTH = 300
PLOT_WIDTH = 360
MAX_LABEL = 44


def chart_rows(results: dict[str, Any], language: str) -> list[tuple[str, float, int]]:
    """(label, average, count) for every scale question and every rated live session with an average."""
    rows = [(q["text"], q["mean"], q["count"]) for q in results["questions"] if q["kind"] == "scale" and q["mean"] is not None]
    live = gettext_for(language, "Live rating")
    rows += [(f"{live}: {r['title']}", r["mean"], r["count"]) for r in results["live_ratings"] if r["mean"] is not None]
    return rows


def _number(value: float, language: str) -> str:
    text = f"{value:.1f}"
    return text.replace(".", ",") if language == "nl" else text


def summary_svg(results: dict[str, Any], language: str) -> str:
    """The chart as SVG markup (safe to include in a page: every text is escaped), or "" without figures."""
    rows = chart_rows(results, language)
    if not rows:
        return ""
    title = gettext_for(language, "Average scores (1 to 5)")
    desc = "; ".join(
        gettext_for(language, "%(label)s: %(mean)s from %(count)s answers", label=label, mean=_number(mean, language), count=count)
        for label, mean, count in rows
    )
    height = len(rows) * (BAR_HEIGHT + GAP) + 30
    width = LABEL_WIDTH + PLOT_WIDTH + 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title chart-desc" '
        f'viewBox="0 0 {width} {height}" width="100%" class="evaluation-chart">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(desc)}</desc>',
    ]
    for tick in range(1, 6):
        x = LABEL_WIDTH + PLOT_WIDTH * tick / 5
        parts.append(f'<line x1="{x:.0f}" y1="0" x2="{x:.0f}" y2="{height - 24}" stroke="#8a8a8a" stroke-width="1"/>')
        parts.append(f'<text x="{x:.0f}" y="{height - 8}" font-size="13" text-anchor="middle" fill="#1a1a1a">{tick}</text>')
    for i, (label, mean, _count) in enumerate(rows):
        y = i * (BAR_HEIGHT + GAP)
        short = label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"
        bar = PLOT_WIDTH * max(0.0, min(mean, 5.0)) / 5
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 18}" font-size="13" text-anchor="end" fill="#1a1a1a">{escape(short)}</text>')
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar:.1f}" height="{BAR_HEIGHT}" fill="#154273"/>')
        parts.append(f'<text x="{LABEL_WIDTH + bar + 6:.1f}" y="{y + 18}" font-size="13" fill="#1a1a1a">{_number(mean, language)}</text>')
    parts.append("</svg>")
    return "".join(parts)

"""Self-contained HTML report for a window: totals, charts and a map, as inline SVG.

No JavaScript, no web fonts, no external files: it opens offline. Every value coming from
scraped text is HTML-escaped.
"""

from __future__ import annotations

import html
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from etl import db

TYPE_COLOURS = {
    "Battles": "#c0392b",
    "Explosions/Remote violence": "#e67e22",
    "Violence against civilians": "#8e44ad",
    "Protests": "#2980b9",
    "Riots": "#16a085",
    "Strategic developments": "#7f8c8d",
}
TOP_N = 12  # bars per ranking chart
# Approximate outline of Syria (lon, lat), enough for orientation on an offline map.
SYRIA_OUTLINE = [
    (35.92, 35.92), (36.16, 35.96), (36.37, 36.20), (36.69, 36.23), (36.56, 36.52), (36.66, 36.83),
    (37.12, 36.66), (38.00, 36.84), (38.95, 36.70), (40.07, 36.85), (41.23, 37.07), (42.37, 37.11),
    (41.86, 36.60), (41.40, 36.52), (41.28, 35.62), (41.00, 34.60), (40.93, 34.43), (38.79, 33.37),
    (36.84, 32.31), (35.78, 32.70), (35.64, 32.69), (35.62, 33.25), (35.85, 33.42), (36.05, 33.82),
    (36.40, 34.05), (36.62, 34.20), (36.45, 34.50), (35.97, 34.63), (35.87, 34.89), (35.94, 35.18),
    (35.78, 35.52), (35.84, 35.85),
]
CITIES = [("Damascus", 36.29, 33.51), ("Aleppo", 37.16, 36.20), ("Homs", 36.72, 34.73), ("Hama", 36.75, 35.13),
          ("Lattakia", 35.79, 35.52), ("Idleb", 36.63, 35.93), ("Al-Hasakeh", 40.75, 36.50),
          ("Deir-ez-Zor", 40.14, 35.33), ("Ar-Raqqa", 39.01, 35.95), ("Dar'a", 36.10, 32.62),
          ("As-Sweida", 36.57, 32.71), ("Quneitra", 35.82, 33.13), ("Tartous", 35.89, 34.89)]


@dataclass
class ReportEvent:
    event_id: str
    event_date: date
    event_type: str
    sub_event_type: str
    actor1: str
    actor2: str
    admin1: str
    location: str
    location_ar: str
    latitude: float | None
    longitude: float | None
    fatalities: int
    source: str
    source_count: int


def fetch_events(since: date, until: date, url: str | None = None) -> list[ReportEvent]:
    with db.transaction(url) as cur:
        cur.execute("""SELECT event_id_cnty, event_date, event_type, sub_event_type, actor1, actor2,
                              coalesce(admin1, ''), coalesce(location, ''), coalesce(location_ar, ''),
                              latitude::float, longitude::float, fatalities, source, source_count
                       FROM warehouse.canonical_events
                       WHERE NOT retracted AND event_date BETWEEN %s AND %s
                       ORDER BY event_date, event_id_cnty""", (since, until))
        return [ReportEvent(*row) for row in cur.fetchall()]


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _bars(pairs: list[tuple[str, int]], colour: str, width: int = 560) -> str:
    """Horizontal bar chart as SVG."""
    if not pairs:
        return "<p class='empty'>No data.</p>"
    top = max(v for _, v in pairs) or 1
    row, label_w = 22, 230
    parts = [f"<svg width='{width}' height='{row * len(pairs) + 10}' role='img'>"]
    for i, (label, value) in enumerate(pairs):
        y, w = i * row + 5, max(1, int((width - label_w - 50) * value / top))
        parts.append(f"<text x='{label_w - 6}' y='{y + 14}' text-anchor='end'>{esc(label[:34])}</text>"
                     f"<rect x='{label_w}' y='{y}' width='{w}' height='16' fill='{colour}'/>"
                     f"<text x='{label_w + w + 4}' y='{y + 13}'>{value}</text>")
    return "".join(parts) + "</svg>"


def _timeline(events: list[ReportEvent], since: date, until: date, width: int = 860, height: int = 220) -> str:
    """Events per day (bars) and fatalities per day (line)."""
    days = [since + timedelta(n) for n in range((until - since).days + 1)]
    n_events = Counter(e.event_date for e in events)
    deaths: dict[date, int] = defaultdict(int)
    for e in events:
        deaths[e.event_date] += e.fatalities
    top_e, top_f = max(n_events.values(), default=1), max(deaths.values(), default=1) or 1
    step, base = (width - 60) / max(len(days), 1), height - 30
    parts = [f"<svg width='{width}' height='{height}' role='img'><line x1='40' y1='{base}' x2='{width - 10}' "
             f"y2='{base}' stroke='#999'/>"]
    points = []
    for i, d in enumerate(days):
        x = 40 + i * step
        h = (base - 20) * n_events.get(d, 0) / top_e
        parts.append(f"<rect x='{x + 2:.1f}' y='{base - h:.1f}' width='{max(step - 4, 1):.1f}' height='{h:.1f}' "
                     f"fill='#34495e'><title>{d}: {n_events.get(d, 0)} events</title></rect>")
        points.append(f"{x + step / 2:.1f},{base - (base - 20) * deaths.get(d, 0) / top_f:.1f}")
        if len(days) <= 16 or i % math.ceil(len(days) / 16) == 0:
            parts.append(f"<text x='{x + step / 2:.1f}' y='{height - 10}' text-anchor='middle' "
                         f"class='small'>{d.strftime('%m-%d')}</text>")
    parts.append(f"<polyline points='{' '.join(points)}' fill='none' stroke='#c0392b' stroke-width='2'/>")
    parts.append(f"<text x='44' y='14' class='small'>bars: events (max {top_e}) · "
                 f"red line: fatalities (max {top_f})</text></svg>")
    return "".join(parts)


def _project(lon: float, lat: float, width: int, height: int) -> tuple[float, float]:
    lon0, lon1, lat0, lat1 = 35.4, 42.6, 32.1, 37.5
    return (width * (lon - lon0) / (lon1 - lon0), height * (lat1 - lat) / (lat1 - lat0))


def _map(events: list[ReportEvent], width: int = 760, height: int = 690) -> str:
    """Equirectangular map; height/width follows cos(35°) so the country is not stretched."""
    outline = " ".join("{:.1f},{:.1f}".format(*_project(lon, lat, width, height)) for lon, lat in SYRIA_OUTLINE)
    parts = [f"<svg width='{width}' height='{height}' role='img' class='map'>",
             f"<polygon points='{outline}' fill='#f4f1ea' stroke='#555' stroke-width='1.5'/>"]
    for name, lon, lat in CITIES:
        x, y = _project(lon, lat, width, height)
        parts.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='2' fill='#333'/>"
                     f"<text x='{x + 4:.1f}' y='{y - 4:.1f}' class='small city'>{esc(name)}</text>")
    for e in events:
        if e.latitude is None or e.longitude is None:
            continue
        x, y = _project(e.longitude, e.latitude, width, height)
        r = 4 + min(12, math.sqrt(e.fatalities) * 2)
        parts.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{r:.1f}' fill='{TYPE_COLOURS.get(e.event_type, '#000')}' "
                     f"fill-opacity='0.6' stroke='#222' stroke-width='0.5'><title>{esc(e.event_date)} "
                     f"{esc(e.sub_event_type)} — {esc(e.location or e.location_ar)}: {e.fatalities} killed"
                     "</title></circle>")
    return "".join(parts) + "</svg>"


def _legend() -> str:
    return "".join(f"<span class='key'><i style='background:{c}'></i>{esc(t)}</span>" for t, c in TYPE_COLOURS.items())


def _table(events: list[ReportEvent]) -> str:
    rows = "".join(
        f"<tr><td>{esc(e.event_date)}</td><td>{esc(e.event_id)}</td><td>{esc(e.sub_event_type)}</td>"
        f"<td>{esc(e.actor1)}</td><td>{esc(e.actor2)}</td><td>{esc(e.location)} "
        f"<span dir='rtl' lang='ar'>{esc(e.location_ar)}</span></td><td>{esc(e.admin1)}</td>"
        f"<td class='num'>{e.fatalities}</td><td>{esc(e.source)}</td></tr>" for e in events)
    return ("<table><thead><tr><th>Date</th><th>ID</th><th>Sub-event</th><th>Actor 1</th><th>Actor 2</th>"
            f"<th>Location</th><th>Governorate</th><th>Killed</th><th>Sources</th></tr></thead><tbody>{rows}"
            "</tbody></table>")


CSS = """body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{margin:0 0 4px}h2{margin:28px 0 8px;font-size:18px}.meta{color:#666}
.totals{display:flex;gap:24px;margin:16px 0}.totals div{background:#f3f3f3;padding:10px 16px;border-radius:6px}
.totals b{display:block;font-size:24px}svg text{font-size:12px}.small{font-size:10px;fill:#555}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}table{border-collapse:collapse;width:100%;font-size:12px}
th,td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left}td.num{text-align:right}
.key{margin-right:14px;font-size:12px}.key i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:50%}
.empty{color:#999}"""


def render(events: list[ReportEvent], since: date, until: date) -> str:
    by_gov = Counter(e.admin1 or "unknown" for e in events).most_common(TOP_N)
    actors = Counter(a for e in events for a in (e.actor1, e.actor2) if a).most_common(TOP_N)
    deaths_gov: dict[str, int] = defaultdict(int)
    for e in events:
        deaths_gov[e.admin1 or "unknown"] += e.fatalities
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    totals = (f"<div><b>{len(events)}</b>events</div><div><b>{sum(e.fatalities for e in events)}</b>fatalities</div>"
              f"<div><b>{len({e.admin1 for e in events})}</b>governorates</div>"
              f"<div><b>{sum(e.source_count for e in events)}</b>reports</div>")
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Hadath report {since} to {until}</title><style>{CSS}</style></head><body>
<h1>Hadath — conflict events in Syria</h1>
<p class="meta">{since} to {until} · generated {generated} · ACLED-compatible canonical events</p>
<section class="totals">{totals}</section>
<h2>Events and fatalities over time</h2>{_timeline(events, since, until)}
<div class="grid"><section><h2>Events by governorate</h2>{_bars(by_gov, '#34495e')}</section>
<section><h2>Fatalities by governorate</h2>{_bars(sorted(deaths_gov.items(), key=lambda kv: -kv[1])[:TOP_N], '#c0392b')}
</section></div>
<h2>Most active actors</h2>{_bars(actors, '#8e44ad')}
<h2>Map of events</h2><p>{_legend()}</p>{_map(events)}
<p class="meta">Circle size grows with fatalities; outline approximate.</p>
<h2>Events</h2>{_table(events)}
</body></html>"""


def write_report(path: str, since: date, until: date, url: str | None = None) -> int:
    events = fetch_events(since, until, url)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(render(events, since, until))
    return len(events)

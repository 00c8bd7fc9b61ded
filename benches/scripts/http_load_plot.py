#!/usr/bin/env python3
"""Draws throughput and p99 against requests in flight, one panel per backend, as an SVG, from
the Markdown tables that `cargo bench -p vc-benches --bench http_load` prints (its standard
output saved to a file, or the part of BENCHMARKS.md that holds them: every `#`-headed table of
`| in flight | mode | credentials/s | p50 | p99 | ...` rows after the first line matching
`--from`).

    cargo bench -p vc-benches --bench http_load | tee /tmp/http_load.md
    python3 benches/scripts/http_load_plot.py /tmp/http_load.md benches/http-load.svg
    # from the tables already in BENCHMARKS.md:
    python3 benches/scripts/http_load_plot.py BENCHMARKS.md benches/http-load.svg --from "### Second round"
"""
import math
import re
import sys
from pathlib import Path

args = sys.argv[1:]
start = None
if "--from" in args:
    i = args.index("--from")
    start = args[i + 1]
    del args[i:i + 2]
source, out = Path(args[0]), Path(args[1])

lines = source.read_text().splitlines()
if start is not None:
    lines = lines[next(i for i, l in enumerate(lines) if l.startswith(start)):]

# backend -> mode -> [(in flight, credentials/s, p99 ms)]
panels = {}
backend = None
for line in lines:
    header = re.match(r"^#+\s+(.*)$", line)
    if header:
        name = header.group(1).strip()
        # A new section of the document that holds no table of ours ends the tables.
        if backend is not None and not name.startswith(("SQLite", "PostgreSQL")):
            if start is not None and panels:
                break
        backend = name
        continue
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if backend is None or len(cells) < 5 or not cells[0].isdigit():
        continue
    try:
        rate = float(cells[2])
        p99 = float(cells[4].split()[0])
    except ValueError:
        continue
    mode = cells[1].replace("`", "")
    panels.setdefault(backend, {}).setdefault(mode, []).append((int(cells[0]), rate, p99))

if not panels:
    sys.exit(f"no http_load tables found in {source}")

colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]
modes = []
for series in panels.values():
    for mode in series:
        if mode not in modes:
            modes.append(mode)

pw, ph, left, gap, top, legend = 300, 230, 60, 40, 50, 70
width = left + len(panels) * (pw + gap)
height = top + 2 * (ph + gap) + legend
flights = sorted({f for s in panels.values() for pts in s.values() for f, _, _ in pts})
rate_max = max(r for s in panels.values() for pts in s.values() for _, r, _ in pts)
rate_top = math.ceil(rate_max / 2000) * 2000
p99_max = max(p for s in panels.values() for pts in s.values() for _, _, p in pts)
p99_top = 10 ** math.ceil(math.log10(p99_max))
p99_bottom = 10 ** math.floor(math.log10(min(p for s in panels.values() for pts in s.values() for _, _, p in pts)))


def x_of(panel, flight):
    span = math.log10(flights[-1]) - math.log10(flights[0])
    return left + panel * (pw + gap) + (math.log10(flight) - math.log10(flights[0])) / max(span, 1e-9) * pw


def y_rate(row, rate):
    y0 = top + row * (ph + gap) + ph
    return y0 - rate / rate_top * ph


def y_p99(row, p99):
    y0 = top + row * (ph + gap) + ph
    span = math.log10(p99_top) - math.log10(p99_bottom)
    return y0 - (math.log10(p99) - math.log10(p99_bottom)) / span * ph


svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
       f'<rect width="{width}" height="{height}" fill="white"/>',
       f'<text x="{left}" y="20" font-size="14">HTTP load: credentials/s (top) and p99 latency, ms, log scale (bottom), against requests in flight</text>']
for panel, (name, series) in enumerate(panels.items()):
    x0 = left + panel * (pw + gap)
    svg.append(f'<text x="{x0 + pw / 2}" y="{top - 8}" text-anchor="middle" font-size="13">{name}</text>')
    for row, ticks, y_of, label in (
        (0, [rate_top * i / 4 for i in range(5)], y_rate, lambda v: f"{v / 1000:.0f}k"),
        (1, [10 ** e for e in range(int(math.log10(p99_bottom)), int(math.log10(p99_top)) + 1)], y_p99, lambda v: f"{v:g}"),
    ):
        y0 = top + row * (ph + gap)
        svg.append(f'<rect x="{x0}" y="{y0}" width="{pw}" height="{ph}" fill="none" stroke="black"/>')
        for t in ticks:
            svg.append(f'<line x1="{x0}" y1="{y_of(row, t):.1f}" x2="{x0 + pw}" y2="{y_of(row, t):.1f}" stroke="#ddd"/>')
            svg.append(f'<text x="{x0 - 5}" y="{y_of(row, t) + 4:.1f}" text-anchor="end">{label(t)}</text>')
        for f in flights:
            svg.append(f'<text x="{x_of(panel, f):.1f}" y="{y0 + ph + 14}" text-anchor="middle">{f}</text>')
        for mode, pts in series.items():
            color = colors[modes.index(mode) % len(colors)]
            pts = sorted(pts)
            coords = [(x_of(panel, f), y_of(row, r if row == 0 else p)) for f, r, p in pts]
            path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(coords))
            svg.append(f'<path d="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
            for x, y in coords:
                svg.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{color}"/>')
for n, mode in enumerate(modes):
    color = colors[n % len(colors)]
    x = left + (n % 3) * 330
    y = top + 2 * (ph + gap) + 10 + (n // 3) * 18
    svg.append(f'<line x1="{x}" y1="{y - 4}" x2="{x + 20}" y2="{y - 4}" stroke="{color}" stroke-width="2"/>')
    svg.append(f'<text x="{x + 26}" y="{y}">{mode}</text>')
svg.append("</svg>")
out.write_text("\n".join(svg) + "\n")
for name, series in panels.items():
    print(f"{name}: " + "; ".join(f"{m}: " + ", ".join(f"{f}={r:,.0f}/s" for f, r, _ in sorted(p)) for m, p in series.items()))
print(f"wrote {out}")

#!/usr/bin/env python3
"""Draws batch throughput against batch size and worker count as an SVG, from criterion's
estimates of `cargo bench -p vc-benches --bench batch` (target/criterion/batch/).

    python3 benches/scripts/batch_plot.py target/criterion/batch benches/batch-throughput.svg
"""
import json
import math
import sys
from pathlib import Path

root, out = Path(sys.argv[1]), Path(sys.argv[2])
series = {}
for workers_dir in sorted(root.glob("* worker(s)")):
    points = []
    for size_dir in workers_dir.iterdir():
        estimates = size_dir / "new" / "estimates.json"
        if size_dir.name.isdigit() and estimates.exists():
            median_ns = json.loads(estimates.read_text())["median"]["point_estimate"]
            points.append((int(size_dir.name), int(size_dir.name) / (median_ns / 1e9)))
    series[workers_dir.name] = sorted(points)

width, height, left, bottom, top, right = 640, 380, 70, 50, 40, 170
sizes = sorted({s for pts in series.values() for s, _ in pts})
peak = max(r for pts in series.values() for _, r in pts)
ymax = math.ceil(peak / 10_000) * 10_000
lx = lambda s: left + (math.log10(s) - math.log10(sizes[0])) / max(
    1e-9, math.log10(sizes[-1]) - math.log10(sizes[0])) * (width - left - right)
ly = lambda r: height - bottom - r / ymax * (height - bottom - top)
colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
       f'<rect width="{width}" height="{height}" fill="white"/>',
       f'<text x="{left}" y="22" font-size="14">issue_batch throughput (eddsa-jcs-2022, revocable), credentials/s</text>',
       f'<line x1="{left}" y1="{height-bottom}" x2="{width-right}" y2="{height-bottom}" stroke="black"/>',
       f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height-bottom}" stroke="black"/>']
for i in range(0, 6):
    r = ymax * i / 5
    svg.append(f'<text x="{left-8}" y="{ly(r)+4}" text-anchor="end">{r/1000:.0f}k</text>')
    svg.append(f'<line x1="{left}" y1="{ly(r)}" x2="{width-right}" y2="{ly(r)}" stroke="#ddd"/>')
for s in sizes:
    svg.append(f'<text x="{lx(s)}" y="{height-bottom+18}" text-anchor="middle">{s:,}</text>')
svg.append(f'<text x="{(left+width-right)/2}" y="{height-12}" text-anchor="middle">items per batch (log scale)</text>')
for n, (name, pts) in enumerate(series.items()):
    color = colors[n % len(colors)]
    path = " ".join(f"{'M' if i == 0 else 'L'}{lx(s):.1f},{ly(r):.1f}" for i, (s, r) in enumerate(pts))
    svg.append(f'<path d="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
    for s, r in pts:
        svg.append(f'<circle cx="{lx(s):.1f}" cy="{ly(r):.1f}" r="3" fill="{color}"/>')
        svg.append(f'<text x="{lx(s):.1f}" y="{ly(r)-8:.1f}" text-anchor="middle" fill="{color}">{r/1000:.1f}k</text>')
    svg.append(f'<text x="{width-right+12}" y="{top+20+n*20}" fill="{color}">{name}</text>')
svg.append("</svg>")
out.write_text("\n".join(svg) + "\n")
print(f"wrote {out}: " + "; ".join(f"{k}: " + ", ".join(f"{s}={r:,.0f}/s" for s, r in v) for k, v in series.items()))

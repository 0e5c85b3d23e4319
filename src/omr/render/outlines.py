"""Outline primitives of the drawn glyphs: point lists in staff spaces around an anchor, y down.

omr.render.glyphs (noteheads, accidentals, treble clef) and omr.render.notation_glyphs (rests, flags, bass clef,
digits, marks) both build their outlines from these.
"""

from __future__ import annotations

import math


def ellipse(cx: float, cy: float, a: float, b: float, degrees: float, n: int = 48) -> list[tuple[float, float]]:
    """`n` points round an ellipse of semi-axes a, b centred on (cx, cy), tilted by `degrees` (rising right)."""
    angle = math.radians(degrees)
    cos, sin = math.cos(angle), math.sin(angle)
    points = []
    for i in range(n):
        t = 2 * math.pi * i / n
        x, y = a * math.cos(t), b * math.sin(t)
        points.append((cx + x * cos + y * sin, cy - x * sin + y * cos))
    return points


def quadratic(p0, p1, p2, n: int = 16) -> list[tuple[float, float]]:
    """`n + 1` points along the quadratic Bezier curve from p0 to p2 pulled towards p1."""
    return [
        ((1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * p1[0] + t * t * p2[0],
         (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * p1[1] + t * t * p2[1])
        for t in (i / n for i in range(n + 1))
    ]


def slanted_bar(x0: float, x1: float, y_centre: float, rise: float, thickness: float) -> list[tuple[float, float]]:
    """A thick bar from x0 to x1 rising by `rise` to the right (y down, so rising means smaller y)."""
    h = thickness / 2
    return [(x0, y_centre + rise / 2 - h), (x1, y_centre - rise / 2 - h), (x1, y_centre - rise / 2 + h),
            (x0, y_centre + rise / 2 + h)]


def box(x0: float, y0: float, x1: float, y1: float) -> list[tuple[float, float]]:
    """The rectangle's four corners, clockwise from (x0, y0)."""
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def catmull_rom(points: list[tuple[float, float]], per_segment: int = 8) -> list[tuple[float, float]]:
    """A smooth curve through `points` (Catmull-Rom spline, ends repeated), `per_segment` points per span."""
    padded = [points[0], *points, points[-1]]
    curve = []
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1], padded[i], padded[i + 1], padded[i + 2]
        for k in range(per_segment):
            t = k / per_segment
            curve.append(tuple(
                0.5 * (2 * p1[j] + (-p0[j] + p2[j]) * t + (2 * p0[j] - 5 * p1[j] + 4 * p2[j] - p3[j]) * t * t
                       + (-p0[j] + 3 * p1[j] - 3 * p2[j] + p3[j]) * t ** 3)
                for j in range(2)
            ))
    curve.append(points[-1])
    return curve

"""Beam groups: one stem direction per group, a beam line slanted with the melody, stems that meet it, one beam per
level with partial (hook) beams where values are mixed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from omr.music.events import BEAM_COUNT
from omr.render.score import MIDDLE_LINE_POSITION, Note

BEAM_THICKNESS = 0.5  # spaces
BEAM_SPACING = 0.75  # spaces from one level's beam to the next (thickness plus a quarter space of white)
MAX_BEAM_RISE = 1.0  # spaces over the whole group: a beam follows the melody only a little
MIN_STEM = 2.5  # spaces from the head centre to the beam nearest to it, for an eighth
HOOK_LENGTH = 0.9  # spaces: a partial beam about a notehead wide


@dataclass(frozen=True)
class BeamPlan:
    """Where a group's beams go: its stem direction, each note's stem tip y, and the segments of each level."""

    up: bool
    tips: tuple[float, ...]  # stem tip y per note of the group (the beam's outer edge)
    segments: tuple[tuple[int, float, float], ...]  # (level 1.., x0, x1), x0/x1 the segment's vertical ends
    x0: float  # where the beam line is anchored
    y0: float
    slope: float  # dy/dx in pixels

    def line_y(self, x: float) -> float:
        """y of the beams' outer edge (the tips' line) at x."""
        return self.y0 + self.slope * (x - self.x0)


def group_stem_up(notes: Sequence[Note], positions: Sequence[int]) -> bool:
    """One direction for the group: a direction given on its notes, else the majority of heads relative to the
    middle line decides (more heads below it: stems up); a tie goes down, as engravers do."""
    given = [note.stem_direction for note in notes if note.stem_direction != "auto"]
    if given:
        return given[0] == "up"
    below = sum(position < MIDDLE_LINE_POSITION for position in positions)
    above = sum(position > MIDDLE_LINE_POSITION for position in positions)
    return below > above


def plan_beam(notes: Sequence[Note], up: bool, stem_x: Sequence[tuple[float, float]], head_y: Sequence[float],
              stem_length: float, s: float) -> BeamPlan:
    """Plan a group's beams. stem_x: each stem's (left, right) edge; head_y: each head's centre y."""
    centres = [(left + right) / 2 for left, right in stem_x]
    span = max(centres[-1] - centres[0], 1e-6)
    rise = max(-MAX_BEAM_RISE * s, min(MAX_BEAM_RISE * s, head_y[-1] - head_y[0]))
    slope = rise / span
    sign = -1.0 if up else 1.0  # stems go up: tips have smaller y
    ideal = [y + sign * stem_length * s - slope * (x - centres[0]) for x, y in zip(centres, head_y)]
    y0 = sum(ideal) / len(ideal)
    levels = [BEAM_COUNT[note.note_type] for note in notes]
    for x, y, level in zip(centres, head_y, levels):
        shortest = (MIN_STEM + (level - 1) * BEAM_SPACING) * s
        bound = y + sign * shortest - slope * (x - centres[0])
        y0 = min(y0, bound) if up else max(y0, bound)
    tips = tuple(y0 + slope * (x - centres[0]) for x in centres)
    return BeamPlan(up, tips, _segments(levels, stem_x, s), centres[0], y0, slope)


def _segments(levels: Sequence[int], stem_x: Sequence[tuple[float, float]], s: float):
    """Level 1 joins every stem; a deeper level joins each run of notes that have it, and a note alone at that level
    gets a hook towards its neighbour (right for the group's first note, else left: a dotted note's short partner)."""
    segments = [(1, stem_x[0][0], stem_x[-1][1])]
    for level in range(2, max(levels) + 1):
        index = 0
        while index < len(levels):
            if levels[index] < level:
                index += 1
                continue
            end = index
            while end + 1 < len(levels) and levels[end + 1] >= level:
                end += 1
            if end > index:
                segments.append((level, stem_x[index][0], stem_x[end][1]))
            elif index == 0:
                segments.append((level, stem_x[index][0], stem_x[index][1] + HOOK_LENGTH * s))
            else:
                segments.append((level, stem_x[index][0] - HOOK_LENGTH * s, stem_x[index][1]))
            index = end + 1
    return tuple(segments)


def beam_polygons(plan: BeamPlan, s: float) -> list[tuple[int, list[tuple[float, float]]]]:
    """(level, polygon) per segment: parallelograms hanging from the tips' line towards the heads."""
    inward = 1.0 if plan.up else -1.0
    result = []
    for level, x0, x1 in plan.segments:
        offset = inward * (level - 1) * BEAM_SPACING * s
        thickness = inward * BEAM_THICKNESS * s
        a, b = plan.line_y(x0) + offset, plan.line_y(x1) + offset
        result.append((level, [(x0, a), (x1, b), (x1, b + thickness), (x0, a + thickness)]))
    return result

"""Checks that the clefs, key and time signatures and barlines LilyPond drew are the window's, and the header changes
they make (CONTRACT's HeaderChange, x in SVG units).

A key or time signature is found by the line its token was written on (LilyPond's data-origin), a clef (LilyPond
gives it no event) by its place: the first before every event, each later one a change clef (LilyPond's smaller
`clefs.G_change` / `clefs.F_change`) in the order of the source's clef changes. Each is read from its glyphs (clef
shape, the key's accidentals and the naturals that cancel the previous key, a C or the meter's digits) and, for a
meter, compared with LilyPond's own fraction. A mismatch raises WindowRejected with one of
LILYPOND_SIGNATURE_FAILURES.
"""

from __future__ import annotations

from omr.engrave.corpus import WindowRejected
from omr.engrave.lilypond import LilypondInput
from omr.engrave.lilypond_svg import Glyph, Grob, LilypondStaff
from omr.engrave.lilypond_verify import DrawnEvent
from omr.engrave.window import MeasureWindow
from omr.music.events import HeaderChange

LILYPOND_SIGNATURE_FAILURES = (
    "clef_mismatch",
    "key_signature_mismatch",
    "time_signature_mismatch",
    "barline_count_mismatch",
    "change_mismatch",  # a change's signs stand outside the events around it
)
CLEF_GLYPHS = {"clefs.G": "treble", "clefs.F": "bass"}
CHANGE_CLEF_GLYPHS = {"clefs.G_change": "treble", "clefs.F_change": "bass"}
METER_SYMBOLS = {"timesig.C44": "C", "timesig.C22": "C|"}
METER_FRACTIONS = {"C": "4/4", "C|": "2/2"}  # LilyPond's fraction of the symbols


def verified_lilypond_signatures(staff: LilypondStaff, ly: LilypondInput, window: MeasureWindow,
                                 drawn: list[DrawnEvent]) -> tuple[tuple[HeaderChange, ...], tuple[float, ...]]:
    """Verify the staff's header, its changes and its barlines; the changes (SVG x) and the barlines' x."""
    signs: dict[int, list[Glyph]] = {}  # change index (-1: the header) -> its signs' glyphs
    clefs = _verified_clefs(staff, window, drawn)
    for index, glyph in clefs:
        signs.setdefault(index, []).append(glyph)
    for line, kind, index in ly.signature_lines:
        if kind == "key":
            signs.setdefault(index, []).extend(_verified_key(staff, line, window, index))
        elif kind == "time":
            signs.setdefault(index, []).extend(_verified_time(staff, line, window, index))
    written = {line for line, kind, _ in ly.signature_lines if kind in ("key", "time")}
    stray = [g for g in staff.of_kind("KeySignature", "KeyCancellation", "TimeSignature") if g.glyphs
             and g.line not in written]
    if stray:
        raise WindowRejected("change_mismatch", f"{stray[0].kind} drawn at line {stray[0].line}, none written there")
    barlines = tuple(sorted((g.box[0] + g.box[2]) / 2 for g in staff.of_kind("BarLine") if g.rects))
    if len(barlines) != window.measures:
        raise WindowRejected("barline_count_mismatch", f"{len(barlines)} for {window.measures} measures")
    changes = []
    for index, (before, change) in enumerate(zip(window.change_indices(), window.changes)):
        x = min((g.box[0] + g.box[2]) / 2 for g in signs.get(index, [])) if signs.get(index) else None
        left = drawn[before - 1].centre[0]
        right = drawn[before].centre[0] if before < len(drawn) else staff.staff_x[1]
        if x is None or not left < x < right:
            raise WindowRejected("change_mismatch", f"change {index} at x {x} outside ({left:.1f}, {right:.1f})")
        changes.append(HeaderChange(x=x, clef=change.clef, key_fifths=change.key_fifths, time=change.time))
    return tuple(changes), barlines


def _verified_clefs(staff: LilypondStaff, window: MeasureWindow, drawn: list[DrawnEvent]) -> list[tuple[int, Glyph]]:
    """(change index, glyph) of each clef drawn: the header's (-1) first, then one per source clef change."""
    glyphs = sorted((g for grob in staff.of_kind("Clef") for g in grob.glyphs), key=lambda g: g.box[0])
    wanted = [(index, change.clef) for index, change in enumerate(window.changes) if change.clef is not None]
    if not glyphs or CLEF_GLYPHS.get(glyphs[0].name) != window.header.clef or glyphs[0].box[2] > drawn[0].centre[0]:
        raise WindowRejected("clef_mismatch", f"{[g.name for g in glyphs[:1]]} for {window.header.clef}")
    later = glyphs[1:]
    if [CHANGE_CLEF_GLYPHS.get(g.name) for g in later] != [clef for _, clef in wanted]:
        raise WindowRejected("clef_mismatch", f"changes {[g.name for g in later]} for {wanted}")
    return [(-1, glyphs[0])] + [(index, glyph) for (index, _), glyph in zip(wanted, later)]


def _at_line(staff: LilypondStaff, kind: str, line: int) -> list[Glyph]:
    return [g for grob in staff.of_kind(kind) if grob.line == line for g in grob.glyphs]


def _verified_key(staff: LilypondStaff, line: int, window: MeasureWindow, index: int) -> list[Glyph]:
    """The key's accidentals as its signs, after the naturals LilyPond prints for each sign of the previous key the
    new one drops (none at the staff's start)."""
    if index < 0:
        key_fifths, previous = window.header.key_fifths, 0
    else:
        change = window.changes[index]
        key_fifths, previous = change.key_fifths, window.in_force(change.measure - 1).key_fifths
    signs = _at_line(staff, "KeySignature", line)
    naturals = _at_line(staff, "KeyCancellation", line)
    same_side = previous * key_fifths > 0
    cancelled = max(0, abs(previous) - abs(key_fifths)) if same_side else abs(previous)
    expected = ["accidentals.sharp" if key_fifths > 0 else "accidentals.flat"] * abs(key_fifths)
    if [g.name for g in signs] != expected or [g.name for g in naturals] != ["accidentals.natural"] * cancelled:
        raise WindowRejected("key_signature_mismatch", f"{[g.name for g in naturals + signs]} for key {key_fifths} "
                                                       f"after {previous}")
    return naturals + signs


def _verified_time(staff: LilypondStaff, line: int, window: MeasureWindow, index: int) -> list[Glyph]:
    time = window.header.time if index < 0 else window.changes[index].time
    grobs = [grob for grob in staff.of_kind("TimeSignature") if grob.line == line]
    if len(grobs) != 1:
        raise WindowRejected("time_signature_mismatch", f"{len(grobs)} drawn for {time}")
    printed = printed_meter(grobs[0])
    fraction = grobs[0].attributes.get("fraction")
    if printed != time or fraction != METER_FRACTIONS.get(time, time):
        raise WindowRejected("time_signature_mismatch", f"printed {printed}, lilypond {fraction}, source {time}")
    return list(grobs[0].glyphs)


def printed_meter(grob: Grob) -> str:
    """The meter a time signature's glyphs print: C or C| (one symbol), or count digits above unit digits."""
    names = [g.name for g in grob.glyphs]
    if len(names) == 1 and names[0] in METER_SYMBOLS:
        return METER_SYMBOLS[names[0]]
    if not names or any(not name.startswith("digit.") for name in names):
        return "?"
    middle = sum((g.box[1] + g.box[3]) / 2 for g in grob.glyphs) / len(names)
    ordered = sorted(grob.glyphs, key=lambda g: g.box[0])
    top = "".join(g.name[-1] for g in ordered if (g.box[1] + g.box[3]) / 2 < middle)
    bottom = "".join(g.name[-1] for g in ordered if (g.box[1] + g.box[3]) / 2 >= middle)
    return f"{top}/{bottom}"

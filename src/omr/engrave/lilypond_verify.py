"""Checks that a LilyPond window's labels say what LilyPond drew and what the source wrote.

Each source event is found by the line the writer put it on (omr.engrave.lilypond: one event per line, and the
point-and-click link of its notehead or rest names that line), then compared three ways: with the source window, with
what the SVG shows (the notehead's staff position read for the clef in force, its glyph and size, the dots, flags or
beams on its stem, the accidental printed; a rest's glyph), and with LilyPond's own reading of the input (data-pitch,
data-duration, a tie's two ends, a tuplet's ratio). Any disagreement raises WindowRejected with one of
LILYPOND_EVENT_FAILURES.
"""

from __future__ import annotations

from dataclasses import dataclass

from omr.engrave.corpus import WindowRejected
from omr.engrave.lilypond import LilypondInput
from omr.engrave.lilypond_svg import GRACE_SIZE, Glyph, Grob, LilypondStaff
from omr.engrave.window import MeasureWindow, SourceEvent
from omr.music.events import BEAM_COUNT, STEPS, pitch_from_staff_position

OFF_GRID_TOLERANCE = 0.25  # in staff positions (half staff spaces)
BEAM_REACH = 0.1  # staff spaces a beam may end short of its stem's centre and still cross it
TUPLET_REACH = 1.5  # staff spaces a tuplet number may stand beyond its first or last event
LILYPOND_EVENT_FAILURES = (
    "event_count_mismatch",  # a source event with no drawn notehead/rest on its line, or several
    "link_mismatch",  # the glyph's point-and-click link names another line than LilyPond's origin
    "kind_mismatch",
    "events_out_of_order",
    "notehead_off_grid",
    "pitch_mismatch",  # the notehead's staff position, read for the clef, is not the source pitch
    "lilypond_pitch_mismatch",  # LilyPond's pitch of the token is not the source's (a writer error)
    "duration_mismatch",  # LilyPond's duration of the token is not the source's
    "dots_mismatch",
    "glyph_mismatch",  # notehead, rest, flag or beam count does not fit the duration
    "grace_mismatch",  # a small head where the source has no grace note, or the reverse
    "unexpected_accidental",
    "tie_mismatch",
    "tuplet_mismatch",
    "measure_rest_mismatch",
)
NOTEHEAD_OF_DURATION = {"breve": "noteheads.sM1", "whole": "noteheads.s0", "half": "noteheads.s1"}  # else s2
REST_DURATIONS = {"M1": "breve", "0": "whole", "1": "half", "2": "quarter", "3": "eighth", "4": "16th", "5": "32nd"}
DURATION_LOG = {"breve": -1, "whole": 0, "half": 1, "quarter": 2, "eighth": 3, "16th": 4, "32nd": 5}
PRINTED_ACCIDENTALS = {"accidentals.sharp": "sharp", "accidentals.flat": "flat", "accidentals.natural": "natural"}
LILYPOND_ALTERATION = {"0": 0, "1/2": 1, "-1/2": -1}  # LilyPond counts alterations in whole tones


@dataclass(frozen=True)
class DrawnEvent:
    """A source event's drawn head or rest: its grob, its glyph and centre (SVG units; a note's centre on its staff
    position), and the printed accidental (notes; None where none is printed)."""

    grob: Grob
    glyph: Glyph
    centre: tuple[float, float]
    accidental: str | None = None


def grobs_by_line(staff: LilypondStaff, *kinds: str) -> dict[int, list[Grob]]:
    found: dict[int, list[Grob]] = {}
    for grob in staff.of_kind(*kinds):
        if grob.line is not None:
            found.setdefault(grob.line, []).append(grob)
    return found


def drawn_events(staff: LilypondStaff, ly: LilypondInput, window: MeasureWindow) -> list[DrawnEvent]:
    """Each source event's drawn notehead or rest, found by its input line, one to one, in order of x."""
    heads = grobs_by_line(staff, "NoteHead", "Rest", "MultiMeasureRest")
    if sum(len(found) for found in heads.values()) != len(window.events) or set(heads) != set(ly.event_lines):
        raise WindowRejected("event_count_mismatch", f"{sum(map(len, heads.values()))} drawn, "
                                                     f"{len(window.events)} in source")
    drawn = []
    for line, source in zip(ly.event_lines, window.events):
        if len(heads[line]) != 1:
            raise WindowRejected("event_count_mismatch", f"{len(heads[line])} heads drawn for line {line}")
        grob = heads[line][0]
        if grob.link_lines != {line}:
            raise WindowRejected("link_mismatch", f"line {line} drawn with links to {sorted(grob.link_lines)}")
        if (grob.kind == "NoteHead") != (source.kind == "note") or len(grob.glyphs) != 1:
            raise WindowRejected("kind_mismatch", f"{grob.kind} of {len(grob.glyphs)} glyphs for a {source.kind}")
        glyph = grob.glyphs[0]
        x = (glyph.box[0] + glyph.box[2]) / 2
        y = glyph.origin[1] if source.kind == "note" else (glyph.box[1] + glyph.box[3]) / 2
        drawn.append(DrawnEvent(grob=grob, glyph=glyph, centre=(x, y)))
    xs = [event.centre[0] for event in drawn]
    if any(b <= a for a, b in zip(xs, xs[1:])):
        raise WindowRejected("events_out_of_order")
    return drawn


def written_pitch(centre_y: float, staff_lines: tuple[float, ...], clef: str) -> tuple[str, int]:
    """(step, octave) where a notehead sits on the staff (SVG units), read for the clef."""
    half_space = (staff_lines[-1] - staff_lines[0]) / 8
    position = (staff_lines[-1] - centre_y) / half_space
    if abs(position - round(position)) > OFF_GRID_TOLERANCE:
        raise WindowRejected("notehead_off_grid", f"staff position {position:.2f}")
    return pitch_from_staff_position(round(position), clef)


def check_lilypond_note(staff: LilypondStaff, drawn: DrawnEvent, source: SourceEvent, line: int,
                        clef: str) -> DrawnEvent:
    """Verify one note (position, glyph, size, LilyPond's pitch and duration, dots, flags or beams); returns it with
    its printed accidental."""
    written = written_pitch(drawn.centre[1], staff.staff_lines, clef)
    if written != (source.step, source.octave):
        raise WindowRejected("pitch_mismatch", f"drawn {written}, source {source.step}{source.octave}")
    notename, octave, alteration = drawn.grob.attributes.get("pitch", "? ? ?").split()
    lilypond = (STEPS[int(notename)] if notename.isdigit() else "?", int(octave) + 4 if octave.lstrip("-").isdigit()
                else None, LILYPOND_ALTERATION.get(alteration))
    if lilypond != (source.step, source.octave, source.alter):
        raise WindowRejected("lilypond_pitch_mismatch", f"lilypond {lilypond}, source {source}")
    _check_duration(drawn.grob, source)
    if drawn.glyph.name != NOTEHEAD_OF_DURATION.get(source.duration, "noteheads.s2"):
        raise WindowRejected("glyph_mismatch", f"{drawn.glyph.name} for a {source.duration}")
    if (drawn.glyph.size == GRACE_SIZE) != source.grace:
        raise WindowRejected("grace_mismatch", f"head size {drawn.glyph.size}, source grace {source.grace}")
    _check_dots(staff, line, source)
    _check_stem_marks(staff, line, source)
    return DrawnEvent(drawn.grob, drawn.glyph, drawn.centre, _printed_accidental(staff, line, drawn))


def check_lilypond_rest(staff: LilypondStaff, drawn: DrawnEvent, source: SourceEvent, line: int) -> None:
    """Verify one rest: a measure rest is LilyPond's MultiMeasureRest drawn as a whole rest (CONTRACT prints it so;
    LilyPond draws a breve rest in 4/2: refused); another rest's glyph, LilyPond's duration and the dots drawn."""
    measure_rest = drawn.grob.kind == "MultiMeasureRest"
    value = REST_DURATIONS.get(drawn.glyph.name.removeprefix("rests.").removesuffix("o"))
    if measure_rest != source.fills_measure or (measure_rest and value != "whole"):
        raise WindowRejected("measure_rest_mismatch", f"{drawn.grob.kind} {drawn.glyph.name}, source measure rest "
                                                      f"{source.fills_measure}")
    if value != source.duration:
        raise WindowRejected("glyph_mismatch", f"rest {drawn.glyph.name} for a {source.duration}")
    if not measure_rest:
        _check_duration(drawn.grob, source)
    _check_dots(staff, line, source)


def _check_duration(grob: Grob, source: SourceEvent) -> None:
    log, dots = (grob.attributes.get("duration", "") + " ? ?").split()[:2]
    if log != str(DURATION_LOG[source.duration]):
        raise WindowRejected("duration_mismatch", f"lilypond log {log}, source {source.duration}")
    if dots != str(source.dots):
        raise WindowRejected("dots_mismatch", f"lilypond {dots} dots, source {source.dots}")


def _check_dots(staff: LilypondStaff, line: int, source: SourceEvent) -> None:
    dots = [g for grob in grobs_by_line(staff, "Dots").get(line, []) for g in grob.glyphs]
    if len(dots) != source.dots or any(g.name != "dots.dot" for g in dots):
        raise WindowRejected("dots_mismatch", f"{len(dots)} dots drawn, source {source.dots}")


def _check_stem_marks(staff: LilypondStaff, line: int, source: SourceEvent) -> None:
    """A stem carries as many flags, or beams crossing it, as the duration asks (none for a quarter and longer)."""
    wanted = BEAM_COUNT.get(source.duration, 0)
    flags = [g.name for grob in grobs_by_line(staff, "Flag").get(line, []) for g in grob.glyphs
             if g.name.startswith("flags.") and "grace" not in g.name]
    if flags:
        count = sum(int(name[-1]) - 2 for name in flags)  # flags.u3: one flag (an eighth), u4: two, u5: three
        if len(flags) != 1 or count != wanted:
            raise WindowRejected("glyph_mismatch", f"flags {flags} on a {source.duration}")
        return
    stems = [rect for grob in grobs_by_line(staff, "Stem").get(line, []) for rect in grob.rects]
    if len(stems) > 1 or (wanted and not stems):
        raise WindowRejected("glyph_mismatch", f"{len(stems)} stems on a {source.duration}")
    x = (stems[0][0] + stems[0][2]) / 2 if stems else None
    beams = sum(x is not None and rect[0] - BEAM_REACH <= x <= rect[2] + BEAM_REACH
                for grob in staff.of_kind("Beam") for rect in grob.polygons)
    if beams != wanted:
        raise WindowRejected("glyph_mismatch", f"{beams} beams cross the stem of a {source.duration}")


def _printed_accidental(staff: LilypondStaff, line: int, drawn: DrawnEvent) -> str | None:
    glyphs = [g for grob in grobs_by_line(staff, "Accidental", "AccidentalCautionary").get(line, [])
              for g in grob.glyphs]
    if not glyphs:
        return None
    if len(glyphs) != 1 or glyphs[0].name not in PRINTED_ACCIDENTALS or glyphs[0].size != drawn.glyph.size:
        raise WindowRejected("unexpected_accidental", f"{[g.name for g in glyphs]} before line {line}")
    if glyphs[0].box[2] > drawn.glyph.box[0]:
        raise WindowRejected("unexpected_accidental", f"accidental right of its head at line {line}")
    return PRINTED_ACCIDENTALS[glyphs[0].name]


def check_lilypond_ties(staff: LilypondStaff, ly: LilypondInput, window: MeasureWindow) -> None:
    """Each tie drawn joins a note whose source ties on (its line) to the next event's line, by LilyPond's own
    bounds; and every tie of the source is drawn."""
    expected = {ly.event_lines[i]: ly.event_lines[i + 1] for i, event in enumerate(window.events)
                if event.kind == "note" and event.tie in ("start", "continue")}
    drawn = {}
    for tie in staff.of_kind("Tie"):
        start, end = (_line(tie.attributes.get(key, "")) for key in ("from", "to"))
        if start != tie.line or start in drawn:
            raise WindowRejected("tie_mismatch", f"tie at line {tie.line} from {start}")
        drawn[start] = end
    if drawn != expected:
        raise WindowRejected("tie_mismatch", f"drawn {drawn}, source {expected}")


def check_lilypond_tuplets(staff: LilypondStaff, ly: LilypondInput, window: MeasureWindow,
                           drawn: list[DrawnEvent]) -> None:
    """Each \\tuplet written is drawn once: its number printed is the source's actual count, LilyPond's ratio the
    source's, and the number stands over its events (first to last, within TUPLET_REACH)."""
    numbers = {grob.line: grob for grob in staff.of_kind("TupletNumber")}
    if len(numbers) != len(staff.of_kind("TupletNumber")) or set(numbers) != {line for line, _ in ly.tuplet_lines}:
        raise WindowRejected("tuplet_mismatch", f"numbers at lines {sorted(numbers)}, tuplets at "
                                                f"{[line for line, _ in ly.tuplet_lines]}")
    for line, members in ly.tuplet_lines:
        actual, normal = window.events[members[0]].tuplet
        grob = numbers[line]
        printed = "".join(text for text, _ in grob.texts)
        if printed != str(actual) or grob.attributes.get("ratio") != f"{normal}/{actual}":
            raise WindowRejected("tuplet_mismatch", f"printed {printed!r}, lilypond {grob.attributes.get('ratio')}, "
                                                    f"source {actual}:{normal}")
        x = grob.texts[0][1][0]
        first, last = drawn[members[0]].centre[0], drawn[members[-1]].centre[0]
        if not first - TUPLET_REACH <= x <= last + TUPLET_REACH:
            raise WindowRejected("tuplet_mismatch", f"number at x {x:.1f} outside its events ({first:.1f}, "
                                                    f"{last:.1f})")


def _line(origin: str) -> int | None:
    head = origin.split(":")[0]
    return int(head) if head.isdigit() else None

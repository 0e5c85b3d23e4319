"""Checks that an engraved_real window's labels say what verovio drew and what the source wrote.

Each label event is compared three ways: with the source window (omr.engrave.measures), with what the SVG shows
(where the notehead sits on the staff for the clef in force, which glyph is drawn and at which size, how many dots,
which tuplet group holds it, whether a rest is verovio's measure rest) and with verovio's own reading of the document
(`toolkit.getElementAttr(id)`: pname/oct/dur/dots/grace of notes and rests, accid/accid.ges of their accidentals,
num/numbase of tuplets, startid/endid of ties; the signatures in omr.engrave.real_signatures). Any disagreement
raises WindowRejected with one of REAL_VERIFICATION_FAILURES.
"""

from __future__ import annotations

from omr.engrave.corpus import WindowRejected
from omr.engrave.window import MeasureWindow, SourceEvent
from omr.engrave.real_signatures import SIGNATURE_FAILURES
from omr.engrave.svg_staff import ACCIDENTAL_GLYPHS, FLAG_COUNT, REST_GLYPHS, SvgEvent, SvgStaff
from omr.music.elements import tuplet_brackets
from omr.music.events import (ALTER_OF_ACCIDENTAL, BEAM_COUNT, HeaderChange, pitch_from_staff_position,
                              sounding_alters)

OFF_GRID_TOLERANCE = 0.25  # in staff positions (half staff spaces)
REAL_VERIFICATION_FAILURES = (
    "event_count_mismatch",
    "kind_mismatch",
    "events_out_of_order",
    "notehead_off_grid",
    "pitch_mismatch",  # the notehead's staff position, read for the clef, is not the source pitch
    "verovio_pitch_mismatch",  # verovio's pname/oct is not the source pitch
    "duration_mismatch",  # verovio's dur is not the source duration
    "dots_mismatch",  # verovio's dots or the dots drawn differ from the source
    "glyph_mismatch",  # notehead, rest or flag glyph does not fit the duration
    "unexpected_accidental",
    "accidental_mismatch",  # the printed glyph differs from verovio's accid
    "alter_mismatch",  # verovio's sounding alteration (accid or accid.ges) differs from the source's
    "alter_unreadable",  # CONTRACT's reading rules on the printed glyphs do not give the sounding alters
    "tie_mismatch",
    *SIGNATURE_FAILURES,
    "round_trip_mismatch",  # events -> MusicXML -> events changed them
    "outside_image",
    # The fuller vocabulary: appended, so the reasons above keep their order in meta.json.
    "grace_mismatch",  # verovio's grace or the head's size differ from the source's grace note
    "tuplet_mismatch",  # the tuplet groups drawn, their number or verovio's num/numbase differ from the source's
    "measure_rest_mismatch",  # verovio's mRest where the source has none, or none where it has one
)
NOTEHEAD_OF_DURATION = {"breve": "E0A1", "whole": "E0A2", "half": "E0A3"}  # shorter: the black notehead E0A4
VEROVIO_DUR = {"breve": "breve", "1": "whole", "2": "half", "4": "quarter", "8": "eighth", "16": "16th", "32": "32nd"}
GRACE_SCALE = 0.9  # a grace note's head is drawn at most this fraction of a timed note's (verovio: 0.75)
VEROVIO_ALTER = {"s": 1, "f": -1, "n": 0, "x": 2, "ss": 2, "ff": -2}


def paired_events(staff: SvgStaff, window: MeasureWindow) -> list[tuple[SvgEvent, SourceEvent]]:
    """SVG events with their source events, one to one, in order; refuses a different count, kind or order."""
    if len(staff.events) != len(window.events):
        raise WindowRejected("event_count_mismatch", f"{len(staff.events)} drawn, {len(window.events)} in source")
    for drawn, source in zip(staff.events, window.events):
        if drawn.kind != source.kind:
            raise WindowRejected("kind_mismatch", f"{drawn.kind} drawn for a {source.kind}")
    xs = [event.centre[0] for event in staff.events]
    if any(b <= a for a, b in zip(xs, xs[1:])):
        raise WindowRejected("events_out_of_order")
    return list(zip(staff.events, window.events))


def written_pitch(drawn: SvgEvent, staff_lines: tuple[float, ...], clef: str) -> tuple[str, int]:
    """(step, octave) where the notehead sits on the staff (SVG pixels), read for the clef."""
    half_space = (staff_lines[-1] - staff_lines[0]) / 8
    position = (staff_lines[-1] - drawn.centre[1]) / half_space
    if abs(position - round(position)) > OFF_GRID_TOLERANCE:
        raise WindowRejected("notehead_off_grid", f"staff position {position:.2f}")
    return pitch_from_staff_position(round(position), clef)


def check_note(toolkit, drawn: SvgEvent, source: SourceEvent, written: tuple[str, int],
               timed_scale: float = 0.0) -> str | None:
    """Verify one note against the source and verovio (a grace note: verovio's `grace`, and a head smaller than
    `timed_scale`, the scale of the staff's timed noteheads); returns the printed accidental's name (or None)."""
    if written != (source.step, source.octave):
        raise WindowRejected("pitch_mismatch", f"drawn {written}, source {source.step}{source.octave}")
    attributes = toolkit.getElementAttr(drawn.id)
    if (attributes.get("pname", "").upper(), int(attributes.get("oct", -99))) != written:
        raise WindowRejected("verovio_pitch_mismatch", f"verovio {attributes}, source {written}")
    small = drawn.head_scale < GRACE_SCALE * timed_scale
    if ("grace" in attributes) != source.grace or small != source.grace:
        raise WindowRejected("grace_mismatch", f"verovio {attributes.get('grace')}, head scale {drawn.head_scale} "
                                               f"of {timed_scale}, source grace {source.grace}")
    _check_rhythm(attributes, drawn, source)
    if drawn.glyph != NOTEHEAD_OF_DURATION.get(source.duration, "E0A4"):
        raise WindowRejected("glyph_mismatch", f"notehead {drawn.glyph} for a {source.duration}")
    flags = sum(FLAG_COUNT.get(code, -99) for code, _ in drawn.flags)
    if drawn.flags and flags != BEAM_COUNT.get(source.duration, 0):
        raise WindowRejected("glyph_mismatch", f"{flags} flags on a {source.duration}")
    printed = None
    if drawn.accidental is not None:
        printed = ACCIDENTAL_GLYPHS.get(drawn.accidental)
        if printed is None:
            raise WindowRejected("unexpected_accidental", drawn.accidental)
    accid = toolkit.getElementAttr(drawn.accidental_id) if drawn.accidental_id else {}
    verovio_printed = accid.get("accid")
    if (printed is None) != (verovio_printed is None) or (
        printed is not None and ALTER_OF_ACCIDENTAL[printed] != VEROVIO_ALTER.get(verovio_printed)
    ):
        raise WindowRejected("accidental_mismatch", f"glyph {printed}, verovio {accid}")
    sounding = VEROVIO_ALTER.get(verovio_printed or accid.get("accid.ges", "n"), 99)
    if sounding != source.alter:
        raise WindowRejected("alter_mismatch", f"verovio {accid}, source alter {source.alter}")
    return printed


def check_rest(toolkit, drawn: SvgEvent, source: SourceEvent) -> None:
    """Verify one rest: its glyph, verovio's dur/dots and the dots drawn are the source's; a measure rest is verovio's
    mRest drawn as a whole rest (in 4/2 verovio draws a breve rest: refused, CONTRACT prints a whole)."""
    if drawn.whole_measure != source.fills_measure:
        raise WindowRejected("measure_rest_mismatch", f"verovio mRest {drawn.whole_measure}, source measure rest "
                                                      f"{source.fills_measure}")
    if REST_GLYPHS.get(drawn.glyph) != source.duration:
        raise WindowRejected("glyph_mismatch", f"rest {drawn.glyph} for a {source.duration}")
    if source.fills_measure:  # an mRest has no dur of its own: it lasts its measure
        if drawn.dots:
            raise WindowRejected("dots_mismatch", f"{len(drawn.dots)} dots on a measure rest")
        return
    _check_rhythm(toolkit.getElementAttr(drawn.id), drawn, source)


def _check_rhythm(attributes: dict, drawn: SvgEvent, source: SourceEvent) -> None:
    if VEROVIO_DUR.get(attributes.get("dur")) != source.duration:
        raise WindowRejected("duration_mismatch", f"verovio dur {attributes.get('dur')}, source {source.duration}")
    if int(attributes.get("dots", 0)) != source.dots or len(drawn.dots) != source.dots:
        raise WindowRejected("dots_mismatch", f"verovio {attributes.get('dots', 0)}, drawn {len(drawn.dots)}, "
                                              f"source {source.dots}")


def check_alters_readable(window: MeasureWindow, printed: list[str | None]) -> None:
    """A reader applying CONTRACT's rules (key, measure, ties) to the printed glyphs hears the source's alters; the
    key in force is each measure's (a key changes at a barline, where no printed accidental holds)."""
    notes = window.notes
    tied = [False] + [a.tie in ("start", "continue") for a in notes[:-1]]
    read: list[int] = []
    for key_fifths, members in _key_runs(window):
        read += sounding_alters([(notes[i].step, notes[i].octave, printed[i]) for i in members], key_fifths,
                                [notes[i].measure for i in members], [tied[i] for i in members])
    if read != [n.alter for n in notes]:
        raise WindowRejected("alter_unreadable", f"read {read}, sounding {[n.alter for n in notes]}")


def _key_runs(window: MeasureWindow) -> list[tuple[int, list[int]]]:
    """(key in force, indices of the window's notes under it), in order."""
    runs: list[tuple[int, list[int]]] = []
    for index, note in enumerate(window.notes):
        key_fifths = window.in_force(note.measure).key_fifths
        if not runs or runs[-1][0] != key_fifths:
            runs.append((key_fifths, []))
        runs[-1][1].append(index)
    return runs


def check_tuplets(toolkit, staff: SvgStaff,
                  pairs: list[tuple[SvgEvent, SourceEvent]]) -> list[tuple[int, int] | None]:
    """Each event's tuplet as verovio drew it (num/numbase of the group holding it, its digits printed) equals the
    source's, and the groups drawn are those the tuplet-number rule forms (omr.music.elements.tuplet_brackets), so a
    reader of the printed numbers finds them; returns each event's tuplet."""
    ratios = {}
    for tuplet in staff.tuplets:
        attributes = toolkit.getElementAttr(tuplet.id)
        ratio = (int(attributes.get("num", 0)), int(attributes.get("numbase", 0)))
        if tuplet.number != str(ratio[0]):
            raise WindowRejected("tuplet_mismatch", f"number {tuplet.number!r} printed for verovio {attributes}")
        ratios[tuplet.id] = ratio
    # A grace note takes no time and is never in a tuplet (CONTRACT), wherever verovio groups it.
    drawn = [None if source.grace else ratios.get(svg.tuplet_id) for svg, source in pairs]
    if drawn != [source.tuplet for _, source in pairs]:
        raise WindowRejected("tuplet_mismatch", f"drawn {drawn}, source {[s.tuplet for _, s in pairs]}")
    groups_drawn: dict[str, list[int]] = {}
    for index, (svg, source) in enumerate(pairs):
        if svg.tuplet_id is not None and not source.grace:
            groups_drawn.setdefault(svg.tuplet_id, []).append(index)
    if sorted(groups_drawn.values()) != _rule_groups([source for _, source in pairs]):
        raise WindowRejected("tuplet_mismatch", f"groups drawn {sorted(groups_drawn.values())}")
    return drawn


def _rule_groups(events: list[SourceEvent]) -> list[list[int]]:
    """Indices of each tuplet group as tuplet_brackets closes them, measure by measure."""
    groups, open_group = [], None
    for measure in sorted({event.measure for event in events}):
        indices = [i for i, event in enumerate(events) if event.measure == measure]
        for index, bracket in zip(indices, tuplet_brackets([events[i] for i in indices])):
            if bracket in ("start", "startStop"):
                open_group = [index]
            elif open_group is not None and events[index].tuplet is not None and not events[index].grace:
                open_group.append(index)
            if bracket in ("stop", "startStop"):
                groups.append(open_group)
                open_group = None
    return sorted(groups)


def check_ties(toolkit, staff: SvgStaff, pairs: list[tuple[SvgEvent, SourceEvent]]) -> None:
    """Each tie drawn joins a note labelled as starting a tie to the next, labelled as ending one."""
    tie_of = {drawn.id: source.tie for drawn, source in pairs if source.kind == "note"}
    starts = sum(tie in ("start", "continue") for tie in tie_of.values())
    if len(staff.ties) != starts:
        raise WindowRejected("tie_mismatch", f"{len(staff.ties)} ties drawn, {starts} in source")
    for tie_id, _ in staff.ties:
        ends = toolkit.getElementAttr(tie_id)
        start, end = ends.get("startid", "").lstrip("#"), ends.get("endid", "").lstrip("#")
        if tie_of.get(start) not in ("start", "continue") or tie_of.get(end) not in ("stop", "continue"):
            raise WindowRejected("tie_mismatch", f"tie {start} -> {end}")


def check_round_trip(events, window: MeasureWindow) -> None:
    """Events -> MusicXML (music21) -> events gives the labels back unchanged, in the window's measures, with the
    signatures it changes before the events the source changes them at."""
    from dataclasses import replace

    from omr.music.musicxml import events_round_trip_mismatch

    measures = [source.measure + 1 for source in window.events]
    header = window.header
    # Placed by index, not by x: a page's events restart their x on every system.
    placed = [replace(event, x=float(index)) for index, event in enumerate(events)]
    changes = [HeaderChange(x=index - 0.5, clef=change.clef, key_fifths=change.key_fifths, time=change.time)
               for index, change in zip(window.change_indices(), window.changes)]
    found = events_round_trip_mismatch(placed, header.clef, header.key_fifths, header.time, measure_numbers=measures,
                                       changes=changes)
    if found is not None:
        raise WindowRejected("round_trip_mismatch", found)

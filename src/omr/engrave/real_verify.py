"""Checks that an engraved_real window's labels say what verovio drew and what the source wrote.

Each label event is compared three ways: with the source window (omr.engrave.measures), with what the SVG shows
(where the notehead sits on the staff for the clef, which glyph is drawn, how many dots) and with verovio's own
reading of the document (`toolkit.getElementAttr(id)`: pname/oct/dur/dots of notes and rests, accid/accid.ges of
their accidentals, sig/count/unit of the signatures, startid/endid of ties). Any disagreement raises
WindowRejected with one of REAL_VERIFICATION_FAILURES.
"""

from __future__ import annotations

from omr.engrave.corpus import WindowRejected
from omr.engrave.measures import MeasureWindow, SourceEvent
from omr.engrave.svg_events import ACCIDENTAL_GLYPHS, CLEF_GLYPHS, FLAG_COUNT, REST_GLYPHS, SvgEvent, SvgStaff
from omr.music.events import ALTER_OF_ACCIDENTAL, BEAM_COUNT, pitch_from_staff_position, sounding_alters

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
    "clef_mismatch",
    "key_signature_mismatch",
    "time_signature_mismatch",
    "barline_count_mismatch",
    "round_trip_mismatch",  # events -> MusicXML -> events changed them
    "outside_image",
)
NOTEHEAD_OF_DURATION = {"whole": "E0A2", "half": "E0A3"}  # shorter values share the black notehead E0A4
VEROVIO_DUR = {"1": "whole", "2": "half", "4": "quarter", "8": "eighth", "16": "16th", "32": "32nd"}
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


def check_note(toolkit, drawn: SvgEvent, source: SourceEvent, written: tuple[str, int]) -> str | None:
    """Verify one note against the source and verovio; returns the printed accidental's name (or None)."""
    if written != (source.step, source.octave):
        raise WindowRejected("pitch_mismatch", f"drawn {written}, source {source.step}{source.octave}")
    attributes = toolkit.getElementAttr(drawn.id)
    if (attributes.get("pname", "").upper(), int(attributes.get("oct", -99))) != written:
        raise WindowRejected("verovio_pitch_mismatch", f"verovio {attributes}, source {written}")
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
    """Verify one rest: its glyph, verovio's dur/dots and the dots drawn are the source's."""
    if REST_GLYPHS.get(drawn.glyph) != source.duration:
        raise WindowRejected("glyph_mismatch", f"rest {drawn.glyph} for a {source.duration}")
    _check_rhythm(toolkit.getElementAttr(drawn.id), drawn, source)


def _check_rhythm(attributes: dict, drawn: SvgEvent, source: SourceEvent) -> None:
    if VEROVIO_DUR.get(attributes.get("dur")) != source.duration:
        raise WindowRejected("duration_mismatch", f"verovio dur {attributes.get('dur')}, source {source.duration}")
    if int(attributes.get("dots", 0)) != source.dots or len(drawn.dots) != source.dots:
        raise WindowRejected("dots_mismatch", f"verovio {attributes.get('dots', 0)}, drawn {len(drawn.dots)}, "
                                              f"source {source.dots}")


def check_alters_readable(window: MeasureWindow, printed: list[str | None]) -> None:
    """A reader applying CONTRACT's rules (key, measure, ties) to the printed glyphs hears the source's alters."""
    notes = window.notes
    tied = [False] + [a.tie in ("start", "continue") for a in notes[:-1]]
    read = sounding_alters([(n.step, n.octave, p) for n, p in zip(notes, printed)], window.header.key_fifths,
                           [n.measure for n in notes], tied)
    if read != [n.alter for n in notes]:
        raise WindowRejected("alter_unreadable", f"read {read}, sounding {[n.alter for n in notes]}")


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


def check_signatures(toolkit, staff: SvgStaff, window: MeasureWindow, shows_time: bool = True) -> None:
    """One clef of the window's kind, its key signature's glyphs and its time signature, as verovio reads them
    (`shows_time` False: a page's later systems, which print clef and key again but no time signature)."""
    header = window.header
    if len(staff.clefs) != 1 or CLEF_GLYPHS.get(staff.clefs[0][0]) != header.clef:
        raise WindowRejected("clef_mismatch", f"{[code for code, _ in staff.clefs]} for {header.clef}")
    key_fifths = header.key_fifths
    sign = "E262" if key_fifths > 0 else "E260"
    glyphs = [code for code, _ in staff.key_signature]
    sig = toolkit.getElementAttr(staff.key_signature_id) if staff.key_signature_id else {}
    expected = f"{abs(key_fifths)}{'s' if key_fifths > 0 else 'f'}" if key_fifths else "0"
    if glyphs != [sign] * abs(key_fifths) or sig.get("sig", "0") != expected:
        raise WindowRejected("key_signature_mismatch", f"{glyphs}, verovio {sig}, key {key_fifths}")
    if len(staff.time_signatures) != int(shows_time):
        raise WindowRejected("time_signature_mismatch", f"{len(staff.time_signatures)} drawn")
    if shows_time:
        meter = toolkit.getElementAttr(staff.time_signatures[0][0])
        if f"{meter.get('count')}/{meter.get('unit')}" != header.time:
            raise WindowRejected("time_signature_mismatch", f"verovio {meter}, source {header.time}")
    if len(staff.barlines) != window.measures:
        raise WindowRejected("barline_count_mismatch", f"{len(staff.barlines)} for {window.measures} measures")


def check_round_trip(events, window: MeasureWindow) -> None:
    """Events -> MusicXML (music21) -> events gives the labels back unchanged, in the window's measures."""
    from omr.music.musicxml import events_round_trip_mismatch

    measures = [source.measure + 1 for source in window.events]
    header = window.header
    found = events_round_trip_mismatch(events, header.clef, header.key_fifths, header.time, measure_numbers=measures)
    if found is not None:
        raise WindowRejected("round_trip_mismatch", found)

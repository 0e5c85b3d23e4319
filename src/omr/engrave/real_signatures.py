"""Checks that the clef, key and time signatures verovio drew on a staff are the window's: those at the staff's start
(its header) and those it changes later, each standing before the event the source changes them at.

Each signature is read two ways, from its glyphs (clef shape, key accidentals, meter digits or symbol) and from
verovio's own reading of the document (`toolkit.getElementAttr(id)`: shape/line of a clef, sig of a key,
count/unit/sym of a meter). The courtesy key and meter verovio prints at a system's end, before the next system
changes them, are its own additions and have no attributes: those are read from their glyphs alone. A mismatch raises
WindowRejected with one of SIGNATURE_FAILURES. The changes come back as CONTRACT's HeaderChange, at the x (SVG
pixels) of the first sign printed.
"""

from __future__ import annotations

from omr.engrave.corpus import WindowRejected
from omr.engrave.window import MeasureWindow, SourceChange
from omr.engrave.svg_staff import CLEF_GLYPHS, SvgSignature, SvgStaff
from omr.music.events import HeaderChange

SIGNATURE_FAILURES = (
    "clef_mismatch",
    "key_signature_mismatch",
    "time_signature_mismatch",
    "barline_count_mismatch",
    "change_mismatch",  # a signature drawn where the source changes none, or missing where it changes one
)
VEROVIO_CLEFS = {("G", "2"): "treble", ("F", "4"): "bass"}
VEROVIO_METER_SYMBOLS = {"common": "C", "cut": "C|"}
METER_GLYPHS = {"E08A": "C", "E08B": "C|", **{f"E08{digit}": str(digit) for digit in range(10)}}  # SMuFL timeSig*
KEY_GLYPHS = {1: "E262", -1: "E260", 0: "E261"}  # sharp, flat, and the natural that cancels a key


def verified_signatures(toolkit, staff: SvgStaff, window: MeasureWindow, shows_time: bool = True
                        ) -> tuple[HeaderChange, ...]:
    """Verify the staff's header (clef, key, and time where `shows_time`; False: a page's later systems print no
    time signature) and every later signature against the window; the changes as HeaderChanges (SVG-pixel x)."""
    opening = [signature for signature in staff.signatures if signature.before == 0]
    header = window.header
    _check_clefs(toolkit, [s for s in opening if s.kind == "clef"], header.clef, "clef_mismatch")
    _check_keys(toolkit, [s for s in opening if s.kind == "key"], header.key_fifths, previous=None)
    _check_times(toolkit, [s for s in opening if s.kind == "time"], header.time if shows_time else None)
    if len(staff.barlines) != window.measures:
        raise WindowRejected("barline_count_mismatch", f"{len(staff.barlines)} for {window.measures} measures")
    return _verified_changes(toolkit, staff, window)


def _verified_changes(toolkit, staff: SvgStaff, window: MeasureWindow) -> tuple[HeaderChange, ...]:
    drawn: dict[int, list[SvgSignature]] = {}
    for signature in staff.signatures:
        if signature.before > 0:
            drawn.setdefault(signature.before, []).append(signature)
    expected = dict(zip(window.change_indices(), window.changes))
    if sorted(drawn) != sorted(expected):
        raise WindowRejected("change_mismatch", f"signatures drawn before events {sorted(drawn)}, source changes "
                                                f"before {sorted(expected)}")
    changes = []
    for before, change in sorted(expected.items()):
        signatures = drawn[before]
        courtesy = before == len(staff.events)
        _check_clefs(toolkit, [s for s in signatures if s.kind == "clef"], change.clef, "change_mismatch")
        previous = window.in_force(change.measure - 1).key_fifths
        _check_keys(toolkit, [s for s in signatures if s.kind == "key"], change.key_fifths, previous, courtesy)
        _check_times(toolkit, [s for s in signatures if s.kind == "time"], change.time, courtesy)
        changes.append(_header_change(staff, before, signatures, change))
    return tuple(changes)


def _header_change(staff: SvgStaff, before: int, signatures: list[SvgSignature], change: SourceChange
                   ) -> HeaderChange:
    """The change at the centre of its first printed sign, which must stand between the events around it (a reader
    places a change by x)."""
    x = min((s.box[0] + s.box[2]) / 2 for s in signatures if s.box is not None)
    left = staff.events[before - 1].centre[0]
    right = staff.events[before].centre[0] if before < len(staff.events) else staff.staff_x[1]  # a courtesy change
    if not left < x < right:
        raise WindowRejected("change_mismatch", f"change at x {x:.1f} outside the events around it ({left:.1f}, "
                                                f"{right:.1f})")
    return HeaderChange(x=x, clef=change.clef, key_fifths=change.key_fifths, time=change.time)


def _attributes(toolkit, signature: SvgSignature, courtesy: bool) -> dict | None:
    """Verovio's attributes of a drawn signature; None for a courtesy one that has none (verovio made it up)."""
    attributes = toolkit.getElementAttr(signature.id)
    if not attributes and not courtesy:
        raise WindowRejected("change_mismatch", f"{signature.kind} {signature.id} has no attributes in verovio")
    return attributes or None


def _check_clefs(toolkit, drawn: list[SvgSignature], clef: str | None, reason: str) -> None:
    codes = [s.glyphs[0][0] for s in drawn]
    if clef is None:
        if drawn:
            raise WindowRejected(reason, f"clef {codes} drawn where none changes")
        return
    if len(drawn) != 1 or CLEF_GLYPHS.get(codes[0]) != clef:
        raise WindowRejected("clef_mismatch", f"{codes} for {clef}")
    attributes = toolkit.getElementAttr(drawn[0].id)
    if VEROVIO_CLEFS.get((attributes.get("shape"), attributes.get("line"))) != clef:
        raise WindowRejected("clef_mismatch", f"verovio {attributes} for {clef}")


def _check_keys(toolkit, drawn: list[SvgSignature], key_fifths: int | None, previous: int | None,
                courtesy: bool = False) -> None:
    """The key's accidentals printed, verovio's `sig` the key's. At the staff's start (`previous` None) C major
    prints nothing; a change prints the new key's signs alone, or, to C major, a natural for each sign of the key it
    cancels (`previous`), which is how a reader sees it."""
    if key_fifths is None:
        if drawn:
            raise WindowRejected("change_mismatch", "key signature drawn where none changes")
        return
    if len(drawn) > 1 or (not drawn and not (previous is None and key_fifths == 0)):
        raise WindowRejected("key_signature_mismatch", f"{len(drawn)} key signatures drawn for {key_fifths}")
    glyphs = [code for code, _ in drawn[0].glyphs] if drawn else []
    count = abs(key_fifths) if key_fifths else abs(previous or 0)
    if glyphs != [KEY_GLYPHS[(key_fifths > 0) - (key_fifths < 0)]] * count:
        raise WindowRejected("key_signature_mismatch", f"{glyphs} for key {key_fifths} after {previous}")
    attributes = _attributes(toolkit, drawn[0], courtesy) if drawn else None
    expected = f"{abs(key_fifths)}{'s' if key_fifths > 0 else 'f'}" if key_fifths else "0"
    if attributes is not None and attributes.get("sig", "0") != expected:
        raise WindowRejected("key_signature_mismatch", f"verovio {attributes}, key {key_fifths}")


def _check_times(toolkit, drawn: list[SvgSignature], time: str | None, courtesy: bool = False) -> None:
    if len(drawn) != int(time is not None):
        raise WindowRejected("time_signature_mismatch", f"{len(drawn)} drawn for {time}")
    if time is None:
        return
    printed = glyph_time_name(drawn[0].glyphs)
    attributes = _attributes(toolkit, drawn[0], courtesy)
    if printed != time or (attributes is not None and verovio_time_name(attributes) != time):
        raise WindowRejected("time_signature_mismatch", f"printed {printed}, verovio {attributes}, source {time}")


def verovio_time_name(meter: dict) -> str:
    """Our name of a verovio meterSig's attributes: 'C' / 'C|' for its common / cut symbol, else count/unit."""
    return VEROVIO_METER_SYMBOLS.get(meter.get("sym"), f"{meter.get('count')}/{meter.get('unit')}")


def glyph_time_name(glyphs) -> str:
    """The meter a time signature's glyphs print: a C or slashed C, or count digits above unit digits."""
    names = [(METER_GLYPHS.get(code, "?"), rect) for code, rect in glyphs]
    if len(names) == 1:
        return names[0][0]
    middle = sum((rect[1] + rect[3]) / 2 for _, rect in names) / len(names)
    top = [name for name, rect in sorted(names, key=lambda found: found[1][0]) if (rect[1] + rect[3]) / 2 < middle]
    bottom = [name for name, rect in sorted(names, key=lambda found: found[1][0]) if (rect[1] + rect[3]) / 2 >= middle]
    return f"{''.join(top)}/{''.join(bottom)}"

"""Tokens of the fuller notation (issue 29): breves, grace notes, tuplets, measure rests, changes inside a staff and
the new meters are tokenized as printed and read back into exactly the label's events and header."""

import pytest

from omr.approaches.sequence import token_factor_table
from omr.decode.tokens import (events_from_tokens, key_change_tokens, token_factors, tokens_from_label, tuplet_token,
                               vocabulary)
from omr.music.events import HeaderChange, StaffHeader, SymbolicNote, SymbolicRest
from omr.samples import SampleLabel

N, R = SymbolicNote, SymbolicRest
BAR = "|"
TRIPLET, DUPLET = (3, 2), (2, 3)


def staff(items, clef="treble", key=0, time=None) -> SampleLabel:
    """A label from events, barlines (BAR) and header changes in order, 10 px apart."""
    events, barlines, changes = [], [], []
    for index, item in enumerate(items):
        x = 10.0 * (index + 1)
        if item == BAR:
            barlines.append(x)
        elif isinstance(item, HeaderChange):
            changes.append(HeaderChange(x, item.clef, item.key_fifths, item.time))
        else:
            events.append(item.__class__(**{**item.__dict__, "x": x}))
    header = StaffHeader(clef, key, time, tuple(barlines), tuple(changes))
    return SampleLabel("0", "", 400, 128, 8.0, (48.0, 56.0, 64.0, 72.0, 80.0), tuple(events), header=header)


def change(clef=None, key=None, time=None) -> HeaderChange:
    return HeaderChange(0.0, clef, key, time)


def triplet(step, octave=5, duration="eighth", **fields) -> SymbolicNote:
    return N(step, octave, duration=duration, tuplet=TRIPLET, **fields)


LABELS = {
    "breve note and breve rest in 4/2": staff(
        [N("C", 5, duration="breve"), N("E", 5, duration="whole"), N("G", 4, duration="whole"), BAR,
         R("breve"), R("breve")], time="4/2"),
    "dotted breve in 3/2": staff([N("A", 4, duration="breve", dots=1), BAR], time="3/2"),
    "grace notes, one with an accidental that holds in its measure": staff(
        [N("D", 5, duration="eighth", grace=True), N("C", 5, duration="quarter"),
         N("F", 5, alter=1, accidental="sharp", duration="16th", grace=True), N("F", 5, alter=1, duration="half"),
         N("G", 5, duration="quarter"), BAR, N("F", 5, duration="32nd", grace=True),
         N("E", 5, duration="whole")], time="4/4"),
    "triplets: two groups, a quarter-eighth one, a rest inside": staff(
        [triplet("C"), triplet("D"), triplet("E"), triplet("F"), triplet("G"), triplet("A"),
         triplet("B", 4, "quarter"), triplet("C"), triplet("C"), R("eighth", tuplet=TRIPLET), triplet("D"), BAR],
        time="4/4"),
    "a grace note inside a triplet's group stands outside it": staff(
        [triplet("C"), N("E", 5, duration="16th", grace=True), triplet("D"), triplet("E"),
         N("C", 5, duration="quarter", dots=1), N("B", 4, duration="eighth"), BAR], time="3/4"),
    "duplet in 6/8, quintuplet, sextuplet and septuplet 16ths": staff(
        [N("C", 5, duration="eighth", tuplet=DUPLET), N("D", 5, duration="eighth", tuplet=DUPLET),
         N("E", 5, duration="quarter", dots=1), BAR]
        + [N(s, 5, duration="16th", tuplet=(5, 4)) for s in "CDEFG"]
        + [N(s, 5, duration="16th", tuplet=(6, 4)) for s in "GFEDCB"[:5]] + [N("B", 4, duration="16th", tuplet=(6, 4))]
        + [N(s, 5, duration="16th", tuplet=(7, 4)) for s in "CDEFGAB"] + [BAR], time="6/8"),
    "a ratio the number rule does not give (3 in the time of 4)": staff(
        [N(s, 5, duration="quarter", tuplet=(3, 4)) for s in "CDE"] + [BAR], time="4/4"),
    "a group cut short by a barline": staff(
        [N("C", 5, duration="quarter"), triplet("C"), triplet("D"), BAR, triplet("E"), triplet("F"),
         triplet("G"), N("C", 5, duration="half", dots=1)], time="4/4"),
    "measure rests in every meter, one beside a grace note": staff(
        [R("whole", measure=True), BAR, N("C", 5, duration="half", dots=1), BAR, R("whole", measure=True), BAR,
         N("B", 4, duration="eighth", grace=True), R("whole", measure=True)], time="3/4"),
    "a whole rest beside other events is no measure rest": staff(
        [R("whole"), N("C", 5, duration="whole"), BAR, R("whole", measure=True)], time="4/2"),
    "a lone whole rest on a staff without barlines is a measure rest": staff([R("whole", measure=True)], time="5/4"),
    "clef change: later pitches in the new clef": staff(
        [N("C", 5), N("D", 5), N("E", 5), N("F", 5), BAR, change(clef="bass"), N("C", 3), N("E", 3, tie="start"),
         BAR, N("E", 3, tie="stop"), change(clef="treble"), N("G", 4), N("A", 4, duration="half")],
        time="4/4"),
    "key change to fewer sharps, to flats, and to none": staff(
        [N("F", 5, alter=1), N("C", 5, alter=1), N("G", 5, alter=1), BAR, change(key=1), N("F", 5, alter=1),
         N("C", 5), N("G", 5), BAR, change(key=-2), N("B", 4, alter=-1), N("E", 5, alter=-1),
         N("F", 5), BAR, change(key=0), N("B", 4), N("E", 5), N("F", 5)], key=3, time="3/4"),
    "a note tied across a key change keeps its alter": staff(
        [N("C", 5), N("F", 5, alter=1, duration="half", dots=1, tie="start"), BAR, change(key=0),
         N("F", 5, alter=1, tie="stop"), N("F", 5, accidental="natural"),
         N("F", 5, alter=1, accidental="sharp", duration="half")],
        key=1, time="4/4"),
    "time change, and clef, key and time together": staff(
        [N("C", 5, alter=1, duration="half", dots=1), BAR, change(time="6/8"),
         N("C", 5, alter=1, duration="quarter", dots=1),
         N("D", 5, duration="quarter", dots=1), BAR, change(clef="bass", key=-1, time="9/8"),
         N("B", 2, alter=-1, duration="quarter", dots=1), N("D", 3, duration="quarter", dots=1),
         N("F", 3, duration="quarter", dots=1)], key=2, time="3/4"),
    "a courtesy clef after the last event": staff(
        [N("C", 5, duration="whole"), BAR, change(clef="bass")], time="C|"),
    **{f"meter {meter}": staff([N("C", 5, duration="quarter"), BAR], time=meter)
       for meter in ("3/2", "4/2", "5/4", "6/4", "9/8", "12/8", "7/8", "C|")},
}


def fields(event) -> tuple:
    """Everything a reader must give back (x and y are where it stands)."""
    if event.kind == "rest":
        return ("rest", event.duration, event.dots, event.tuplet, event.measure)
    return ("note", event.step, event.octave, event.alter, event.accidental, event.duration, event.dots, event.tie,
            event.tuplet, event.grace)


def header_fields(header: StaffHeader) -> tuple:
    changes = tuple((c.clef, c.key_fifths, c.time) for c in header.changes)
    return header.clef, header.key_fifths, header.time, len(header.barlines), changes


@pytest.mark.parametrize("encoding", ["joint", "split"])
@pytest.mark.parametrize("name", list(LABELS))
def test_every_fuller_label_reads_back_from_its_tokens(name, encoding):
    label = LABELS[name]
    reading = events_from_tokens(tokens_from_label(label, encoding))
    assert [fields(e) for e in reading.events] == [fields(e) for e in label.events]
    assert header_fields(reading.header) == header_fields(label.header)


def test_a_triplet_is_its_number_before_its_first_event_and_a_grace_note_one_small_head_token():
    tokens = tokens_from_label(LABELS["a grace note inside a triplet's group stands outside it"])
    assert tokens == ["clef:treble", "time:3/4", "t3", "n5:8", "g7:16", "n6:8", "n7:8", "n5:4.", "n4:8", "|"]
    split = tokens_from_label(LABELS["a grace note inside a triplet's group stands outside it"], "split")
    assert split[2:7] == ["t3", "n5", "d8", "g7", "d16"]
    assert tokens_from_label(LABELS["breve note and breve rest in 4/2"])[2:3] == ["n5:0"]
    assert tuplet_token((2, 3)) == "t2" and tuplet_token((6, 4)) == "t6" and tuplet_token((3, 4)) == "t3:4"


def test_changes_are_tokens_after_the_first_event_with_the_cancelling_naturals_first():
    tokens = tokens_from_label(LABELS["key change to fewer sharps, to flats, and to none"])
    assert tokens[:5] == ["clef:treble", "key:#8", "key:#5", "key:#9", "time:3/4"]
    # 3 sharps -> 1: naturals on C5 and G5 (the signs it drops), F#5 again; -> 2 flats: naturals on F5, then Bb Eb.
    assert tokens[8:12] == ["|", "key:n5", "key:n9", "key:#8"]
    assert key_change_tokens(1, -2, "treble") == ["key:n8", "key:b4", "key:b7"]
    assert key_change_tokens(-2, 0, "bass") == ["key:n2", "key:n5"]
    assert key_change_tokens(1, 3, "treble") == ["key:#8", "key:#5", "key:#9"]


def test_a_change_takes_the_x_of_its_first_token_and_the_header_keeps_the_opening_signatures():
    tokens = ["clef:treble", "key:#8", "time:3/4", "n4:2.", "|", "clef:bass", "key:n8", "time:2/4", "n2:2"]
    reading = events_from_tokens(tokens, [8.0 * i for i in range(len(tokens))])
    assert reading.header == StaffHeader("treble", 1, "3/4", (32.0,), (HeaderChange(40.0, "bass", 0, "2/4"),))
    assert [(e.step, e.octave) for e in reading.events] == [("B", 4), ("B", 2)]


def test_tokens_the_vocabulary_never_saw_or_out_of_place_are_dropped_not_fatal():
    tokens = ["t9", "t0:0", "t3:3", "g", "gx:8", "g4:64", "key:n", "time:C||", "time:5/3", "n4:0..", "r:0.", "t3",
              "~", "g2:8", "~", "n2:8", "n2:8", "key:nx", "|", "t5", "d8", "r:1"]
    reading = events_from_tokens(tokens)
    assert [fields(e) for e in reading.events] == [
        ("note", "B", 4, 0, None, "breve", 2, None, None, False), ("rest", "breve", 1, None, False),
        ("note", "G", 4, 0, None, "eighth", 0, None, None, True),
        ("note", "G", 4, 0, None, "eighth", 0, None, TRIPLET, False),
        ("note", "G", 4, 0, None, "eighth", 0, None, TRIPLET, False),
        ("rest", "whole", 0, (5, 4), False)]


def test_grace_note_tokens_share_position_and_duration_factors_with_notes():
    assert token_factors("g4:8") == ("grace", "pos:4", "dur:8", "dots:0")
    assert token_factors("n-1:0.") == ("note", "pos:-1", "dur:0", "dots:1")
    assert token_factors("r:0") == ("rest", "dur:0", "dots:0")
    for token in ("t3", "t3:4", "key:n5", "time:C|", "g4", "d0"):
        assert token_factors(token) == ()
    every = vocabulary(tokens_from_label(label, "joint") for label in LABELS.values())
    assert {"t3", "t2", "t5", "t6", "t7", "t3:4", "g7:16", "n5:0", "r:0", "key:n5", "time:C|"} <= set(every)
    table = token_factor_table(every)
    assert table[0] == () and table[1 + every.index("g7:16")] == ("grace", "pos:7", "dur:16", "dots:0")


def test_a_sequence_places_each_head_in_the_clef_in_force_where_it_stands():
    from omr.approaches.sequence import clefs_in_force

    reading = events_from_tokens(["clef:treble", "n4:4", "|", "clef:bass", "n4:4", "clef:treble", "n4:4"])
    assert clefs_in_force(reading.header, reading.events) == ["treble", "bass", "treble"]
    assert [e.name for e in reading.events] == ["B4", "D3", "B4"]


def _generated_labels(count: int) -> list[SampleLabel]:
    from omr.music.events import TIME_SIGNATURES
    from test_tokens import generated_labels  # tests/decode is on sys.path (pytest's rootdir-relative import)

    return generated_labels("v03", count, dict(
        time_signatures=list(TIME_SIGNATURES), breve_weight=3.0, measure_rest_probability=0.15,
        tuplet_probability=0.3, grace_probability=0.15, change_probability=0.6))


@pytest.mark.parametrize("encoding", ["joint", "split"])
def test_generated_fuller_staves_read_back_from_their_tokens(encoding):
    labels = _generated_labels(60)
    events = [e for label in labels for e in label.events]
    assert any(e.tuplet for e in events) and any(e.kind == "note" and e.grace for e in events)
    assert any(e.kind == "rest" and e.measure for e in events) and any(label.header.changes for label in labels)
    for label in labels:
        reading = events_from_tokens(tokens_from_label(label, encoding))
        assert [fields(e) for e in reading.events] == [fields(e) for e in label.events], label.id
        assert header_fields(reading.header) == header_fields(label.header), label.id

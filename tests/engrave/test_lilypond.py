"""The engraved_lilypond set: the .ly writer (pure), and, where LilyPond is installed (`make lilypond`), windows
engraved, read back from the SVG, verified and labelled with the source's events."""

import shutil

import numpy as np
import pytest

from omr.engrave.corpus import TuneRef, WindowRejected, list_tunes
from omr.engrave.lilypond import event_token, measure_tokens, signature_tokens, window_lilypond
from omr.engrave.lilypond_dataset import (EngravedLilypondConfig, engrave_lilypond_batch, window_rng)
from omr.engrave.lilypond_signatures import printed_meter
from omr.engrave.lilypond_svg import Glyph, Grob, read_lilypond_staff
from omr.engrave.real_dataset import EngravedRealConfig
from omr.engrave.sets import candidate_draws
from omr.engrave.window import MeasureWindow, SourceChange, SourceEvent
from omr.music.events import StaffHeader

TUNE = TuneRef("test.abc", 1)
needs_lilypond = pytest.mark.skipif(shutil.which("lilypond") is None,
                                    reason="lilypond is not on PATH (`make lilypond` installs Debian's package)")


def _note(measure, step, octave, duration, **fields):
    return SourceEvent("note", duration, fields.pop("dots", 0), measure, step=step, octave=octave, **fields)


def _window(events, measures, time, key_fifths=0, clef="treble", changes=()):
    return MeasureWindow(tune=TUNE, title="", events=tuple(events), measures=measures,
                         header=StaffHeader(clef=clef, key_fifths=key_fifths, time=time), changes=tuple(changes))


# 2/4 in G: an eighth triplet and an F natural; 3/8: an eighth duplet; bass clef and two flats: a measure rest; a
# slashed grace note before a dotted quarter tied over the barline into C time; an E natural.
FULLER = _window([
    _note(0, "C", 5, "eighth", tuplet=(3, 2)), _note(0, "D", 5, "eighth", tuplet=(3, 2)),
    _note(0, "E", 5, "eighth", tuplet=(3, 2)), _note(0, "F", 5, "quarter"),
    _note(1, "G", 5, "eighth", tuplet=(2, 3)), _note(1, "A", 5, "eighth", tuplet=(2, 3)),
    SourceEvent("rest", "whole", 0, 2, fills_measure=True),
    _note(3, "A", 2, "eighth", grace=True, slash=True), _note(3, "B", 2, "quarter", dots=1, alter=-1, tie="start"),
    _note(4, "B", 2, "half", alter=-1, tie="stop"), _note(4, "D", 3, "quarter", dots=1), _note(4, "E", 3, "eighth"),
], 5, "2/4", key_fifths=1, changes=[SourceChange(1, time="3/8"), SourceChange(2, clef="bass", key_fifths=-2),
                                    SourceChange(4, time="C")])
# 3/4 in three flats: a double-dotted quarter, a 16th and rests of three values, 32nds, an A flat from the key; a
# breve in 4/2.
RHYTHMS = _window([
    _note(0, "E", 5, "quarter", dots=2, alter=-1), _note(0, "F", 5, "16th"), SourceEvent("rest", "quarter", 0, 0),
    SourceEvent("rest", "eighth", 0, 1), SourceEvent("rest", "16th", 0, 1), _note(1, "G", 4, "32nd"),
    _note(1, "F", 4, "32nd"), _note(1, "A", 4, "half", alter=-1), _note(2, "C", 5, "breve"),
], 3, "3/4", key_fifths=-3, changes=[SourceChange(2, time="4/2")])


def test_note_token_spells_english_pitch_absolute_octave_duration_dots_and_tie():
    assert event_token(_note(0, "F", 5, "eighth", dots=1, alter=1, tie="start"), None) == "fs''8. ~"
    assert event_token(_note(0, "B", 3, "half", alter=-1), None) == "bf2"
    assert event_token(_note(0, "C", 2, "16th", dots=2, tie="continue"), None) == "c,16.. ~"
    assert event_token(_note(0, "C", 4, "breve", tie="stop"), None) == "c'\\breve"


def test_rest_token_and_measure_rest_lasting_its_meter():
    from fractions import Fraction

    assert event_token(SourceEvent("rest", "32nd", 1, 0), None) == "r32."
    assert event_token(SourceEvent("rest", "whole", 0, 0, fills_measure=True), Fraction(3)) == "R1*3/4"
    assert event_token(SourceEvent("rest", "whole", 0, 0, fills_measure=True), Fraction(4)) == "R1"
    assert event_token(SourceEvent("rest", "whole", 0, 0, fills_measure=True), Fraction(7, 2)) == "R1*7/8"


def test_signature_tokens_clef_then_key_then_time_with_c_symbols():
    change = SourceChange(2, clef="bass", key_fifths=-3, time="C|")
    assert signature_tokens(change) == [
        ("clef", "\\clef bass"), ("key", "\\key ef \\major"),
        ("time", "\\once \\override Staff.TimeSignature.style = #'C \\time 2/2")]
    assert signature_tokens(SourceChange(1, key_fifths=7, time="6/8")) == [("key", "\\key cs \\major"),
                                                                          ("time", "\\time 6/8")]


def test_tuplet_block_encloses_its_events_and_writes_actual_over_normal():
    events = [_note(0, "C", 5, "eighth", tuplet=(3, 2)), _note(0, "A", 4, "16th", grace=True),
              _note(0, "D", 5, "eighth", tuplet=(3, 2)), _note(0, "E", 5, "eighth", tuplet=(3, 2)),
              _note(0, "F", 5, "quarter")]
    assert measure_tokens(events, None) == [
        ("\\tuplet 3/2 {", (0, 2, 3)), ("c''8", (0,)), ("\\grace {", None), ("a'16", (1,)), ("}", None),
        ("d''8", (2,)), ("e''8", (3,)), ("}", None), ("f''4", (4,))]


def test_grace_notes_grouped_slashed_or_plain():
    events = [_note(0, "A", 4, "eighth", grace=True, slash=True), _note(0, "B", 4, "16th", grace=True),
              _note(0, "C", 5, "16th", grace=True), _note(0, "G", 4, "quarter")]
    assert [token for token, _ in measure_tokens(events, None)] == [
        "\\slashedGrace {", "a'8", "}", "\\grace {", "b'16", "c''16", "}", "g'4"]


@pytest.mark.parametrize("window", [FULLER, RHYTHMS], ids=["fuller", "rhythms"])
def test_each_event_and_signature_line_holds_its_token(window):
    ly = window_lilypond(window)
    lines = ly.text.splitlines()
    lengths = {m: window.in_force(m).time for m in range(window.measures)}
    from omr.music.events import measure_length

    assert [lines[n - 1] for n in ly.event_lines] == [event_token(e, measure_length(lengths[e.measure]))
                                                      for e in window.events]
    kinds = [kind for _, kind, _ in ly.signature_lines]
    assert kinds == ["clef", "key", "time", "time", "clef", "key", "time"] if window is FULLER else \
        kinds == ["clef", "key", "time", "time"]
    assert all(lines[n - 1].startswith(f"\\{kind}") or "\\time" in lines[n - 1] for n, kind, _ in ly.signature_lines)
    assert [members for _, members in ly.tuplet_lines] == ([(0, 1, 2), (4, 5)] if window is FULLER else [])


def test_window_rng_is_engraved_reals_so_the_windows_are_its_own():
    for seed, candidate in [(0, 0), (0, 4711), (3, 12)]:
        theirs, _ = candidate_draws(EngravedRealConfig(seed=seed), candidate)
        assert window_rng(seed, candidate).bit_generator.state == theirs.bit_generator.state


def test_config_refuses_what_engraved_real_refuses_naming_the_field():
    with pytest.raises(ValueError, match="measures"):
        EngravedLilypondConfig(measures=(3, 1))


def test_params_select_engraved_reals_windows():
    from pathlib import Path

    from omr.config import load_params, section
    from omr.engrave.sets import stage_config

    params = load_params(Path(__file__).resolve().parents[2] / "params.yaml")
    ours, _ = stage_config(EngravedLilypondConfig, section(params, "engraved_lilypond"), "engraved_lilypond")
    theirs, _ = stage_config(EngravedRealConfig, section(params, "engraved_real"), "engraved_real")
    selection = ("seed", "collections", "measures", "bass_probability", "positions")
    assert [getattr(ours, name) for name in selection] == [getattr(theirs, name) for name in selection]
    assert len(theirs.fonts) == 2  # window_rng spends engraved_real's draw of one of two fonts


def _glyph(name, x, y):
    return Glyph(name=name, size=0, origin=(x, y), box=(x, y - 1, x + 1, y))


def test_printed_meter_reads_digits_above_digits_or_a_symbol():
    digits = Grob("TimeSignature", 5, frozenset(), {}, glyphs=(
        _glyph("digit.1", 0, 7), _glyph("digit.2", 1, 7), _glyph("digit.8", 0.5, 9)))
    assert printed_meter(digits) == "12/8"
    assert printed_meter(Grob("TimeSignature", 5, frozenset(), {}, glyphs=(_glyph("timesig.C22", 0, 8),))) == "C|"


def test_an_outline_outside_the_atlas_is_refused():
    staff = "".join(f'<g transform="translate(0, {y})"><line x1="0" y1="0" x2="20" y2="0"/></g>' for y in range(5))
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 30 10"><g class="StaffSymbol" data-origin="">'
           f'{staff}</g><g class="NoteHead" data-origin="9:0"><g transform="translate(3, 2)">'
           '<path transform="scale(0.0040, -0.0040)" d="M0 0h10v10z"/></g></g></svg>')
    with pytest.raises(WindowRejected, match="unknown_glyph"):
        read_lilypond_staff(svg, atlas={})


def _source(window):
    return [(e.kind, e.step, e.octave, e.alter, e.duration, e.dots, e.tie, e.tuplet, e.grace, e.fills_measure)
            for e in window.events]


def _labelled(sample):
    return [(e.kind, getattr(e, "step", None), getattr(e, "octave", None), getattr(e, "alter", 0), e.duration,
             e.dots, getattr(e, "tie", None), e.tuplet, getattr(e, "grace", False), getattr(e, "measure", False))
            for e in sample.events]


@needs_lilypond
def test_two_corpus_windows_engrave_verify_and_their_events_are_the_sources_in_any_batch():
    config = EngravedLilypondConfig(windows=2)
    tunes = list_tunes(config.collections)
    order = [int(i) for i in np.random.default_rng(config.seed).permutation(len(tunes))]
    results = engrave_lilypond_batch((config, tuple((tunes[i], i) for i in order[:2])))
    assert [r.reason for r in results] == [None, None]
    for result in results:
        from omr.engrave.corpus import parse_tune
        from omr.engrave.measures import cut_measure_window

        candidate = order[[r.tune for r in results].index(result.tune)]
        window = cut_measure_window(parse_tune(result.tune), result.tune, window_rng(config.seed, candidate),
                                    config.measures, config.bass_probability, config.positions)
        sample = result.sample
        assert _labelled(sample) == _source(window)
        assert sample.image.shape[0] == 128
        assert np.allclose(np.diff(sample.staff_lines), 8.0)
        assert len(sample.header.barlines) == window.measures
    # A window engraved in another LilyPond run, alone, is the same sample: batches change only the speed.
    alone = engrave_lilypond_batch((config, ((tunes[order[1]], order[1]),)))[0]
    assert alone.png == results[1].png and alone.sample.events == results[1].sample.events


@needs_lilypond
def test_fuller_windows_engrave_verify_and_label_changes_between_their_events():
    from omr.engrave.lilypond import engrave_lilypond_svgs
    from omr.engrave.lilypond_sample import LilypondStyle, lilypond_window_sample
    from omr.engrave.lilypond_svg import glyph_atlas

    inputs = [window_lilypond(FULLER), window_lilypond(RHYTHMS)]
    fuller_svg, rhythms_svg = engrave_lilypond_svgs([ly.text for ly in inputs])
    fuller = lilypond_window_sample(fuller_svg, inputs[0], FULLER, LilypondStyle(), glyph_atlas())
    rhythms = lilypond_window_sample(rhythms_svg, inputs[1], RHYTHMS, LilypondStyle(), glyph_atlas())
    assert _labelled(fuller) == _source(FULLER)
    assert _labelled(rhythms) == _source(RHYTHMS)
    assert [e.accidental for e in fuller.events if e.kind == "note"] == [None] * 3 + ["natural"] + [None] * 6 + \
        ["natural"]
    changes = fuller.header.changes
    assert [(c.clef, c.key_fifths, c.time) for c in changes] == [(None, None, "3/8"), ("bass", -2, None),
                                                                 (None, None, "C")]
    for change, before in zip(changes, FULLER.change_indices()):
        assert fuller.events[before - 1].x < change.x < fuller.events[before].x
    labels = {box.label for box in fuller.boxes} | {box.label for box in rhythms.boxes}
    assert {"notehead_grace", "notehead_breve", "rest_whole", "rest_16th", "tie", "beam", "flag",
            "augmentation_dot", "clef_bass", "natural", "flat", "sharp", "time_signature"} <= labels
    # The same drawing read against another source is refused, never relabelled.
    wrong = _window([_note(0, "D", 5, "eighth", tuplet=(3, 2)), *FULLER.events[1:]], 5, "2/4", key_fifths=1,
                    changes=FULLER.changes)
    with pytest.raises(WindowRejected, match="pitch_mismatch"):
        lilypond_window_sample(fuller_svg, inputs[0], wrong, LilypondStyle(), glyph_atlas())

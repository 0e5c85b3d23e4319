"""Tokens of the sequence approach: every label reads back from its tokens into the same events."""

from pathlib import Path

import numpy as np
import pytest
import yaml

from omr.config import build_config
from omr.decode.ctc import beam_ctc, greedy_ctc
from omr.decode.tokens import events_from_tokens, tokens_from_label, vocabulary
from omr.evaluate import metrics
from omr.music.events import SymbolicNote, SymbolicRest
from omr.render.dataset import DatasetConfig, render_sample
from omr.samples import SampleLabel

PARAMS = Path(__file__).resolve().parents[2] / "params.yaml"


def generated_labels(dataset: str, count: int, notation: dict | None = None) -> list[SampleLabel]:
    """The first `count` val labels of a params.yaml dataset, its `notation` knobs updated by `notation`."""
    section = yaml.safe_load(PARAMS.read_text())["datasets"][dataset]
    if notation:
        section["notation"].update(notation)
    config = build_config(DatasetConfig, section, f"datasets.{dataset}")
    labels = []
    for index in range(count):
        s = render_sample(config, config.seed, "val", index)
        labels.append(SampleLabel(f"{index:06d}", "", s.width, s.height, s.staff_space, s.staff_lines, s.events,
                                  s.boxes, header=s.header))
    return labels


@pytest.mark.parametrize("encoding", ["joint", "split"])
@pytest.mark.parametrize("dataset", ["v02", "v03", "long"])
def test_every_label_reads_back_from_its_tokens(dataset, encoding):
    labels = generated_labels(dataset, 120)
    readings = [events_from_tokens(tokens_from_label(label, encoding)) for label in labels]
    assert metrics.ser([r.events for r in readings], [label.events for label in labels]) == 0.0
    assert [(r.header.clef, r.header.key_fifths, r.header.time) for r in readings] == [
        (l.header.clef, l.header.key_fifths, l.header.time) for l in labels]
    ties = [[getattr(e, "tie", None) for e in label.events] for label in labels]
    assert [[getattr(e, "tie", None) for e in r.events] for r in readings] == ties


def test_tokens_say_what_is_printed_and_the_reader_applies_key_and_measure():
    # Key of one flat (B flat), bass clef: position 2 (the second line) is B2; a natural holds to the barline.
    tokens = ["clef:bass", "key:b2", "time:2/4", "n2:4", "acc:natural", "n2:8", "n2:8", "|", "n2:4.", "~",
              "n2:8", "r:4", "|"]
    reading = events_from_tokens(tokens)
    notes = [e for e in reading.events if e.kind == "note"]
    assert [(n.step, n.octave, n.alter) for n in notes] == [("B", 2, -1), ("B", 2, 0), ("B", 2, 0), ("B", 2, -1),
                                                            ("B", 2, -1)]
    assert [n.dots for n in notes] == [0, 0, 0, 1, 0]
    assert [n.tie for n in notes] == [None, None, None, "start", "stop"]
    assert isinstance(reading.events[-1], SymbolicRest) and reading.header.barlines == (7.0, 12.0)


def test_without_barlines_or_time_an_accidental_holds_for_its_note_only():
    reading = events_from_tokens(["acc:sharp", "n3:4", "n3:4"])  # v02: no measures
    assert [n.alter for n in reading.events] == [1, 0]


def test_tokens_out_of_place_are_dropped_not_fatal():
    reading = events_from_tokens(["~", "d8", "n2", "|", "n2", "d8", "key:x", "clef:alto", "r"])
    assert reading.events == (SymbolicNote("G", 4, duration="eighth", x=4.0),)


def test_a_key_signature_is_one_token_per_printed_sign_at_its_staff_position():
    from omr.decode.tokens import key_tokens

    assert key_tokens(4, "treble") == ["key:#8", "key:#5", "key:#9", "key:#6"]  # F5 C5 G5 D5
    assert key_tokens(-2, "bass") == ["key:b2", "key:b5"]  # Bb2 Eb3, a third below the treble places
    assert key_tokens(0, None) == []
    for key in range(-7, 8):
        assert events_from_tokens(key_tokens(key, "treble") + ["n0:4"]).header.key_fifths == key
    # A model may misplace a sign (counted all the same), mix kinds (the last kind wins) or, trained before glyph
    # tokens, say the whole signature.
    assert events_from_tokens(["key:#3", "key:#3", "key:b4"]).header.key_fifths == -1
    assert events_from_tokens(["key:3"]).header.key_fifths == 3
    assert events_from_tokens(["key:#x"]).header.key_fifths == 0


def test_vocabulary_is_sorted_and_unique():
    assert vocabulary([["n2:4", "|"], ["|", "clef:treble"]]) == ("clef:treble", "n2:4", "|")


def _scores(best: list[int], classes: int = 4) -> np.ndarray:
    scores = np.full((len(best), classes), np.log(0.02))
    scores[np.arange(len(best)), best] = np.log(0.94)
    return scores


def test_greedy_ctc_merges_repeats_and_drops_blanks_with_the_frame_of_each_label():
    labels, frames = greedy_ctc(_scores([0, 1, 1, 0, 1, 2, 2, 2, 0]))
    assert labels == [1, 1, 2] and frames == [1.5, 4.0, 6.0]


def test_beam_search_finds_the_label_sequence_summed_over_alignments():
    # Frame-wise best path is "blank blank" (0.6 * 0.6 = .36), but "1" has .4*.6 + .6*.4 + .4*.4 = .64 in total.
    scores = np.log(np.array([[0.6, 0.4], [0.6, 0.4]]))
    assert greedy_ctc(scores)[0] == []
    assert beam_ctc(scores, beam_width=4)[0] == [1]
    clear = _scores([0, 1, 1, 0, 1, 2, 2, 2, 0])
    assert beam_ctc(clear)[0] == greedy_ctc(clear)[0]


def test_note_and_rest_tokens_name_their_factors_and_nothing_else_does():
    from omr.decode.tokens import token_factors

    assert token_factors("n-3:16..") == ("note", "pos:-3", "dur:16", "dots:2")
    assert token_factors("r:1") == ("rest", "dur:1", "dots:0")
    for token in ("clef:bass", "key:#8", "time:6/8", "acc:flat", "|", "~", "n4", "d8.", "r"):
        assert token_factors(token) == ()

"""A decoder that cannot decode the truth is wrong: true boxes / masks / pitch vectors of every dataset, written to
disk by the real dataset writers with the project's params, must decode to perfect metrics on every sample."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from omr.config import build_config, load_params
from omr.decode import notes_from_boxes, notes_from_mask, notes_from_vector
from omr.evaluate.metrics import note_metrics
from omr.samples import iter_split, read_meta

PARAMS = Path(__file__).resolve().parents[2] / "params.yaml"
SYNTHETIC = ("v01", "v02", "v01_3notes", "long")
SAMPLES = 40

# Stand-ins while params.yaml lacks a dataset (CONTRACT.md's description of each); the real params win.
FALLBACK = {
    "v01": {"min_notes": 2, "max_notes": 2, "note_types": ["quarter"], "stem_directions": ["up"], "width": 128},
    "v01_3notes": {"min_notes": 3, "max_notes": 3, "note_types": ["quarter"], "stem_directions": ["up"], "width": 128},
    "v02": {"accidental_probability": 0.3, "stem_directions": ["up", "down"]},
    "long": {"min_notes": 20, "max_notes": 32, "accidental_probability": 0.3, "clef_probability": 1.0, "barlines": True,
             "staff_space": 11.0, "line_thickness": 2.0, "height": 176},
}


def dataset_params(name: str) -> dict:
    datasets = load_params(PARAMS).get("datasets", {}) or {}
    params = dict(datasets.get(name) or FALLBACK[name])
    params.update(train=0, val=0, test=SAMPLES)
    return params


def truth_and_decodings(dataset_dir: Path):
    meta = read_meta(dataset_dir)
    truth, from_boxes, from_mask, from_vector = [], [], [], []
    for split_dir, label in iter_split(dataset_dir, "test"):
        truth.append(label.notes)
        from_boxes.append(notes_from_boxes(label.boxes, score_threshold=0.5).notes)
        if label.mask is not None:
            class_map = np.asarray(Image.open(split_dir / label.mask))
            from_mask.append(notes_from_mask(class_map, meta["mask_classes"]).notes)
        from_vector.append(notes_from_vector(np.asarray(label.pitch_vector, np.float32), threshold=0.5))
    return truth, from_boxes, from_mask, from_vector


def assert_perfect(predicted, truth, what):
    wrong = [(i, [n.spelled for n in p], [n.spelled for n in t]) for i, (p, t) in enumerate(zip(predicted, truth))
             if [(n.spelled, n.duration) for n in p] != [(n.spelled, n.duration) for n in t]]
    assert not wrong, f"{what}: {len(wrong)} samples decode wrongly, first: {wrong[0]}"
    result = note_metrics(predicted, truth)
    assert result["exact_match"] == 1.0 and result["pitch_ser"] == 0.0 and result["note_f1"] == 1.0
    assert result["accidental_accuracy"] == 1.0 and result["duration_accuracy"] == 1.0


def assert_vector_perfect(decoded, truth, what):
    result = note_metrics([d.notes for d in decoded], truth, knows_accidentals=False, knows_durations=False)
    assert result["set_exact_match"] == 1.0 and result["set_micro_f1"] == 1.0, what


@pytest.mark.parametrize("name", SYNTHETIC)
def test_true_boxes_masks_and_vectors_decode_perfectly(name, tmp_path):
    from omr.render.dataset import DatasetConfig, write_dataset

    config = build_config(DatasetConfig, dataset_params(name), f"datasets.{name}")
    write_dataset(tmp_path / name, config)
    truth, from_boxes, from_mask, from_vector = truth_and_decodings(tmp_path / name)
    assert len(truth) == SAMPLES
    assert_perfect(from_boxes, truth, f"{name} boxes")
    assert_perfect(from_mask, truth, f"{name} mask")
    assert_vector_perfect(from_vector, truth, f"{name} vector")


def test_true_engraved_boxes_and_vectors_decode_perfectly(tmp_path):
    engrave = pytest.importorskip("omr.engrave.dataset")
    params = dict(load_params(PARAMS).get("engraved") or pytest.skip("params.yaml has no engraved section"))
    params.pop("workers", None)  # a stage knob, not part of the dataset config
    params.update(windows=40)
    config = build_config(engrave.EngravedConfig, params, "engraved")
    engrave.write_engraved_dataset(tmp_path / "engraved", config)
    truth, from_boxes, from_mask, from_vector = truth_and_decodings(tmp_path / "engraved")
    assert truth and not from_mask  # engraved has no masks
    assert_perfect(from_boxes, truth, "engraved boxes")
    assert_vector_perfect(from_vector, truth, "engraved vector")


@pytest.fixture(scope="module")
def engraved_real_dir(tmp_path_factory):
    """A small engraved_real set (the project's params, fewer windows), built once for the tests below."""
    engrave = pytest.importorskip("omr.engrave.real_dataset")
    params = dict(load_params(PARAMS).get("engraved_real") or pytest.skip("params.yaml has no engraved_real section"))
    params.pop("workers", None)  # a stage knob, not part of the dataset config
    params.update(windows=30)
    out = tmp_path_factory.mktemp("engraved_real") / "engraved_real"
    engrave.write_engraved_real_dataset(out, build_config(engrave.EngravedRealConfig, params, "engraved_real"))
    return out


def _within_box_decoder_reach(label) -> bool:
    """What notes_from_boxes reads today: treble clef, quarter/half heads (no whole head class), heads at least
    MIN_HEAD_SPACING staff spaces apart (closer ones it merges as one head seen twice)."""
    from omr.decode.boxes import MIN_HEAD_SPACING

    xs = [note.x for note in label.notes]
    return (label.clef == "treble" and all(box.label != "notehead_whole" for box in label.boxes)
            and all(b - a >= MIN_HEAD_SPACING * label.staff_space for a, b in zip(xs, xs[1:])))


def _pitches_and_alters(notes):
    return [(note.step, note.octave, note.alter) for note in notes]


def test_true_engraved_real_boxes_decode_to_the_labels_pitches_alters_and_key(engraved_real_dir):
    """Pitches and sounding alters only: today's box decoder reads every filled head as a quarter, so eighths and
    shorter lose their durations by design. The key is read from the signature's sharp/flat boxes on every window."""
    samples = [label for _, label in iter_split(engraved_real_dir, "test")]
    decoded = [notes_from_boxes(label.boxes, score_threshold=0.5) for label in samples]
    assert [d.key_fifths for d in decoded] == [label.key_fifths for label in samples]
    within = [(label, d) for label, d in zip(samples, decoded) if _within_box_decoder_reach(label)]
    assert len(within) >= 8, "too few windows within the box decoder's reach to test it"
    wrong = [(label.id, _pitches_and_alters(d.notes), _pitches_and_alters(label.notes)) for label, d in within
             if _pitches_and_alters(d.notes) != _pitches_and_alters(label.notes)]
    assert not wrong, f"{len(wrong)} of {len(within)} engraved_real windows decode wrongly, first: {wrong[0]}"


@pytest.mark.xfail(strict=True, reason="notes_from_boxes merges heads < MIN_HEAD_SPACING apart (Verovio's 16ths "
                                       "and eighths), reads every staff as treble and has no whole-head class")
def test_true_engraved_real_boxes_beyond_the_box_decoders_reach_decode_too(engraved_real_dir):
    """Pins today's limits: when the box decoder reads close heads, bass clef and whole heads, this passes (and,
    being strict, fails the run until the test above drops its reach filter)."""
    beyond = [label for _, label in iter_split(engraved_real_dir, "test") if not _within_box_decoder_reach(label)]
    assert beyond
    for label in beyond:
        decoded = notes_from_boxes(label.boxes, score_threshold=0.5)
        assert _pitches_and_alters(decoded.notes) == _pitches_and_alters(label.notes), label.id

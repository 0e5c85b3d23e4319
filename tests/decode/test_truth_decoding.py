"""A decoder that cannot decode the truth is wrong: true boxes / masks / pitch vectors of every dataset, written to
disk by the real dataset writers with the project's params, must decode to perfect metrics on every sample."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from omr.config import build_config, load_params
from omr.decode import notes_from_boxes, notes_from_mask, notes_from_vector
from omr.engrave import dataset as engraved_dataset
from omr.engrave import real_dataset as engraved_real_dataset
from omr.evaluate.metrics import event_metrics, event_token, note_metrics
from omr.music.events import StaffHeader
from omr.samples import SampleLabel, iter_split, read_meta

PARAMS = Path(__file__).resolve().parents[2] / "params.yaml"
SYNTHETIC = ("v01", "v02", "v01_3notes", "long")
SAMPLES = 40
V03_SAMPLES = 300  # the committed test split whole (same params, same seed)


# The project's own params, read as the stages read them: a missing or renamed section fails here (KeyError), it
# is never skipped (skips are for what the machine lacks, not for the project's code or params).
def dataset_params(name: str) -> dict:
    params = dict(load_params(PARAMS)["datasets"][name])
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
    engrave = engraved_dataset
    params = dict(load_params(PARAMS)["engraved"])
    params.pop("workers", None)  # a stage knob, not part of the dataset config
    params.update(windows=40)
    config = build_config(engrave.EngravedConfig, params, "engraved")
    engrave.write_engraved_dataset(tmp_path / "engraved", config)
    truth, from_boxes, from_mask, from_vector = truth_and_decodings(tmp_path / "engraved")
    assert truth and not from_mask  # engraved has no masks
    assert_perfect(from_boxes, truth, "engraved boxes")
    assert_vector_perfect(from_vector, truth, "engraved vector")


def params_windows() -> int:
    return int(load_params(PARAMS)["engraved_real"]["windows"])


@pytest.fixture(scope="module")
def engraved_real_dir(tmp_path_factory):
    """engraved_real as the project's params write it (every committed window), built once for the test below."""
    engrave = engraved_real_dataset
    params = dict(load_params(PARAMS)["engraved_real"])
    params.pop("workers", None)  # a stage knob, not part of the dataset config
    out = tmp_path_factory.mktemp("engraved_real") / "engraved_real"
    engrave.write_engraved_real_dataset(out, build_config(engrave.EngravedRealConfig, params, "engraved_real"))
    return out


def event_tokens(events):
    """What `ser` compares of each event (CONTRACT): pitch, alter, duration and dots of a note; a rest's duration
    and dots."""
    return [event_token(event) for event in events]


def assert_events_perfect(decoded, labels, what):
    """Every sample decodes event for event, and the metrics say so."""
    wrong = [(label.id, event_tokens(d.events), event_tokens(label.events)) for d, label in zip(decoded, labels)
             if event_tokens(d.events) != event_tokens(label.events)]
    assert not wrong, f"{what}: {len(wrong)} of {len(labels)} samples decode wrongly, first: {wrong[0]}"
    result = event_metrics([d.events for d in decoded], [label.events for label in labels])
    assert result["ser"] == 0.0 and result["exact_match"] == 1.0 and result["duration_accuracy"] == 1.0
    assert [d.header.clef or "treble" for d in decoded] == [label.header.clef or "treble" for label in labels]
    assert [d.header.key_fifths for d in decoded] == [label.header.key_fifths for label in labels]
    assert [read_changes(d.header) for d in decoded] == [read_changes(label.header) for label in labels]


def read_changes(header):
    """The clef and key changes inside a staff (a decoder cannot read a time signature's digits: no time changes)."""
    return [(c.clef, c.key_fifths) for c in header.changes if (c.clef, c.key_fifths) != (None, None)]


def fuller_symbols(labels) -> set[str]:
    """Which symbols of the fuller notation (issue 29) the labels hold."""
    found = set()
    for label in labels:
        for event in label.events:
            found |= {name for name, held in (("breve", event.duration == "breve"),
                                              ("grace", getattr(event, "grace", False)),
                                              ("measure_rest", getattr(event, "measure", False))) if held}
            if event.tuplet is not None:
                found.add(f"tuplet {event.tuplet[0]}:{event.tuplet[1]}")
        found |= {f"{what} change" for change in label.header.changes
                  for what in ("clef", "key_fifths", "time") if getattr(change, what) is not None}
    return found


@pytest.fixture(scope="module")
def v03_dir(tmp_path_factory):
    """v03's test split as the project's params write it, fewer samples."""
    from omr.render.dataset import DatasetConfig, write_dataset

    params = dict(load_params(PARAMS)["datasets"]["v03"])
    params.update(train=0, val=0, test=V03_SAMPLES)
    out = tmp_path_factory.mktemp("v03") / "v03"
    write_dataset(out, build_config(DatasetConfig, params, "datasets.v03"))
    return out


def test_true_v03_boxes_decode_event_for_event(v03_dir):
    labels = [label for _, label in iter_split(v03_dir, "test")]
    assert len(labels) == V03_SAMPLES
    # Every symbol of the fuller notation is in the sample, so the exact decoding below covers each of them.
    assert fuller_symbols(labels) >= {"breve", "grace", "measure_rest", "tuplet 3:2", "tuplet 2:3", "tuplet 5:4",
                                      "tuplet 6:4", "clef change", "key_fifths change", "time change"}
    assert_events_perfect([notes_from_boxes(label.boxes, score_threshold=0.5) for label in labels], labels,
                          "v03 boxes")


def test_true_v03_masks_decode_event_for_event(v03_dir):
    meta = read_meta(v03_dir)
    samples = list(iter_split(v03_dir, "test"))
    decoded = [notes_from_mask(np.asarray(Image.open(folder / label.mask)), meta["mask_classes"])
               for folder, label in samples]
    assert_events_perfect(decoded, [label for _, label in samples], "v03 masks")


def test_true_engraved_real_boxes_decode_event_for_event(engraved_real_dir):
    """Verovio's engravings as written: 16ths set 1.7 spaces apart, per-stem beam polygons, bass clef, keys."""
    labels = [label for _, label in iter_split(engraved_real_dir, "test")]
    assert len(labels) == params_windows()
    assert fuller_symbols(labels) >= {"grace", "tuplet 3:2"}  # the windows keep what real melodies print
    assert_events_perfect([notes_from_boxes(label.boxes, score_threshold=0.5) for label in labels], labels,
                          "engraved_real boxes")


def test_true_pages_boxes_decode_staff_by_staff(tmp_path):
    """`pages` as the project's params write it: each staff's boxes (those nearer its middle line than any other
    staff's) decode to that staff's events, tuplets and grace notes included."""
    from omr.engrave import pages_dataset

    params = dict(load_params(PARAMS)["pages"])
    params.pop("workers", None)
    pages_dataset.write_pages_dataset(tmp_path / "pages", build_config(pages_dataset.PagesConfig, params, "pages"))
    decoded, staves = [], []
    for _, label in iter_split(tmp_path / "pages", "test"):
        middles = [staff["staff_lines"][2] for staff in label.extra["staves"]]
        for index, staff in enumerate(label.extra["staves"]):
            boxes = [box for box in label.boxes if index == int(np.argmin(
                [abs((box.xyxy[1] + box.xyxy[3]) / 2 - middle) for middle in middles]))]
            first, end = staff["events"]
            decoded.append(notes_from_boxes(boxes, score_threshold=0.5))
            staves.append(SampleLabel(label.id, label.image, label.width, label.height, label.staff_space,
                                      tuple(staff["staff_lines"]), label.events[first:end],
                                      header=StaffHeader.from_json(staff)))
    assert fuller_symbols(staves) >= {"grace", "tuplet 3:2"}
    assert_events_perfect(decoded, staves, "pages boxes, staff by staff")


def fuller_staves():
    """Hand-built staves holding every symbol of the fuller notation (issue 29), beams and tuplet groups as the
    generator sets them (omr.render.grouping)."""
    from omr.render.grouping import beam_groups, tuplet_groups
    from omr.render.score import Note, Rest, Staff, StaffChange

    def staff(events, time, bars, **kwargs):
        return Staff(tuple(events), clef=True, time_signature=time, barlines_after=bars,
                     beams=beam_groups(events, time), tuplets=tuplet_groups(events), **kwargs)

    triplet, quintuplet, duplet = (3, 2), (5, 4), (2, 3)
    return {
        "beamed triplet, bracketed quarter triplet": staff(
            [Note("C", 5, "eighth", tuplet=triplet), Note("D", 5, "eighth", tuplet=triplet),
             Note("E", 5, "eighth", tuplet=triplet), Note("F", 5), Note("G", 4, tuplet=triplet),
             Note("A", 4, tuplet=triplet), Note("B", 4, tuplet=triplet)], "4/4", (6,)),
        "quintuplet with a rest, sextuplet": staff(
            [Note("C", 5, "16th", tuplet=quintuplet), Rest("16th", tuplet=quintuplet),
             Note("E", 5, "16th", tuplet=quintuplet), Note("F", 5, "16th", tuplet=quintuplet),
             Note("G", 5, "16th", tuplet=quintuplet)]
            + [Note(step, 4, "16th", tuplet=(6, 4)) for step in "CDEFGA"] + [Note("B", 4, "half")], "4/4", (11,)),
        "duplet in 6/8": staff([Note("G", 4, "eighth", tuplet=duplet), Note("A", 4, "eighth", tuplet=duplet),
                                Note("B", 4, "quarter", dots=1)], "6/8", (2,)),
        "grace notes": staff(
            [Note("F", 4, "eighth", 1, "sharp", grace="acciaccatura"), Note("C", 5, "half"),
             Note("A", 4, "16th", grace="appoggiatura"), Note("B", 4, "16th", grace="appoggiatura"),
             Note("G", 4, "half"), Note("E", 5, "eighth", -1, "flat", grace="appoggiatura"), Note("D", 5, "whole")],
            "4/4", (4, 6)),
        "breve and measure rests in 4/2": staff(
            [Note("C", 5, "breve"), Rest("whole", measure=True), Note("G", 4, "breve", dots=0),
             Rest("whole", measure=True)], "4/2", (0, 1, 2, 3)),
        "clef, key and time changes": staff(
            [Note("C", 5, alter=1), Note("D", 5), Note("E", 5), Note("F", 5), Note("G", 3), Note("A", 3),
             Note("B", 3, alter=-1), Rest("whole", measure=True), Note("C", 5, "half", dots=1)], "2/4", (1, 3, 6, 7, 8),
            key_signature=2,
            changes=(StaffChange(2, key_fifths=-1), StaffChange(4, clef="bass", time="3/4"),
                     StaffChange(7, clef="treble", key_fifths=0))),
    }


@pytest.mark.parametrize("name", list(fuller_staves()))
def test_staves_of_the_fuller_notation_decode_their_own_truth_by_boxes_and_masks(name):
    from omr.render import render_staff
    from omr.samples import NOTATION_MASK_CLASSES

    rendered = render_staff(fuller_staves()[name])
    label = SampleLabel(name, "", rendered.width, rendered.height, rendered.staff_space, rendered.staff_lines,
                        rendered.events, header=rendered.header)
    decoded = [notes_from_boxes(rendered.boxes, score_threshold=0.5),
               notes_from_mask(rendered.mask, NOTATION_MASK_CLASSES)]
    assert_events_perfect(decoded, [label, label], f"{name}: boxes, mask")

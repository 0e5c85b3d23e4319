"""engraved_generated: v03 staves engraved by verovio, labelled with the generator's events, distractors drawn but
never events, same seed -> same bytes, the test sets' fonts never used."""

from collections import Counter
from dataclasses import replace

import pytest

from omr.config import ConfigError, build_config
from omr.engrave.corpus import TuneRef
from omr.engrave.distractors import Distractors
from omr.engrave.generated import generator_events, staff_measures
from omr.engrave.generated_dataset import (GENERATED_FAILURES, EngravedGeneratedConfig,
                                           write_engraved_generated_dataset)
from omr.engrave.generated_sample import engrave_generated
from omr.engrave.real_sample import RealStyle
from omr.engrave.verovio_svg import make_toolkit
from omr.music.round_trip import round_trip_failures
from omr.render.dataset import sample_rng
from omr.music.events import SymbolicNote
from omr.render.score import staff_from_notes
from omr.samples import NOTATION_BOX_CLASSES, iter_split, read_meta

# Three staves (two train, one val) of the fuller notation, distractors often, so the few samples carry many kinds.
TINY = {"seed": 7, "train": 2, "val": 1, "notation": {"tuplet_probability": 0.2, "grace_probability": 0.1,
                                                      "slur_probability": 0.5, "dynamics_probability": 0.5},
        "distractors": {"accent": 0.2, "fingering": 0.2, "hairpin": 0.5, "lyrics": 0.5, "text": 0.5}}
DISTRACTOR_CLASSES = {"slur", "articulation", "dynamics"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated") / "engraved_generated"
    config = build_config(EngravedGeneratedConfig, TINY, "engraved_generated")
    write_engraved_generated_dataset(folder, config)
    return folder, config


def test_generated_set_has_train_and_val_in_the_shared_format_with_drops_counted(built):
    folder, _ = built
    meta = read_meta(folder)
    assert meta["splits"] == {"train": 2, "val": 1} and meta["mask_classes"] == []
    assert meta["box_classes"] == list(NOTATION_BOX_CLASSES)
    for split, size in meta["splits"].items():
        assert list(meta["verification_drops"][split]) == list(GENERATED_FAILURES)  # every reason, zeros included
        assert meta["candidates_tried"][split] == size + sum(meta["verification_drops"][split].values())
        labels = [label for _, label in iter_split(folder, split)]
        assert [label.id for label in labels] == [f"{n:06d}" for n in range(size)]
        assert all(label.mask is None and label.height == 128 and len(label.staff_lines) == 5 for label in labels)
        assert all(box.label in NOTATION_BOX_CLASSES for label in labels for box in label.boxes)


def test_labelled_events_are_the_generators_events_of_each_candidate(built):
    folder, config = built
    for split in ("train", "val"):
        for _, label in iter_split(folder, split):
            rng = sample_rng(config.seed, split, label.extra["candidate"])
            staff = replace(config.notation, time_signature_probability=1.0).random(rng)
            assert tuple(replace(e, x=0.0, y=0.0) for e in label.events) == generator_events(staff)
            assert (label.header.clef, label.header.key_fifths) == (staff.clef_sign, staff.key_signature)
            hidden = "hidden_time" in label.extra["marks"]
            assert label.header.time == (None if hidden else staff.time_signature)
            assert len(label.header.barlines) == len(staff.barlines_after)
            assert [c.time or c.clef or c.key_fifths for c in label.header.changes] == \
                [c.time or c.clef or c.key_fifths for c in staff.changes]


def test_generated_labels_survive_the_musicxml_round_trip(built):
    folder, _ = built
    assert round_trip_failures(folder) == []


def test_fonts_are_never_the_test_sets_fonts(built):
    folder, _ = built
    fonts = {font for split in read_meta(folder)["fonts"].values() for font in split}
    assert fonts and fonts <= {"Gootville", "Leland", "Petaluma"}
    with pytest.raises(ConfigError, match=r"engraved_generated: fonts: \['Leipzig'\]"):
        build_config(EngravedGeneratedConfig, {"fonts": ["Leland", "Leipzig"]}, "engraved_generated")


def test_same_seed_gives_identical_files_for_any_worker_count(built, files_by_workers):
    folder, config = built
    (pooled,) = files_by_workers(write_engraved_generated_dataset, config, (2,))
    in_process = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    assert in_process == pooled


def _two_measures():
    events = [SymbolicNote(step, 5, duration=value) for step, value in zip("CDEFG", ("eighth", "eighth", "quarter",
                                                                                     "quarter", "quarter"))]
    return staff_from_notes(events, clef=True, time="2/4")


def test_distractors_are_drawn_but_never_events_or_event_boxes():
    toolkit, style, tune = make_toolkit(), RealStyle(), TuneRef("generated/test", 0)
    plain_staff = _two_measures()
    assert staff_measures(plain_staff) == (0, 0, 0, 1, 1)
    notes = plain_staff.notes[:-1] + (replace(plain_staff.notes[-1], articulation="fermata"),)
    marked_staff = replace(plain_staff, notes=notes, slurs=((0, 2),), dynamics=((0, "f"),), measure_number=12)
    marks = Distractors(accents=(1,), tenutos=(3,), fingerings=((0, 3),), hairpins=((3, 4, "crescendo"),),
                        lyrics=tuple((i, "la") for i in range(5)), text="Allegro", end_repeat=True, hide_time=True)
    plain, _ = engrave_generated(toolkit, plain_staff, "2/4", Distractors(), ("Leland",), style, tune)
    marked, _ = engrave_generated(toolkit, marked_staff, "2/4", marks, ("Leland",), style, tune)

    def without_xy(sample):
        return tuple(replace(event, x=0.0, y=0.0) for event in sample.events)

    assert without_xy(marked) == without_xy(plain) == generator_events(plain_staff)
    assert (plain.header.time, marked.header.time) == ("2/4", None)  # hidden: labelled null, its box gone too
    labels = Counter(box.label for box in marked.boxes)
    assert {"slur", "articulation", "dynamics"} <= set(labels) and not DISTRACTOR_CLASSES & {
        box.label for box in plain.boxes}
    symbols = Counter(box.label for box in plain.boxes if box.label != "time_signature")
    assert Counter({label: n for label, n in labels.items() if label not in DISTRACTOR_CLASSES}) == symbols
    # Fermata, accent, tenuto (articulation); dynamics, hairpin, measure number (dynamics): one box each.
    assert (labels["slur"], labels["articulation"], labels["dynamics"]) == (1, 3, 3)
    ink = [int((sample.image < 128).sum()) for sample in (plain, marked)]
    assert ink[1] > ink[0] * 1.3  # words, lyrics, fingering, marks: drawn


def test_a_staff_needing_glyphs_gootville_lacks_is_engraved_in_the_next_font():
    # Verovio would draw Gootville's missing tuplet digits from Leipzig, a test set's font.
    events = [SymbolicNote(step, 5, duration="eighth", tuplet=(3, 2)) for step in "CDE"]
    staff = staff_from_notes(events + [SymbolicNote("F", 5, duration="quarter")], clef=True, time="2/4")
    sample, font = engrave_generated(make_toolkit(), staff, "2/4", Distractors(), ("Gootville", "Petaluma"),
                                     RealStyle(), TuneRef("generated/test", 0))
    assert font == "Petaluma" and [event.tuplet for event in sample.events] == [(3, 2)] * 3 + [None]
    assert Counter(box.label for box in sample.boxes)["tuplet"] == 1

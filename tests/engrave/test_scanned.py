"""The engraved_real_scanned set: each engraved_real window damaged, its labels moved onto the damaged ink, windows
the damage made unreadable dropped and counted, the same files for a seed."""

import math
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from omr.config import ConfigError, build_config
from omr.engrave.real_dataset import EngravedRealConfig, write_engraved_real_dataset
from omr.engrave.scanned import SCAN_VERIFICATION_FAILURES, ScannedConfig, unreadable, write_scanned_dataset
from omr.render.degrade import Affine, Damage, Degraded, ScanPreset
from omr.samples import iter_split, read_meta

TINY = {"seed": 3, "windows": 3, "measures": [1, 2], "bass_probability": 0.5}


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A three-window engraved_real set (verovio, ~1 s), written once for the module."""
    root = tmp_path_factory.mktemp("datasets")
    write_engraved_real_dataset(root / "engraved_real", build_config(EngravedRealConfig, TINY, "engraved_real"))
    return root


def scanned(source, name: str, config: ScannedConfig = ScannedConfig()) -> dict:
    write_scanned_dataset(source / name, config)
    return {p.relative_to(source / name).as_posix(): p.read_bytes() for p in sorted((source / name).rglob("*"))
            if p.is_file()}


def pairs(source, name: str):
    """(clean image, clean label, damaged image, damaged label) per window kept."""
    clean = {label.id: (np.asarray(Image.open(d / label.image)), label)
             for d, label in iter_split(source / "engraved_real", "test")}
    for split_dir, label in iter_split(source / name, "test"):
        image, clean_label = clean[label.extra["source_id"]]
        yield image, clean_label, np.asarray(Image.open(split_dir / label.image)), label


def test_every_window_is_kept_with_its_events_and_a_page_label_of_one_staff(source):
    scanned(source, "scanned")
    meta = read_meta(source / "scanned")
    assert meta["kind"] == "pages" and meta["windows"] == meta["source_windows"] == 3
    assert meta["verification_drops"] == {reason: 0 for reason in SCAN_VERIFICATION_FAILURES}
    for _, clean, image, label in pairs(source, "scanned"):
        assert image.shape == (label.height, label.width) and image.shape != (clean.height, clean.width)
        assert [replace(e, x=0, y=0) for e in label.events] == [replace(e, x=0, y=0) for e in clean.events]
        assert (label.header.clef, label.header.key_fifths, label.header.time) == (
            clean.header.clef, clean.header.key_fifths, clean.header.time)
        assert [b.label for b in label.boxes] == [b.label for b in clean.boxes]
        [staff] = label.extra["staves"]
        assert staff["events"] == [0, len(label.events)]
        assert staff["staff_lines"] == [round(y, 2) for y in label.staff_lines]
        assert 0 < abs(label.extra["damage"]["angle"]) <= 2.0


def test_labels_sit_on_the_damaged_ink(source):
    scanned(source, "scanned")
    heads = 0
    for clean_image, clean, image, label in pairs(source, "scanned"):
        paper = float(np.median(image))
        for before, after in zip(clean.events, label.events):
            if clean_image[int(before.y), int(before.x)] < 60:  # a filled head's middle: still ink where it moved
                assert image[int(after.y), int(after.x)] < paper - 100
                heads += 1
        # Each staff line runs at the drawn angle through its labelled y at the staff's horizontal centre.
        staff = next(b.xyxy for b in label.boxes if b.label == "staff")
        centre, slope = (staff[0] + staff[2]) / 2, -math.tan(math.radians(label.extra["damage"]["angle"]))
        xs = np.arange(int(staff[0]) + 4, int(staff[2]) - 4)
        for y in label.staff_lines:
            on_line = image[np.floor(y + (xs + 0.5 - centre) * slope).astype(int), xs]
            between = image[np.floor(y + 4 + (xs + 0.5 - centre) * slope).astype(int), xs]
            assert np.median(on_line) < np.median(between) - 15
    assert heads >= 3


def test_same_seed_gives_identical_files_and_another_seed_other_damage(source):
    first, again = scanned(source, "a"), scanned(source, "b")
    other = scanned(source, "c", ScannedConfig(seed=1))
    assert first == again
    assert all(first[name] != other[name] for name in first if name.endswith(".png"))


def test_strengths_at_zero_give_the_clean_windows_and_labels(source):
    scanned(source, "off", ScannedConfig(preset=ScanPreset.off()))
    for clean_image, clean, image, label in pairs(source, "off"):
        assert np.array_equal(image, clean_image)
        assert label.events == clean.events and label.staff_lines == clean.staff_lines and label.boxes == clean.boxes
        assert label.header == clean.header


def test_damage_that_hides_the_ink_is_refused_and_a_set_with_nothing_left_fails(source):
    clean_dir, clean = next(iter_split(source / "engraved_real", "test"))
    image = np.asarray(Image.open(clean_dir / clean.image))
    size = (clean.width, clean.height)
    blank = Degraded(np.full_like(image, 255), Affine.identity(size), Damage())
    assert unreadable(image, clean, blank) == "symbol_unreadable"
    # The lines alone wiped out (the grey of the bare staff): every symbol stands, the staff does not.
    no_lines = np.where((image > 120) & (image < 250), 255, image).astype(np.uint8)
    assert unreadable(image, clean, Degraded(no_lines, Affine.identity(size), Damage())) == "staff_line_unreadable"
    assert unreadable(image, clean, Degraded(image.copy(), Affine.identity(size), Damage())) is None
    drowned = ScannedConfig(preset=replace(ScanPreset(), blur=(4.0, 4.0), noise=(64.0, 64.0)))
    with pytest.raises(ValueError, match="only 0 of the 1 windows"):
        write_scanned_dataset(source / "drowned", drowned)
    assert not (source / "drowned").exists()


def test_bad_config_and_missing_source_name_the_key_or_file(tmp_path):
    with pytest.raises(ConfigError, match=r"engraved_real_scanned\.preset"):
        build_config(ScannedConfig, {"preset": {"rotation": 9}}, "engraved_real_scanned")
    with pytest.raises(ConfigError, match="source"):
        build_config(ScannedConfig, {"source": "../engraved_real"}, "engraved_real_scanned")
    with pytest.raises(FileNotFoundError, match=r"engraved_real[/\\]meta\.json"):
        write_scanned_dataset(tmp_path / "engraved_real_scanned", ScannedConfig())

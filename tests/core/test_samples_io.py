import pytest

from omr.io import atomic_directory, atomic_write_text
from omr.music.events import SymbolicNote
from omr.samples import Box, SampleLabel, read_labels, write_labels


def _label(sample_id="000001"):
    return SampleLabel(
        id=sample_id,
        image=f"images/{sample_id}.png",
        mask=f"masks/{sample_id}.png",
        width=128,
        height=128,
        staff_space=8.0,
        staff_lines=(40.0, 48.0, 56.0, 64.0, 72.0),
        events=(SymbolicNote("C", 4, x=30.0, y=80.0), SymbolicNote("F", 5, alter=1, duration="half", x=60, y=40)),
        boxes=(Box("notehead_filled", (25.0, 76.0, 35.0, 84.0)), Box("staff", (0, 40, 128, 72), score=0.5)),
    )


def test_labels_round_trip_through_jsonl(tmp_path):
    path = tmp_path / "labels.jsonl"
    write_labels(path, [_label("a"), _label("b")])
    labels = read_labels(path)
    assert [label.id for label in labels] == ["a", "b"]
    assert labels[0].notes == _label().notes
    assert labels[0].boxes[1].score == 0.5
    assert labels[0].pitch_vector[23] == 1 and sum(labels[0].pitch_vector) == 2


def test_a_bad_label_line_names_file_and_line(tmp_path):
    path = tmp_path / "labels.jsonl"
    path.write_text('{"id": "x"}\n')
    with pytest.raises(ValueError, match=r"labels.jsonl:1: not a valid sample label"):
        read_labels(path)


def test_atomic_directory_leaves_nothing_when_the_writer_fails(tmp_path):
    target = tmp_path / "dataset"
    with pytest.raises(RuntimeError):
        with atomic_directory(target) as tmp:
            (tmp / "half.txt").write_text("partial")
            raise RuntimeError("interrupted")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_atomic_directory_replaces_the_old_folder_on_success(tmp_path):
    target = tmp_path / "dataset"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with atomic_directory(target) as tmp:
        (tmp / "new.txt").write_text("new")
    assert sorted(p.name for p in target.iterdir()) == ["new.txt"]


def test_atomic_write_text_creates_parents(tmp_path):
    path = tmp_path / "a" / "b.json"
    atomic_write_text(path, "{}")
    assert path.read_text() == "{}"


def test_atomic_outputs_get_the_permissions_of_plain_files_and_folders(tmp_path):
    import os
    import stat

    from omr.io import atomic_directory, atomic_write_bytes

    old = os.umask(0o022)
    try:
        atomic_write_bytes(tmp_path / "out.bin", b"x")
        with atomic_directory(tmp_path / "folder") as folder:
            (folder / "a").write_bytes(b"y")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.bin").stat().st_mode) == 0o644  # mkstemp alone gives 0600
    assert stat.S_IMODE((tmp_path / "folder").stat().st_mode) == 0o755  # mkdtemp alone gives 0700

"""`omr transcribe` on one staff: image -> printed notes, the four output files; bad options -> one line, exit 1.

A checkpoint accurate enough for "notes equal the truth" cannot be trained inside a test, so that test runs the real
command with a detector whose boxes are the rendered sample's ground truth (the Predictor interface: `approach` and
`predict_batch`). A second test runs a real (untrained) checkpoint through load_predictor to pin the plumbing.
Pages and batches: test_transcribe_pages.py.
"""

import json

import numpy as np
import pytest
from PIL import Image

import omr.models
from omr.approaches import get_approach
from omr.cli import main
from omr.transcribe.locate import locate_staves
from omr.models import Checkpoint, ModelConfig, build_model, save_checkpoint
from omr.music.events import SymbolicNote, event_text
from omr.music.musicxml import events_from_musicxml
from omr.transcribe.write import OUTPUT_SUFFIXES
from omr.decode.outputs import DetectionOutput
from omr.render import render_staff, staff_from_notes
from omr.samples import Box

TRUTH = (SymbolicNote("C", 4), SymbolicNote("E", 4, duration="half"), SymbolicNote("F", 4, 1), SymbolicNote("A", 5),
         SymbolicNote("B", 4, -1, "half"), SymbolicNote("G", 4), SymbolicNote("D", 5, 0, "half"))


class TruthDetector:
    """A detection Predictor that answers with the rendered sample's true boxes, moved into the located crop."""

    approach = "detection"
    regime = "truth"

    def __init__(self, rendered):
        self.rendered = rendered
        (self.located,) = locate_staves(rendered.image)

    def predict_batch(self, images):
        x0, y0 = self.located.origin
        outputs = []
        for image in images:
            # recognize() hands over the crop unscaled (its staff space is already the training one).
            assert image.shape == self.located.image.shape
            boxes = tuple(Box(b.label, (b.xyxy[0] - x0, b.xyxy[1] - y0, b.xyxy[2] - x0, b.xyxy[3] - y0), 0.99)
                          for b in self.rendered.boxes)
            outputs.append(DetectionOutput(boxes=boxes))
        return outputs


@pytest.fixture(scope="module")
def rendered():
    return render_staff(staff_from_notes(TRUTH))


@pytest.fixture(scope="module")
def detection_checkpoint(tmp_path_factory):
    """A real, untrained detection checkpoint (weights random: right format and architecture, notes meaningless)."""
    path = tmp_path_factory.mktemp("models") / "detection-test.pt"
    config = ModelConfig()
    state = build_model("detection", config).state_dict()
    class_names = get_approach("detection").default_class_names()
    save_checkpoint(path, Checkpoint("detection", "test", config, class_names, state, 0))
    return path


@pytest.fixture
def image_path(tmp_path, rendered):
    path = tmp_path / "in" / "melody.png"
    path.parent.mkdir()
    Image.fromarray(rendered.image).save(path)
    return path


def test_transcribes_rendered_image_to_its_true_notes(tmp_path, image_path, rendered, monkeypatch, capsys):
    monkeypatch.setattr(omr.models, "load_predictor", lambda path, device="auto": TruthDetector(rendered))
    out = tmp_path / "out"
    assert main(["transcribe", str(image_path), "--model", "any.pt", "--approach", "detection", "--out", str(out)]) == 0
    expected = " ".join(event_text(n) for n in TRUTH)
    assert capsys.readouterr().out.splitlines() == [
        f"melody.png staff 1/1 (no clef, no key, no time): {expected}", "1 transcribed, 0 refused"]
    assert sorted(p.name for p in out.iterdir()) == sorted(f"melody{suffix}" for suffix in OUTPUT_SUFFIXES)
    written = json.loads((out / "melody.notes.json").read_text())
    pitches = [(n["step"], n["octave"], n["alter"], n["duration"]) for n in written["events"]]
    assert pitches == [(n.step, n.octave, n.alter, n.duration) for n in TRUTH]
    assert [e["step"] for e in written["staves"][0]["events"]] == [n.step for n in TRUTH]
    events, clef, key_fifths, time = events_from_musicxml(out / "melody.musicxml")
    assert [(n.step, n.octave, n.alter, n.duration) for n in events] == pitches
    assert (clef, key_fifths, time) == ("treble", 0, None)  # no clef read: written as the treble a reader assumes
    assert len(written["staves"]) == 1 and len(written["staves"][0]["staff_lines"]) == 5
    # The re-rendering lies where the staff was: same page size, its five lines on the input's rows.
    again = np.asarray(Image.open(out / "melody.rendered.png"))
    assert again.shape == rendered.image.shape
    assert all(again[round(y)].mean() < 255 * 0.5 for y in rendered.staff_lines)  # each line row mostly ink


def test_approach_is_optional_and_the_checkpoint_says_it(tmp_path, image_path, rendered, monkeypatch):
    monkeypatch.setattr(omr.models, "load_predictor", lambda path, device="auto": TruthDetector(rendered))
    assert main(["transcribe", str(image_path), "--model", "any.pt", "--out", str(tmp_path / "out")]) == 0
    assert json.loads((tmp_path / "out" / "melody.notes.json").read_text())["approach"] == "detection"


def test_real_checkpoint_runs_through_the_whole_command(tmp_path, image_path, detection_checkpoint, capsys):
    out = tmp_path / "out"
    code = main(["transcribe", str(image_path), "--model", str(detection_checkpoint), "--out", str(out),
                 "--device", "cpu"])
    assert code == 0
    assert capsys.readouterr().out.startswith("melody.png staff 1/1 ")
    events = json.loads((out / "melody.notes.json").read_text())["events"]
    assert len(events_from_musicxml(out / "melody.musicxml")[0]) == len(events)
    assert Image.open(out / "melody.rendered.png").size == Image.open(image_path).size


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "case, message",
    [
        ("missing_model", "checkpoint not found"),
        ("corrupt_model", "not a readable checkpoint"),
        ("other_approach", "is a detection model, not segmentation"),
        ("bad_threshold", "--score-threshold: must be in (0, 1)"),
        ("same_name", "has the same name 'melody'"),
    ],
)
def test_what_no_image_can_survive_is_one_line_error_before_anything_is_written(
        tmp_path, image_path, detection_checkpoint, capsys, case, message):
    model, extra, images = detection_checkpoint, [], [str(image_path)]
    if case == "missing_model":
        model = tmp_path / "nowhere.pt"
    elif case == "corrupt_model":
        model = _write(tmp_path, "corrupt.pt", b"\x00not a checkpoint" * 10)
    elif case == "other_approach":
        extra = ["--approach", "segmentation"]
    elif case == "bad_threshold":
        extra = ["--score-threshold", "1.5"]
    elif case == "same_name":
        (tmp_path / "other").mkdir()
        images.append(str(_write(tmp_path / "other", "melody.png", image_path.read_bytes())))
    out = tmp_path / "out"
    code = main(["transcribe", *images, "--model", str(model), "--out", str(out), *extra])
    assert code == 1
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and message in error and error.startswith("omr transcribe: error: ")
    assert not out.exists() or not any(out.iterdir())

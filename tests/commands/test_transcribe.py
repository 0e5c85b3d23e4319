"""`omr transcribe`: image -> printed notes, notes.json, MusicXML and a re-rendering; bad input -> one line, exit 1.

A checkpoint accurate enough for "notes equal the truth" cannot be trained inside a test, so that test runs the real
command with a detector whose boxes are the rendered sample's ground truth (the Predictor interface: `approach` and
`predict_batch`). A second test runs a real (untrained) checkpoint through load_predictor to pin the plumbing.
"""

import json

import numpy as np
import pytest
from PIL import Image

import omr.models
from omr.approaches import get_approach
from omr.cli import main
from omr.locate import locate_staff
from omr.models import Checkpoint, ModelConfig, build_model, save_checkpoint
from omr.music import SymbolicNote, event_text
from omr.musicxml import events_from_musicxml
from omr.predictions import DetectionOutput
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
        self.origin = locate_staff(rendered.image).origin

    def predict_batch(self, images):
        x0, y0 = self.origin
        outputs = []
        for image in images:
            # recognize() hands over the crop unscaled (its staff space is already the training one).
            assert image.shape == locate_staff(self.rendered.image).image.shape
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
    assert capsys.readouterr().out.strip() == f"melody.png: {expected}"
    assert sorted(p.name for p in out.iterdir()) == ["melody.musicxml", "melody.notes.json", "melody.rendered.png"]
    written = json.loads((out / "melody.notes.json").read_text())
    pitches = [(n["step"], n["octave"], n["alter"], n["duration"]) for n in written["events"]]
    assert pitches == [(n.step, n.octave, n.alter, n.duration) for n in TRUTH]
    events, clef, key_fifths, time = events_from_musicxml(out / "melody.musicxml")
    assert [(n.step, n.octave, n.alter, n.duration) for n in events] == pitches
    assert (clef, key_fifths, time) == ("treble", 0, None)
    assert len(written["staves"]) == 1 and len(written["staves"][0]["staff_lines"]) == 5
    assert (np.asarray(Image.open(out / "melody.rendered.png")) == rendered.image).all()


def test_real_checkpoint_runs_through_the_whole_command(tmp_path, image_path, detection_checkpoint, capsys):
    out = tmp_path / "out"
    code = main(["transcribe", str(image_path), "--model", str(detection_checkpoint), "--out", str(out), "--device", "cpu"])
    assert code == 0
    assert capsys.readouterr().out.startswith("melody.png: ")
    events = json.loads((out / "melody.notes.json").read_text())["events"]
    assert len(events_from_musicxml(out / "melody.musicxml")[0]) == len(events)
    assert Image.open(out / "melody.rendered.png").size[1] == 128


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "case, message",
    [
        ("text_as_image", "not a readable image"),
        ("empty_image", "empty file"),
        ("missing_model", "checkpoint not found"),
        ("corrupt_model", "not a readable checkpoint"),
        ("other_approach", "is a detection model, not segmentation"),
        ("no_staff", "no staff found"),
        ("bad_threshold", "--score-threshold: must be in (0, 1)"),
    ],
)
def test_bad_input_gives_one_line_error_and_writes_nothing(tmp_path, image_path, detection_checkpoint, capsys, case, message):
    image, model, extra = image_path, detection_checkpoint, []
    if case == "text_as_image":
        image = _write(tmp_path, "notes.png", b"C4 E4 G4\n")
    elif case == "empty_image":
        image = _write(tmp_path, "empty.png", b"")
    elif case == "missing_model":
        model = tmp_path / "nowhere.pt"
    elif case == "corrupt_model":
        model = _write(tmp_path, "corrupt.pt", b"\x00not a checkpoint" * 10)
    elif case == "other_approach":
        extra = ["--approach", "segmentation"]
    elif case == "bad_threshold":
        extra = ["--score-threshold", "1.5"]
    elif case == "no_staff":
        image = tmp_path / "blank.png"
        Image.new("L", (300, 200), 255).save(image)
    out = tmp_path / "out"
    # The good image first: its outputs must not be written either when a later input fails.
    images = [str(image_path)] + ([str(image)] if image != image_path else [])
    code = main(["transcribe", *images, "--model", str(model), "--out", str(out), *extra])
    assert code == 1
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and message in error and error.startswith("omr transcribe: error: ")
    assert not out.exists() or not any(out.iterdir())

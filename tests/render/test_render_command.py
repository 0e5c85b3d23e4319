import json

import numpy as np
from PIL import Image

from omr.cli import main
from omr.render.dataset import write_dataset
from omr.render.dataset import DatasetConfig
from omr.samples import MASK_CLASSES


def test_render_notes_writes_image_mask_and_truth(tmp_path, capsys):
    assert main(["render", "--notes", "C4:q E4:h F#5:q Bb4:h", "--out", str(tmp_path)]) == 0
    truth = json.loads((tmp_path / "sample.json").read_text())
    assert [(n["step"], n["octave"], n["alter"], n["duration"]) for n in truth["events"]] == [
        ("C", 4, 0, "quarter"), ("E", 4, 0, "half"), ("F", 5, 1, "quarter"), ("B", 4, -1, "half")]
    assert len(truth["staff_lines"]) == 5
    image = np.asarray(Image.open(tmp_path / "sample.png"))
    mask = np.asarray(Image.open(tmp_path / "sample.mask.png"))
    assert image.shape == mask.shape == (truth["height"], truth["width"])
    assert {b["class"] for b in truth["boxes"]} >= {"staff", "sharp", "flat", "notehead_hollow"}


def test_render_dataset_config_reproduces_the_dataset_file(tmp_path, capsys):
    params = tmp_path / "params.yaml"
    params.write_text("datasets:\n  v02:\n    seed: 5\n    test: 3\n    accidental_probability: 0.5\n")
    assert main(["render", "--dataset-config", "v02", "--params", str(params), "--index", "2",
                 "--out", str(tmp_path / "one")]) == 0
    write_dataset(tmp_path / "v02", DatasetConfig(seed=5, test=3, accidental_probability=0.5))
    assert (tmp_path / "one" / "sample.png").read_bytes() == (tmp_path / "v02/test/images/000002.png").read_bytes()


def test_bad_note_string_is_a_one_line_error_and_exit_1(tmp_path, capsys):
    assert main(["render", "--notes", "C4:q H9:h", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "H9:h" in err and err.count("\n") == 1
    assert main(["render", "--notes", "C4:w", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "'C4:w'" in err and "duration must be one of 1 2 4 8 16 32" in err and err.count("\n") == 1


def test_render_notes_under_a_time_signature_writes_the_events_it_was_given(tmp_path, capsys):
    assert main(["render", "--notes", "C4:8. D4:16 r:4 E4:2~ E4:8", "--time", "2/4", "--out", str(tmp_path)]) == 0
    truth = json.loads((tmp_path / "sample.json").read_text())
    assert [(e["kind"], e.get("step"), e["duration"], e["dots"], e.get("tie")) for e in truth["events"]] == [
        ("note", "C", "eighth", 1, None), ("note", "D", "16th", 0, None), ("rest", None, "quarter", 0, None),
        ("note", "E", "half", 0, "start"), ("note", "E", "eighth", 0, "stop")]
    assert truth["time"] == "2/4" and len(truth["barlines"]) == 2  # after the rest and after the half
    assert truth["mask_classes"][:len(MASK_CLASSES)] == list(MASK_CLASSES)


def test_render_key_and_measure_give_the_sounding_alter_of_unsigned_notes(tmp_path, capsys):
    assert main(["render", "--notes", "F4:4 C#5:4 C5:4 C5:4", "--key", "1", "--time", "2/4", "--clef",
                 "--out", str(tmp_path)]) == 0
    truth = json.loads((tmp_path / "sample.json").read_text())
    assert [(e["alter"], e["accidental"]) for e in truth["events"]] == [(1, None), (1, "sharp"), (0, None), (0, None)]
    assert (truth["clef"], truth["key_fifths"]) == ("treble", 1)
    assert main(["render", "--notes", "F4:4 C#5:4 C5:4", "--key", "1", "--out", str(tmp_path)]) == 0
    truth = json.loads((tmp_path / "sample.json").read_text())
    assert [e["alter"] for e in truth["events"]] == [1, 1, 0]  # no time, no measures: a sign holds for its note


def test_render_bass_clef_writes_the_pitch_for_that_clef(tmp_path, capsys):
    assert main(["render", "--notes", "G2:4 B3:4", "--clef", "bass", "--out", str(tmp_path)]) == 0
    truth = json.loads((tmp_path / "sample.json").read_text())
    bottom_line = truth["staff_lines"][-1]
    assert truth["clef"] == "bass" and abs(truth["events"][0]["y"] - bottom_line) < 1


def test_a_note_crossing_a_barline_or_a_tie_to_another_pitch_is_a_one_line_error_naming_it(tmp_path, capsys):
    assert main(["render", "--notes", "C4:2 D4:2", "--time", "3/4", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "'D4:2' crosses the barline" in err and err.count("\n") == 1
    assert main(["render", "--notes", "C4:2~ D4:2", "--out", str(tmp_path)]) == 1
    assert "'C4:2~' is tied to 'D4:2'" in capsys.readouterr().err
    assert main(["render", "--notes", "C4:4", "--time", "5/7", "--out", str(tmp_path)]) == 1
    assert "--time" in capsys.readouterr().err

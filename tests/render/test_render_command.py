import json

import numpy as np
from PIL import Image

from omr.cli import main
from omr.render.dataset import write_dataset
from omr.render.dataset import DatasetConfig


def test_render_notes_writes_image_mask_and_truth(tmp_path, capsys):
    assert main(["render", "--notes", "C4:q E4:h F#5:q Bb4:h", "--out", str(tmp_path)]) == 0
    truth = json.loads((tmp_path / "sample.json").read_text())
    assert [(n["step"], n["octave"], n["alter"], n["duration"]) for n in truth["notes"]] == [
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
    assert "duration must be q or h" in capsys.readouterr().err

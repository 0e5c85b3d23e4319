"""engraved_real_scanned is read as a user's photo is (meta.json `kind: pages`): the staff found and straightened
first, then read; with each crop's true tokens the set scores perfectly, so its labels and the runner agree."""

from omr.config import build_config
from omr.decode.config import RecognizeConfig
from omr.engrave.real_dataset import EngravedRealConfig, write_engraved_real_dataset
from omr.engrave.scanned import ScannedConfig, write_scanned_dataset
from omr.evaluate.runner import EvaluateConfig, evaluate_model
from test_pages_evaluation import TruthReader  # tests/evaluate/test_pages_evaluation.py


def test_scanned_windows_are_found_straightened_and_scored_as_one_staff_pages(tmp_path):
    tiny = {"seed": 3, "windows": 3, "measures": [1, 2], "bass_probability": 0.5}
    write_engraved_real_dataset(tmp_path / "engraved_real", build_config(EngravedRealConfig, tiny, "engraved_real"))
    write_scanned_dataset(tmp_path / "engraved_real_scanned", ScannedConfig())
    folder = tmp_path / "engraved_real_scanned"
    result = evaluate_model(TruthReader(folder), tmp_path, EvaluateConfig(datasets=("engraved_real_scanned",)),
                            RecognizeConfig())["engraved_real_scanned"]
    assert result["staff_count_accuracy"] == 1.0
    assert result["ser"] == 0.0 and result["exact_match"] == 1.0

"""The evaluation runner end to end with oracle predictors (they answer the truth for whatever image recognize gives
them, rescaled or not): every approach must then score perfectly, on a set at the training staff space and on a
set at another staff space that recognize has to rescale."""

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from omr.config import build_config, load_params
from omr.evaluate import metrics
from omr.decode.config import RecognizeConfig
from omr.evaluate.runner import EvaluateConfig, evaluate_model, score_test_set
from omr.evaluate.test_set import LoadedSplit, load_test_set
from omr.music.events import StaffHeader, SymbolicNote, SymbolicRest
from omr.decode.outputs import DetectionOutput, RegressionOutput, SegmentationOutput
from omr.transcribe.recognize import Recognition, model_scale, rescale_image
from omr.samples import MASK_CLASSES, Box, SampleLabel

PARAMS = Path(__file__).resolve().parents[2] / "params.yaml"
FALLBACK = {
    "v01": {"min_notes": 2, "max_notes": 2, "note_types": ["quarter"], "stem_directions": ["up"], "width": 128},
    "long": {"min_notes": 20, "max_notes": 32, "accidental_probability": 0.3, "clef_probability": 1.0, "barlines": True,
             "staff_space": 11.0, "line_thickness": 2.0, "height": 176},
}
CONFIG = RecognizeConfig()


@pytest.fixture(scope="module")
def dataset_root(tmp_path_factory):
    from omr.render.dataset import DatasetConfig, write_dataset

    root = tmp_path_factory.mktemp("datasets")
    for name in FALLBACK:
        params = dict((load_params(PARAMS).get("datasets") or {}).get(name) or FALLBACK[name])
        params.update(train=0, val=0, test=6)
        write_dataset(root / name, build_config(DatasetConfig, params, name))
    return root


class OraclePredictor:
    """Knows every test image; answers its truth in the coordinates of the (possibly rescaled) image it is given."""

    def __init__(self, approach, dataset_root):
        self.approach = approach
        self.truth = {}
        for name in FALLBACK:
            split = load_test_set(dataset_root / name)
            for label, image, mask in zip(split.labels, split.images, split.masks):
                scale = model_scale(image, CONFIG)
                self.truth[_key(rescale_image(image, scale))] = (label, mask, scale)

    def predict_batch(self, images):
        return [self._answer(image) for image in images]

    def _answer(self, image):
        label, mask, scale = self.truth[_key(image)]
        if self.approach == "segmentation":
            # Each class where it covers any of a pixel, later classes over earlier (as rendered): a plain nearest
            # resize would drop a 1 px stem, and the mask decoder only reads heads that have one.
            height, width = image.shape
            class_map = np.zeros((height, width), np.uint8)
            for index in range(1, len(MASK_CLASSES)):
                layer = Image.fromarray(np.where(mask == index, 255, 0).astype(np.uint8))
                class_map[np.asarray(layer.resize((width, height), Image.Resampling.BOX)) > 0] = index
            return SegmentationOutput(class_map=class_map, class_names=MASK_CLASSES)
        if self.approach == "detection":
            return DetectionOutput(tuple(Box(b.label, tuple(v * scale for v in b.xyxy), 0.9) for b in label.boxes))
        return RegressionOutput(np.asarray(label.pitch_vector, dtype=np.float32))


def _key(image):
    return hashlib.sha1(np.ascontiguousarray(image).tobytes() + bytes(str(image.shape), "ascii")).hexdigest()


@pytest.mark.parametrize("approach", ["segmentation", "detection", "regression"])
def test_oracle_predictions_score_perfectly_on_every_set(approach, dataset_root):
    config = EvaluateConfig(datasets=("v01", "long"), batch_size=4)
    result = evaluate_model(OraclePredictor(approach, dataset_root), dataset_root, config, CONFIG)
    assert set(result) == {"v01", "long"}
    for name, values in result.items():
        assert values["set_exact_match"] == 1.0, name
        assert values["set_micro_f1"] == 1.0, name
        if approach == "regression":
            assert values["accidental_accuracy"] is None and values["duration_accuracy"] is None
            assert values["vector_micro_f1"] == 1.0
            continue
        assert values["ser"] == 0.0 and values["exact_match"] == 1.0 and values["rest_f1"] == 1.0, name
        assert values["note_f1"] == 1.0 and values["pitch_ser"] == 0.0, name
        assert values["accidental_accuracy"] == 1.0 and values["duration_accuracy"] == 1.0, name
        if approach == "detection":
            assert values["map50"] == pytest.approx(1.0) and values["map50_95"] == pytest.approx(1.0, abs=1e-3)
        else:
            # v01 is used as is; long's masks went through a nearest-neighbour round trip 11 px -> 8 px -> 11 px.
            floor = 1.0 if name == "v01" else 0.75
            assert values["notehead_iou"] >= floor and values["staff_iou"] >= floor, name
    json.dumps(result, allow_nan=False)  # metrics files must be plain JSON


def test_long_staff_is_rescaled_to_the_training_staff_space(dataset_root):
    split = load_test_set(dataset_root / "long")
    scale = model_scale(split.images[0], CONFIG)
    assert scale == pytest.approx(CONFIG.staff_space / split.labels[0].staff_space, rel=0.02)
    assert model_scale(load_test_set(dataset_root / "v01").images[0], CONFIG) == 1.0


def test_missing_dataset_is_skipped_with_a_warning(dataset_root):
    config = EvaluateConfig(datasets=("v01", "engraved_not_there"), max_samples=2)
    with pytest.warns(UserWarning, match="engraved_not_there"):
        result = evaluate_model(OraclePredictor("regression", dataset_root), dataset_root, config, CONFIG)
    assert list(result) == ["v01"]


def _label(index, events):
    return SampleLabel(id=str(index), image=f"{index}.png", width=10, height=10, staff_space=2.0,
                       staff_lines=(1, 3, 5, 7, 9), events=events, header=StaffHeader(time="2/4"))


def test_score_test_set_scores_recognised_events_rests_included_against_the_labels():
    truth = [(SymbolicNote("C", 4, duration="eighth", dots=1), SymbolicNote("D", 4, 1, "16th"), SymbolicRest("quarter")),
             (SymbolicRest("half"),)]
    predicted = [truth[0][:2] + (SymbolicRest("eighth"),), ()]  # a rest too short, a rest missed: 2 edits in 4
    split = LoadedSplit("tiny", tuple(_label(i, e) for i, e in enumerate(truth)), (), None, ())
    recognitions = [Recognition(events=e, output=None, scale=1.0) for e in predicted]
    result = score_test_set(recognitions, split, CONFIG)
    assert result["ser"] == 0.5 and result["exact_match"] == 0.0 and result["rest_f1"] == 0.0
    assert result["pitch_ser"] == 0.0 and result["duration_accuracy"] == 1.0 and result["accidental_accuracy"] == 1.0



def test_score_test_set_adds_the_headline_intervals_and_keeps_every_other_figure():
    truth = [(SymbolicNote("C", 4),), (SymbolicNote("D", 4),), (SymbolicRest("half"),)]
    predicted = [(SymbolicNote("E", 4),), (SymbolicNote("D", 4),), (SymbolicRest("half"),)]  # 1 edit in 3
    split = LoadedSplit("tiny", tuple(_label(i, e) for i, e in enumerate(truth)), (), None, ())
    recognitions = [Recognition(events=e, output=None, scale=1.0) for e in predicted]
    result = score_test_set(recognitions, split, CONFIG, bootstrap=(200, 5))
    expected = metrics.headline_intervals(predicted, truth, seed=5, resamples=200)
    assert result["ser_ci95"] == [round(end, 6) for end in expected["ser_ci95"]]
    assert result["note_f1_ci95"] == [round(end, 6) for end in expected["note_f1_ci95"]]
    assert result["ser_ci95"][0] == 0.0 < result["ser"] == round(1 / 3, 6) < result["ser_ci95"][1]
    assert result["note_f1_ci95"][0] < result["note_f1"] < result["note_f1_ci95"][1] == 1.0
    points = {k: v for k, v in result.items() if not k.endswith("_ci95")}
    assert points == {k: round(v, 6) if v is not None else None
                      for k, v in metrics.event_metrics(predicted, truth).items()}  # nothing else moved
    json.dumps(result, allow_nan=False)


def test_evaluated_sets_carry_intervals_and_the_config_refuses_no_resamples(dataset_root):
    config = EvaluateConfig(datasets=("v01",), max_samples=3, bootstrap_resamples=20)
    result = evaluate_model(OraclePredictor("detection", dataset_root), dataset_root, config, CONFIG)
    assert result["v01"]["ser_ci95"] == [0.0, 0.0] and result["v01"]["note_f1_ci95"] == [1.0, 1.0]
    with pytest.raises(ValueError, match="evaluate.bootstrap_resamples"):
        EvaluateConfig(bootstrap_resamples=0)

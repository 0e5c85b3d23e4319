import dataclasses

import numpy as np
import pytest
import torch

from omr.approaches import get_approach
from omr.data import load_split
from omr.models import Checkpoint, ModelConfig, build_model, load_predictor, save_checkpoint
from omr.models.detection import PixelAnchorGenerator
from omr.decode.outputs import DetectionOutput, RegressionOutput, SegmentationOutput

TINY = ModelConfig(encoder="tu-mobilenetv3_small_050")
OUTPUT_TYPES = {"segmentation": SegmentationOutput, "regression": RegressionOutput, "detection": DetectionOutput}


def _save(tmp_path, approach: str, config: ModelConfig = TINY):
    torch.manual_seed(0)
    model = build_model(approach, config).eval()
    path = tmp_path / f"{approach}-v01.pt"
    state = {k: v.clone() for k, v in model.state_dict().items()}
    save_checkpoint(path, Checkpoint(approach, "v01", config, get_approach(approach).default_class_names(), state,
                                      step=5))
    return model, path


@pytest.mark.parametrize("approach", ["segmentation", "regression", "detection"])
def test_checkpoint_round_trip_gives_the_same_predictions(tmp_path, approach, tiny_dataset):
    model, path = _save(tmp_path, approach)
    predictor = load_predictor(path, device="cpu")
    assert (predictor.approach, predictor.regime) == (approach, "v01")
    image = load_split(tiny_dataset, "val")[0].image[0].numpy()
    output = predictor.predict(image)
    assert isinstance(output, OUTPUT_TYPES[approach])
    padded = torch.ones(1, 1, 128, -(-image.shape[1] // 32) * 32)
    padded[0, 0, :, : image.shape[1]] = torch.from_numpy(image).float() / 255
    with torch.no_grad():
        if approach == "segmentation":
            expected = model(padded).argmax(1)[0, :, : image.shape[1]].numpy()
            np.testing.assert_array_equal(output.class_map, expected)
            assert output.probabilities.shape == (len(output.class_names), *image.shape)
        elif approach == "regression":
            valid = torch.zeros_like(padded, dtype=torch.bool)
            valid[..., : image.shape[1]] = True
            expected = torch.sigmoid(model(padded, valid))[0].numpy()
            np.testing.assert_allclose(output.probabilities, expected, rtol=1e-4, atol=1e-5)
        else:
            assert all(0 <= b.xyxy[0] <= b.xyxy[2] <= image.shape[1] for b in output.boxes)


def test_predict_batch_crops_each_output_to_its_image(tmp_path):
    _, path = _save(tmp_path, "segmentation")
    predictor = load_predictor(path, device="cpu")
    images = [np.full((100, 77), 255, np.uint8), np.full((128, 200), 255, np.uint8)]
    outputs = predictor.predict_batch(images)
    assert [o.class_map.shape for o in outputs] == [(100, 77), (128, 200)]


def test_load_predictor_names_a_garbage_file(tmp_path):
    path = tmp_path / "garbage.pt"
    path.write_bytes(b"not a checkpoint at all")
    with pytest.raises(ValueError, match="garbage.pt"):
        load_predictor(path)
    with pytest.raises(ValueError, match="missing.pt"):
        load_predictor(tmp_path / "missing.pt")


def test_load_predictor_names_a_foreign_torch_file(tmp_path):
    path = tmp_path / "foreign.pt"
    torch.save({"weights": torch.zeros(3)}, path)
    with pytest.raises(ValueError, match="foreign.pt.*not an omr checkpoint"):
        load_predictor(path)


def test_load_predictor_names_a_checkpoint_whose_weights_do_not_fit(tmp_path):
    _, path = _save(tmp_path, "regression")
    data = torch.load(path, weights_only=True)
    data["model_config"]["encoder"] = "resnet18"
    torch.save(data, path)
    with pytest.raises(ValueError, match="regression-v01.pt"):
        load_predictor(path)


def test_unknown_encoder_is_reported_as_a_params_error():
    with pytest.raises(ValueError, match="model.encoder"):
        build_model("regression", dataclasses.replace(TINY, encoder="no-such-encoder"))


def test_anchors_keep_their_pixel_size_whatever_the_image_width():
    generator = PixelAnchorGenerator({8: ((10, 8),)})
    from torchvision.models.detection.image_list import ImageList

    for width in (96, 480):
        images = ImageList(torch.zeros(1, 1, 128, width), [(128, width)])
        anchors = generator(images, [torch.zeros(1, 4, 16, width // 8)])[0]
        sizes = anchors[:, 2:] - anchors[:, :2]
        assert torch.allclose(sizes, torch.tensor([10.0, 8.0]))
        assert anchors.shape[0] == 16 * width // 8
        assert torch.allclose(anchors[0], torch.tensor([4 - 5.0, 4 - 4.0, 4 + 5.0, 4 + 4.0]))


@pytest.mark.parametrize("head", ["column", "width_pool", "spatial_max", "global_avg"])
def test_every_regression_head_gives_52_logits_for_any_image_size(head):
    config = dataclasses.replace(TINY, regression=dataclasses.replace(TINY.regression, head=head))
    model = build_model("regression", config).eval()
    for height, width in ((128, 96), (160, 256)):  # the staff canvas, and a taller image the column head pools
        images = torch.ones(2, 1, height, width)
        valid = torch.ones_like(images, dtype=torch.bool)
        valid[1, ..., width // 2 :] = False  # the second image is half padding
        with torch.no_grad():
            logits = model(images, valid)
        assert logits.shape == (2, 52) and torch.isfinite(logits).all()


def test_column_head_ignores_padded_columns():
    # The max over columns must skip padding: padding drawn as pure ink would otherwise dominate it.
    config = dataclasses.replace(TINY, regression=dataclasses.replace(TINY.regression, head="column"))
    torch.manual_seed(0)
    model = build_model("regression", config).eval()
    images = torch.ones(1, 1, 128, 256)
    valid = torch.zeros_like(images, dtype=torch.bool)
    valid[..., :64] = True
    with torch.no_grad():
        blank = model(images, valid)
        images[..., 160:] = 0.0  # ink far right, in the padding
        inked = model(images, valid)
        unmasked = model(images, torch.ones_like(valid))
    torch.testing.assert_close(blank, inked, atol=1e-3, rtol=0)  # only the receptive field reaches across
    assert (inked - unmasked).abs().max() > 0.05  # 50x the cross-talk above

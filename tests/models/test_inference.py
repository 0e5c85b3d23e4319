import pytest
import torch

from omr.approaches import get_approach
from omr.models import ModelConfig, build_model
from omr.models.inference import fused_for_inference

TINY = ModelConfig(encoder="tu-mobilenetv3_small_050")


def _batch_norms(module):
    return sum(isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in module.modules())


def _trained_looking(approach):
    """A network whose batch norms hold running statistics far from the identity, as a trained one's do."""
    torch.manual_seed(0)
    model = build_model(approach, TINY, get_approach(approach).default_class_names() if approach != "sequence"
                        else ("clef:treble", "n4:4", "|"))
    for module in model.modules():
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
            module.running_mean.uniform_(-0.5, 0.5)
            module.running_var.uniform_(0.5, 2.0)
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.uniform_(-0.2, 0.2)
    return model.eval()


@pytest.mark.parametrize("approach", ["segmentation", "regression", "detection", "sequence"])
def test_a_fused_network_computes_what_the_trained_one_does_without_its_batch_norms(approach):
    model = _trained_looking(approach)
    fused = fused_for_inference(model)
    assert _batch_norms(model) > 0 and _batch_norms(fused) < _batch_norms(model) / 2
    images = torch.rand(2, 1, 128, 160)
    valid = torch.ones_like(images, dtype=torch.bool)
    valid[1, ..., 96:] = False  # a narrower staff beside a wider one: the padding path is traced as well
    with torch.no_grad():
        if approach == "detection":
            expected, got = model(images), fused(images)
            for a, b in zip(expected, got):
                torch.testing.assert_close(a["boxes"], b["boxes"], rtol=1e-4, atol=1e-3)
                torch.testing.assert_close(a["scores"], b["scores"], rtol=1e-4, atol=1e-4)
        elif approach == "segmentation":
            torch.testing.assert_close(fused(images), model(images), rtol=1e-4, atol=1e-4)
        else:
            for a, b in zip(model(images, valid), fused(images, valid)):
                torch.testing.assert_close(b, a, rtol=1e-4, atol=1e-4)


def test_fusing_leaves_the_trained_network_as_it_was():
    model = _trained_looking("segmentation")
    before = {k: v.clone() for k, v in model.state_dict().items()}
    fused_for_inference(model)
    assert _batch_norms(model) > 0
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())

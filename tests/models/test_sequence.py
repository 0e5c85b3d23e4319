"""The CRNN of the sequence approach: frames of 8 px, padding never reaches a staff, and it learns with CTC."""

import dataclasses

import numpy as np
import pytest
import torch

from omr.approaches import get_approach
from omr.approaches.sequence import decode_sequence, tokens_of
from omr.data import collate, load_split
from omr.data.dataset import SampleDataset
from omr.decode.tokens import tokens_from_label
from omr.models import Checkpoint, ModelConfig, load_predictor, save_checkpoint
from omr.models.checkpoint import load_checkpoint
from omr.models.config import SequenceModelConfig
from omr.models.sequence import FRAME_STRIDE, SequenceModel

TINY = ModelConfig(encoder="tu-mobilenetv3_small_050")


@pytest.mark.parametrize("kind", ["lstm", "transformer"])
def test_a_staff_reads_the_same_alone_and_beside_a_wider_one(kind):
    torch.manual_seed(0)
    model = SequenceModel("tu-mobilenetv3_small_050", 4, None, vocabulary_size=5, hidden=16, kind=kind).eval()
    narrow, wide = torch.rand(1, 1, 128, 96), torch.rand(1, 1, 128, 224)
    batch = torch.ones(2, 1, 128, 224)
    batch[0, :, :, :96], batch[1] = narrow[0], wide[0]
    valid = torch.zeros_like(batch, dtype=torch.bool)
    valid[0, :, :, :96], valid[1] = True, True
    with torch.no_grad():
        alone, alone_frames = model(narrow, torch.ones_like(narrow, dtype=torch.bool))
        together, frames = model(batch, valid)
    assert frames.tolist() == [96 // FRAME_STRIDE, 224 // FRAME_STRIDE] and alone_frames.tolist() == [12]
    # Padding frames are never read (packed LSTM / masked attention); what remains is the encoder's receptive field
    # seeing paper-padding where the lone image had convolution zero-padding: a few thousandths in log-probability.
    torch.testing.assert_close(together[0, :12], alone[0], rtol=0, atol=0.02)


def test_unknown_sequence_kind_names_the_params_key():
    with pytest.raises(ValueError, match="model.sequence.kind"):
        SequenceModel("tu-mobilenetv3_small_050", 4, None, vocabulary_size=3, kind="gru")


def test_a_tiny_set_is_learnt_with_ctc_and_read_back_through_the_predictor(tmp_path, tiny_dataset):
    approach = get_approach("sequence")
    samples = load_split(tiny_dataset, "train")[:4]
    names = approach.class_names([s.label for s in samples])
    samples = [dataclasses.replace(s, target=approach.sample_target(s.label, names)) for s in samples]
    config = dataclasses.replace(TINY, sequence=SequenceModelConfig(hidden=64, staff_normalize=False))
    torch.manual_seed(0)
    model = approach.build_model(config, names)
    loss_fn = approach.build_loss(None)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    batch = collate([SampleDataset(samples, with_mask=False)[i] for i in range(4)])
    batch.images = batch.images.float() / 255 if batch.images.dtype == torch.uint8 else batch.images
    losses = []
    for _ in range(120):
        loss = approach.loss(model, loss_fn, batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(float(loss))
    assert losses[-1] < 0.1 * losses[0]
    model.eval()
    path = tmp_path / "sequence-tiny.pt"
    save_checkpoint(path, Checkpoint("sequence", "tiny", config, names, model.state_dict(), step=120))
    predictor = load_predictor(path, device="cpu")
    for sample in samples:
        image = sample.image[0].numpy()
        output = predictor.predict(image)
        assert tokens_of(output)[0] == tokens_from_label(sample.label)
        decoded = decode_sequence(output, image)
        assert [(e.step, e.octave, e.alter, e.duration) for e in decoded.events] == \
            [(e.step, e.octave, e.alter, e.duration) for e in sample.label.events]
        # Heads are placed on the staff: y within a staff space of the truth's.
        assert np.allclose([e.y for e in decoded.events], [e.y for e in sample.label.events], atol=8)


def test_factorized_classifier_shares_position_duration_and_dots_across_tokens():
    from omr.approaches.sequence import token_factor_table
    from omr.models.sequence import FactorizedClassifier

    names = ("clef:treble", "n4:8", "n4:8.", "n6:8.", "r:16")
    table = token_factor_table(names)
    assert table[0] == () and table[1] == ()  # the blank and the clef are only themselves
    assert table[3] == ("note", "pos:4", "dur:8", "dots:1") and table[5] == ("rest", "dur:16", "dots:0")
    torch.manual_seed(0)
    classifier = FactorizedClassifier(6, table)
    features = torch.randn(2, 3, 6)
    # The factors start at zero: training begins from the joint classifier.
    torch.testing.assert_close(classifier(features), classifier.joint(features))
    with torch.no_grad():
        classifier.factor.bias.copy_(torch.arange(classifier.factor.bias.numel(), dtype=torch.float32) + 1)
    shift = classifier(features) - classifier.joint(features)
    column = {name: i for i, name in enumerate(sorted({n for row in table for n in row}))}
    expected = [sum(column[n] + 1 for n in row) for row in table]
    torch.testing.assert_close(shift[0, 0], torch.tensor(expected, dtype=torch.float32))
    # One gradient step on `n4:8.` moves `n6:8.` too (shared dur:8 and dots:1), the clef not at all.
    classifier.zero_grad()
    classifier(features)[..., 3].sum().backward()
    assert classifier.factor.weight.grad[column["dots:1"]].abs().sum() > 0
    assert classifier.factor.weight.grad[column["pos:6"]].abs().sum() == 0


def test_a_factorized_checkpoint_reads_back_bit_identical(tmp_path, tiny_dataset):
    approach = get_approach("sequence")
    samples = load_split(tiny_dataset, "train")[:2]
    names = approach.class_names([s.label for s in samples])
    config = dataclasses.replace(TINY, sequence=SequenceModelConfig(hidden=16, classifier="factorized"))
    torch.manual_seed(0)
    model = approach.build_model(config, names).eval()
    path = tmp_path / "sequence-factorized.pt"
    save_checkpoint(path, Checkpoint("sequence", "tiny", config, names, model.state_dict(), step=0))
    image = samples[0].image[0].numpy()
    rebuilt = load_checkpoint(path).build()
    assert rebuilt.classifier.__class__.__name__ == "FactorizedClassifier"
    predictor = load_predictor(path, device="cpu")  # its copy has the batch norms folded in (omr.models.inference)
    with torch.no_grad():
        tensor = torch.from_numpy(image.astype(np.float32) / 255.0)[None, None]
        torch.testing.assert_close(rebuilt(tensor)[0], model(tensor)[0], rtol=0, atol=0)
        torch.testing.assert_close(predictor.model(tensor)[0], model(tensor)[0], rtol=1e-4, atol=1e-5)

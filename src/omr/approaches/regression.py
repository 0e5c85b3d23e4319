"""The regression approach: the 52-key pitch vector of a whole staff (CONTRACT.md), decoded as a set of notes."""

from __future__ import annotations

from omr.approaches.base import Approach
from omr.decode import notes_from_vector
from omr.evaluate import metrics
from omr.decode.outputs import RegressionOutput


class RegressionApproach(Approach):
    name = "regression"
    losses = ("smoothed_bce", "weighted_mse")
    primary_metric = "set_exact_match"
    secondary_metric = "vector_micro_f1"
    allows_crop = False
    crop_refusal = "a window's pitch vector is not the image's"
    # It decodes a set (which white keys occur), so the report scores it on sets.
    transfer_metric = "set_micro_f1"
    exact_metric = "set_exact_match"
    report_notes = (
        "Regression is scored on sets: it predicts which white keys occur, not their order, repeats, rests,",
        "accidentals or durations, so its `ser` and `note_*` metrics compare an ascending list of quarter notes",
        "with the true events (its `ser` is what that gives), and its targets and its comparison with the others",
        "use `set_exact_match` / `set_micro_f1` (table below). `exact_match` compares whole events as `ser` does",
        "(alter, duration and dots too), stricter than issue 4's step+octave sequences.", "",
        "On `long` the regression reads the image whole (rescaled to an 8 px staff space):",
        "the encoder runs fully convolutionally over the whole width, the head scores the 52 white keys in every",
        "8 px column, and the maximum over the columns keeps, for each key, its best place anywhere on the staff,",
        "so one long staff becomes one 52-key set covering all of its 20-32 notes; order and repeats are lost.",
    )

    def build_model(self, config, class_names):
        from omr.models.regression import RegressionModel

        return RegressionModel(config)

    def build_loss(self, config):
        from omr.train.losses import SmoothedBCELoss, WeightedMSELoss

        if config.loss == "weighted_mse":
            return WeightedMSELoss(config.positive_weight)
        return SmoothedBCELoss(config.smoothing_sigma, config.count_weight)

    def loss(self, model, loss_fn, batch):
        return loss_fn(model(batch.images, batch.valid), batch.pitch_vectors)

    def outputs(self, model, class_names, images, valid, sizes, with_probabilities=True):
        import torch

        probabilities = torch.sigmoid(model(images, valid).float()).cpu().numpy()
        return [RegressionOutput(probabilities=p.astype("float32")) for p in probabilities]

    def validation_figures(self, outputs, samples, threshold):
        probabilities = [o.probabilities for o in outputs]
        truth_vectors = [s.label.pitch_vector for s in samples]
        predicted_notes = [notes_from_vector(p, threshold).notes for p in probabilities]
        truth_notes = [s.label.notes for s in samples]
        return {
            "set_exact_match": metrics.set_exact_match(predicted_notes, truth_notes),
            "vector_micro_f1": metrics.vector_micro_f1(probabilities, truth_vectors, threshold),
        }

    def decode(self, output, image, config):
        return notes_from_vector(output.probabilities, config.vector_threshold)

    def output_metrics(self, outputs, test_set, config):
        if not outputs:
            return {}
        vectors = [label.pitch_vector for label in test_set.labels]
        return {"vector_micro_f1": metrics.vector_micro_f1([o.probabilities for o in outputs], vectors,
                                                           config.vector_threshold)}

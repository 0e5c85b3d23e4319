"""The sequence approach: end to end, image -> token sequence with CTC (CRNN, omr.models.sequence), the field's
reference for single staves; tokens -> events by omr.decode.tokens (the same rules as every label)."""

from __future__ import annotations

import dataclasses
from typing import Sequence

import numpy as np

from omr.approaches.base import Approach
from omr.decode import Decoded, find_staff_lines, row_profile
from omr.decode.ctc import beam_ctc, greedy_ctc
from omr.decode.tokens import events_from_tokens, token_factors, tokens_from_label, vocabulary
from omr.evaluate import metrics
from omr.music.events import Event, StaffHeader, staff_position, staff_position_y
from omr.decode.outputs import SequenceOutput


class SequenceApproach(Approach):
    name = "sequence"
    losses = ("ctc",)
    primary_metric = "ser"  # lower is better (is_better below)
    secondary_metric = "exact_match"
    allows_crop = False
    crop_refusal = "a window's token sequence is not the image's (its clef and key would be cut off)"
    # Tokens name staff positions read off fixed rows of the canvas; 2 degrees tilt the ends of a 500 px staff by
    # a whole staff space (two positions), 0.5 degree by a quarter of one, within a position.
    max_rotation = 0.5
    report_notes = (
        "Sequence (CRNN + CTC) reads a staff as tokens of what is printed: clef, key and time signature, each",
        "head's staff position and duration (`n4:8.`; a grace note's small head `g4:8`), accidentals, barlines,",
        "ties, a tuplet's number before its group (`t3`) and signatures changed inside the staff; the events",
        "follow from them by the same rules as the labels (pitch from the clef in force, `alter` from the key in",
        "force and the measure, the tuplet's ratio from its number, a lone whole rest is a measure rest).",
    )

    def class_names(self, train_labels):
        return vocabulary(tokens_from_label(label) for label in train_labels)

    def build_model(self, config, class_names):
        from omr.models.sequence import SequenceModel

        own = config.sequence
        return SequenceModel(config.encoder_for(self.name), config.encoder_depth, config.weights, len(class_names),
                             channels=own.channels, hidden=own.hidden, layers=own.layers, kind=own.kind,
                             factors=token_factor_table(class_names) if own.classifier == "factorized" else None)

    def build_loss(self, config):
        import torch

        # zero_infinity: a staff too dense for its frames (never seen in our sets) costs nothing instead of NaN.
        return torch.nn.CTCLoss(blank=0, zero_infinity=True)

    def sample_target(self, label, class_names):
        import torch

        index = {token: i + 1 for i, token in enumerate(class_names)}  # 0 is the CTC blank
        # A val/test token the training set never had cannot be a target; it is left out (scored as a miss).
        return torch.tensor([index[t] for t in tokens_from_label(label) if t in index], dtype=torch.long)

    def loss(self, model, loss_fn, batch):
        import torch

        log_probs, lengths = model(batch.images, batch.valid)
        targets = batch.targets
        target_lengths = torch.tensor([len(t) for t in targets], dtype=torch.long)
        return loss_fn(log_probs.transpose(0, 1), torch.cat(targets), lengths, target_lengths)

    def outputs(self, model, class_names, images, valid, sizes, with_probabilities=True):
        from omr.models.sequence import FRAME_STRIDE

        log_probs, lengths = model(images, valid)
        log_probs = log_probs.float().cpu().numpy()
        return [SequenceOutput(np.ascontiguousarray(p[:n]), tuple(class_names), float(FRAME_STRIDE))
                for p, n in zip(log_probs, lengths.tolist())]

    def validation_figures(self, outputs, samples, threshold):
        predicted = [events_from_tokens(*tokens_of(o)).events for o in outputs]
        truth = [s.label.events for s in samples]
        return {"ser": metrics.ser(predicted, truth), "exact_match": metrics.exact_match(predicted, truth)}

    def is_better(self, figures, best):
        if best is None:
            return True
        return (-figures["ser"], figures["exact_match"]) > (-best["ser"], best["exact_match"])

    def decode(self, output, image, config):
        return decode_sequence(output, image, config.ctc_beam)


def token_factor_table(class_names) -> list[tuple[str, ...]]:
    """Per output index (0 = the CTC blank, then the vocabulary) the factors its logit shares."""
    return [()] + [token_factors(token) for token in class_names]


def tokens_of(output: SequenceOutput, beam: int = 1) -> tuple[list[str], list[float]]:
    """The output's tokens and the x (output pixels) of the frame each was read at; beam 1 = greedy."""
    labels, frames = greedy_ctc(output.log_probs) if beam <= 1 else beam_ctc(output.log_probs, beam)
    return [output.vocabulary[label - 1] for label in labels], [(f + 0.5) * output.frame_stride for f in frames]


def decode_sequence(output: SequenceOutput, image: np.ndarray, beam: int = 1) -> Decoded:
    """Events of a sequence output; heads are placed at the y of their staff position on the staff lines found in
    `image` (x from the frame they were read at), rests on the middle line."""
    tokens, xs = tokens_of(output, beam)
    reading = events_from_tokens(tokens, xs)
    staff = find_staff_lines(row_profile(image))
    events = reading.events
    if staff is not None:
        space, bottom = staff.staff_space, staff.bottom_line
        events = tuple(
            dataclasses.replace(e, y=staff_position_y(
                staff_position(e.step, e.octave, clef) if e.kind == "note" else 4, bottom, space))
            for e, clef in zip(events, clefs_in_force(reading.header, events)))
    return Decoded(events=events, staff_lines=None if staff is None else tuple(staff.lines), header=reading.header)


def clefs_in_force(header: StaffHeader, events: Sequence[Event]) -> list[str]:
    """The clef each event (x ascending) is read in: the staff's (treble where none is printed), or that of the
    last clef change at or left of it."""
    changes = [change for change in header.changes if change.clef is not None]
    clef, clefs, next_change = header.clef or "treble", [], 0
    for event in events:
        while next_change < len(changes) and changes[next_change].x <= event.x:
            clef, next_change = changes[next_change].clef, next_change + 1
        clefs.append(clef)
    return clefs

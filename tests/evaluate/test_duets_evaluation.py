"""The `duets` set is scored part by part: each part's events in reading order (`ser` pooled over parts) and
`part_assignment`, the share of staves read into their own part."""

from test_pages_evaluation import TruthReader

import omr.transcribe.assemble as assemble
from omr.decode.config import RecognizeConfig
from omr.evaluate.runner import EvaluateConfig, evaluate_model
from omr.samples import iter_split


def test_a_duet_read_with_true_tokens_puts_every_staff_in_its_part(tiny_duets):
    folder, _ = tiny_duets
    scores = evaluate_model(TruthReader(folder), folder.parent, EvaluateConfig(datasets=("duets",)),
                            RecognizeConfig())["duets"]
    assert scores["ser"] == 0.0 and scores["exact_match"] == 1.0 and scores["part_assignment"] == 1.0
    assert scores["staff_count_accuracy"] == 1.0 and scores["note_f1"] == 1.0


def test_staves_read_into_one_part_cost_part_assignment_and_ser(tiny_duets, monkeypatch):
    folder, meta = tiny_duets
    monkeypatch.setattr(assemble, "part_indices", lambda systems: tuple(0 for _ in systems))
    scores = evaluate_model(TruthReader(folder), folder.parent, EvaluateConfig(datasets=("duets",)),
                            RecognizeConfig())["duets"]
    assert scores["part_assignment"] == 0.5  # every upper staff right, every lower staff wrong
    lower = sum(s["events"][1] - s["events"][0] for _, label in iter_split(folder, "test")
                for s in label.extra["staves"] if s["part"] == 2)
    assert 0 < scores["ser"] and scores["exact_match"] == 0.0 and lower > 0

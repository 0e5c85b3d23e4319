"""Pages are scored as a user's page is read: staves found on the page, each read, events joined top to bottom."""

import hashlib

import numpy as np

from omr.decode.tokens import tokens_from_label
from omr.evaluate.runner import EvaluateConfig, evaluate_model
from omr.transcribe.locate import locate_staves
from omr.decode.outputs import SequenceOutput
from omr.decode.config import RecognizeConfig
from omr.music.events import StaffHeader
from omr.samples import SampleLabel, iter_split
from PIL import Image


def _key(image):
    return hashlib.sha1(np.ascontiguousarray(image).tobytes() + bytes(str(image.shape), "ascii")).hexdigest()


def _staff_label(page: SampleLabel, staff: dict) -> SampleLabel:
    first, end = staff["events"]
    return SampleLabel(id="staff", image="", width=page.width, height=page.height, staff_space=page.staff_space,
                       staff_lines=tuple(staff["staff_lines"]), events=page.events[first:end],
                       header=StaffHeader(staff["clef"], staff["key_fifths"], staff["time"], tuple(staff["barlines"])))


class TruthReader:
    """A sequence Predictor answering, for each staff crop the page locator makes, that staff's true tokens (one
    frame each, a blank between), or nothing for a crop it does not know."""

    approach = "sequence"

    def __init__(self, folder, drop_staff: int | None = None):
        self.tokens = {}
        for split_dir, label in iter_split(folder, "test"):
            page = np.asarray(Image.open(split_dir / label.image).convert("L"))
            crops = locate_staves(page)
            assert len(crops) == len(label.extra["staves"])
            for index, (crop, staff) in enumerate(zip(crops, label.extra["staves"])):
                if index != drop_staff:
                    self.tokens[_key(crop.image)] = tokens_from_label(_staff_label(label, staff))
        self.vocabulary = tuple(sorted({t for tokens in self.tokens.values() for t in tokens}))

    def predict_batch(self, images):
        outputs = []
        for image in images:
            tokens = self.tokens.get(_key(image), [])
            frames = np.full((2 * len(tokens) + 1, len(self.vocabulary) + 1), -30.0, dtype=np.float32)
            frames[0::2, 0] = 0.0  # blank between tokens, so a repeated token reads twice
            for index, token in enumerate(tokens):
                frames[2 * index + 1, 1 + self.vocabulary.index(token)] = 0.0
            outputs.append(SequenceOutput(log_probs=frames, vocabulary=self.vocabulary, frame_stride=8.0))
        return outputs


def test_a_page_read_staff_by_staff_with_true_tokens_scores_perfectly(tiny_pages):
    folder, _ = tiny_pages
    result = evaluate_model(TruthReader(folder), folder.parent, EvaluateConfig(datasets=("pages",)), RecognizeConfig())
    scores = result["pages"]
    assert scores["ser"] == 0.0 and scores["exact_match"] == 1.0 and scores["staff_count_accuracy"] == 1.0
    assert scores["note_f1"] == 1.0 and "notehead_iou" not in scores


def test_a_staff_read_as_nothing_costs_its_events_in_the_page_score(tiny_pages):
    folder, meta = tiny_pages
    result = evaluate_model(TruthReader(folder, drop_staff=0), folder.parent, EvaluateConfig(datasets=("pages",)),
                            RecognizeConfig())
    labels = [label for _, label in iter_split(folder, "test")]
    lost = sum(staff["events"][1] - staff["events"][0] for staff in (l.extra["staves"][0] for l in labels))
    assert result["pages"]["ser"] == round(lost / meta["event_count"], 6)
    assert result["pages"]["exact_match"] == 0.0 and result["pages"]["staff_count_accuracy"] == 1.0



def test_page_intervals_resample_whole_pages(tiny_pages):
    # Two pages, each missing its first staff: a resample holds one page twice, or both; with 50 resamples both
    # "twice" cases occur, so the interval runs from one page's own ser to the other's (by staff it would reach 1.0).
    folder, _ = tiny_pages
    result = evaluate_model(TruthReader(folder, drop_staff=0), folder.parent,
                            EvaluateConfig(datasets=("pages",), bootstrap_resamples=50), RecognizeConfig())
    labels = [label for _, label in iter_split(folder, "test")]
    page_sers = [(l.extra["staves"][0]["events"][1] - l.extra["staves"][0]["events"][0]) / len(l.events)
                 for l in labels]
    assert result["pages"]["ser_ci95"] == [round(min(page_sers), 6), round(max(page_sers), 6)]
    assert len(result["pages"]["note_f1_ci95"]) == 2

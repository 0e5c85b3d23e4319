"""What a model reads wrong on one test set, beyond `ser`: the staff's preamble (clef, key, time signature), the
durations of the notes it placed right, and for a detector which true boxes it finds.

Usage: .venv/bin/python benchmarks/reading_errors.py models/sequence-v03_aug.pt data/datasets/engraved_real
Prints clef / key / time accuracy with the commonest (truth, read) confusions, per true duration how many
pitch-aligned notes got another duration (and the commonest confusions), and, for detection models, per box class
the share of true boxes overlapped at IoU >= 0.3 by a box of that class scoring >= the decode threshold. Images are
read as `stages/evaluate.py` reads them (omr.evaluate.runner.recognize_all, params.yaml `decode`).
"""

from __future__ import annotations

import argparse
import warnings
from collections import Counter
from pathlib import Path

from omr.config import build_config, load_params, section
from omr.evaluate import metrics
from omr.evaluate.runner import recognize_all
from omr.evaluate.test_set import load_test_set
from omr.models import load_predictor
from omr.music.events import notes_of
from omr.decode.config import RecognizeConfig

BOX_IOU = 0.3  # a beam or tie box is thin: a loose overlap still says the symbol was seen


def preamble_report(recognitions, labels) -> None:
    for field in ("clef", "key_fifths", "time"):
        pairs = [(getattr(l.header, field), getattr(r.header, field)) for r, l in zip(recognitions, labels)]
        right = sum(truth == read for truth, read in pairs)
        confusions = Counter((truth, read) for truth, read in pairs if truth != read)
        print(f"{field}: {right}/{len(labels)} right; (truth, read): {confusions.most_common(6)}")


def duration_report(recognitions, labels) -> None:
    """Durations of the notes aligned by pitch (CONTRACT's duration_accuracy, broken down)."""
    wrong, total = Counter(), Counter()
    for recognition, label in zip(recognitions, labels):
        read, truth = notes_of(recognition.events), notes_of(label.events)
        alignment = metrics.align([n.name for n in read], [n.name for n in truth])
        for i, j in alignment.hits:
            true, got = (truth[j].duration, truth[j].dots), (read[i].duration, read[i].dots)
            total[true] += 1
            if got != true:
                wrong[(true, got)] += 1
    for true, count in total.most_common():
        print(f"  {true[0]}{'.' * true[1]:<3} {sum(n for (t, _), n in wrong.items() if t == true)}/{count} misread")
    print(f"durations (truth -> read): {wrong.most_common(8)}")


def box_report(recognitions, labels, threshold: float) -> None:
    found, total = Counter(), Counter()
    for recognition, label in zip(recognitions, labels):
        boxes = [b for b in recognition.output.boxes if b.score >= threshold]
        for truth in label.boxes:
            total[truth.label] += 1
            found[truth.label] += any(b.label == truth.label and _iou(b.xyxy, truth.xyxy) >= BOX_IOU for b in boxes)
    for name, count in total.most_common():
        print(f"  {name:<18} {found[name] / count:.2f} of {count}")


def _iou(a, b) -> float:
    w, h = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
    inter = max(0.0, w) * max(0.0, h)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return float(inter / union) if union > 0 else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", type=Path, nargs="?", default=Path("models/sequence-v03_aug.pt"),
                        help="a checkpoint (default: %(default)s)")
    parser.add_argument("dataset", type=Path, nargs="?", default=Path("data/datasets/engraved_real"),
                        help="a dataset folder with a test split, not pages (default: %(default)s)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    config = build_config(RecognizeConfig, section(load_params(), "decode"), "decode")
    predictor = load_predictor(args.model, device="cpu")
    test_set = load_test_set(args.dataset)
    if test_set.is_pages:
        parser.error(f"{args.dataset}: whole pages; give a set of staves")
    recognitions = recognize_all(predictor, test_set.images, config, 32)
    print(f"{args.model} on {args.dataset} ({len(test_set.labels)} staves)")
    preamble_report(recognitions, test_set.labels)
    duration_report(recognitions, test_set.labels)
    if predictor.approach == "detection":
        print(f"true boxes found (IoU >= {BOX_IOU}, score >= {config.score_threshold}):")
        box_report(recognitions, test_set.labels, config.score_threshold)


if __name__ == "__main__":
    main()

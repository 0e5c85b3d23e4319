"""Two pipeline runs compared: a metrics cell agrees inside the reference's interval; outputs agree by hash."""

from omr.evaluate.agreement import compare_lock_outputs, compare_results

REFERENCE = {"sequence-v03_aug": {"v03": {"ser": 0.19, "ser_ci95": [0.17, 0.21], "note_f1": 0.98},
                                  "pages": {"ser": 0.23, "ser_ci95": [0.16, 0.30]}}}


def verdicts(candidate):
    return {(c.dataset, c.metric): c.verdict for c in compare_results(REFERENCE, candidate)}


def test_a_figure_inside_the_interval_agrees_and_one_outside_does_not():
    candidate = {"sequence-v03_aug": {"v03": {"ser": 0.205, "note_f1": 0.98}, "pages": {"ser": 0.31}}}
    assert verdicts(candidate) == {("v03", "ser"): "within", ("v03", "note_f1"): "identical",
                                   ("pages", "ser"): "outside"}


def test_a_changed_figure_without_an_interval_is_outside_and_a_lost_cell_is_missing():
    candidate = {"sequence-v03_aug": {"v03": {"ser": 0.19, "note_f1": 0.981}}}
    assert verdicts(candidate) == {("v03", "ser"): "identical", ("v03", "note_f1"): "outside",
                                   ("pages", "ser"): "missing"}


def test_outputs_agree_by_md5_and_a_missing_output_is_named():
    reference = {"stages": {"generate@v01": {"outs": [{"path": "data/datasets/v01", "md5": "a.dir"}]},
                            "train@x": {"outs": [{"path": "models/x.pt", "md5": "b"}]},
                            "report": {"outs": [{"path": "reports/report.md"}]}}}  # not cached: no md5, not compared
    candidate = {"stages": {"generate@v01": {"outs": [{"path": "data/datasets/v01", "md5": "a.dir"}]},
                            "train@x": {"outs": [{"path": "models/x.pt", "md5": "c"}]}}}
    found = {(o.stage, o.path): o.same for o in compare_lock_outputs(reference, candidate)}
    assert found == {("generate@v01", "data/datasets/v01"): True, ("train@x", "models/x.pt"): False}
    assert compare_lock_outputs(reference, {"stages": {}})[0].same is None

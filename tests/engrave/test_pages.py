"""The `pages` test set: verovio pages of several systems, each staff verified, events in reading order."""

import numpy as np
import pytest
from PIL import Image

from omr.config import ConfigError, build_config
from omr.engrave.page import PageStyle, system_starts, without_text_boxes
from omr.engrave.pages_dataset import PAGE_FAILURES, PagesConfig, write_pages_dataset
from omr.engrave.measures import MeasureWindow, SourceEvent
from omr.engrave.corpus import TuneRef, WindowRejected
from omr.music.events import StaffHeader
from omr.samples import iter_split


def test_every_page_lists_its_staves_top_to_bottom_and_their_events_cover_the_page_in_order(tiny_pages):
    folder, meta = tiny_pages
    assert meta["kind"] == "pages" and meta["splits"] == {"test": 2} and meta["staves"] >= 4
    assert set(PAGE_FAILURES) <= set(meta["verification_drops"])
    for split_dir, label in iter_split(folder, "test"):
        image = np.asarray(Image.open(split_dir / label.image))
        assert image.shape == (label.height, label.width) and label.width == PageStyle().width
        staves = label.extra["staves"]
        assert len(staves) >= 2
        tops = [staff["staff_lines"][0] for staff in staves]
        assert tops == sorted(tops) and all(b - a >= 8 * label.staff_space for a, b in zip(tops, tops[1:]))
        # The staves' event ranges tile the page's events, each event inside its own staff's columns.
        assert staves[0]["events"][0] == 0 and staves[-1]["events"][1] == len(label.events)
        for staff, following in zip(staves, staves[1:] + [None]):
            first, end = staff["events"]
            assert first < end and (following is None or following["events"][0] == end)
            x0, top, x1, bottom = staff["box"]
            for event in label.events[first:end]:
                assert x0 < event.x < x1 and top - 6 * label.staff_space < event.y < bottom + 6 * label.staff_space
            assert len(staff["barlines"]) >= 1 and staff["clef"] == label.header.clef
        # The first system prints the time signature, a later one only where the meter changes as it starts; clef
        # and key are printed on every one. A meter changed inside a staff, or before the next (a courtesy), is one
        # of its changes.
        assert staves[0]["time"] == label.header.time is not None
        for staff, before in zip(staves[1:], staves):
            changed = any("time" in change for change in before.get("changes", ()))
            assert staff["time"] is None or (changed and before["changes"][-1].get("time") == staff["time"])
        printed = sum(staff["time"] is not None for staff in staves)
        printed += sum("time" in change for staff in staves for change in staff.get("changes", ()))
        assert sum(b.label == "time_signature" for b in label.boxes) == printed
        assert sum(b.label.startswith("clef") for b in label.boxes) == len(staves)
        # The staff lines are drawn where the label says: dark rows.
        for staff in staves:
            x0, _, x1, _ = (int(v) for v in staff["box"])
            for y in staff["staff_lines"]:
                assert image[int(round(y)) - 1 : int(round(y)) + 2, x0:x1].min(axis=0).mean() < 160


def test_same_params_give_identical_pages_for_any_worker_count(files_by_workers):
    config = build_config(PagesConfig, {"seed": 5, "pages": 1, "measures": [6, 8]}, "pages")
    in_process, pooled = files_by_workers(write_pages_dataset, config, (0, 2))
    assert in_process == pooled


def _window(ties_into: set[int], measures: int = 8) -> MeasureWindow:
    events = []
    for measure in range(measures):
        tie_out = measure + 1 in ties_into
        events.append(SourceEvent("note", "half", 0, measure, "C", 5, tie="stop" if measure in ties_into else None))
        events.append(SourceEvent("note", "half", 0, measure, "C", 5, tie="start" if tie_out else None))
    return MeasureWindow(tune=TuneRef("x.abc", 1), title="", events=tuple(events), measures=measures,
                         header=StaffHeader(key_fifths=0, time="4/4", clef="treble"))


def test_line_breaks_hold_the_drawn_measures_and_never_fall_inside_a_tie():
    rng = np.random.default_rng(0)
    for _ in range(20):
        starts = system_starts(_window({3, 5}), rng, (2, 3))
        assert starts[0] == 0 and 3 not in starts and 5 not in starts
        lengths = np.diff(list(starts) + [8])
        assert all(1 <= n <= 4 for n in lengths) and all(lengths[:-1] >= 2)
    with pytest.raises(WindowRejected, match="tie_across_every_break"):
        system_starts(_window({2, 3}), np.random.default_rng(0), (2, 3))


def test_text_inside_svg_text_loses_its_bounding_boxes_and_labels_only():
    svg = ('<svg><g class="note"><g class="bounding-box"><rect/></g></g><text font-size="0px"><tspan class="rend">'
           '<g id="bbox-1" class="rend bounding-box"><title class="labelAttr">title</title></g>'
           '<title class="labelAttr">title</title><g id="bbox-2" class="text bounding-box" />'
           '<tspan font-size="600px">Tune</tspan></tspan></text></svg>')
    assert without_text_boxes(svg) == ('<svg><g class="note"><g class="bounding-box"><rect/></g></g>'
                                       '<text font-size="0px"><tspan class="rend"><tspan font-size="600px">Tune'
                                       '</tspan></tspan></text></svg>')


@pytest.mark.parametrize("params, key", [
    ({"pages": 0}, "pages"),
    ({"style": {"measures_per_system": [3, 2]}}, "measures_per_system"),
    ({"style": {"width": 200}}, "width"),
])
def test_bad_pages_params_name_the_key(params, key):
    with pytest.raises(ConfigError, match=key):
        build_config(PagesConfig, params, "pages")

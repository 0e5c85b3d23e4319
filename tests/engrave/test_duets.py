"""The `duets` test set: verovio pages whose systems hold two staves (upper part treble, lower bass), each staff
verified, labelled with its part and system, byte-identical for a seed."""

import numpy as np
from PIL import Image

from omr.config import build_config
from omr.engrave.duets import DUET_FAILURES, DuetsConfig, write_duets_dataset
from omr.samples import iter_split
from omr.transcribe.locate import locate_staves


def test_each_system_holds_the_two_parts_upper_treble_lower_bass(tiny_duets):
    folder, meta = tiny_duets
    assert meta["kind"] == "pages" and meta["parts"] == 2 and meta["splits"] == {"test": 2}
    assert set(DUET_FAILURES) <= set(meta["verification_drops"])
    for _, label in iter_split(folder, "test"):
        staves = label.extra["staves"]
        systems = len(staves) // 2
        assert len(staves) == 2 * systems >= 2
        assert [s["part"] for s in staves] == [1, 2] * systems
        assert [s["system"] for s in staves] == [n for n in range(systems) for _ in (1, 2)]
        assert [s["clef"] for s in staves] == ["treble", "bass"] * systems
        assert staves[0]["time"] == staves[1]["time"] is not None and all(s["time"] is None for s in staves[2:])
        # The staves' event ranges tile the page's events in reading order; a system's staves share its barlines.
        assert staves[0]["events"][0] == 0 and staves[-1]["events"][1] == len(label.events)
        assert all(a["events"][1] == b["events"][0] for a, b in zip(staves, staves[1:]))
        for upper, lower in zip(staves[0::2], staves[1::2]):
            assert np.allclose(upper["barlines"], lower["barlines"], atol=1.0)
        assert sum(b.label.startswith("clef") for b in label.boxes) == len(staves)


def test_the_page_reader_finds_each_systems_two_staves_joined(tiny_duets):
    folder, _ = tiny_duets
    for split_dir, label in iter_split(folder, "test"):
        located = locate_staves(np.asarray(Image.open(split_dir / label.image).convert("L")))
        assert [staff.system for staff in located] == [s["system"] for s in label.extra["staves"]]


def test_the_same_seed_writes_the_same_bytes(tiny_duets, tmp_path):
    folder, _ = tiny_duets
    config = build_config(DuetsConfig, {"seed": 3, "pages": 2, "measures": [5, 7]}, "duets")
    write_duets_dataset(tmp_path / "again", config)
    files = sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "again") for p in (tmp_path / "again").rglob("*") if p.is_file())
    assert all((folder / f).read_bytes() == (tmp_path / "again" / f).read_bytes() for f in files)

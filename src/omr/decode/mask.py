"""Segmentation class map -> events: notehead components (touching heads split), staff lines, accidentals nearby;
the other classes' components become symbols for the shared assembler (omr.decode.notation)."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from omr.decode.components import Component, components
from omr.decode.decoded import Decoded
from omr.decode.geometry import StaffGeometry, accidental_reach, class_row_profile, find_staff_lines, row_profile
from omr.decode.notation import FLAG_REACH, HEAD_DURATION, REST_DURATION, Symbol, assemble
from omr.samples import ACCIDENTAL_ALTER

HEAD_WIDTH_SPACES = 1.3  # a notehead is about 1.3 staff spaces wide and 1 high
MIN_HEAD_AREA_SHARE = 0.25  # blobs smaller than this share of a head's area are noise
STEM_SPACES = 3.5  # a stem's length from its head in staff spaces: the engraving rule (and the renderer's default)
# A 16th's or 32nd's flags overlap into one blob: the first flag is FLAG_LENGTH spaces long along the stem and each
# further one hangs FLAG_SPACING lower (our renderer's glyphs, omr.render.notation_glyphs/note_layout).
FLAG_LENGTH, FLAG_SPACING = 2.1, 0.75  # measured on v03's masks: 2.12, 2.88, 3.62 spaces for 1, 2, 3 flags
# Two dots of a double-dotted note touch (0.5 spaces apart, 0.4 wide): a blob this much wider holds one more.
DOT_WIDTH, DOT_ADVANCE = 0.45, 0.5
# A key signature's neighbouring signs may touch: a sign's blob is about 0.4 spaces wider than its advance.
KEY_ADVANCE = {"sharp": 1.2, "flat": 1.1}
# A grace note is drawn at 0.6 of a note's size (omr.render.grace); its first flag's blob is 1.7 of its spaces long
# (8 px at a staff space of 8: 1, 2, 3 flags measure 8, 12, 16 px, the slash of an acciaccatura included).
GRACE_SCALE, GRACE_FLAG_LENGTH = 0.6, 1.7
# A clef printed inside the staff is smaller than the opening one (a bass clef change's body: 54 px at space 8).
CLEF_MIN_AREA = 0.5 * HEAD_WIDTH_SPACES
UNSPLIT_HEADS = ("notehead_breve", "notehead_grace")
STEMLESS_HEADS = ("notehead_whole", "notehead_breve")


def notes_from_mask(class_map: np.ndarray, class_names: Sequence[str], image: np.ndarray | None = None) -> Decoded:
    """Events left to right from a class map; staff lines from its staff_line class, else from the image."""
    class_map = np.asarray(class_map)
    names = list(class_names)
    staff = _staff(class_map, names, image)
    if staff is None:
        return Decoded(events=(), staff_lines=None)
    space = staff.staff_space
    head_ids = [names.index(n) for n in HEAD_DURATION if n in names and n not in UNSPLIT_HEADS]
    # Bridging 1 px rejoins a hollow head's ring where resampling or a model broke it into arcs.
    heads = _split_heads(components(np.isin(class_map, head_ids), bridge=1), space)
    stem = class_map == names.index("stem") if "stem" in names else np.zeros(class_map.shape, bool)
    kinds = [_head_kind(class_map, names, head) for head in heads]
    # A breve is wider than a head and a grace head smaller: each class is read on its own, never cut.
    for name in UNSPLIT_HEADS:
        blobs = _blobs(class_map, names, name, bridge=1)
        heads, kinds = heads + blobs, kinds + [name] * len(blobs)
    found = [(h, k, _stem_up(h, space, stem)) for h, k in zip(heads, kinds)]
    found = [(h, k, up) for h, k, up in found if _is_head(h, space, up is not None or k in STEMLESS_HEADS)]
    found.sort(key=lambda item: item[0].centre[0])
    printed, unattached = _accidentals(class_map, names, [h for h, _, _ in found], [k for _, k, _ in found], space)
    symbols = [Symbol(kind, tuple(map(float, h.bbox)), h.centre, accidental=sign, stem_up=up)
               for (h, kind, up), sign in zip(found, printed)]
    graces = [symbol for symbol in symbols if symbol.kind == "notehead_grace"]
    return assemble(staff, symbols, _marks(class_map, names, staff, graces), unattached)


def _marks(class_map: np.ndarray, names: list[str], staff: StaffGeometry, graces: list[Symbol]) -> list[Symbol]:
    """Symbols of everything but heads and accidentals: beams, dots, ties, flags, rests, barlines, clefs, tuplets."""
    space = staff.staff_space
    marks = [_symbol("beam", blob) for blob in _blobs(class_map, names, "beam")]
    # A barline or stem painted over a tie cuts it: pieces 2 px apart are one tie.
    marks += [_symbol("tie", blob) for blob in _blobs(class_map, names, "tie", bridge=1)]
    for blob in _blobs(class_map, names, "augmentation_dot"):
        marks += [_symbol("augmentation_dot", blob)] * _count(blob.bbox[2] - blob.bbox[0], space, DOT_WIDTH, DOT_ADVANCE)
    for blob in _blobs(class_map, names, "flag"):
        # A grace note's flags are drawn small: counted at its size.
        if any(_grace_flag(blob, grace, space) for grace in graces):
            count = _count(blob.bbox[3] - blob.bbox[1], space * GRACE_SCALE, GRACE_FLAG_LENGTH, FLAG_SPACING)
        else:
            count = _count(blob.bbox[3] - blob.bbox[1], space, FLAG_LENGTH, FLAG_SPACING)
        marks += [_symbol("flag", blob)] * count
    for name in REST_DURATION:
        if name in names:
            marks += _glyphs(name, components(class_map == names.index(name)), MIN_HEAD_AREA_SHARE * space * space)
    marks += [Symbol("barline", (x, 0.0, x, 0.0), (x, 0.0)) for x in _barlines(class_map, names, staff)]
    # A clef is there where its glyph covers at least half a notehead's area (not a few stray pixels); where it
    # stands says whether it opens the staff or changes it.
    for name in ("clef", "clef_bass"):
        marks += _glyphs(name, _blobs(class_map, names, name), CLEF_MIN_AREA * space * space)
    # A tuplet's number and its bracket's two halves are one symbol: pieces up to a space apart.
    marks += [_symbol("tuplet", blob) for blob in _blobs(class_map, names, "tuplet", bridge=int(np.ceil(space / 2)))]
    return marks


def _grace_flag(flag: Component, grace: Symbol, space: float) -> bool:
    """The flag starts at the grace note's stem (up from its right edge, or down from its left) on its side."""
    x0, y0, x1, y1 = flag.bbox
    up = (y0 + y1) / 2.0 < grace.centre[1]
    return abs(x0 - (grace.box[2] if up else grace.box[0])) <= FLAG_REACH * space


def _blobs(class_map: np.ndarray, names: list[str], kind: str, bridge: int = 0) -> list[Component]:
    return components(class_map == names.index(kind), bridge=bridge) if kind in names else []


def _count(extent: float, space: float, first: float, advance: float) -> int:
    """How many touching copies of a sign make a blob `extent` px long (the first `first` spaces, each further one
    `advance` more)."""
    return max(1, 1 + int(round((extent / space - first) / advance)))


def _symbol(kind: str, blob: Component) -> Symbol:
    return Symbol(kind, tuple(map(float, blob.bbox)), blob.centre)


def _glyphs(kind: str, blobs: list[Component], min_area: float) -> list[Symbol]:
    """One symbol per glyph (a rest, a clef): pieces that share columns are one glyph; specks are none."""
    groups: list[list[Component]] = []
    for blob in sorted(blobs, key=lambda b: b.bbox[0]):
        if groups and blob.bbox[0] <= max(b.bbox[2] for b in groups[-1]):
            groups[-1].append(blob)
        else:
            groups.append([blob])
    glyphs = []
    for group in groups:
        rows, cols = np.concatenate([b.rows for b in group]), np.concatenate([b.cols for b in group])
        if rows.size >= min_area:
            glyphs.append(_symbol(kind, Component(rows, cols)))
    return glyphs


def _barlines(class_map: np.ndarray, names: list[str], staff: StaffGeometry) -> tuple[float, ...]:
    """x of each barline blob that spans most of the staff's height (a stray pixel of the class is not a bar)."""
    if "barline" not in names:
        return ()
    bars = []
    for blob in components(class_map == names.index("barline")):
        x0, y0, x1, y1 = blob.bbox
        if y1 - y0 >= 3 * staff.staff_space:
            bars.append((x0 + x1) / 2)
    return tuple(sorted(bars))


def _staff(class_map: np.ndarray, names: list[str], image: np.ndarray | None) -> StaffGeometry | None:
    staff = None
    if "staff_line" in names:
        staff = find_staff_lines(class_row_profile(class_map, names.index("staff_line")))
    if staff is None and image is not None:
        staff = find_staff_lines(row_profile(image))
    return staff


def _split_heads(blobs: list[Component], space: float) -> list[Component]:
    """Cut a blob wider (or taller) than one head into as many heads, at the thinnest columns (rows)."""
    heads = []
    for blob in blobs:
        for part in _split_along(blob, space * HEAD_WIDTH_SPACES, axis=1):
            heads.extend(_split_along(part, space * 1.0, axis=0))
    return heads


def _split_along(blob: Component, size: float, axis: int) -> list[Component]:
    coords = blob.cols if axis == 1 else blob.rows
    lo = int(coords.min())
    extent = int(coords.max()) - lo + 1
    count = int(round(extent / size))
    if extent <= 1.5 * size or count < 2:
        return [blob]
    profile = np.bincount(coords - lo, minlength=extent)
    cuts = []
    for k in range(1, count):
        guess = int(round(k * extent / count))
        window = max(1, int(size / 3))
        a, b = max(1, guess - window), min(extent - 1, guess + window + 1)
        cuts.append(lo + a + int(np.argmin(profile[a:b])) if b > a else lo + guess)
    edges = [lo, *cuts, lo + extent]
    parts = []
    for start, end in zip(edges, edges[1:]):
        keep = (coords >= start) & (coords < end)
        if keep.any():
            parts.append(type(blob)(blob.rows[keep], blob.cols[keep]))
    return parts


def _stem_up(head: Component, space: float, stem: np.ndarray) -> bool | None:
    """Whether the head's stem goes up (from its right side) or down (from its left), from the stem class; None
    where it has none. Any stem pixel beside the head or along the stem's length (3.5 spaces) counts: where a stem
    crosses ledger lines or sits next to an accidental, a model may give its first pixels another class."""
    x0, y0, x1, y1 = head.bbox
    side, length = int(np.ceil(space / 2)), int(np.ceil(STEM_SPACES * space))
    middle = (x0 + x1) // 2
    region = stem[max(0, y0 - length): y1 + length, max(0, x0 - side): x1 + side]
    if not region.any():
        return None
    rows, cols = np.nonzero(region)
    rows, cols = rows + max(0, y0 - length), cols + max(0, x0 - side)
    head_y = (y0 + y1) / 2
    up = int(((rows < head_y) & (cols >= middle)).sum())
    down = int(((rows > head_y) & (cols < middle)).sum())
    return up >= down


def _is_head(head: Component, space: float, has_stem: bool) -> bool:
    """A head is head-sized (a hollow ring has little area but a full box) or at least a quarter of that area, and
    has a stem unless it is a whole note's: the glyphs a model may read as heads (a font's clef curl, a time
    signature's digits) have none."""
    x0, y0, x1, y1 = head.bbox
    expected = HEAD_WIDTH_SPACES * space * space * 0.8  # ellipse area ~ pi/4 of its box
    head_sized = x1 - x0 >= 0.6 * HEAD_WIDTH_SPACES * space and y1 - y0 >= 0.6 * space
    if not head_sized and head.area < MIN_HEAD_AREA_SHARE * expected:
        return False
    return has_stem


def _head_kind(class_map: np.ndarray, names: list[str], head: Component) -> str:
    """Majority notehead class of the head's pixels (filled, hollow or whole)."""
    values = class_map[head.rows, head.cols]
    counts = {name: int((values == names.index(name)).sum()) for name in HEAD_DURATION if name in names}
    return max(counts, key=counts.get)


def _accidentals(class_map: np.ndarray, names: list[str], heads: list[Component], kinds: list[str],
                 space: float) -> tuple[list[str | None], list[tuple[str, float]]]:
    """Printed sign per head from accidental blobs (each blob votes, by area, for the nearest head starting to its
    right), and (kind, x, y) of the blobs no head is near (a key signature's, or look-alikes)."""
    votes: list[dict[str, int]] = [{} for _ in heads]
    unattached: list[tuple[str, float, float]] = []
    # Touching key signs are split only where the vocabulary is real notation's (its training sets draw key
    # signatures); a seed model's class map is read as before.
    split = "notehead_whole" in names
    reaches = [accidental_reach(kind) * space for kind in kinds]
    for name in ACCIDENTAL_ALTER:
        if name not in names:
            continue
        for blob in components(class_map == names.index(name)):
            ax, ay = blob.centre
            candidates = []
            for index, head in enumerate(heads):
                hx, hy = head.centre
                if 0 < hx - ax <= reaches[index] and abs(hy - ay) <= 2.0 * space:
                    candidates.append((hx - ax + abs(hy - ay), index))
            if candidates:
                index = min(candidates)[1]
                votes[index][name] = votes[index].get(name, 0) + blob.area
            elif blob.area >= MIN_HEAD_AREA_SHARE * space * space:
                unattached.extend(_key_signs(name, blob, space, split))
    return [max(v, key=v.get) if v else None for v in votes], unattached


def _key_signs(name: str, blob: Component, space: float, split: bool) -> list[tuple[str, float, float]]:
    """(kind, x, y) of the signs in an accidental blob no head took: touching key signs spread over its width."""
    x0, _, x1, _ = blob.bbox
    count = _count(x1 - x0, space, KEY_ADVANCE[name] + 0.4, KEY_ADVANCE[name]) if split and name in KEY_ADVANCE else 1
    if count == 1:
        return [(name, *blob.centre)]
    signs = []
    for k in range(count):
        # Each sign's height is that of the pixels in its share of the columns (a key change's signs are checked
        # against their places on the staff).
        left, right = x0 + k * (x1 - x0) / count, x0 + (k + 1) * (x1 - x0) / count
        rows = blob.rows[(blob.cols >= left) & (blob.cols < right)]
        signs.append((name, (left + right) / 2, float(rows.mean()) + 0.5 if rows.size else blob.centre[1]))
    return signs

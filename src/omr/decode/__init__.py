"""Model outputs back to notes (numpy only): boxes, class maps and pitch vectors, on shared staff geometry."""

from omr.decode.boxes import notes_from_boxes
from omr.decode.decoded import Decoded
from omr.decode.geometry import StaffGeometry, estimate_staff_space, find_staff_lines, row_profile, staff_from_box
from omr.decode.mask import notes_from_mask
from omr.decode.vector import notes_from_vector

__all__ = [
    "Decoded",
    "StaffGeometry",
    "estimate_staff_space",
    "find_staff_lines",
    "notes_from_boxes",
    "notes_from_mask",
    "notes_from_vector",
    "row_profile",
    "staff_from_box",
]

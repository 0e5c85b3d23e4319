"""A measure window as LilyPond input, and LilyPond's SVG of it (the engraver no training set uses).

The writer puts every event on its own line, so the point-and-click link LilyPond wraps around each notehead and rest
(`textedit://<file>:<line>:<char>:<column>`) names the event it engraves: the line is the event's. Signatures and
tuplet openers get their own lines too. A prelude makes LilyPond label its grobs in the SVG (`output-attributes`:
the grob's class, the input line it came from and, as a second opinion beside the drawing, its own reading of the
pitch, duration, tie ends, tuplet ratio and meter); omr.engrave.lilypond_svg reads that back.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Sequence

from omr.engrave.corpus import WindowRejected
from omr.engrave.window import MeasureWindow, SourceChange, SourceEvent
from omr.music.elements import tuplet_brackets
from omr.music.events import measure_length

LILYPOND_DURATIONS = {"breve": "\\breve", "whole": "1", "half": "2", "quarter": "4", "eighth": "8", "16th": "16",
                      "32nd": "32"}
# \key takes a tonic: the major key of each signature (-7 flats .. 7 sharps), in \language "english" names.
KEY_TONICS = ("cf", "gf", "df", "af", "ef", "bf", "f", "c", "g", "d", "a", "e", "b", "fs", "cs")
ALTER_SUFFIX = {-1: "f", 0: "", 1: "s"}  # english note names: fs = F sharp, bf = B flat
LABELLED_GROBS = ("StaffSymbol", "NoteHead", "Rest", "MultiMeasureRest", "Accidental", "AccidentalCautionary",
                  "Dots", "Stem", "Flag", "Beam", "Tie", "Clef", "KeySignature", "KeyCancellation", "TimeSignature",
                  "BarLine", "TupletNumber", "TupletBracket")
LILYPOND_VERSION = "2.24.0"  # the language level written; Debian bookworm's lilypond is 2.24.1
TIMEOUT_SECONDS = 120

# Scheme: every labelled grob becomes <g class="Grob" data-origin="line:char" ...> in the SVG. data-pitch is
# LilyPond's (notename 0=C.., octave 0=c', alteration in whole tones), data-duration its (log 0=whole -1=breve, dots).
PRELUDE = r"""
#(define (omr-origin grob)
   (let* ((cause (and (ly:grob? grob) (event-cause grob)))
          (origin (and cause (ly:event-property cause 'origin))))
     (if (ly:input-location? origin)
         (let ((where (ly:input-file-line-char-column origin)))
           (format #f "~a:~a" (cadr where) (caddr where)))
         "")))
#(define (omr-duration event)
   (let ((duration (and event (ly:event-property event 'duration #f))))
     (if (ly:duration? duration)
         (format #f "~a ~a" (ly:duration-log duration) (ly:duration-dot-count duration))
         "")))
#(define (omr-pitch event)
   (let ((pitch (and event (ly:event-property event 'pitch #f))))
     (if (ly:pitch? pitch)
         (format #f "~a ~a ~a" (ly:pitch-notename pitch) (ly:pitch-octave pitch) (ly:pitch-alteration pitch))
         "")))
#(define (omr-extra name grob)
   (let ((cause (event-cause grob)))
     (case name
       ((NoteHead) `((data-pitch . ,(omr-pitch cause)) (data-duration . ,(omr-duration cause))))
       ((Rest) `((data-duration . ,(omr-duration cause))))
       ((Tie) `((data-from . ,(omr-origin (ly:spanner-bound grob LEFT)))
                (data-to . ,(omr-origin (ly:spanner-bound grob RIGHT)))))
       ((TupletNumber) `((data-ratio . ,(format #f "~a/~a" (ly:event-property cause 'numerator)
                                                 (ly:event-property cause 'denominator)))))
       ((TimeSignature) (let ((fraction (ly:grob-property grob 'fraction)))
                          `((data-fraction . ,(format #f "~a/~a" (car fraction) (cdr fraction))))))
       (else '()))))
#(define (omr-attributes grob)
   (let ((name (grob::name grob)))
     (append `((class . ,(symbol->string name)) (data-origin . ,(omr-origin grob))) (omr-extra name grob))))
"""


@dataclass(frozen=True)
class LilypondInput:
    """A window's .ly text and which of its lines (1-based) hold what: each event's token, each signature (kind
    'clef' | 'key' | 'time', at the window's start or at change number `change`), each tuplet's opener."""

    text: str
    event_lines: tuple[int, ...]  # one per window event, in order
    signature_lines: tuple[tuple[int, str, int], ...]  # (line, kind, change index; -1: the opening header)
    tuplet_lines: tuple[tuple[int, tuple[int, ...]], ...]  # (line of \tuplet, the event indices inside it)


def window_lilypond(window: MeasureWindow) -> LilypondInput:
    """The window as one LilyPond staff: its header, measures (a bar check after each), changes at measure starts,
    tuplets grouped as every writer of ours groups them (tuplet_brackets), grace notes and measure rests."""
    # One list item per line of the file: an item's index + 1 is the line LilyPond's links name.
    lines = [f'\\version "{LILYPOND_VERSION}"', '\\language "english"', *PRELUDE.strip().splitlines(),
             *_paper_and_layout().splitlines(), "\\score {", "\\new Staff {"]
    event_lines: list[int] = [0] * len(window.events)
    signature_lines: list[tuple[int, str, int]] = []
    tuplet_lines: list[tuple[int, tuple[int, ...]]] = []
    opening = SourceChange(0, window.header.clef, window.header.key_fifths, window.header.time)
    changes = {change.measure: (index, change) for index, change in enumerate(window.changes)}
    for measure in range(window.measures):
        index, change = (-1, opening) if measure == 0 else changes.get(measure, (None, None))
        if change is not None:
            for kind, line in signature_tokens(change):
                lines.append(line)
                signature_lines.append((len(lines), kind, index))
        members = [i for i, event in enumerate(window.events) if event.measure == measure]
        length = measure_length(window.in_force(measure).time)
        for token, enclosed in measure_tokens([window.events[i] for i in members], length):
            lines.append(token)
            if enclosed is not None and token.startswith("\\tuplet"):
                tuplet_lines.append((len(lines), tuple(members[i] for i in enclosed)))
            elif enclosed is not None:
                event_lines[members[enclosed[0]]] = len(lines)
        lines.append("|")
    lines += ['\\bar "|"', "}", "\\layout { }", "}"]
    return LilypondInput(text="\n".join(lines) + "\n", event_lines=tuple(event_lines),
                         signature_lines=tuple(signature_lines), tuplet_lines=tuple(tuplet_lines))


def _paper_and_layout() -> str:
    """One system on one page as wide as the music (ly:one-line-breaking), no title, tagline or bar numbers; every
    labelled grob carries its attributes; 4/4 and 2/2 print digits unless the window asks for C or C|."""
    overrides = "\n".join(f"    \\override {grob}.output-attributes = #omr-attributes" for grob in LABELLED_GROBS)
    return ("\\header { tagline = ##f }\n"
            "\\paper { page-breaking = #ly:one-line-breaking indent = 0 ragged-right = ##t }\n"
            "\\layout {\n  \\context { \\Score\n    \\omit BarNumber\n"
            "    \\override TimeSignature.style = #'numbered\n" + overrides + "\n  }\n}")


def signature_tokens(change: SourceChange) -> list[tuple[str, str]]:
    """(kind, line) of each signature a measure starts with: clef, then key, then time (a reader's order)."""
    tokens = []
    if change.clef is not None:
        tokens.append(("clef", f"\\clef {change.clef}"))
    if change.key_fifths is not None:
        tokens.append(("key", f"\\key {KEY_TONICS[change.key_fifths + 7]} \\major"))
    if change.time is not None:
        tokens.append(("time", time_token(change.time)))
    return tokens


def time_token(time: str) -> str:
    """\\time for a window's meter name: 'C' and 'C|' as LilyPond's C symbols of 4/4 and 2/2, others as digits."""
    if time in ("C", "C|"):
        return f"\\once \\override Staff.TimeSignature.style = #'C \\time {'4/4' if time == 'C' else '2/2'}"
    return f"\\time {time}"


def measure_tokens(events: list[SourceEvent], length: Fraction | None):
    """(line, enclosed) for one measure: an event's token with (its index,), a tuplet opener with the indices it
    encloses, a grace opener or a closing brace with None. Indices count within `events`."""
    brackets = tuplet_brackets(events)
    open_tuplet: list[int] | None = None
    grace_open = False
    out: list[tuple[str, tuple[int, ...] | None]] = []
    for index, (event, bracket) in enumerate(zip(events, brackets)):
        grace = event.kind == "note" and event.grace
        if grace_open and (not grace or event.slash != events[index - 1].slash):
            out.append(("}", None))
            grace_open = False
        if bracket in ("start", "startStop"):
            open_tuplet = _tuplet_members(events, brackets, index)
            out.append((f"\\tuplet {event.tuplet[0]}/{event.tuplet[1]} {{", tuple(open_tuplet)))
        if grace and not grace_open:
            out.append(("\\slashedGrace {" if event.slash else "\\grace {", None))
            grace_open = True
        out.append((event_token(event, length), (index,)))
        if bracket in ("stop", "startStop"):
            if grace_open:
                out.append(("}", None))
                grace_open = False
            out.append(("}", None))
            open_tuplet = None
    if grace_open:
        out.append(("}", None))
    return out


def _tuplet_members(events: list[SourceEvent], brackets: list[str | None], start: int) -> list[int]:
    """Indices of the timed events from a bracket's start to its stop (grace notes inside it stand outside)."""
    members = []
    for index in range(start, len(events)):
        if not (events[index].kind == "note" and events[index].grace):
            members.append(index)
        if brackets[index] in ("stop", "startStop"):
            return members
    raise ValueError("a tuplet bracket that never closes")


def event_token(event: SourceEvent, length: Fraction | None) -> str:
    """One note or rest: english pitch, absolute octave marks (c' = C4), duration, dots, `~` to tie on; a measure
    rest as R lasting its measure (`length` quarters)."""
    if event.fills_measure:
        whole = Fraction(length) / 4
        return "R1" if whole == 1 else f"R1*{whole.numerator}/{whole.denominator}"
    value = LILYPOND_DURATIONS[event.duration] + "." * event.dots
    if event.kind == "rest":
        return f"r{value}"
    marks = event.octave - 3
    octave = "'" * marks if marks > 0 else "," * -marks
    tie = " ~" if event.tie in ("start", "continue") else ""
    return f"{event.step.lower()}{ALTER_SUFFIX[event.alter]}{octave}{value}{tie}"


def lilypond_executable() -> str:
    """The lilypond on PATH; OSError saying how to install it where there is none."""
    found = shutil.which("lilypond")
    if found is None:
        raise OSError("lilypond is not on PATH (`make lilypond` installs Debian's package; see docs/datasets.md)")
    return found


def engrave_lilypond_svg(text: str, name: str = "window") -> str:
    """LilyPond's SVG of one .ly text; raises its WindowRejected (see engrave_lilypond_svgs)."""
    found = engrave_lilypond_svgs([text], name)[0]
    if isinstance(found, WindowRejected):
        raise found
    return found


def engrave_lilypond_svgs(texts: Sequence[str], name: str = "window") -> list[str | WindowRejected]:
    """LilyPond's SVG (point-and-click links on) of each one-system .ly text, all in one LilyPond run (its start-up,
    ~1.7 s, is most of a window's cost; each file is engraved on its own, so a result never depends on the others).
    Per file, WindowRejected `lilypond_failed` where it gave no SVG, `lilypond_warning` where it warned (a failed bar
    check, a collision: the drawing may not be the input), `more_than_one_page` where the music needed two."""
    if not texts:
        return []
    with tempfile.TemporaryDirectory(prefix="omr-lilypond-") as folder:
        names = [f"{name}{index:03d}" for index in range(len(texts))]
        for stem, text in zip(names, texts):
            (Path(folder) / f"{stem}.ly").write_text(text, encoding="utf-8")
        command = [lilypond_executable(), "-dbackend=svg", "--formats=svg", "-dpoint-and-click",
                   *[f"{stem}.ly" for stem in names]]
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=TIMEOUT_SECONDS * len(texts),
                              env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C", "HOME": folder})
        logs = _logs_by_file(done.stderr, names)
        return [_result(Path(folder), stem, logs.get(stem, "")) for stem in names]


def _logs_by_file(stderr: str, names: list[str]) -> dict[str, str]:
    """LilyPond's messages split by the file it was processing (each section opens with "Processing `<file>'")."""
    logs, current = {}, None
    for line in stderr.splitlines():
        if line.startswith("Processing `") and line.endswith(".ly'"):
            current = line[len("Processing `"):-len(".ly'")]
            continue
        if current in names:
            logs[current] = logs.get(current, "") + line + "\n"
    return logs


def _result(folder: Path, stem: str, log: str) -> str | WindowRejected:
    message = " ".join(line for line in log.splitlines() if "warning" in line or "error" in line)[-300:]
    pages = sorted(page.name for page in folder.glob(f"{stem}*.svg"))
    if "error" in log.lower() or not pages:
        return WindowRejected("lilypond_failed", message or "no SVG written")
    if "warning" in log.lower():
        return WindowRejected("lilypond_warning", message)
    if pages != [f"{stem}.svg"]:
        return WindowRejected("more_than_one_page", f"{pages}")
    return (folder / pages[0]).read_text(encoding="utf-8")

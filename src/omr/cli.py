"""The `omr` console command: one subcommand per module under omr.commands, imported only when used."""

from __future__ import annotations

import argparse
import importlib
import sys

# name -> module defining `configure(parser)` and `run(args) -> int`; imported lazily so `omr render` never loads torch.
SUBCOMMANDS = {
    "render": ("omr.commands.render", "render a random sample or a given note list to PNG + mask/boxes/notes JSON"),
    "transcribe": ("omr.commands.transcribe", "transcribe page or staff images into MusicXML, MIDI and notes"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="omr", description="Optical music recognition lab")
    subparsers = parser.add_subparsers(dest="command", required=True)
    wanted = argv[0] if argv and argv[0] in SUBCOMMANDS else None
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        if name == wanted:
            importlib.import_module(module_name).configure(sub)
    args, _ = parser.parse_known_args(argv) if wanted is None else (parser.parse_args(argv), None)
    module = importlib.import_module(SUBCOMMANDS[args.command][0])
    try:
        return int(module.run(args) or 0)
    except (ValueError, FileNotFoundError, OSError) as error:
        print(f"omr {args.command}: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

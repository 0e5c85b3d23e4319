"""MusicXML 4.0 validation against the W3C XSD kept beside this module (LICENSE.md: source and licence).

The XSD imports xml.xsd and xlink.xsd by their www.musicxml.org addresses; a resolver answers those with the local
copies, and neither the schema nor a document is allowed to reach the network or load a DTD (music21 writes a
DOCTYPE naming the partwise DTD, which validation against the XSD does not need).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent
MUSICXML_XSD = SCHEMA_DIR / "musicxml.xsd"
# What musicxml.xsd's <xs:import schemaLocation=...> names, answered from this folder.
LOCAL_COPIES = {
    "http://www.musicxml.org/xsd/xml.xsd": SCHEMA_DIR / "xml.xsd",
    "http://www.musicxml.org/xsd/xlink.xsd": SCHEMA_DIR / "xlink.xsd",
}


def musicxml_errors(text: str | bytes) -> list[str]:
    """Every way the MusicXML text breaks the MusicXML 4.0 XSD, one 'line N: message' each; [] when it is valid."""
    from lxml import etree

    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        document = etree.fromstring(data, _offline_parser())
    except etree.XMLSyntaxError as error:
        return [f"line {error.lineno}: not well-formed XML: {error.msg}"]
    schema = _musicxml_schema()
    if schema.validate(document):
        return []
    return [f"line {entry.line}: {entry.message}" for entry in schema.error_log]


@lru_cache(maxsize=1)
def _musicxml_schema():
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(MUSICXML_XSD), _offline_parser()))


def _offline_parser():
    from lxml import etree

    class LocalCopies(etree.Resolver):
        def resolve(self, url, public_id, context):
            local = LOCAL_COPIES.get(url)
            return None if local is None else self.resolve_filename(str(local), context)

    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False, huge_tree=False)
    parser.resolvers.add(LocalCopies())
    return parser

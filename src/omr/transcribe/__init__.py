"""The page path: an image of one staff or a page of many -> events -> MusicXML, MIDI and notes.json.

Its modules, in the order data flows through them (each imports only those above it):

pdf        a PDF's pages drawn as page images at the models' training staff space (the other input)
page       read the file (`read_image`), tell ink from paper, turn the page straight by its staff lines' angle
staves     find the staves on the straightened page: five-line combs, their extent, the systems they form
locate     crop each staff as the models were trained to see it (`locate_staves`: page -> staves -> crops, once)
recognize  one crop -> events with any trained predictor (rescale, predict, decode, map back)
assemble   the page: staves in page pixels, clef, key and time carried from staff to staff, ties across staves
           (`transcribe_page`: locate -> recognize -> assemble)
write      the files `omr transcribe` writes for a page (MusicXML and MIDI through omr.music.score)
document   a PDF as one transcription: each page through the path above, the header and ties carried across
           page turns, one set of files

`omr transcribe` (omr.commands.transcribe) and the `pages` evaluation (omr.evaluate.runner) both go through here,
so a user's page is read exactly like a test page. Torch-free: the predictor is passed in.
"""

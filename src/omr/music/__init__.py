"""The music model every layer shares (as music21's object model is shared by its readers and writers).

events     notes, rests, pitches, clefs, keys, meters, the staff header, the 52-key pitch vector (no numpy, no torch)
elements   one event, clef, key or meter <-> its music21 object (what both writers and readers are built of)
musicxml   one staff's events <-> MusicXML through music21
page_staff one staff of a page (ScoreStaff) as the page writer and reader take it
score      a page of staves as one music21 score: MusicXML and MIDI out, MusicXML back in
score_reader a MusicXML page back into its staves
round_trip every label must survive events -> MusicXML -> events (the dataset stages' check)
"""

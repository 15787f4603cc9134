"""2. Structure : séances, tours de parole, citations, propositions, intervenants."""

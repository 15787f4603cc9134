"""3. Analyse : spaCy, mots-clés, thèmes, entités, sigles."""

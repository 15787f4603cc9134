"""Support : écritures atomiques, caches, verrou, ordonnancement, YAML borné."""

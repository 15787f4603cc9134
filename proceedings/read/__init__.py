"""1. Lecture : le dossier de l’événement, le programme, les notes dans leurs formats."""

"""5. Rendu : gabarits Jinja2, typographie, graphiques, vers le Markdown maître."""

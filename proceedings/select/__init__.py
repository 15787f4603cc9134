"""4. Sélection : messages clés, citations, budget de pages, comptes rendus condensés."""

# proceedings — des notes des rapporteurs aux actes de la Rencontre.
# `make` installe tout (dans .venv) puis construit la synthèse de démonstration dans output/ ;
# `make test` lance les tests. `make help` liste les autres cibles.

PYTHON  ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
EVENT   ?= transcripts
OUT     ?= output
PUBLICATION ?= publication
FORMATS ?= docx,pdf,html,fiches
ACTES   ?=
INSTALLED := $(VENV)/.installe
STAMP   := $(OUT)/.construit
# What a build reads: when none of these is newer than the last build, there is nothing to
# do. Folders count too, so that a note deleted or renamed also triggers a rebuild. The test
# is done by find in the recipe, which copes with file names that contain spaces.
INPUTS  := $(EVENT) templates proceedings pyproject.toml requirements.lock
comma   := ,
FORMATLIST := $(subst $(comma), ,$(FORMATS))
# the Actes intégraux: in ACTES's formats, or else in the synthesis's
ACTESLIST := $(if $(ACTES),$(filter-out aucun,$(subst $(comma), ,$(ACTES))),$(filter-out fiches,$(FORMATLIST)))
OUTPUTS := $(OUT)/synthese.md $(foreach f,$(filter-out fiches,$(FORMATLIST)),$(OUT)/synthese.$(f)) \
           $(if $(filter fiches,$(FORMATLIST)),$(OUT)/fiches) \
           $(OUT)/actes.md $(foreach f,$(ACTESLIST),$(OUT)/actes.$(f))

.DEFAULT_GOAL := all
.PHONY: all build fiches apercu publier check test lint clean distclean help setup lock bench-motscles bench-performance bench-structure bench-resume identique demo-binaires verifier-demo

all: build ## Installe si besoin, puis construit la synthèse de démonstration (DOCX, PDF, HTML)

build: $(INSTALLED)
	@todo=; [ -f "$(STAMP)" ] || todo=1; \
	for f in $(OUTPUTS); do [ -e "$$f" ] || todo=1; done; \
	[ -n "$$todo" ] || [ -z "$$(find $(INPUTS) -newer "$(STAMP)" -print -quit)" ] || todo=1; \
	if [ -z "$$todo" ]; then \
	  echo "La synthèse est à jour ($(OUT)/) : rien à refaire."; \
	else \
	  mkdir -p "$(OUT)" && touch "$(STAMP).nouveau" && \
	  $(PY) -m proceedings build "$(EVENT)" --sortie "$(OUT)" --formats "$(FORMATS)" $(if $(ACTES),--actes "$(ACTES)") && \
	  mv "$(STAMP).nouveau" "$(STAMP)"; \
	fi

fiches: $(INSTALLED) ## Construit seulement les fiches de session (output/fiches/*.pdf)
	$(PY) -m proceedings build "$(EVENT)" --sortie "$(OUT)" --formats fiches

apercu: $(INSTALLED) ## Aperçu de la synthèse dans le navigateur, mis à jour à chaque changement (Ctrl-C l’arrête)
	$(PY) -m proceedings apercu "$(EVENT)" --sortie "$(OUT)/apercu"

publier: $(INSTALLED) ## La version à diffuser dans publication/ (refusée tant qu’il reste à faire)
	$(PY) -m proceedings publier "$(EVENT)" --sortie "$(PUBLICATION)"

check: $(INSTALLED) ## Bilan du dépôt des notes (affiché, et écrit dans output/bilan-depot.html)
	$(PY) -m proceedings check "$(EVENT)"

test: $(INSTALLED) ## Lance les tests (un processus par cœur, les fichiers de test répartis entre eux)
	$(PY) -m pytest -q -n auto --dist loadfile --no-loadscope-reorder

lint: $(INSTALLED) ## Vérifie le style (ruff) et les types (mypy)
	$(VENV)/bin/ruff check proceedings tests scripts bench
	$(VENV)/bin/ruff format --check proceedings tests scripts bench
	$(VENV)/bin/mypy

bench-resume: $(INSTALLED) ## Comptes rendus condensés notés (ROUGE) sur des débats réels (docs/resume.md)
	$(PY) bench/resume.py

bench-structure: $(INSTALLED) ## Tours de parole, intervenants et citations mesurés contre l’étalon (docs/structure.md)
	$(PY) bench/structure.py

bench-motscles: $(INSTALLED) ## Mesure les mots-clés (qualité, vitesse) ; écrit docs/mots-cles.md
	$(PY) bench/motscles.py

bench-performance: $(INSTALLED) ## Mesure la construction (temps, mémoire) ; écrit docs/performance.md
	$(PY) bench/performance.py

demo-binaires: $(INSTALLED) ## Régénère les notes Word et LibreOffice de la démonstration depuis scripts/demo/
	$(PY) scripts/make_demo_binaries.py

verifier-demo: $(INSTALLED) ## Vérifie que ces notes sont bien celles que donnent leurs sources
	$(PY) scripts/make_demo_binaries.py --verifier

identique: $(INSTALLED) ## Compare octet par octet la démonstration construite par REF=<commit> et par le code actuel
	@test -n "$(REF)" || { echo "Indiquez le commit de référence : make identique REF=<commit>"; exit 2; }
	$(PY) scripts/compare_outputs.py $(REF)

setup: $(INSTALLED) ## Crée .venv et installe les dépendances épinglées

$(INSTALLED): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "Python 3.11 ou plus récent est nécessaire (trouvé : $$($(PYTHON) --version 2>&1))." \
	       "Indiquez-le avec : make PYTHON=python3.12"; exit 1; }
	@[ -x "$(PY)" ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev,bench]'
	@touch $@

clean: ## Supprime les documents produits (output/)
	rm -rf "$(OUT)"

distclean: clean ## Supprime aussi l’environnement Python (.venv)
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis

help: ## Affiche cette aide
	@echo "Cibles disponibles :"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{ printf "  make %-16s %s\n", $$1, $$2 }'
	@echo "Variables : EVENT=$(EVENT)  OUT=$(OUT)  FORMATS=$(FORMATS)  ACTES=$(ACTES)  PYTHON=$(PYTHON)"

lock: $(INSTALLED) ## Régénère requirements.lock depuis l’environnement installé
	@{ sed -n '/^#/p' requirements.lock; $(PY) -m pip freeze --exclude-editable | grep -v '^-e'; } > requirements.lock.nouveau
	@mv requirements.lock.nouveau requirements.lock && echo "requirements.lock régénéré."

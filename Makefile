# Two commands on a fresh machine: `make book` and `make test`.
# Every target installs what it needs into .venv on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
JB     := $(BIN)/jupyter-book

# Debian packages the PDF needs (xelatex, latexmk, the LaTeX classes and fonts).
TEX_PACKAGES := texlive-xetex texlive-latex-recommended texlive-latex-extra \
                texlive-fonts-recommended latexmk fonts-freefont-otf

.PHONY: all book test unit pdf bench serve tex clean help

help:
	@echo "make book   build the HTML site into _build/html"
	@echo "make test   unit tests, then a strict build of the whole book"
	@echo "make pdf    build _build/latex/book.pdf with xelatex"
	@echo "make bench  time our models against scikit-learn"
	@echo "make serve  serve _build/html on http://localhost:8000"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,book]'
	touch $@

# The execution cache keys on the cells, not on code/, so every build starts
# from a clean cache: a changed model always re-runs its chapter.
define clean_execution
	rm -rf _build/.jupyter_cache _build/jupyter_execute
endef

book: $(STAMP)
	$(clean_execution)
	rm -rf _build/html
	$(JB) build . --builder html

unit: $(STAMP)
	$(BIN)/python -m pytest

# A failing cell, a broken reference, a missing citation or any Sphinx
# warning fails this target.
test: unit
	$(clean_execution)
	rm -rf _build/html
	$(JB) build . --builder html --all -W -n --keep-going

tex:
	@missing=""; \
	for cmd in xelatex latexmk; do \
	  command -v $$cmd >/dev/null 2>&1 || missing="$$missing $$cmd"; done; \
	kpsewhich fncychap.sty >/dev/null 2>&1 || missing="$$missing fncychap.sty"; \
	fc-list 2>/dev/null | grep -qi FreeSerif || missing="$$missing FreeSerif"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$CI" = "true" ] && [ "$$(id -u)" = "0" ]; then \
	    echo "Installing TeX (missing:$$missing)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -qq $(TEX_PACKAGES); \
	  else \
	    echo "The PDF needs TeX; missing:$$missing"; \
	    echo "Install it with:"; \
	    echo "  sudo apt-get install $(TEX_PACKAGES)"; \
	    exit 1; \
	  fi; \
	fi

pdf: $(STAMP) tex
	$(clean_execution)
	rm -rf _build/latex
	$(JB) build . --builder pdflatex
	@test -s _build/latex/book.pdf || \
	  { echo "no _build/latex/book.pdf was written"; exit 1; }
	@echo "PDF: _build/latex/book.pdf"

bench: $(STAMP)
	$(BIN)/python tests/benchmarks/run.py

serve:
	$(PYTHON) -m http.server --directory _build/html 8000

clean:
	rm -rf _build

# Two commands on a fresh machine: `make book` and `make test`.
# Every target installs what it needs into .venv on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
JB     := $(BIN)/jupyter-book

# The PyTorch release the neural-network tests compare with.
TORCH := torch==2.13.0

# Debian packages the PDF needs (xelatex, latexmk, the LaTeX classes and fonts).
TEX_PACKAGES := texlive-xetex texlive-latex-recommended texlive-latex-extra \
                texlive-fonts-recommended latexmk fonts-freefont-otf

.PHONY: all book test lint unit chapters pdf bench serve tex torch \
        torch-if-local execution-cache clean help

help:
	@echo "make book      build the HTML site into _build/html"
	@echo "make test      lint, unit tests, every chapter's visible cells,"
	@echo "               then a strict build of the whole book"
	@echo "make lint      ruff check and ruff format --check on code/ tests/"
	@echo "make unit      the unit tests only"
	@echo "make chapters  run each chapter's visible cells as a reader would"
	@echo "make pdf       build _build/latex/book.pdf with xelatex"
	@echo "make bench     time our models against the reference libraries"
	@echo "make torch     install PyTorch (a large download from PyPI)"
	@echo "make serve     serve _build/html on http://localhost:8000"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,book]'
	touch $@

# PyTorch is the reference of the neural-network tests, which skip their
# comparisons without it. From PyPI it is a download of several GB, so
# `make test` installs it only when pip finds the wheel in a local folder
# (its find-links), which `pip download --no-index` tells without a download.
torch-if-local: $(STAMP)
	@if $(BIN)/python -c "import torch" 2>/dev/null; then exit 0; fi; \
	wheels=$$(mktemp -d); \
	if $(BIN)/python -m pip download --quiet --no-deps --no-index \
	     '$(TORCH)' -d "$$wheels" >/dev/null 2>&1; then \
	  rm -rf "$$wheels"; \
	  $(BIN)/python -m pip install --quiet '$(TORCH)'; \
	else \
	  rm -rf "$$wheels"; \
	  echo "No local PyTorch wheel: the PyTorch comparisons will be" \
	       "skipped ('make torch' installs it)."; \
	fi

torch: $(STAMP)
	$(BIN)/python -m pip install '$(TORCH)'

# One execution of every chapter, shared by the HTML and the PDF builds.
# The execution cache (execute_notebooks: cache) re-runs a chapter whose
# cells changed, but it does not see code/ or the installed versions. So the
# cache is emptied whenever code/scratch/ (the models and their data),
# pyproject.toml or the installed PyTorch differ from what it was filled
# with, recorded as a hash in _build/.code-hash: a changed model always
# re-runs every chapter, and an unchanged one lets `make pdf` reuse what
# `make test` executed.
CODE_HASH := $(BIN)/python -c 'import hashlib, importlib.metadata, pathlib; \
  files = sorted(p for p in pathlib.Path("code/scratch").rglob("*") \
                 if p.is_file() and "__pycache__" not in p.parts); \
  digest = hashlib.sha256(); \
  [digest.update(str(p).encode() + b"\0" + p.read_bytes()) \
   for p in files + [pathlib.Path("pyproject.toml")]]; \
  torch = importlib.metadata.distributions(name="torch"); \
  digest.update(str([d.version for d in torch]).encode()); \
  print(digest.hexdigest())'

execution-cache: $(STAMP)
	@hash=$$($(CODE_HASH)); \
	if [ "$$hash" != "$$(cat _build/.code-hash 2>/dev/null)" ]; then \
	  echo "code/scratch or pyproject.toml changed: executing every chapter"; \
	  rm -rf _build/.jupyter_cache _build/jupyter_execute; \
	  mkdir -p _build; \
	  echo "$$hash" > _build/.code-hash; \
	fi

book: $(STAMP) torch-if-local execution-cache
	rm -rf _build/html
	$(JB) build . --builder html

lint: $(STAMP)
	$(BIN)/python -m ruff check code tests
	$(BIN)/python -m ruff format --check code tests

unit: $(STAMP) torch-if-local
	$(BIN)/python -m pytest -m "not chapters"

# Each chapter's visible cells, extracted in order and run in a fresh
# process outside the repository: what a reader who copies them gets.
chapters: $(STAMP) torch-if-local
	$(BIN)/python -m pytest -m chapters

# A failing test or cell, a broken reference, a missing citation or any
# Sphinx warning fails this target.
test: lint unit chapters torch-if-local execution-cache
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

pdf: $(STAMP) tex torch-if-local execution-cache
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

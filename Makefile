# Two commands on a fresh machine: `make book` and `make test`.
# Every target installs what it needs into .venv on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
JB     := $(BIN)/jupyter-book

# Chapters and tests run with one BLAS thread: their matrices are small, and
# on a busy machine a second thread waiting to be scheduled made a chapter
# several times slower.
ONE_THREAD := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

# The PyTorch release the neural-network tests compare with.
TORCH := torch==2.13.0

# Debian packages the PDF needs: xelatex, latexmk, the LaTeX classes,
# poppler-utils (pdftotext, for the check of the PDF) and the fonts
# (TeX Gyre Pagella and Pagella Math, DejaVu Sans Mono for code).
TEX_PACKAGES := texlive-xetex texlive-latex-recommended texlive-latex-extra \
                texlive-fonts-recommended latexmk poppler-utils \
                fonts-texgyre fonts-texgyre-math fonts-dejavu-core

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
	@echo "make bench-record  store timings for the performance appendix"
	@echo "make torch     install PyTorch (a large download from PyPI)"
	@echo "make serve     serve _build/html on http://localhost:8000"
	@echo "make site-check  open every page of _build/html in Chromium"
	@echo "make student   the site without solutions, _build/student/html"
	@echo "make exercise MODEL=kmeans       a chapter's key functions to write,"
	@echo "                                 in exercises/kmeans/"
	@echo "make exercise-test MODEL=kmeans  the chapter's tests on your version"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,book,site]'
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
	  rm -rf _build/.jupyter_cache _build/jupyter_execute _build/.doctrees; \
	  mkdir -p _build; \
	  echo "$$hash" > _build/.code-hash; \
	fi

# Matplotlib's cache in the build folder: where HOME is not writable it
# would otherwise warn, in a cell's output, about a temporary one.
MPL_ENV := MPLCONFIGDIR=$(CURDIR)/_build/.matplotlib

# `make book STUDENT=1` builds the student edition instead (`make student`).
book: $(STAMP) torch-if-local execution-cache
ifeq ($(STUDENT),1)
	$(MAKE) --no-print-directory student
else
	rm -rf _build/html
	$(ONE_THREAD) $(MPL_ENV) $(JB) build . --builder html
endif

lint: $(STAMP)
	$(BIN)/python -m ruff check code tests tools
	$(BIN)/python -m ruff format --check code tests tools

unit: $(STAMP) torch-if-local
	$(BIN)/python -m pytest -m "not chapters"

# Each chapter's visible cells, extracted in order and run in a fresh
# process outside the repository: what a reader who copies them gets.
chapters: $(STAMP) torch-if-local
	$(BIN)/python -m pytest -m chapters

# A failing test or cell, a broken reference, a missing citation, any
# Sphinx warning, a chapter slower than CHAPTER_LIMIT seconds or a page the
# browser check rejects fails this target. The tests and the book build run
# side by side, one per core, each with one BLAS thread; the tests that
# read the built site run after the build.
CHAPTER_LIMIT ?= 90
test: lint torch-if-local execution-cache
	$(MAKE) --no-print-directory -j2 --output-sync=target tests-alone \
	  html-strict
	$(BIN)/python tools/execution_report.py --limit $(CHAPTER_LIMIT)
	$(BIN)/python -m pytest -q tests/test_notebooks.py \
	  -k "built_site or generated_notebook or built_student"
	$(MAKE) --no-print-directory site-check

# Every test, the chapters' visible cells included; the tests of the built
# site skip here, since the site is being built beside them.
.PHONY: tests-alone html-strict
tests-alone: $(STAMP)
	$(ONE_THREAD) BOOK_HTML=$(CURDIR)/_build/no-site $(BIN)/python -m pytest

html-strict: $(STAMP)
	rm -rf _build/html
	$(ONE_THREAD) $(MPL_ENV) $(JB) build . --builder html --all -W -n \
	  --keep-going

# Every page of _build/html opened in headless Chromium (tools/check_site.py):
# raw TeX, MathJax errors, displays wider than the column, clipped glyphs,
# broken images and links, console errors and stderr outputs fail it.
# Playwright comes with the venv (the `site` extra); as root under CI=true
# it installs Debian's chromium; without a browser it says so and skips.
.PHONY: site-check student
site-check: $(STAMP)
	$(BIN)/python tools/check_site.py _build/html --install

# The student edition: the site without the exercises' solutions, in
# _build/student/html. Built from a generated copy of _config.yml with
# sphinx-exercise's hide_solutions on; it reuses the execution cache.
student: $(STAMP) torch-if-local execution-cache
	rm -rf _build/student
	$(BIN)/python tools/student_config.py _build/student/_config.yml
	$(ONE_THREAD) $(MPL_ENV) $(JB) build . --builder html \
	  --config _build/student/_config.yml --path-output _build/student
	mv _build/student/_build/html _build/student/html
	rm -rf _build/student/_build
	@echo "Student edition: _build/student/html"

# Learn by doing: `make exercise MODEL=kmeans` copies the package to
# exercises/kmeans/ (or DIR=...) with the chapter's key functions replaced
# by a NotImplementedError naming their equations; `make exercise-test
# MODEL=kmeans` runs the chapter's tests on that copy (ARGS=... goes to
# pytest). FORCE=1 starts a workspace again. The list: tools/exercise.py.
.PHONY: exercise exercise-test
MODEL ?=
DIR   ?= exercises/$(MODEL)
exercise: $(STAMP)
	$(BIN)/python tools/exercise.py new $(MODEL) --dir $(DIR) \
	  $(if $(FORCE),--force)

exercise-test: $(STAMP)
	$(BIN)/python tools/exercise.py test $(MODEL) --dir $(DIR) -- $(ARGS)

tex:
	@missing=""; \
	for cmd in xelatex latexmk; do \
	  command -v $$cmd >/dev/null 2>&1 || missing="$$missing $$cmd"; done; \
	kpsewhich fncychap.sty >/dev/null 2>&1 || missing="$$missing fncychap.sty"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing pdftotext"; \
	kpsewhich texgyrepagella-math.otf >/dev/null 2>&1 || \
	  missing="$$missing texgyrepagella-math.otf"; \
	kpsewhich texgyrepagella-regular.otf >/dev/null 2>&1 || \
	  missing="$$missing texgyrepagella-regular.otf"; \
	fc-list 2>/dev/null | grep -qi 'DejaVu Sans Mono' || \
	  missing="$$missing DejaVuSansMono"; \
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
	$(ONE_THREAD) $(MPL_ENV) $(JB) build . --builder pdflatex
	@test -s _build/latex/book.pdf || \
	  { echo "no _build/latex/book.pdf was written"; exit 1; }
# Raw TeX, '??', undefined references, wide lines, missing chapters,
# blank pages; with the HTML of `make test`, literal TeX on the site and
# numbers that differ between the two editions.
	$(BIN)/python tools/check_pdf.py _build/latex/book.pdf \
	  $$([ -d _build/html ] && echo --html _build/html)
	@echo "PDF: _build/latex/book.pdf"

bench: $(STAMP)
	$(BIN)/python tests/benchmarks/run.py

# Re-measure the benchmarks and how time grows with the number of samples,
# and store them, with the machine, the versions and the commit, in
# tests/benchmarks/results/latest.json: the performance appendix reads that
# file and never runs a benchmark. NOTE="..." records what else the machine
# was doing.
.PHONY: bench-record
bench-record: $(STAMP)
	$(BIN)/python tests/benchmarks/record.py --note "$(NOTE)"

serve:
	$(PYTHON) -m http.server --directory _build/html 8000

clean:
	rm -rf _build

# Two commands do all the set-up: `make book` and `make test`. Both create .venv/ on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export TF_CPP_MIN_LOG_LEVEL := 2
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: book test clean-book clean lab

# Reinstall only when the dependency list changes.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || { echo "Python 3.10+ is needed: set PYTHON=python3.x"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[book,test]"
	touch $(STAMP)

## book: execute every notebook (cached between runs) and build the HTML into _build/html
book: $(STAMP)
	$(BIN)/jupyter-book build . -W --keep-going
	@echo "The book is built: open file://$(CURDIR)/_build/html/index.html"

## test: run the whole test suite (it builds the book from a cold cache in a temporary folder)
test: $(STAMP)
	$(BIN)/python -m pytest

## lab: open the notebooks in JupyterLab
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

clean-book:
	rm -rf _build

clean: clean-book
	rm -rf $(VENV)

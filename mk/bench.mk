# Benchmark (issue 9): how the build's time and memory grow with the archive.
# Not part of `make` or `make test`: it takes minutes and measures, it does not build.
#   make bench                       10, 100, 1,000 posts; PDF only up to BENCH_PDF_MAX posts
#   make bench BENCH_PDF_MAX=1000    include the 1,000-post PDF (slow on 2 cores)
#   make bench BENCH_PROFILE=none    skip the cProfile run of the slowest stage
BENCH_SIZES   ?= 10,100,1000
BENCH_SEED    ?= 1
BENCH_PDF_MAX ?= 100
BENCH_PROFILE ?= auto

bench: | $(STAMP)
	@$(PY) -m scripts.dev.bench --sizes $(BENCH_SIZES) --seed $(BENCH_SEED) \
	    --pdf-max $(BENCH_PDF_MAX) --profile $(BENCH_PROFILE) \
	    --work build/bench --reports $(REPORTS)

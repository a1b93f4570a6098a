# bench/local.mk - load generator and benchmarks (built, never installed)

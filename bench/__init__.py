"""The kit's benchmarks: drift detection against stock Schemathesis, throughput, client overhead
and the cost of `make contract`. Run with `python -m bench` (`make bench`); see `__main__.py`.
"""

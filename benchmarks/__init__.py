"""Timing goals of `make bench`, measured on 127.0.0.1 with wrk and side by side (README,
"Benchmarks"); never run by the tests."""

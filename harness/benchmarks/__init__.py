"""The benchmarks behind ``callproof bench``: figures about the harness and the reference."""

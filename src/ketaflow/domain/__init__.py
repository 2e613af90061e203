"""Ketaflow's clinical core: pure Python + numpy/scipy, never Django.

Values in, values out; the clock is always a parameter. tests/domain/test_purity.py enforces it.
"""

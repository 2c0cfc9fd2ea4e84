"""Ufunc tables, one module per section of NumPy's ufunc reference."""

"""Fengqiao (枫桥): a platform for grassroots social governance in a Chinese district."""

__version__ = "0.1.0"

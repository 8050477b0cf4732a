"""Chinese text intelligence (文本智能): category suggestion, duplicates, hot issues, risk phrases.

The algorithms in this package import without Django settings; only ``apps.py``, ``models.py``
and ``management/`` touch Django.
"""

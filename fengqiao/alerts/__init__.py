"""Early warning (研判预警): detectors, scan statistics and alerts.

The algorithms in this package import without Django settings; only ``apps.py``, ``models.py``,
``actions.py``, views and ``management/`` touch Django.
"""

"""Early warning (研判预警): detectors, scan statistics and alerts.

The algorithms in this package (``surveillance.py`` and the scan statistics) import without
Django settings; the product layer (``models``, ``actions``, ``detectors``, ``tasks``, views,
``api``, ``filtersets``, ``management/``) is built on them. See docs/alerts.md.
"""

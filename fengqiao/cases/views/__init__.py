"""Staff workbench pages for cases: lists (lists.py), the case page and its actions
(detail.py) and hotline/walk-in entry (entry.py)."""

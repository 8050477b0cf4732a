#!/usr/bin/env python
"""Django's command-line utility for a development checkout.

It uses the development settings (``fengqiao.settings_test``: a throwaway key and a local SQLite
file) unless DJANGO_SETTINGS_MODULE says otherwise. Installations use the ``fengqiao`` console
command, which uses the production settings and refuses to start without a real key.
"""

import os

from fengqiao.cli import main

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fengqiao.settings_test")
    main()

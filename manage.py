#!/usr/bin/env python
"""Django's command-line utility; the ``fengqiao`` console command is the same thing installed."""

from fengqiao.cli import main

if __name__ == "__main__":
    main()

"""The ``fengqiao`` console command: Django's management commands plus Fengqiao's own.

``fengqiao demo``, ``fengqiao serve``, ``fengqiao worker``, ``fengqiao import_regions`` ... are
management commands of the Fengqiao apps, so ``fengqiao help`` lists them all.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command with Fengqiao's settings unless another module is named."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fengqiao.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv if argv is not None else sys.argv)


if __name__ == "__main__":
    main()

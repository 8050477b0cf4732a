#!/usr/bin/env bash
# Make sure GNU gettext (xgettext, msgmerge, msgfmt) is installed: `make messages` needs it, and
# fengqiao/core/tests/test_translations.py runs Django's makemessages on a copy of the source to
# check that the English catalogue holds every string of the pages. Installs Debian's gettext with
# apt-get when run as root (scripts/apt.sh); otherwise stops with a message saying what to install.
set -uo pipefail
. "$(dirname "$0")/apt.sh"

missing() {
  for tool in xgettext msgmerge msgfmt msguniq; do
    command -v "$tool" >/dev/null 2>&1 || return 0
  done
  return 1
}

if ! missing; then
  echo "translations: using $(xgettext --version | head -n 1)"
  exit 0
fi
if apt_install translations gettext && ! missing; then
  echo "translations: installed gettext"
  exit 0
fi
exit 1

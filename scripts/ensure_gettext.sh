#!/usr/bin/env bash
# Make sure GNU gettext (xgettext, msgmerge, msgfmt) is installed: `make messages` needs it, and
# fengqiao/core/tests/test_translations.py runs Django's makemessages on a copy of the source to
# check that the English catalogue holds every string of the pages. Installs Debian's gettext with
# apt-get when run as root; otherwise, or if apt-get fails, stops with a message saying what to
# install. Nothing is downloaded at run time.
set -uo pipefail

PACKAGE=gettext
TOOLS=(xgettext msgmerge msgfmt msguniq)

missing() {
  for tool in "${TOOLS[@]}"; do command -v "$tool" >/dev/null 2>&1 || return 0; done
  return 1
}

if ! missing; then
  echo "translations: using $(xgettext --version | head -n 1)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "translations: GNU gettext is not installed; install it with: sudo apt-get install $PACKAGE" >&2
  exit 1
fi
log=$(mktemp)
if apt-get update -qq >"$log" 2>&1 \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$PACKAGE" >>"$log" 2>&1 \
  && ! missing; then
  echo "translations: installed $PACKAGE"
  rm -f "$log"
  exit 0
fi
echo "translations: apt-get could not install $PACKAGE (last lines below);" \
     "install it by hand: apt-get install $PACKAGE" >&2
tail -n 5 "$log" | sed 's/^/    /' >&2
rm -f "$log"
exit 1

#!/usr/bin/env bash
# Make sure Debian's Chromium (and a CJK font, so Chinese renders in screenshots) is installed for
# the browser tests in fengqiao/browser_tests. Installs with apt-get when run as root; otherwise
# says so. Never fails: without Chromium the browser tests skip with a message saying why.
# Playwright's own `playwright install` is never used: it downloads a browser at run time.
set -uo pipefail
. "$(dirname "$0")/apt.sh"

CHROMIUM=/usr/bin/chromium

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
if command -v dpkg-query >/dev/null 2>&1 && ! installed fonts-noto-cjk; then
  missing+=(fonts-noto-cjk)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "browser tests: using $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi

if apt_install "browser tests" "${missing[@]}"; then
  echo "browser tests: installed ${missing[*]}; using $("$CHROMIUM" --version 2>/dev/null)"
else
  echo "browser tests: the browser tests will skip if Chromium is missing"
fi
exit 0

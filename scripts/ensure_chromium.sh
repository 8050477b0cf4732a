#!/usr/bin/env bash
# Make sure Debian's Chromium (and a CJK font, so Chinese renders in screenshots) is installed for
# the browser tests in fengqiao/browser_tests. Installs with apt-get when run as root; otherwise
# says so. Never fails: without Chromium the browser tests skip with a message saying why.
# Playwright's own `playwright install` is never used: it downloads a browser at run time.
set -uo pipefail

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

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "browser tests: ${missing[*]} missing and not installable here (needs root and" \
       "apt-get: apt-get install ${missing[*]}); without Chromium the browser tests skip"
  exit 0
fi

log=$(mktemp)
if apt-get update -qq >"$log" 2>&1 \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
       "${missing[@]}" >>"$log" 2>&1; then
  echo "browser tests: installed ${missing[*]}; using $("$CHROMIUM" --version 2>/dev/null)"
else
  echo "browser tests: apt-get could not install ${missing[*]} (last lines below);" \
       "the browser tests will skip if Chromium is missing"
  tail -n 5 "$log" | sed 's/^/    /'
fi
rm -f "$log"
exit 0

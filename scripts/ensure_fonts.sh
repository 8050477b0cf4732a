#!/usr/bin/env bash
# Make sure the Chinese TrueType font for the mediation documents (人民调解协议书 etc., see
# fengqiao/mediation/documents.py) is installed: Debian's fonts-wqy-zenhei (or fonts-arphic-uming,
# or a file named by MEDIATION_FONT). Installs with apt-get when run as root; otherwise, or if
# apt-get fails, stops with a message saying what to install. Nothing is downloaded at run time.
set -uo pipefail

FONTS=(/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc /usr/share/fonts/truetype/arphic/uming.ttc)
PACKAGE=fonts-wqy-zenhei

found() {
  if [ -n "${MEDIATION_FONT:-}" ]; then [ -f "$MEDIATION_FONT" ] && echo "$MEDIATION_FONT"; return; fi
  for f in "${FONTS[@]}"; do [ -f "$f" ] && { echo "$f"; return; }; done
  return 1
}

if font=$(found); then
  echo "mediation documents: using font $font"
  exit 0
fi
if [ -n "${MEDIATION_FONT:-}" ]; then
  echo "mediation documents: MEDIATION_FONT=$MEDIATION_FONT does not exist" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "mediation documents: no Chinese font found (${FONTS[*]}); install it with:" \
       "sudo apt-get install $PACKAGE" >&2
  exit 1
fi
log=$(mktemp)
if apt-get update -qq >"$log" 2>&1 \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$PACKAGE" >>"$log" 2>&1 \
  && font=$(found); then
  echo "mediation documents: installed $PACKAGE; using font $font"
  rm -f "$log"
  exit 0
fi
echo "mediation documents: apt-get could not install $PACKAGE (last lines below);" \
     "install it by hand: apt-get install $PACKAGE" >&2
tail -n 5 "$log" | sed 's/^/    /' >&2
rm -f "$log"
exit 1

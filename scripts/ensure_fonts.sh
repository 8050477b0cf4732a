#!/usr/bin/env bash
# Make sure the Chinese TrueType font for the mediation documents (人民调解协议书 etc., see
# fengqiao/mediation/documents.py) is installed: Debian's fonts-wqy-zenhei (or fonts-arphic-uming,
# or a file named by MEDIATION_FONT). Installs with apt-get when run as root (scripts/apt.sh);
# otherwise, or if apt-get fails, stops with a message saying what to install. Nothing is
# downloaded at run time.
set -uo pipefail
. "$(dirname "$0")/apt.sh"

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
if apt_install "mediation documents" "$PACKAGE" && font=$(found); then
  echo "mediation documents: installed $PACKAGE; using font $font"
  exit 0
fi
exit 1

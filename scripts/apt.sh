#!/usr/bin/env bash
# Shared by the ensure_*.sh scripts: install Debian packages with apt-get (sourced, not run).
#
# apt_install LABEL PACKAGE...: installs the packages when run as root with apt-get available and
# returns 0; otherwise, or if apt-get fails, says why on stderr (with apt-get's last lines) and
# returns 1. Nothing is downloaded except through Debian's package registry.

apt_install() {
  local label=$1
  shift
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "$label: $* missing and not installable here (needs root and apt-get):" \
         "apt-get install $*" >&2
    return 1
  fi
  local log
  log=$(mktemp)
  if apt-get update -qq >"$log" 2>&1 \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >>"$log" 2>&1; then
    rm -f "$log"
    return 0
  fi
  echo "$label: apt-get could not install $* (last lines below); install by hand:" \
       "apt-get install $*" >&2
  tail -n 5 "$log" | sed 's/^/    /' >&2
  rm -f "$log"
  return 1
}

#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests when it is missing. Never downloads a
# browser of Playwright's own: the tests drive /usr/bin/chromium.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
source "$(dirname "$0")/apt.sh"
apt_install "Debian's chromium for the browser tests" \
  "chromium is missing and apt-get is not available: install Chromium at /usr/bin/chromium to run the browser tests." \
  chromium fonts-liberation

#!/usr/bin/env bash
# Installs Debian's gettext (xgettext, msguniq, msgmerge, msgattrib) when it is missing:
# `make messages` (Django's makemessages) needs it, and so does the test that extracts the
# catalog (socialmission/core/tests/test_messages.py), which CI must not skip.
set -euo pipefail
if command -v xgettext >/dev/null 2>&1 && command -v msgmerge >/dev/null 2>&1; then
  exit 0
fi
source "$(dirname "$0")/apt.sh"
apt_install "Debian's gettext for the message catalog" \
  "GNU gettext is missing and apt-get is not available: install gettext (xgettext, msgmerge) to extract messages." \
  gettext

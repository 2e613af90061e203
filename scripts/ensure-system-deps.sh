#!/usr/bin/env bash
# Install the Debian packages the tests need, only when missing (fast on a machine that has them).
# chromium: browser tests; postgresql: the PostgreSQL run; pango/harfbuzz + a font: WeasyPrint PDFs;
# poppler-utils: pdftoppm to look at PDFs.
set -euo pipefail
want=(chromium libatomic1 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils)
missing=()
for pkg in "${want[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
# postgresql is installed on its own: listing it unconditionally would upgrade shared packages.
if ! dpkg -s postgresql >/dev/null 2>&1; then missing+=(postgresql); fi
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

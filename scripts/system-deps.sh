#!/usr/bin/env bash
# Install the Debian packages anfang's tests and demo need, if they are missing.
# As root (CI, containers): apt-get update once, then a non-interactive install of what is missing.
# Otherwise: print the command to run and carry on (the steps that need a package will say so).
set -euo pipefail

PACKAGES=(
    python3-venv    # `python3 -m venv` (ensurepip) for .venv
    postgresql      # throw-away cluster for the PostgreSQL test run (initdb, pg_ctl)
    mosquitto       # MQTT broker for device-messaging tests and `anfang up`
    chromium        # Playwright drives Debian's chromium (no browser download)
    fonts-noto-cjk  # Chinese glyphs in screenshots and PDF reports
    gettext         # msgfmt for `anfang compilemessages`
    poppler-utils   # pdftotext, to check generated PDF reports in tests
)

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "anfang: missing Debian packages: ${missing[*]}" >&2
    echo "anfang: install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 0
fi

echo "anfang: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests, if it is not there. Needs root, as CI has.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
command -v chromium

#!/usr/bin/env bash
# Install redis-server (if needed) for the tests of the site on several servers, which start
# their own throwaway server from it (tests/servers/services.py); nothing is left running.
# Needs root, as CI has. Output of the tools goes to standard error.
set -euo pipefail

if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
  {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server
  } 1>&2
fi

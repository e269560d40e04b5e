#!/usr/bin/env bash
# Install the checkers the browser tests run on the public pages, if they are not there: the Nu
# HTML Checker (npm's vnu-jar, run with Java) and Lighthouse (its SEO audit, in Chromium), both
# under var/tools (not committed). Installing Java or npm needs root, as CI has; without it this
# says what to install. Prints the paths of the checker's jar and of Lighthouse.
set -euo pipefail
cd "$(dirname "$0")/.."

VNU_VERSION=26.9.27
LIGHTHOUSE_VERSION=12.8.2 # 13 needs Node.js 22; Debian's is older
TOOLS=var/tools
JAR=$TOOLS/node_modules/vnu-jar/build/dist/vnu.jar
LIGHTHOUSE=$TOOLS/node_modules/.bin/lighthouse

missing=()
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ]; then
    echo "The HTML and SEO checks need ${missing[*]}: as root, apt-get install ${missing[*]}," \
      "or run this script as root." >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

installed_version() { # the version of an npm package under var/tools, if there
  node -p "require('./$TOOLS/node_modules/$1/package.json').version" 2>/dev/null || true
}
wanted=()
[ -f "$JAR" ] && [ "$(installed_version vnu-jar)" = "$VNU_VERSION" ] ||
  wanted+=("vnu-jar@$VNU_VERSION")
[ -x "$LIGHTHOUSE" ] && [ "$(installed_version lighthouse)" = "$LIGHTHOUSE_VERSION" ] ||
  wanted+=("lighthouse@$LIGHTHOUSE_VERSION")
if ((${#wanted[@]})); then
  mkdir -p "$TOOLS"
  # --ignore-scripts: vnu-jar's install script would download a Java of its own.
  if ! npm install --prefix "$TOOLS" --ignore-scripts --no-audit --no-fund --loglevel=error \
    "${wanted[@]}" >&2; then
    echo "Could not install ${wanted[*]} from the npm registry into $TOOLS." >&2
    exit 1
  fi
fi
echo "$PWD/$JAR"
echo "$PWD/$LIGHTHOUSE"

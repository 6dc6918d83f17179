#!/bin/sh
# Install Debian's chromium for the browser test when it is missing (CI on a clean machine).
# Never `playwright install`: the test drives the system browser via its executable path.
set -eu
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    SUDO="sudo"
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium

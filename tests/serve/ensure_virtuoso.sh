#!/bin/sh
# Install Debian's Virtuoso for the remote-backend tests when it is missing (CI on a clean
# machine); the tests start and stop it themselves (tests/serve/virtuoso_server.py).
set -eu
if command -v virtuoso-t >/dev/null 2>&1; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    SUDO="sudo"
fi
$SUDO apt-get update -qq
# libpcre3: the 7.2.5 binary links against it, and not every image has it
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    virtuoso-opensource-7-bin libpcre3

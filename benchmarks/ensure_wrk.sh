#!/bin/sh
# Install Debian's wrk for the HTTP throughput benchmarks when it is missing. A Python load
# generator tops out below the servers it would measure on a small machine, so `make bench`
# measures throughput with wrk (C, epoll) only.
set -eu
if command -v wrk >/dev/null 2>&1; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    SUDO="sudo"
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk

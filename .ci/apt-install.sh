#!/usr/bin/env bash
# Installs Debian packages (as root, or through sudo): `bash .ci/apt-install.sh PACKAGE…`.
# Shared by the install scripts of the tests' real parts (a browser, a Redis server).
set -euo pipefail

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
$sudo apt-get install -y --no-install-recommends "$@"

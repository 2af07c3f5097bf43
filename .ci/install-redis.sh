#!/usr/bin/env bash
# Installs Debian's redis-server for the Redis tests unless it is there already. Idempotent: a
# second run only prints the version. The tests start their own server on a free loopback port
# (override the binary with REDIS_SERVER); nothing here starts one.
set -euo pipefail

server="${REDIS_SERVER:-/usr/bin/redis-server}"
if [ ! -x "$server" ]; then
  bash "$(dirname "$0")/apt-install.sh" redis-server
  server=/usr/bin/redis-server
fi
# Debian's package starts a system service on 6379; the tests never use it.
echo "redis tests will use: $server ($("$server" --version 2>/dev/null || echo 'version unknown'))"

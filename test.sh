#!/usr/bin/env bash
# Runs every test: unit tests, Arquillian tests on Payara Micro, and the runnable jar's own tests.
# Installs what the tests need beyond a Java 17 JDK and Maven when it is missing (Debian packages).
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
# The S/MIME interoperability tests use openssl as the peer, and python3 (with zlib) for compressed data.
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v python3 >/dev/null 2>&1 || need+=(python3)
# The web pages are tested in headless Chromium, driven by Debian's chromedriver.
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
  else
    echo "test.sh: please install: ${need[*]}" >&2
    exit 1
  fi
fi

# The persistence tests use the machine's PostgreSQL (127.0.0.1:5432, trust authentication) when there is one:
# start it if it is installed but stopped. Without one they are skipped and say so.
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if [ "$(id -u)" -eq 0 ] && [ -d /etc/postgresql ]; then
    for version in /etc/postgresql/*; do
      pg_ctlcluster --skip-systemctl-redirect "$(basename "$version")" main start || true
    done
  fi
fi

exec mvn -B verify "$@"

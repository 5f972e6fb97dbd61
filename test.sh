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

exec mvn -B verify "$@"

#!/usr/bin/env bash
# Install the Debian packages the project needs, only when missing (idempotent).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "noto.*cjk\|wqy" || need+=(fonts-noto-cjk fontconfig)
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr tesseract-ocr-chi-sim)  # bench/ocr_bench.py: the OCR engine not chosen, for comparison
# tests/test_deploy.py runs the shipped nginx site (its own prefix, loopback ports only); the
# package's own service stays as Debian leaves it (not started where policy-rc.d forbids it)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "installing system packages: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

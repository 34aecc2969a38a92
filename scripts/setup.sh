#!/usr/bin/env bash
# Installs the Debian packages lgtmtop needs, only those missing. Idempotent.
#   scripts/setup.sh          build dependencies
#   scripts/setup.sh --test   build + test dependencies (cmocka, tmux, a real Prometheus; man-db,
#                             bash-completion, zsh, fish for the man page and completion tests;
#                             dpkg-dev, file, lintian for the .deb test; chromium for the status
#                             page test, openssl for serve's TLS test)
set -euo pipefail

pkgs=(build-essential cmake pkg-config libcurl4-openssl-dev libncurses-dev libcjson-dev libyaml-dev libmicrohttpd-dev libcrypt-dev python3)
if [[ "${1:-}" == "--test" ]]; then
    pkgs+=(libcmocka-dev tmux prometheus prometheus-alertmanager clang-format)
    pkgs+=(man-db groff-base bash-completion zsh fish dpkg-dev file lintian chromium openssl)
fi

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
    echo "setup: all packages present (${#pkgs[@]} checked)"
    exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# The prometheus package would start a system service on :9090; tests start their own instance.
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"

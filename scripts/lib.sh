#!/usr/bin/env bash
# Shared helpers for Portside's scripts. Sourced, not run.
set -euo pipefail

PORTSIDE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PORTSIDE_ROOT

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
warn() { printf '\033[1;33m!!! %s\033[0m\n' "$*" >&2; }
die() { printf '\033[1;31mxxx %s\033[0m\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
        die "need root to run: $* (install sudo or run as root)"
    fi
}

# Installs the Debian packages given that are not installed yet (one apt-get update first, only if needed).
apt_install_missing() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    command -v apt-get >/dev/null 2>&1 || die "missing packages ${missing[*]} and no apt-get to install them"
    say "installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

require_swift() {
    command -v swift >/dev/null 2>&1 || die "Swift is not on PATH: install the Swift 6.1+ toolchain first (swift.org/install)"
    local version
    version="$(swift --version 2>/dev/null | grep -Eo 'Swift version [0-9]+\.[0-9]+' | grep -Eo '[0-9]+\.[0-9]+' | head -n 1)"
    case "$version" in
        6.[1-9]* | [7-9].*) ;;
        *) die "Portside needs Swift 6.1 or newer (found ${version:-an unknown version})" ;;
    esac
}

# The system libraries the service links against.
RUNTIME_PACKAGES=(libsqlite3-dev libargon2-dev libhiredis-dev pkg-config)

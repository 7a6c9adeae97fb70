#!/usr/bin/env bash
# Installs what building and testing Clave needs, skipping whatever is already there.
#   scripts/ensure-tools.sh build   wasm target, cargo-leptos, wasm-bindgen-cli, Node.js, npm packages
#   scripts/ensure-tools.sh test    the same, plus Debian's Chromium for the end-to-end tests and
#                                   PostgreSQL for scripts/with-postgres.sh
#   scripts/ensure-tools.sh bench   the same as test, plus the benchmark's load generator (oha) and
#                                   Lighthouse (npm, in bench/)
# Only package registries are reachable from our machines: every tool comes from crates.io, npm or
# Debian, never from a download of a prebuilt binary.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10   # 0.3.11 with --locked needs a newer rustc than our machines have
OHA_VERSION=1.16.0
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "Installing Debian packages: $*"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# `npm ci` in the folder $1 (announced as installing $2), only when its lock file changed since the
# last install there. Variables set before the call (`NAME=value npm_ci_when_changed …`) reach npm.
npm_ci_when_changed() {
  local dir=$1 what=$2
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "Installing $what"
    (cd "$dir" && npm ci --no-audit --no-fund)
  fi
}

ensure_rust_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "Adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION\$"; then
    say "Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 15 minutes, once)"
    cargo install cargo-leptos@"$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi
  # The CLI must be exactly the wasm-bindgen version in Cargo.lock.
  local want
  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    say "Installing wasm-bindgen-cli $want"
    cargo install wasm-bindgen-cli --version "$want" --locked --force
  fi
}

ensure_node() {
  if ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
  fi
  local major
  major=$(node --version | sed 's/^v\([0-9]*\).*/\1/')
  if [ "$major" -lt 20 ]; then
    echo "Playwright needs Node.js 20 or newer; this machine has $(node --version)." >&2
    exit 1
  fi
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
    npm_ci_when_changed end2end "npm packages (Playwright, axe-core, binaryen's wasm-opt)"
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    apt_install chromium fonts-dejavu-core
  fi
}

# Only the server binaries are used: scripts/with-postgres.sh starts its own throwaway server
# (initdb + pg_ctl), never the cluster the package sets up.
ensure_postgres() {
  if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt_install postgresql
  fi
}

ensure_bench_tools() {
  if [ "$(oha --version 2>/dev/null | awk '{print $2}')" != "$OHA_VERSION" ]; then
    say "Installing oha $OHA_VERSION, the load generator (about 5 minutes, once)"
    cargo install oha@"$OHA_VERSION" --locked
  fi
  npm_ci_when_changed bench "Lighthouse (npm)"
}

case "${1:-build}" in
  build) ensure_rust_tools; ensure_node ;;
  test) ensure_rust_tools; ensure_node; ensure_chromium; ensure_postgres ;;
  bench) ensure_rust_tools; ensure_node; ensure_chromium; ensure_postgres; ensure_bench_tools ;;
  *) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac

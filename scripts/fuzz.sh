#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ for SECONDS each (default 30), one after the other, each as its
# own `cargo fuzz run`. Fails when any target finds a crash (a panic, a broken property, a timeout
# or running out of memory); the input that did it is in fuzz/artifacts/<target>/.
#   scripts/fuzz.sh          30 s per target
#   scripts/fuzz.sh 20       the short run of `make test`
#   scripts/fuzz.sh 3600     a long run (docs/fuzzing.md)
#   FUZZ_TARGETS="upload csv_import" scripts/fuzz.sh 600     only some targets
# Works on the stable toolchain: no sanitizer is needed for safe Rust (docs/fuzzing.md), and
# cargo-fuzz passes no unstable flag without one.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=${1:-30}
CARGO_FUZZ_VERSION=0.13.2
TARGETS=${FUZZ_TARGETS:-identification csv_import upload server_inputs}
# The stable toolchain unless the caller picked another one.
export RUSTUP_TOOLCHAIN=${RUSTUP_TOOLCHAIN:-stable}
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

case "$SECONDS_PER_TARGET" in
  '' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac

if ! cargo fuzz --version 2>/dev/null | grep -q " $CARGO_FUZZ_VERSION\$"; then
  say "Installing cargo-fuzz $CARGO_FUZZ_VERSION (about a minute, once)"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --force
fi

cd fuzz
# The seed corpora in fuzz/corpus/ stay small and versioned: libFuzzer adds what it finds to the
# first corpus directory given, fuzz/work/corpus/<target>/ (ignored by git, kept between runs).
# fuzz/dict/<target>.dict lists tokens (JPEG markers, look-alike Unicode letters, …) it mixes in.
say "Building the fuzz targets"
cargo fuzz build --sanitizer none

failed=()
for target in $TARGETS; do
  say "Fuzzing $target for ${SECONDS_PER_TARGET}s"
  mkdir -p "work/corpus/$target"
  dict=()
  [ -f "dict/$target.dict" ] && dict=(-dict="dict/$target.dict")
  # -timeout: one input taking longer is a finding (inputs over 10 s are kept as slow-unit-*);
  # -rss_limit_mb: so is using more memory. The filter drops libFuzzer's progress lines and its
  # closing dictionary, keeping the stats and the findings.
  if ! cargo fuzz run --sanitizer none "$target" "work/corpus/$target" "corpus/$target" -- \
      -max_total_time="$SECONDS_PER_TARGET" -timeout=60 -rss_limit_mb=2560 -print_final_stats=1 "${dict[@]}" \
      2> >(grep -v -E '^(#[0-9]+|"|###### |INFO: |WARNING: Failed to find function)' >&2); then
    failed+=("$target")
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "Fuzzing found a crash in: ${failed[*]}. The inputs are in fuzz/artifacts/<target>/;" >&2
  echo "replay one with: (cd fuzz && cargo fuzz run --sanitizer none <target> artifacts/<target>/<file>)" >&2
  exit 1
fi
say "No crash in: $TARGETS"

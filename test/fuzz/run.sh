#!/usr/bin/env bash
# Builds the chat model's libFuzzer target with clang (AddressSanitizer and UBSan too) in its
# own build dir and runs it over the seed corpus for a bounded time.
#   test/fuzz/run.sh [SECONDS] [extra libFuzzer flags...]     default 60 s
# New inputs go to $FUZZ_CORPUS (default build-fuzz/corpus; the committed seeds stay as they
# are); a crash is written to build-fuzz/crash-* and the script exits non-zero (2: the target did
# not build).
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-60}
shift || true
builddir=${FUZZ_BUILD_DIR:-build-fuzz}
corpus=${FUZZ_CORPUS:-$builddir/corpus}
flags=-fsanitize=fuzzer-no-link,address,undefined

if [ ! -f "$builddir/build.ninja" ]; then
  CC=clang-14 CXX=clang++-14 meson setup "$builddir" --wrap-mode=nodownload \
    --buildtype=debugoptimized -Dwerror=false -Db_lundef=false \
    -Dcpp_args="$flags -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
    -Dcpp_link_args="-fsanitize=address,undefined" >/dev/null || {
    echo "fuzz: meson setup failed; see $builddir/meson-logs/meson-log.txt" >&2
    exit 1
  }
fi
if ! ninja -C "$builddir" test/fuzz/hub_fuzz >"$builddir/fuzz-build.log" 2>&1; then
  grep -E 'error|FAILED' "$builddir/fuzz-build.log" | head -n 20
  echo "fuzz: building hub_fuzz failed (full log: $builddir/fuzz-build.log)" >&2
  exit 2
fi

mkdir -p "$corpus"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
echo "fuzz: running hub_fuzz for ${seconds} s (corpus $corpus, seeds test/fuzz/corpus)"
"$builddir/test/fuzz/hub_fuzz" "$corpus" test/fuzz/corpus \
  -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$builddir/" -print_final_stats=1 "$@"

#!/usr/bin/env bash
# Builds the Debian package: a release build with Debian's hardening flags (dpkg-buildflags),
# installed under /usr, packaged by CPack (Depends from dpkg-shlibdeps), then checked with
# lintian when it is installed. Prints the path of the .deb on the last line. (No -Werror here:
# -O2 with _FORTIFY_SOURCE adds -Wformat-truncation notes that are not errors of a release.)
#   scripts/package.sh [BUILD_DIR]      (default build-deb)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-deb}
export DEB_BUILD_MAINT_OPTIONS=${DEB_BUILD_MAINT_OPTIONS:-hardening=+all}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLGTMTOP_TESTS=OFF -DLGTMTOP_WERROR=OFF \
    -DCMAKE_INSTALL_PREFIX=/usr \
    -DCMAKE_C_FLAGS="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS)" \
    -DCMAKE_EXE_LINKER_FLAGS="$(dpkg-buildflags --get LDFLAGS)" >/dev/null
cmake --build "$build" -j"${JOBS:-2}" >"$build/build.log" 2>&1 || { cat "$build/build.log" >&2; exit 1; }
(cd "$build" && cpack -G DEB >cpack.log 2>&1) || { cat "$build/cpack.log" >&2; exit 1; }
deb=$(ls -t "$build"/lgtmtop_*.deb | head -n1)
if command -v lintian >/dev/null; then
    lintian --fail-on error "$deb" >&2
fi
echo "$deb"

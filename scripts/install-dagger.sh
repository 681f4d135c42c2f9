#!/bin/sh
# Installs the dagger CLI at exactly <version> into <bin-dir> for the CI files (Jenkinsfile, .gitlab-ci.yml).
# The archive comes from dl.dagger.io and its SHA-256 from the GitHub release of the same version: a second origin,
# so a tampered download does not also bring a matching checksum. Nothing is installed unless the checksum matches.
# DAGGER_ARCHIVE_BASE_URL and DAGGER_CHECKSUMS_BASE_URL override the two origins (a mirror, or a test).
set -eu
usage="usage: install-dagger.sh <version, e.g. 0.21.9> <bin-dir>"
version=${1:?$usage}
bin_dir=${2:?$usage}
fail() {
  echo "install-dagger: $*" >&2
  exit 1
}

if [ -x "$bin_dir/dagger" ] && "$bin_dir/dagger" version 2>/dev/null | grep -q "^dagger v$version "; then
  echo "install-dagger: dagger v$version is already in $bin_dir"
  exit 0
fi

case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) fail "no dagger release for this machine ($(uname -m))" ;;
esac
archive="dagger_v${version}_linux_${arch}.tar.gz"
archive_url="${DAGGER_ARCHIVE_BASE_URL:-https://dl.dagger.io/dagger/releases/$version}/$archive"
checksums_url="${DAGGER_CHECKSUMS_BASE_URL:-https://github.com/dagger/dagger/releases/download/v$version}/checksums.txt"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
curl -fsSL --retry 3 -o "$work/$archive" "$archive_url" || fail "cannot download $archive_url"
curl -fsSL --retry 3 -o "$work/checksums.txt" "$checksums_url" || fail "cannot download $checksums_url"
expected=$(awk -v name="$archive" '$2 == name { print $1 }' "$work/checksums.txt")
[ -n "$expected" ] || fail "$checksums_url lists no checksum for $archive"
actual=$(sha256sum "$work/$archive" | cut -d ' ' -f 1)
[ "$actual" = "$expected" ] || fail "$archive has SHA-256 $actual, the release says $expected: not installed"

tar -xzf "$work/$archive" -C "$work" dagger || fail "$archive holds no dagger binary"
mkdir -p "$bin_dir"
chmod 0755 "$work/dagger"
mv "$work/dagger" "$bin_dir/dagger"
echo "install-dagger: dagger v$version ($actual) installed in $bin_dir"

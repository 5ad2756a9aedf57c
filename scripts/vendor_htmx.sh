#!/usr/bin/env bash
# Vendors htmx 2.x from the npm registry into web/static/vendor (no CDN at run time: office networks are often offline).
# Records the exact version and sha256 in web/static/vendor/VERSIONS.
set -euo pipefail
cd "$(dirname "$0")/.."
spec="${1:-htmx.org@2}"
dest=web/static/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$spec" >/dev/null)
tar -xzf "$tmp"/htmx.org-*.tgz -C "$tmp"
version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$tmp/package/package.json")
mkdir -p "$dest"
cp "$tmp/package/dist/htmx.min.js" "$dest/htmx.min.js"
sum=$(sha256sum "$dest/htmx.min.js" | cut -d' ' -f1)
printf 'htmx.min.js htmx.org@%s sha256=%s\n' "$version" "$sum" > "$dest/VERSIONS"
echo "已更新 $dest/htmx.min.js（htmx.org@$version，sha256 $sum）"

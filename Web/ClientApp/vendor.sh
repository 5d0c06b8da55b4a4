#!/usr/bin/env bash
# Refreshes the front-end libraries vendored into Web/wwwroot/lib from the exact versions pinned in
# package.json / package-lock.json. The built files are committed, so that the one-command start
# (dotnet run --project Web) needs only the .NET SDK; run this (needs node and npm) after changing a
# version, then commit package.json, package-lock.json and wwwroot/lib together.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
lib="$here/../wwwroot/lib"
cd "$here"
npm ci --ignore-scripts --no-audit --no-fund

copy() { # package, file under the package, destination folder under wwwroot/lib
  mkdir -p "$lib/$3"
  cp "node_modules/$1/$2" "$lib/$3/"
}

rm -rf "$lib"
signalr=@microsoft/signalr
copy "$signalr" dist/browser/signalr.min.js signalr
version="$(node -p "require('./node_modules/$signalr/package.json').version")"
license="$(node -p "require('./node_modules/$signalr/package.json').license")"
printf '%s %s (%s), from npm by Web/ClientApp/vendor.sh\n' "$signalr" "$version" "$license" > "$lib/signalr/VERSION"
echo "vendored into $lib:"
find "$lib" -type f | sort

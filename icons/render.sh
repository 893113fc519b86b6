#!/usr/bin/env bash
# Regenerate every PNG/ICO/ICNS in this folder from the SVG sources.
# Needs: rsvg-convert (Debian/Ubuntu: librsvg2-bin) and Node/npx (for the Tauri CLI).
# Usage: icons/render.sh            (from anywhere; re-runnable)
#        SKIP_TAURI=1 icons/render.sh   (only re-render icon.png + tray PNGs)
set -euo pipefail

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v rsvg-convert >/dev/null || { echo "rsvg-convert not found (apt-get install librsvg2-bin)" >&2; exit 1; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# 1. master app icon, 1024x1024 RGBA
rsvg-convert -w 1024 -h 1024 "$DIR/icon.svg" -o "$TMP/icon-1024.png"

# 2. platform sizes via the Tauri CLI (run from the temp dir so no package.json
#    lands in the repo), then drop the mobile outputs: this is a desktop app.
if [[ -z "${SKIP_TAURI:-}" ]]; then
  (cd "$TMP" && npx --yes @tauri-apps/cli@2 icon "$TMP/icon-1024.png" -o "$DIR")
  rm -rf "$DIR/android" "$DIR/ios"
fi

# The Tauri CLI writes a 512px icon.png; keep the full 1024px master instead.
cp "$TMP/icon-1024.png" "$DIR/icon.png"

# The Linux bundles install one icon per hicolor size; the Tauri CLI makes none above 256.
for size in 256 512; do
  rsvg-convert -w "$size" -h "$size" "$DIR/icon.svg" -o "$DIR/${size}x${size}.png"
done

# 3. tray icons, 64x64 RGBA
for state in ready fallback no-route; do
  rsvg-convert -w 64 -h 64 "$DIR/tray-$state.svg" -o "$DIR/tray-$state.png"
done

echo "icons regenerated in $DIR"

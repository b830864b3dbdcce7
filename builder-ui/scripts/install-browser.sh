#!/bin/sh
# What the browser tests need from Debian, installed only when missing: Chromium (never a
# browser downloaded by Playwright) and CJK fonts, without which zh-CN screenshots show boxes.
set -eu
pkgs=""
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || pkgs="chromium"
fc-list :lang=zh 2>/dev/null | grep -q . || pkgs="$pkgs fonts-noto-cjk"
[ -n "$pkgs" ] || exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing:$pkgs"
$sudo apt-get update
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y $pkgs

#!/usr/bin/env bash
# Installs the Debian packages a task needs, when they are missing.
#   tools/deps.sh build|test|bench|fuzz ...
# Uses apt-get as root, or through sudo.  Prints nothing when all is there.
set -euo pipefail

build=(meson ninja-build gcc pkg-config python3 libmicrohttpd-dev libsqlite3-dev libpq-dev
       libjansson-dev libsodium-dev libcmocka-dev libxlsxwriter-dev libqrencode-dev zlib1g-dev)
test=(nodejs npm sqlite3 curl postgresql postgresql-client zbar-tools chromium
      fonts-wqy-zenhei)
bench=(wrk nginx-light curl postgresql postgresql-client)
fuzz=(clang)

want=()
for group in "$@"; do
  case "$group" in
    build) want+=("${build[@]}") ;;
    test) want+=("${build[@]}" "${test[@]}") ;;
    bench) want+=("${build[@]}" "${bench[@]}") ;;
    fuzz) want+=("${build[@]}" "${fuzz[@]}") ;;
    *) echo "tools/deps.sh: unknown group $group" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${want[@]}"; do
  # node may come from elsewhere (a newer nodejs); accept any node >= 18
  if [ "$p" = nodejs ] && command -v node >/dev/null 2>&1; then
    major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
    [ "$major" -ge 18 ] && continue
  fi
  # npm comes with a node installed from elsewhere
  if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
  if [ "$p" = nginx-light ] && command -v nginx >/dev/null 2>&1; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing Debian packages: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

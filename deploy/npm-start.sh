#!/bin/sh
# `npm start -- [flags]` in a checkout. package.json's start script calls this with the Node
# command line first (`node <node flags> dist/server/main.js`: their one home, which the bench and
# the systemd unit's test read), then the service's own flags. `--help` needs no build; anything
# else builds, then runs the service from dist/ as the installed unit does.
set -e
cd "$(dirname "$0")/.."
cmd=""
while [ $# -gt 0 ]; do
  a=$1
  shift
  cmd="$cmd $a"
  [ "$a" = dist/server/main.js ] && break
done
for a in "$@"; do
  case "$a" in
    -h | --help) exec node --import tsx server/main.ts --help ;;
    --) break ;;
  esac
done
npm run -s build
# shellcheck disable=SC2086 # the Node command line is words without spaces
exec $cmd "$@"

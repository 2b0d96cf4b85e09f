#!/bin/sh
# The desk's screen: Chromium in kiosk mode on the kiosk page, started by the user unit
# bhyt-kiosk-browser.service in the desk user's graphical session (docs/deploy.md). systemd
# restarts it if it crashes or is closed. Installed as /usr/local/lib/bhyt-kiosk/bhyt-kiosk-browser.sh.
#
# Settings (environment, or /etc/default/bhyt-kiosk-browser):
#   KIOSK_URL      the kiosk page (default http://127.0.0.1:8080/); its origin must be the one in
#                  the managed policy's VideoCaptureAllowedUrls (/etc/chromium/policies/managed/).
#   CHROMIUM       the browser binary (default: chromium, else chromium-browser, else google-chrome)
set -eu

KIOSK_URL="${KIOSK_URL:-http://127.0.0.1:8080/}"
STATE="${XDG_STATE_HOME:-$HOME/.local/state}/bhyt-kiosk-browser"
mkdir -p "$STATE"

if [ -z "${CHROMIUM:-}" ]; then
  for c in chromium chromium-browser google-chrome; do
    if command -v "$c" >/dev/null 2>&1; then
      CHROMIUM="$c"
      break
    fi
  done
fi
[ -n "${CHROMIUM:-}" ] || {
  echo "bhyt-kiosk-browser: no chromium found (apt install chromium)" >&2
  exit 1
}

# Wait for the service (after a power cut the browser may come up first), at most 2 minutes;
# the page itself shows when the service is gone later.
health="${KIOSK_URL%/}/api/health"
i=0
while [ "$i" -lt 120 ]; do
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -o /dev/null --max-time 2 "$health" && break
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O /dev/null -T 2 "$health" && break
  else
    break
  fi
  i=$((i + 1))
  sleep 1
done

# Keep the screen awake: no X11 screen saver or power saving (Wayland sessions: the idle inhibitor below).
if [ -n "${DISPLAY:-}" ] && command -v xset >/dev/null 2>&1; then
  xset s off -dpms s noblank || true
fi

# A crash or a power cut must not bring up "restore pages?": the profile is marked clean.
prefs="$STATE/Default/Preferences"
if [ -f "$prefs" ]; then
  sed -i 's/"exited_cleanly":false/"exited_cleanly":true/; s/"exit_type":"[^"]*"/"exit_type":"Normal"/' "$prefs" || true
fi

set -- "$CHROMIUM" \
  --kiosk "$KIOSK_URL" \
  --user-data-dir="$STATE" \
  --no-first-run \
  --noerrdialogs \
  --disable-infobars \
  --disable-session-crashed-bubble \
  --disable-translate \
  --disable-features=Translate,TranslateUI \
  --password-store=basic \
  --check-for-update-interval=31536000 \
  --autoplay-policy=no-user-gesture-required \
  --overscroll-history-navigation=0

# Hold an idle/sleep inhibitor for as long as the browser runs (logind; X11 and Wayland alike).
if command -v systemd-inhibit >/dev/null 2>&1; then
  exec systemd-inhibit --what=idle:sleep --who=bhyt-kiosk --why="front-desk kiosk screen" --mode=block "$@"
fi
exec "$@"

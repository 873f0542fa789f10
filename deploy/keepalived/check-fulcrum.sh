#!/bin/sh
# keepalived vrrp_script for a Fulcrum HA pair: asks this node's Fulcrum for GET /api/health
# (public, no token) on its admin address.
#
#   check-fulcrum.sh health ADMIN_URL   exit 0 only on a 200 within 0.9 s (anything else fails)
#   check-fulcrum.sh alive  ADMIN_URL   exit 1 only when the connection is refused: nothing
#                                       listens, so the process is gone or shutting down
#
# keepalived.conf tracks both: "alive" with fall 1 notices a crashed or stopping Fulcrum within
# one interval (≤ 1 s), "health" with fall 2 notices a hung one without moving the VIP on one
# slow answer. The budget stays under keepalived's 1 s interval so runs never overlap.
# -k: the admin may use a self-signed certificate; this talks to its own node only.
set -u
mode="${1:-}"
url="${2:-}"
if [ -z "$url" ] || { [ "$mode" != health ] && [ "$mode" != alive ]; }; then
  echo "usage: check-fulcrum.sh health|alive ADMIN_URL (e.g. http://10.0.0.11:8080)" >&2
  exit 2
fi
curl --silent --fail --insecure --noproxy '*' --max-time 0.9 --output /dev/null "$url/api/health"
status=$?
[ "$mode" = health ] && exit "$status"
# curl exit 7: could not connect (refused, or no route). Timeouts and HTTP errors are the
# "health" check's business.
[ "$status" -eq 7 ] && exit 1
exit 0

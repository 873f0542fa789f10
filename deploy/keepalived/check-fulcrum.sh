#!/bin/bash
# keepalived vrrp_script for a Fulcrum HA pair, against this node's Fulcrum admin address.
#
#   check-fulcrum.sh health ADMIN_URL   GET /api/health (public, no token): exit 0 only on a 200
#                                       within 0.9 s
#   check-fulcrum.sh alive  ADMIN_URL   holds a TCP connection to the admin port for 0.8 s and
#                                       exits 1 the moment it is refused or closed: the process
#                                       is gone (the kernel closes its sockets at once, kill -9
#                                       included) or shutting down (it closes its admin first)
#
# keepalived.conf runs both every second. "alive" (fall 1) turns a crash into a failover within
# milliseconds instead of waiting up to a second for the next run; "health" (fall 2) catches a
# hung process, which the kernel still accepts connections for, without moving the VIP on one
# slow answer. "alive" only connects (bash's /dev/tcp, no fork) and never sends a byte.
# -k: the admin may use a self-signed certificate; this talks to its own node only.
set -u
mode="${1:-}"
url="${2:-}"
if [ -z "$url" ] || { [ "$mode" != health ] && [ "$mode" != alive ]; }; then
  echo "usage: check-fulcrum.sh health|alive ADMIN_URL (e.g. http://10.0.0.11:8080)" >&2
  exit 2
fi

if [ "$mode" = health ]; then
  exec curl --silent --fail --insecure --noproxy '*' --max-time 0.9 --output /dev/null "$url/api/health"
fi

# host and port out of scheme://host:port/…, IPv6 hosts in brackets
scheme="${url%%://*}"
authority="${url#*://}"
authority="${authority%%/*}"
case "$authority" in
  \[*\]:*) host="${authority%%]*}"; host="${host#[}"; port="${authority##*]:}" ;;
  \[*\]) host="${authority#[}"; host="${host%]}"; port="" ;;
  *:*) host="${authority%:*}"; port="${authority##*:}" ;;
  *) host="$authority"; port="" ;;
esac
[ -n "$port" ] || { [ "$scheme" = https ] && port=443 || port=80; }

{ exec 3<>"/dev/tcp/$host/$port"; } 2>/dev/null || exit 1
# read's status: > 128 when 0.8 s passed (the connection is still open), 1 at EOF (closed).
read -r -t 0.8 -u 3 _
status=$?
exec 3<&-
[ "$status" -ne 1 ]

#!/usr/bin/env bash
# A real S3 server for the tests: a one-node Ceph cluster (one monitor, one
# in-memory OSD, no auth) with radosgw serving S3 on 127.0.0.1.
#
#   scripts/s3-server.sh start DIR   # prints endpoint=... access=... secret=...
#   scripts/s3-server.sh stop DIR
#
# Everything (config, monitor store, logs, sockets) lives under DIR; the
# ports are chosen free. `start` also writes DIR/env (shell assignments of
# TIMECRAFT_TEST_S3_ENDPOINT / _ACCESS_KEY / _SECRET_KEY) and returns
# non-zero, with the reason on stderr, if S3 does not answer in time.
#
# What makes it work on one node (Debian 12's Ceph 16): pool size 1 and
# `osd crush chooseleaf type = 0` (replicas over OSDs, not hosts), short
# paxos intervals (otherwise each map change takes a second and start-up
# tens of seconds), and `ms mon client mode = crc secure` for the clients
# (radosgw otherwise hangs retrying its monitor session). `tcp_nodelay=1`
# on the beast frontend: without it a GET on a kept-alive connection waits
# for the client's delayed ACK, 40 ms instead of 1.
set -uo pipefail

access_key=TIMECRAFTTESTACCESS0
secret_key=timecraft/test/secret/key/0123456789abcdef

die() { echo "s3-server: $*" >&2; exit 1; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Running and not a zombie (daemons are re-parented to pid 1, which may
# reap them late).
alive() { [ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null; }

stop() {
  local dir=$1 pid f i
  # SIGKILL: the cluster is thrown away (on SIGTERM memstore would first save
  # every object to DIR, and radosgw drains its connections).
  for f in "$dir"/run/*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f" 2>/dev/null) || continue
    [ -n "$pid" ] && kill -s KILL "$pid" 2>/dev/null
  done
  # Wait until they are gone (a large memstore takes a moment to unmap).
  for ((i = 0; i < 50; i++)); do
    local any=0
    for f in "$dir"/run/*.pid; do
      [ -f "$f" ] || continue
      pid=$(cat "$f" 2>/dev/null)
      [ -n "$pid" ] && alive "$pid" && any=1
    done
    [ "$any" -eq 0 ] && { rm -f "$dir"/run/*.pid; return 0; }
    sleep 0.1
  done
  echo "s3-server: some daemons under $dir did not exit" >&2
  return 1
}

start() {
  local dir=$1 i
  for tool in ceph-mon ceph-osd radosgw radosgw-admin ceph monmaptool curl python3 uuidgen; do
    command -v "$tool" >/dev/null || die "$tool not found (scripts/setup.sh installs ceph-mon ceph-osd radosgw)"
  done
  mkdir -p "$dir" || die "cannot create $dir"
  dir=$(cd "$dir" && pwd)
  mkdir -p "$dir"/{run,log,mon,osd}
  # The last error a daemon logged (ceph marks them " -1 "), for the
  # one-line reason: the caller may delete DIR right after.
  why() {
    local l
    l=$(grep -h ' -1 ' "$dir/log/$1.log" 2>/dev/null | tail -2 | sed 's/^[^ ]* [^ ]* *-1 //' | paste -sd ';' | cut -c1-300)
    echo "${l:+ ($1.log: $l)}"
  }
  mon_port=$(free_port) && rgw_port=$(free_port) || die "cannot pick free ports"
  fsid=$(uuidgen)
  conf=$dir/ceph.conf
  cat >"$conf" <<EOF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$mon_port]
mon initial members = a
public network = 127.0.0.0/8
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = true
ms bind ipv4 = true
ms bind ipv6 = false
run dir = $dir/run
admin socket = $dir/run/\$cluster-\$name.asok
pid file = $dir/run/\$cluster-\$name.pid
log file = $dir/log/\$cluster-\$name.log
keyring = /dev/null
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false

[mon]
mon data = $dir/mon/\$cluster-\$id
paxos propose interval = 0.05
paxos min wait = 0.01
mon osd report timeout = 60

[osd]
osd data = $dir/osd/\$cluster-\$id
osd objectstore = memstore
memstore device bytes = 2147483648
osd max object name len = 460
osd max object namespace len = 64

[client]
ms mon client mode = crc secure
rgw frontends = beast endpoint=127.0.0.1:$rgw_port tcp_nodelay=1
rgw data = $dir/rgw
rgw dns name = 127.0.0.1
rgw thread pool size = 64
EOF
  local c=(-c "$conf")
  monmaptool --create --clobber --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$dir/monmap" >/dev/null ||
    die "monmaptool failed"
  ceph-mon "${c[@]}" --mkfs -i a --monmap "$dir/monmap" >>"$dir/log/setup.log" 2>&1 ||
    die "ceph-mon --mkfs failed$(why ceph-mon.a)"
  ceph-mon "${c[@]}" -i a >>"$dir/log/setup.log" 2>&1 || die "ceph-mon did not start$(why ceph-mon.a)"
  local uuid id
  uuid=$(uuidgen)
  id=$(timeout 30 ceph "${c[@]}" osd new "$uuid" 2>>"$dir/log/setup.log") || die "ceph osd new failed$(why ceph-mon.a)"
  mkdir -p "$dir/osd/ceph-$id"
  ceph-osd "${c[@]}" -i "$id" --mkfs --osd-uuid "$uuid" >>"$dir/log/setup.log" 2>&1 ||
    die "ceph-osd --mkfs failed$(why ceph-osd.$id)"
  ceph-osd "${c[@]}" -i "$id" >>"$dir/log/setup.log" 2>&1 || die "ceph-osd did not start$(why ceph-osd.$id)"
  mkdir -p "$dir/rgw"
  # In the foreground (-f) but in the background here: its pid is known
  # even if it exits before writing its pid file (a port taken meanwhile).
  radosgw "${c[@]}" -f -n client.rgw.test >>"$dir/log/setup.log" 2>&1 </dev/null &
  local rgw=$!
  echo "$rgw" >"$dir/run/radosgw.pid"

  local endpoint=http://127.0.0.1:$rgw_port up=0 deadline=$((SECONDS + 60))
  while ((SECONDS < deadline)); do
    if curl -s -o /dev/null -m 2 "$endpoint/"; then up=1; break; fi
    alive "$rgw" || die "radosgw exited$(why ceph-client.rgw.test)"
    sleep 0.1
  done
  [ "$up" -eq 1 ] || die "radosgw did not answer on $endpoint within 60 s$(why ceph-client.rgw.test)"
  timeout 60 radosgw-admin "${c[@]}" user create --uid=timecraft-test --display-name="timecraft tests" \
    --access-key="$access_key" --secret="$secret_key" >>"$dir/log/setup.log" 2>&1 ||
    die "radosgw-admin user create failed$(why ceph-client.admin)"
  cat >"$dir/env" <<EOF
TIMECRAFT_TEST_S3_ENDPOINT=$endpoint
TIMECRAFT_TEST_S3_ACCESS_KEY=$access_key
TIMECRAFT_TEST_S3_SECRET_KEY=$secret_key
EOF
  echo "endpoint=$endpoint access=$access_key secret=$secret_key"
}

case "${1:-}" in
  start) [ $# -eq 2 ] || die "usage: $0 start DIR"; ( start "$2" ) || { stop "$2"; exit 1; } ;;
  stop) [ $# -eq 2 ] || die "usage: $0 stop DIR"; stop "$2" ;;
  *) die "usage: $0 start DIR | stop DIR" ;;
esac

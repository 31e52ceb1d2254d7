#!/usr/bin/env bash
# world_timeout.sh DEJA WORLD_TIMEOUT_PROG
#
# In virtual time a timed wait that nobody can end before its deadline
# times out at once.  A client waiting with a timeout for a server's
# answer (wget, urlopen(URL, timeout=5)) then gave up before the answer
# could come.  Now a timed poll, select or epoll_wait on a connected
# socket waits for the world in real time first: the answers that take
# the server 0.3 s come, a question never answered still times out, and
# waits on a socketpair (an event loop's wake-ups) or an eventfd, which
# only the program could fill, still time out at once in virtual time;
# the trace replays identically with the server gone.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: world_timeout.sh DEJA WORLD_TIMEOUT_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

cat >server.py <<'PY'
import socket, sys, time
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
open(sys.argv[1], "w").write(str(srv.getsockname()[1]))
c, _ = srv.accept()
f = c.makefile("rb")
for line in f:
    if line.startswith(b"unanswered"):
        continue
    time.sleep(0.3)
    c.sendall(b"answer to " + line)
PY
python3 server.py port &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$tmp"' EXIT
until [ -s port ]; do sleep 0.05; done

start=$(date +%s%N)
timeout 60 "$deja" record -q -o w.deja -- "$prog" "$(cat port)" >rec 2>err || { dump rec err; fail "record failed"; }
took=$(( ($(date +%s%N) - start) / 1000000 ))
printf '%s\n' "poll: 1" "poll: answer to first" "select: 1" "select: answer to second" \
	"epoll_wait: 1" "epoll_wait: answer to third" "epoll_wait on the socketpair alone: 0" \
	"poll for no answer: 0" "poll on an eventfd nobody writes: 0" >expected
cmp -s expected rec || { diff expected rec >&2 || true; fail "the client did not get its answers in time, or a timeout did not come"; }
[ $took -lt 5000 ] || fail "recording took $took ms: the socketpair's or the eventfd's 10 s timeout was waited for in real time"
wait $server 2>/dev/null || true
replays_match "$deja" w.deja rec 2 30
note "timed waits for a server's answer wait for it; timeouts nothing outside can cut short stay virtual ($took ms)"

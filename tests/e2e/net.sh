#!/usr/bin/env bash
# net.sh DEJA NET_PEER_PROG
#
# A replay needs no peer: a client recorded talking to a server replays
# byte for byte with the server gone, and a server recorded answering a
# client replays with no client.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: net.sh DEJA NET_PEER_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

# A one-shot peer in Python: serve (print the port, answer "PONG") or
# connect (send "hello", print the answer).
cat >peer.py <<'PY'
import socket, sys
if sys.argv[1] == "serve":
    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
    print(s.getsockname()[1], flush=True)
    c, _ = s.accept(); c.recv(64); c.sendall(b"PONG"); c.close()
else:
    c = socket.create_connection(("127.0.0.1", int(sys.argv[2])))
    c.sendall(b"hello"); print(c.recv(64).decode()); c.close()
PY

# Client: record against a live server, replay with none.
python3 peer.py serve >port &
server=$!
for _ in $(seq 50); do [ -s port ] && break; sleep 0.1; done
[ -s port ] || fail "the Python server did not start"
timeout 60 "$deja" record -q -o client.deja -- "$prog" client "$(cat port)" >rec 2>err \
	|| { dump rec err; fail "recording the client failed"; }
wait $server || true
grep -q "client got 4 bytes: PONG" rec || { dump rec; fail "the client did not talk to the server"; }
replays_match "$deja" client.deja rec 20
note "client replays identically with the server gone"

# Server: record answering a live client, replay with none.
timeout 60 "$deja" record -q -o server.deja -- "$prog" server >rec 2>err &
deja_pid=$!
for _ in $(seq 50); do grep -q '^port' rec 2>/dev/null && break; sleep 0.1; done
grep -q '^port' rec || { kill $deja_pid; dump rec err; fail "the recorded server did not print its port"; }
python3 peer.py connect "$(awk '/^port/ {print $2}' rec)" >answer
wait $deja_pid || { dump rec err; fail "recording the server failed"; }
grep -q pong answer || fail "the Python client got no answer from the recorded server"
grep -q "server got 5 bytes from 127.0.0.1: hello" rec || { dump rec; fail "the server did not get the request"; }
replays_match "$deja" server.deja rec 20
note "server replays identically with no client"
"$deja" show --json server.deja >s.json
[ "$(json s.json 'sum(i["bytes"] for i in j["inputs"] if i["source"].startswith("socket:"))')" = 5 ] \
	|| { dump s.json; fail "show --json does not list the 5 bytes read from the socket"; }

#!/usr/bin/env python3
"""Test peer for sd_notify: binds a unix datagram socket (a path, or '@name' for an abstract
socket), prints 'LISTENING' once bound, then one JSON line per datagram received."""
import json, socket, sys

name = sys.argv[1]
addr = "\0" + name[1:] if name.startswith("@") else name
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(addr)
print("LISTENING", flush=True)
while True:
    data = s.recv(8192)
    print(json.dumps(data.decode("utf-8", "replace")), flush=True)

"""Times, for `aspnet-kb serve`, how long after a file is saved the reload event reaches a
listening browser (its server-sent events stream): median and max over N edits of each kind —
a practice's body text, its title (shown in listings and feeds), a tag (which moves it between
taxonomy pages), a member institution's name (the member directory), and a new practice.
    python3 bench/serve_latency.py PORT SITE_ROOT [EDITS=20] [PAUSE_SECONDS=1.5] [KINDS]
KINDS: comma-separated, of body,title,tag,member,new (default: all)."""
import os
import re
import socket
import statistics
import sys
import time

port, root = int(sys.argv[1]), sys.argv[2]
edits = int(sys.argv[3]) if len(sys.argv) > 3 else 20
pause = float(sys.argv[4]) if len(sys.argv) > 4 else 1.5
kinds = sys.argv[5].split(",") if len(sys.argv) > 5 else ["body", "title", "tag", "member", "new"]

practices = os.path.join(root, "content", "practices")
page = os.path.join(practices, sorted(f for f in os.listdir(practices) if f.endswith(".md") and not f.startswith("_"))[0])
original = open(page, encoding="utf-8").read()
members = os.path.join(root, "content", "members")
country = sorted(d for d in os.listdir(members) if os.path.isdir(os.path.join(members, d)))[0]
member = os.path.join(members, country, sorted(f for f in os.listdir(os.path.join(members, country)) if not f.startswith("_"))[0])
member_original = open(member, encoding="utf-8").read()

# Each kind: the file it writes, and its text for edit i.
EDITS = {
    "body": lambda i: (page, original.replace("\n---\n", f"\n---\nEdit number {i}.\n\n", 1)),
    "title": lambda i: (page, re.sub(r'^title: "(.*)"$', rf'title: "\1 {i}"', original, count=1, flags=re.M)),
    "tag": lambda i: (page, re.sub(r'^tags: \[', f'tags: ["bench tag {i}", ', original, count=1, flags=re.M)),
    "member": lambda i: (member, re.sub(r'^name: "(.*)"$', rf'name: "\1 {i}"', member_original, count=1, flags=re.M)),
    "new": lambda i: (os.path.join(practices, f"bench-new-{i}.md"), original.replace("\n---\n", f"\n---\nNew practice {i}.\n\n", 1)),
}

events = socket.create_connection(("127.0.0.1", port))
events.sendall(b"GET /__aspnet-kb/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
events.settimeout(60)
buffer = b""


def wait_for(name):
    global buffer
    marker = f"event: {name}\n".encode()
    while marker not in buffer:
        buffer += events.recv(65536)
    buffer = buffer[buffer.index(marker) + len(marker):]


while b"retry:" not in buffer:
    buffer += events.recv(65536)
try:
    for kind in kinds:
        edit = EDITS[kind]
        times = []
        for i in range(edits):
            path, text = edit(i)
            assert text not in (original, member_original), kind
            time.sleep(pause)
            started = time.perf_counter()
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            wait_for("reload")
            times.append((time.perf_counter() - started) * 1000)
        print(f"save -> reload event, {edits} edits ({kind}) of {os.path.relpath(path, root)}: "
              f"median {statistics.median(times):.0f} ms, min {min(times):.0f} ms, max {max(times):.0f} ms"
              + (" (target: median < 100 ms)" if kind == "body" else ""))
finally:
    with open(page, "w", encoding="utf-8") as f:
        f.write(original)
    with open(member, "w", encoding="utf-8") as f:
        f.write(member_original)
    for i in range(edits):
        new = os.path.join(practices, f"bench-new-{i}.md")
        if os.path.exists(new):
            os.remove(new)

#!/usr/bin/env python3
"""Recomputes a Custos packet_root from ffprobe's output, independently of
custosd: Python's standard library and the ffprobe command only.

    packet_root.py [--alg sha256] FILE

runs  ffprobe -v error -show_packets -show_data -of json FILE
and prints  packet_root=sha256:<hex> packets=<n>

The tree (docs/segment.md): RFC 9162 section 2.1 over one leaf per packet
in the order ffprobe lists them (demux order),
    leaf  = H(0x00 || be32(stream_index) || packet data)
    node  = H(0x01 || left || right)
    empty = H("")
Only SHA-256 is offered: Python's hashlib has no SM3 on most systems.
"""
import hashlib
import json
import subprocess
import sys

HEX_COLUMNS = 41    # "xxxx xxxx ... " area of ffprobe's hex dump


def parse_dump(text, size):
    """Decodes ffprobe's -show_data hex dump: lines "OOOOOOOO: " followed
    by a 41-column hex area (16 bytes in groups of 2, padded with spaces)
    and an ASCII column that must be ignored, since it may hold anything,
    spaces and hex digits included."""
    out = bytearray()
    lines = text.split("\n")
    if lines and lines[0] == "":
        lines = lines[1:]
    if lines and lines[-1] == "":
        lines = lines[:-1]
    for line in lines:
        if len(line) < 10 or line[8:10] != ": ":
            raise ValueError("bad dump line %r" % line)
        offset = int(line[:8], 16)
        if offset != len(out):
            raise ValueError("dump offset %#x, expected %#x" %
                             (offset, len(out)))
        area = line[10:10 + HEX_COLUMNS].replace(" ", "")
        if len(area) % 2 or len(area) > 32:
            raise ValueError("bad hex area in %r" % line)
        out += bytes.fromhex(area)
    if len(out) != size:
        raise ValueError("dump has %d bytes, packet size is %d" %
                         (len(out), size))
    return bytes(out)


def root(leaves, h):
    """RFC 9162 2.1.1: MTH over already hashed leaves."""
    n = len(leaves)
    if n == 0:
        return h(b"")
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return h(b"\x01" + root(leaves[:k], h) + root(leaves[k:], h))


def main():
    args = sys.argv[1:]
    alg = "sha256"
    if len(args) == 3 and args[0] == "--alg":
        alg = args[1]
        args = args[2:]
    if len(args) != 1 or alg != "sha256":
        sys.exit("usage: packet_root.py [--alg sha256] FILE")

    def h(b):
        return hashlib.sha256(b).digest()

    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_packets", "-show_data",
         "-of", "json", args[0]],
        check=True, stdout=subprocess.PIPE).stdout
    packets = json.loads(probe).get("packets", [])
    leaves = []
    for p in packets:
        size = int(p["size"])
        data = parse_dump(p.get("data", ""), size)
        leaves.append(h(b"\x00" + int(p["stream_index"]).to_bytes(4, "big")
                        + data))
    print("packet_root=%s:%s packets=%d" % (alg, root(leaves, h).hex(),
                                            len(leaves)))


if __name__ == "__main__":
    main()

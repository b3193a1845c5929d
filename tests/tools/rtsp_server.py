#!/usr/bin/env python3
"""rtsp_server.py [--sdp-only] PORT PORTFILE [KEYINT]: a local RTSP camera.

GStreamer's RTSP server (gst-rtsp-server, through PyGObject) on
127.0.0.1 serves rtsp://127.0.0.1:PORT/stream: a live test picture
(videotestsrc, 320x240 at 25 frames per second, a moving ball) encoded
by x264 with a keyframe every KEYINT frames (25 by default) and sent as
RTP H.264 (RFC 6184), each access unit led by a delimiter.  The
parameter sets (SPS, PPS) are in the SDP (sprop-parameter-sets) and, as
x264 repeats them, before every keyframe; with --sdp-only they are in
the SDP alone, as some cameras send them.  RTP goes only interleaved in
the RTSP connection (RTSP over TCP); a client asking for UDP is refused.
Every client gets a pipeline of its own, started when it asks for the
stream.

PORT 0 lets the kernel choose.  Once the server accepts connections the
port is written to PORTFILE (through a rename, so a reader never sees it
half written).  Killing the server is the camera going away.  One line
per client event goes to stderr.  The server exits when the process
that started it is gone, so a test that fails half way leaves no server
behind.

Needs Debian's python3-gi, gir1.2-gst-rtsp-server-1.0 and the
GStreamer plugins base (videotestsrc), good (rtph264pay) and ugly
(x264enc).
"""

import os
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402


def note(msg):
    sys.stderr.write("rtsp_server: %s\n" % msg)
    sys.stderr.flush()


def main():
    args = sys.argv[1:]
    sdp_only = args[:1] == ["--sdp-only"]
    if sdp_only:
        args = args[1:]
    if len(args) not in (2, 3):
        sys.stderr.write("usage: rtsp_server.py [--sdp-only] PORT PORTFILE "
                         "[KEYINT]\n")
        sys.exit(2)
    port, portfile = int(args[0]), args[1]
    keyint = int(args[2]) if len(args) == 3 else 25
    if not 0 <= port <= 65535 or keyint < 1:
        sys.stderr.write("rtsp_server.py: bad PORT or KEYINT\n")
        sys.exit(2)
    Gst.init(None)

    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(
        "( videotestsrc is-live=true pattern=ball "
        "! video/x-raw,width=320,height=240,framerate=25/1 "
        "! x264enc tune=zerolatency speed-preset=ultrafast "
        "key-int-max=%d %s"
        "! rtph264pay name=pay0 pt=96 )" %
        (keyint, "option-string=repeat-headers=0 " if sdp_only else ""))
    factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP)
    factory.set_shared(False)

    srv = GstRtspServer.RTSPServer()
    srv.set_address("127.0.0.1")
    srv.set_service(str(port))
    srv.get_mount_points().add_factory("/stream", factory)

    def client_connected(_srv, client):
        conn = client.get_connection()
        who = conn.get_ip() if conn is not None else "?"
        note("client %s connected" % who)
        client.connect("closed", lambda _c: note("client %s closed" % who))

    srv.connect("client-connected", client_connected)
    if srv.attach(None) == 0:
        note("cannot listen on 127.0.0.1:%d" % port)
        sys.exit(1)
    bound = srv.get_bound_port()

    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % bound)
    os.rename(tmp, portfile)
    note("serving rtsp://127.0.0.1:%d/stream, keyframe every %d frames, "
         "parameter sets %s" % (bound, keyint, "in the SDP only" if sdp_only
                                else "in the SDP and the stream"))

    loop = GLib.MainLoop()
    parent = os.getppid()

    def parent_alive():
        # Re-parented: the test that started us is gone.
        if os.getppid() != parent:
            loop.quit()
            return False
        return True

    GLib.timeout_add(200, parent_alive)
    loop.run()


if __name__ == "__main__":
    main()

/*
 * remux: a sealed recording rewrapped, by stream copy, as fragmented MP4
 * for a browser's <video> element (docs/console.md, "The player and
 * proofs").  Packets are copied unchanged into fragments that start at
 * each video key frame (movflags frag_keyframe+empty_moov+
 * default_base_moof), so the file plays while it is read; nothing is
 * decoded.  The only change to packet data is the one MP4 requires of
 * AAC from MPEG-TS: the ADTS header gives way to the AudioSpecificConfig
 * (aac_adtstoasc).  Streams an MP4 cannot hold (data, subtitles of
 * MPEG-TS) are left out.  The copy is for watching, not evidence: the
 * sealed object stays the original.
 *
 * The job runs in the sandboxed media child (sandbox.h, the CLIP policy:
 * the original on fd 3 read with pread, the output on fd 4), never in
 * the caller, as the clip child's cut does (clip.h).
 */
#ifndef CUSTOS_REMUX_H
#define CUSTOS_REMUX_H

#include <stdint.h>

#include "custos/probe.h"

/* The role flag of the remux child, for every program that has one. */
#define REMUX_CHILD		"--remux-child"

/*
 * Runs the child ("SELF --remux-child LIMIT") with in_fd as the original
 * (the caller keeps it; read with pread from 0) and out_fd as the MP4
 * (an empty regular file open for writing; the child writes it with
 * pwrite and never past limit bytes), waits at most timeout_ms, and
 * fills *res: PROBE_OK with container "mp4", packets the packets
 * written and streams the streams kept; NOT_MEDIA or DAMAGED as the
 * probe says them for the original; FAILED with error for "no stream an
 * MP4 can hold", a muxer refusal, an output larger than limit, or a
 * child that answered malformed; CRASHED or TIMEOUT.  The MP4 is whole
 * only on PROBE_OK.  Returns 0, CUSTOS_ERR_INVALID (bad descriptor, NULL
 * self, zero timeout or limit), CUSTOS_ERR_NOMEM or CUSTOS_ERR_SYSTEM
 * (errno set: no process).
 */
int	 remux_run(const char *self, int in_fd, int out_fd, uint64_t limit,
	    unsigned timeout_ms, struct probe_result *res);

/*
 * The child's entry point, called by main() when argv[1] is REMUX_CHILD
 * and argv[2] the limit: restricts itself, runs remux_fd() on fd 3 into
 * fd 4, answers on fd 1 and exits.  Never returns.
 */
void	 remux_child_main(int argc, char *argv[]) __attribute__((noreturn));

/*
 * The job without fork or sandbox (the child runs it; unit tests call it
 * directly): reads in_fd through the media child's AVIO context and
 * writes the fragmented MP4 to out_fd with pwrite from offset 0.  Fills
 * *res as remux_run() describes (FAILED set here for the refusals).
 * Returns 0, or CUSTOS_ERR_NOMEM when it could not do its own work.
 */
int	 remux_fd(int in_fd, int out_fd, struct probe_result *res);

#endif

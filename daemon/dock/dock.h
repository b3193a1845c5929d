/*
 * dock: cameras docked at the station.  Each docked camera is a directory
 * <dock.root>/<SERIAL>/ (a read-only mounted USB volume in production).
 * The dock watches dock.root with inotify (libuv fs_event), rescans it on
 * start and every few seconds, and runs one session per docking:
 *
 *   - walk the volume from a directory descriptor with openat(O_NOFOLLOW),
 *     never leaving it: symlinks, FIFOs, devices and sockets are refused
 *     and noted, names may be any bytes;
 *   - seal each regular file through seal.h, one file at a time per
 *     camera, cameras side by side, so one slow camera stalls no other;
 *   - with after_ingest = delete, unlink a file only after its entry is
 *     committed and the stored object re-read and matched;
 *   - on ENOSPC from the store or the log (SQLITE_FULL), or before a
 *     copy at the [disk] stop_ingest floor (daemon/disk.h), pause every
 *     camera and retry later, logging the state change once each way;
 *     the files stay on the camera;
 *   - at the end, append a dock.session entry (camera, start, end,
 *     inventory of every file seen with its digest or the reason it was
 *     refused, files seen before and now gone unsealed as "missing", the
 *     camera clock drift where measurable) and sign a checkpoint.
 *
 * A camera directory that stays docked is not taken again until it is
 * undocked (the directory goes away) or custosd restarts; a restart takes
 * every docked camera again and seals nothing twice.
 */
#ifndef CUSTOSD_DOCK_H
#define CUSTOSD_DOCK_H

#include <jansson.h>
#include <uv.h>

struct dock;
struct sealer;
struct station;

/*
 * Starts watching st->cfg->dock_root (created if missing) on loop, sealing
 * through s.  Returns 0 and *out, CUSTOS_ERR_SYSTEM if dock.root cannot
 * be created, or CUSTOS_ERR_NOMEM.
 */
int	 dock_start(uv_loop_t *loop, struct station *st, struct sealer *s,
	    struct dock **out);

/*
 * The per-camera state for the status answer:
 * {"store_full": bool, "disk_full": bool (the same: paused on ENOSPC),
 * and while it is true "disk_full_since", "disk_full_reason",
 * "disk_full_retries"; "ingest_paused": bool (paused on ENOSPC or at the
 * [disk] stop_ingest floor), and while it is true "paused_since",
 * "paused_reason", "paused_for" ("disk_full" or "stop_ingest"),
 * "paused_retries"; "cameras":
 * [{camera, state, files_done, files_total, bytes_done, bytes_total,
 * rate_bps, errors, refused, started}]} (docs/dock.md).  Returns a new reference or NULL on
 * allocation failure.
 */
json_t	*dock_status(const struct dock *d);

/*
 * Enters the disk-full state without a file that failed (custosd found
 * no space for its station.started entry): ingest paused, status and log
 * as for a full store (docs/dock.md).  The state ends once the start
 * entry is in and no camera waits, or when a seal succeeds.  d may be
 * NULL.
 */
void	 dock_disk_full(struct dock *d, const char *why);

/*
 * Sends the service's STATUS= line again if it changed (the room on the
 * disk, disk.h, is part of it).  d may be NULL.
 */
void	 dock_refresh(struct dock *d);

/*
 * Stops watching and starting work; sessions in flight finish their
 * current file and then end (appending their dock.session with
 * "ended": "stopped").  stopped is called once nothing is in flight;
 * then d is freed.  d may be NULL (stopped is then called at once).
 */
void	 dock_stop(struct dock *d, void (*stopped)(void *arg), void *arg);

#endif

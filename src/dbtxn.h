/* dbtxn.h -- the database's lock and its multi-file updates.
 *
 * Lock: flock() on DIR/.priori.lock (created when the folder is writable).
 * Readers hold it shared while they load the files, writers hold it
 * exclusive from before they read until after their update is complete,
 * so two writers never interleave their read-modify-write and a reader
 * never sees one file of an update without the other.
 *
 * Update (pr_db_commit), atomic as a whole over several files:
 *   1. each new file is written whole to DIR/.priori-new.NAME and fsync()ed;
 *   2. the commit marker DIR/.priori-commit (the names, one a line) is
 *      written to a temporary file, fsync()ed and renamed into place: this
 *      rename is the commit point;
 *   3. each DIR/.priori-new.NAME is renamed over DIR/NAME;
 *   4. the marker is removed (the folder is fsync()ed after 1, 2 and 3).
 * A crash or a full disk before the commit point leaves the old database
 * (plus staged files that the next command removes: "rolled back"), after
 * it the new one (the next command finishes step 3: "completed"). Either
 * way the next command that locks the folder does so first and says so
 * (struct pr_db_lock's recovered; the CLI prints "priori: warning: DIR: an
 * interrupted update of the database was found and completed ...").
 */
#ifndef PR_DBTXN_H
#define PR_DBTXN_H

#include <stdbool.h>

#include "err.h"

struct pr_db_lock {
    int fd;       /* -1: no lock file (a read-only folder without one) */
    /* NULL, or (static text) how an interrupted update was found and
     * finished: "completed (...)" or "rolled back (...)" */
    const char *recovered;
};

/* Locks dir shared (readers) or exclusive (writers), after finishing or
 * rolling back an interrupted update (l->recovered says so, set also when
 * the lock then fails). 0, or -1 with err (PR_E_IO). */
int pr_db_lock(struct pr_db_lock *l, const char *dir, bool exclusive, struct pr_err *err);
void pr_db_unlock(struct pr_db_lock *l);

/* Replaces the n files names[i] of dir by texts[i] as one update (above);
 * the caller holds the exclusive lock. 0, or -1 with err (PR_E_IO;
 * the message says whether the database is unchanged or the update is
 * committed and will be finished by the next command). */
int pr_db_commit(const char *dir, const char *const *names, const char *const *texts, int n, struct pr_err *err);

#endif

package io.certvault.infrastructure.persistence;

/**
 * Group commit for a database that writes each commit to its file but never forces it to disk (embedded H2):
 * a committed writer calls {@link #await} and returns once a force that began after its commit has finished.
 * One force covers every commit written before it began, so writers that commit while a force is running
 * share the next one instead of queueing for one each (H2 has no group commit of its own; at ~20 ms per
 * fsync here, one force per commit capped the embedded database at a few dozen writes a second).
 */
final class GroupSync {
    /** Forces what the database wrote onto the disk. */
    interface Force {
        void run() throws java.sql.SQLException;
    }

    private final Force force;
    /** Commits that asked for a force, counted; a ticket is a commit's place in this count. */
    private long requested;
    /** The highest ticket that a finished force covers. */
    private long forced;
    private boolean forcing;

    GroupSync(Force force) {
        this.force = force;
    }

    /**
     * Returns when this thread's commit (already written to the file) is on the disk. The thread whose turn
     * it is forces; others wait for it. A failed force fails its own caller only: a waiter then forces itself.
     */
    void await() throws java.sql.SQLException, InterruptedException {
        long ticket;
        long covers;
        synchronized (this) {
            ticket = ++requested;
            while (forced < ticket && forcing) {
                wait();
            }
            if (forced >= ticket) {
                return;
            }
            forcing = true;
            // Every commit that took a ticket so far was written before this point: the force covers them.
            covers = requested;
        }
        boolean done = false;
        try {
            force.run();
            done = true;
        } finally {
            synchronized (this) {
                forcing = false;
                if (done) {
                    forced = Math.max(forced, covers);
                }
                notifyAll();
            }
        }
    }

}

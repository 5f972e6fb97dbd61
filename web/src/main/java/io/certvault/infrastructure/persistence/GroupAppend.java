package io.certvault.infrastructure.persistence;

import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Function;

/**
 * Group append: items that threads hand in while a write is running are written together by the next one, in
 * one transaction. The audit trail uses it for key uses outside any unit of work (a message encoded through
 * the API): each used to cost a transaction of its own (the chain head locked, the record written, the commit
 * forced to disk), so concurrent requests queued on the head row and on the disk; now one commit carries the
 * records of all requests waiting. Each caller still returns only once its own item is committed.
 *
 * @param <I> what is appended
 * @param <R> what a written item becomes
 */
final class GroupAppend<I, R> {
    /** The most items one transaction writes: a bound on how long one commit holds the chain head. */
    static final int MAX_GROUP = 64;

    private final Function<List<I>, List<R>> writeAll;
    private final ArrayDeque<Pending<I, R>> queue = new ArrayDeque<>();
    private boolean writing;

    /** {@code writeAll} writes the items in one transaction and answers their results in the same order. */
    GroupAppend(Function<List<I>, List<R>> writeAll) {
        this.writeAll = writeAll;
    }

    private static final class Pending<I, R> {
        final I item;
        boolean done;
        R result;
        RuntimeException failure;

        Pending(I item) {
            this.item = item;
        }
    }

    /** Appends the item with whatever else is waiting, and returns once it is committed (or throws why not). */
    R append(I item) {
        Pending<I, R> mine = new Pending<>(item);
        List<Pending<I, R>> group = new ArrayList<>();
        synchronized (this) {
            queue.add(mine);
            boolean interrupted = false;
            while (!mine.done && writing) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    // The item is queued and will be written: wait for its outcome, then keep the interrupt.
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (mine.done) {
                return outcome(mine);
            }
            writing = true;
            while (!queue.isEmpty() && group.size() < MAX_GROUP) {
                group.add(queue.poll());
            }
        }
        try {
            write(group);
        } finally {
            synchronized (this) {
                writing = false;
                notifyAll();
            }
        }
        return outcome(mine);
    }

    /**
     * Writes the group in one transaction; if that fails, each item alone, so that one item the database refuses
     * fails only its own caller and a failure of the database fails each caller with its own error.
     */
    private void write(List<Pending<I, R>> group) {
        List<R> results;
        try {
            results = writeAll.apply(group.stream().map(p -> p.item).toList());
        } catch (RuntimeException e) {
            if (group.size() == 1) {
                finish(group.get(0), null, e);
                return;
            }
            for (Pending<I, R> pending : group) {
                try {
                    finish(pending, writeAll.apply(List.of(pending.item)).get(0), null);
                } catch (RuntimeException alone) {
                    finish(pending, null, alone);
                }
            }
            return;
        }
        for (int i = 0; i < group.size(); i++) {
            finish(group.get(i), results.get(i), null);
        }
    }

    private synchronized void finish(Pending<I, R> pending, R result, RuntimeException failure) {
        pending.result = result;
        pending.failure = failure;
        pending.done = true;
    }

    private synchronized R outcome(Pending<I, R> pending) {
        if (pending.failure != null) {
            throw pending.failure;
        }
        return pending.result;
    }
}

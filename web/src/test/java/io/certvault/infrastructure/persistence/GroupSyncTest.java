package io.certvault.infrastructure.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GroupSyncTest {

    @Test
    void commitsWaitingWhileAForceRunsShareTheNextOne() throws Exception {
        CountDownLatch firstForceStarted = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        AtomicInteger forces = new AtomicInteger();
        GroupSync sync = new GroupSync(() -> {
            if (forces.incrementAndGet() == 1) {
                firstForceStarted.countDown();
                await(releaseFirst);
            }
        });
        ExecutorService threads = Executors.newFixedThreadPool(9);
        try {
            Future<?> first = threads.submit(() -> call(sync));
            assertTrue(firstForceStarted.await(10, TimeUnit.SECONDS));
            List<Future<?>> waiting = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                waiting.add(threads.submit(() -> call(sync)));
            }
            // The eight committed while the first force ran: none of them may return on that force.
            Thread.sleep(200);
            for (Future<?> commit : waiting) {
                assertTrue(!commit.isDone(), "a commit returned before a force that began after it");
            }
            releaseFirst.countDown();
            first.get(10, TimeUnit.SECONDS);
            for (Future<?> commit : waiting) {
                commit.get(10, TimeUnit.SECONDS);
            }
            assertEquals(2, forces.get(), "the eight waiting commits shared one force");
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void everyCommitReturnsOnlyAfterAForceThatBeganAfterIt() throws Exception {
        // A commit's time is taken before it calls await; each force records when it began and ended.
        AtomicLong clock = new AtomicLong();
        List<long[]> forces = java.util.Collections.synchronizedList(new ArrayList<>());
        GroupSync sync = new GroupSync(() -> {
            long began = clock.incrementAndGet();
            Thread.onSpinWait();
            forces.add(new long[] {began, clock.incrementAndGet()});
        });
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<long[]>> commits = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                commits.add(threads.submit(() -> {
                    long committed = clock.incrementAndGet();
                    sync.await();
                    return new long[] {committed, clock.incrementAndGet()};
                }));
            }
            List<long[]> returned = new ArrayList<>();
            for (Future<long[]> commit : commits) {
                returned.add(commit.get(30, TimeUnit.SECONDS));
            }
            for (long[] times : returned) {
                assertTrue(forces.stream().anyMatch(f -> f[0] > times[0] && f[1] < times[1]),
                        "no force began after the commit and ended before it returned");
            }
            assertTrue(forces.size() <= commits.size());
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aFailedForceFailsItsCallerAndTheNextCommitForcesAgain() throws Exception {
        AtomicInteger forces = new AtomicInteger();
        GroupSync sync = new GroupSync(() -> {
            if (forces.incrementAndGet() == 1) {
                throw new SQLException("disk full");
            }
        });
        assertThrows(SQLException.class, sync::await);
        sync.await();
        assertEquals(2, forces.get());
    }

    private static void call(GroupSync sync) {
        try {
            sync.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

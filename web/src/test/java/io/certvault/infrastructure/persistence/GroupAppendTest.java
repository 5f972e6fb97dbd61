package io.certvault.infrastructure.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GroupAppendTest {

    @Test
    void itemsHandedInWhileAWriteRunsAreWrittenTogetherAndEachCallerGetsItsOwnResult() throws Exception {
        CountDownLatch firstWriting = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        List<List<Integer>> writes = new CopyOnWriteArrayList<>();
        GroupAppend<Integer, String> group = new GroupAppend<>(items -> {
            writes.add(items);
            if (writes.size() == 1) {
                firstWriting.countDown();
                await(releaseFirst);
            }
            return items.stream().map(i -> "record-" + i).toList();
        });
        ExecutorService threads = Executors.newFixedThreadPool(11);
        try {
            Future<String> first = threads.submit(() -> group.append(0));
            assertTrue(firstWriting.await(10, TimeUnit.SECONDS));
            List<Future<String>> waiting = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                int item = i;
                waiting.add(threads.submit(() -> group.append(item)));
            }
            Thread.sleep(200);
            assertTrue(waiting.stream().noneMatch(Future::isDone), "an item returned before it was written");
            releaseFirst.countDown();
            assertEquals("record-0", first.get(10, TimeUnit.SECONDS));
            for (int i = 1; i <= 10; i++) {
                assertEquals("record-" + i, waiting.get(i - 1).get(10, TimeUnit.SECONDS));
            }
            assertEquals(2, writes.size(), "the ten waiting items went in one write: " + writes);
            assertEquals(10, writes.get(1).size());
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void anItemTheWriteRefusesFailsOnlyItsOwnCaller() throws Exception {
        CountDownLatch firstWriting = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        List<List<Integer>> writes = new CopyOnWriteArrayList<>();
        GroupAppend<Integer, String> group = new GroupAppend<>(items -> {
            writes.add(items);
            if (writes.size() == 1) {
                firstWriting.countDown();
                await(releaseFirst);
            }
            if (items.contains(13)) {
                throw new IllegalArgumentException("refused 13");
            }
            return items.stream().map(i -> "record-" + i).toList();
        });
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            Future<String> first = threads.submit(() -> group.append(0));
            assertTrue(firstWriting.await(10, TimeUnit.SECONDS));
            Future<String> good = threads.submit(() -> group.append(12));
            Future<String> bad = threads.submit(() -> group.append(13));
            Future<String> alsoGood = threads.submit(() -> group.append(14));
            Thread.sleep(200);
            releaseFirst.countDown();
            first.get(10, TimeUnit.SECONDS);
            assertEquals("record-12", good.get(10, TimeUnit.SECONDS));
            assertEquals("record-14", alsoGood.get(10, TimeUnit.SECONDS));
            ExecutionException failure = assertThrows(ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
            assertEquals("refused 13", failure.getCause().getMessage());
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aGroupIsBounded() throws Exception {
        CountDownLatch firstWriting = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        GroupAppend<Integer, Integer> group = new GroupAppend<>(items -> {
            sizes.add(items.size());
            if (sizes.size() == 1) {
                firstWriting.countDown();
                await(releaseFirst);
            }
            return items;
        });
        int waiting = GroupAppend.MAX_GROUP + 10;
        ExecutorService threads = Executors.newFixedThreadPool(waiting + 1);
        try {
            Future<Integer> first = threads.submit(() -> group.append(-1));
            assertTrue(firstWriting.await(10, TimeUnit.SECONDS));
            List<Future<Integer>> all = new ArrayList<>();
            for (int i = 0; i < waiting; i++) {
                int item = i;
                all.add(threads.submit(() -> group.append(item)));
            }
            Thread.sleep(300);
            releaseFirst.countDown();
            first.get(10, TimeUnit.SECONDS);
            for (int i = 0; i < waiting; i++) {
                assertEquals(i, all.get(i).get(10, TimeUnit.SECONDS));
            }
            assertTrue(sizes.stream().allMatch(size -> size <= GroupAppend.MAX_GROUP), sizes.toString());
            assertEquals(waiting + 1, sizes.stream().mapToInt(Integer::intValue).sum());
        } finally {
            threads.shutdownNow();
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

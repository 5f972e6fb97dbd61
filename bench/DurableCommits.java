import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What durable commits cost the embedded H2 database: committed writes per second, each a transaction of one
 * row shaped like an audit record, with the settings Certvault used before (H2's default WRITE_DELAY, 500 ms:
 * commits acknowledged before they are written), WRITE_DELAY=0 alone (written before the commit returns), and
 * what Database does now (WRITE_DELAY=0, then CHECKPOINT SYNC: fsync). Rounds alternate the modes so that the
 * machine's noise falls on all of them. Run from the project root (see docs/benchmarks.md):
 * {@code java -cp ~/.m2/repository/com/h2database/h2/2.2.224/h2-2.2.224.jar bench/DurableCommits.java [seconds] [rounds]}
 */
public class DurableCommits {
    enum Mode {
        BEFORE(";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000", false),
        WRITE_DELAY_0(";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;WRITE_DELAY=0", false),
        DURABLE(";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;WRITE_DELAY=0", true);

        final String settings;
        final boolean sync;

        Mode(String settings, boolean sync) {
            this.settings = settings;
            this.sync = sync;
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path folder = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath(), "durable-commits-");
        System.out.printf("H2 file databases in %s, %d s a measurement, %d rounds%n", folder, seconds, rounds);
        for (int threads : new int[] {1, 4}) {
            List<List<Double>> results = new ArrayList<>();
            for (Mode mode : Mode.values()) {
                results.add(new ArrayList<>());
            }
            for (int round = 0; round < rounds; round++) {
                Mode[] order = Mode.values();
                for (int i = 0; i < order.length; i++) {
                    Mode mode = order[round % 2 == 0 ? i : order.length - 1 - i];
                    double rate = measure(folder.resolve(mode + "-" + threads + "-" + round), mode, threads, seconds);
                    results.get(mode.ordinal()).add(rate);
                    System.out.printf("threads %d round %d %-13s %8.0f commits/s%n", threads, round, mode, rate);
                }
            }
            double before = median(results.get(Mode.BEFORE.ordinal()));
            for (Mode mode : Mode.values()) {
                double median = median(results.get(mode.ordinal()));
                System.out.printf("threads %d %-13s median %8.0f commits/s, %.2f of BEFORE, all %s%n", threads, mode,
                        median, median / before, results.get(mode.ordinal()));
            }
        }
    }

    private static double measure(Path folder, Mode mode, int threads, int seconds) throws Exception {
        String url = "jdbc:h2:file:" + folder.resolve("certvault") + mode.settings;
        try (Connection setup = DriverManager.getConnection(url, "sa", ""); Statement sql = setup.createStatement()) {
            sql.execute("CREATE TABLE audit_record (id UUID PRIMARY KEY, recorded TIMESTAMP WITH TIME ZONE, "
                    + "operation VARCHAR(100), target VARCHAR(1000), hash VARCHAR(64))");
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<Long>> counts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                counts.add(pool.submit(() -> writer(url, mode.sync, running)));
            }
            long start = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            running.set(false);
            long commits = 0;
            for (Future<Long> count : counts) {
                commits += count.get();
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            sql.execute("SHUTDOWN");
            return commits / elapsed;
        }
    }

    /** Commits one row a transaction until told to stop, forcing each commit to disk as Database does when asked. */
    private static long writer(String url, boolean sync, AtomicBoolean running) throws SQLException {
        long commits = 0;
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
                Connection syncer = DriverManager.getConnection(url, "sa", "");
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO audit_record VALUES (?, CURRENT_TIMESTAMP, 'keys/sign', ?, ?)");
                Statement checkpoint = syncer.createStatement()) {
            connection.setAutoCommit(false);
            String target = "account=contoso certificate=contoso-private vault=default key=contoso-key ".repeat(4);
            while (running.get()) {
                insert.setObject(1, UUID.randomUUID());
                insert.setString(2, target);
                insert.setString(3, UUID.randomUUID().toString().replace("-", "").repeat(2));
                insert.executeUpdate();
                connection.commit();
                if (sync) {
                    checkpoint.execute("CHECKPOINT SYNC");
                }
                commits++;
            }
        }
        return commits;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}

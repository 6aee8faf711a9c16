package io.payroute.analytics;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

import io.payroute.charge.Ids;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Seeds {@code N} charges (default 100,000, with their attempts) spread over the last 7 days into a database of its
 * own, migrated with the service's Flyway scripts, then times every analytics query over every window, for one
 * merchant and for all (admin). Run by bench/analytics.sh:
 * <pre>
 *   AnalyticsBench h2 [charges]                  (an H2 file under target/analytics-bench)
 *   AnalyticsBench postgres SCHEMA [charges]     (127.0.0.1:5432/test, the schema is dropped and recreated)
 * </pre>
 */
public final class AnalyticsBench {

    private static final String[] PROVIDERS = {"flutterwave", "paystack", "stripe"};
    private static final String[] CURRENCIES = {"NGN", "NGN", "NGN", "USD", "GHS", "KES"};
    private static final String[] BANKS = {"539983", "506099", "418742", "521090", "459660", "404017", "535522", "519911"};
    private static final String[] DECLINES = {"insufficient_funds", "do_not_honor", "expired_card", "incorrect_pin"};
    private static final int RUNS = 7;
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private AnalyticsBench() {
    }

    public static void main(String[] args) throws Exception {
        boolean postgres = args.length > 0 && args[0].equals("postgres");
        String schema = postgres ? args[1] : null;
        int charges = Integer.parseInt(args.length > (postgres ? 2 : 1) ? args[postgres ? 2 : 1] : "100000");
        DriverManagerDataSource ds = postgres
                ? new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + schema, "postgres", "")
                : new DriverManagerDataSource("jdbc:h2:file:./target/analytics-bench/db;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                        + "DEFAULT_NULL_ORDERING=HIGH", "sa", "");
        if (postgres) {
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
                 Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                s.execute("CREATE SCHEMA " + schema);
            }
        } else {
            // a new file each run: H2 slows down markedly on a file that earlier runs filled and emptied
            try (var files = java.nio.file.Files.list(java.nio.file.Path.of("target", "analytics-bench"))) {
                for (java.nio.file.Path f : files.toList()) {
                    java.nio.file.Files.delete(f);
                }
            } catch (java.nio.file.NoSuchFileException none) {
                // first run
            }
        }
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").schemas(postgres ? new String[]{schema} : new String[0])
                .load().migrate();
        long seeding = System.nanoTime();
        int attempts = seed(ds, charges);
        System.out.printf(Locale.ROOT, "%s: seeded %,d charges and %,d attempts over 7 days in %.1f s%n",
                postgres ? "PostgreSQL schema " + schema : "H2 file", charges, attempts, (System.nanoTime() - seeding) / 1e9);
        if (postgres) {
            new JdbcTemplate(ds).execute("ANALYZE");
        }
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        time(new AnalyticsRepository(jdbc, new Rollup(jdbc,
                new TransactionTemplate(new DataSourceTransactionManager(ds)), java.time.Clock.systemUTC())));
    }

    private static void time(AnalyticsRepository analytics) {
        Instant now = Instant.now();
        // the first reads of the 30-day window roll up its hours, Rollup.HOURS_PER_READ at a time
        for (int read = 1; read <= 8; read++) {
            long rolling = System.nanoTime();
            long rollingCpu = THREADS.getCurrentThreadCpuTime();
            analytics.chargesBy(Scope.ALL, Window.parse("30d", now), Dimension.PROVIDER);
            System.out.printf(Locale.ROOT, "read %d of the 30d window (rolling up hours): %.0f / %.0f ms%n", read,
                    (System.nanoTime() - rolling) / 1e6, (THREADS.getCurrentThreadCpuTime() - rollingCpu) / 1e6);
        }
        // wall time, and the CPU time of this thread: H2 runs the query on it, so that part does not depend on how
        // busy the machine is (PostgreSQL runs it in its own process: CPU shows ~0 there)
        System.out.printf(Locale.ROOT, "%-20s %-8s %14s %14s %14s   (wall / cpu ms, median of %d runs)%n", "query", "scope",
                "15m", "24h", "30d", RUNS);
        for (Scope scope : List.of(new Scope("merchant_default"), Scope.ALL)) {
            String who = scope.isAll() ? "all" : "merchant";
            row("success-rates/bank", who, w -> () -> analytics.chargesBy(scope, w, Dimension.BANK), now);
            row("volume (currency)", who, w -> () -> analytics.chargesBy(scope, w, Dimension.CURRENCY), now);
            row("failure reasons", who, w -> () -> analytics.failureReasons(scope, w), now);
            row("attempts by outcome", who, w -> () -> analytics.attemptsBy(scope, w), now);
            row("latencies", who, w -> () -> analytics.latencies(scope, w), now);
            row("timeseries", who, w -> () -> analytics.series(scope, w), now);
            row("recent charges", who, w -> () -> analytics.recentCharges(scope, null, 50), now);
        }
        Instant since = now.minus(Duration.ofMinutes(1));
        row("alerts: providers", "all", w -> () -> analytics.providerRates(since.minus(Duration.ofMinutes(15)), since), now);
        row("alerts: banks", "all", w -> () -> analytics.bankRates(since.minus(Duration.ofMinutes(15)), since), now);
    }

    private static void row(String name, String scope, java.util.function.Function<Window, Supplier<?>> query, Instant now) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-20s %-8s", name, scope));
        for (String window : List.of("15m", "24h", "30d")) {
            Supplier<?> q = query.apply(Window.parse(window, now));
            q.get();
            q.get();
            double[] ms = new double[RUNS];
            double[] cpu = new double[RUNS];
            for (int i = 0; i < RUNS; i++) {
                long start = System.nanoTime();
                long startCpu = THREADS.getCurrentThreadCpuTime();
                q.get();
                ms[i] = (System.nanoTime() - start) / 1e6;
                cpu[i] = (THREADS.getCurrentThreadCpuTime() - startCpu) / 1e6;
            }
            Arrays.sort(ms);
            Arrays.sort(cpu);
            line.append(String.format(Locale.ROOT, " %7.1f /%5.0f", ms[RUNS / 2], cpu[RUNS / 2]));
        }
        System.out.println(line);
    }

    /** Charges 90 % of the default merchant, 70 % tokens; 85 % succeeded, 12 % failed; 1 in 5 failed over first. */
    private static int seed(DriverManagerDataSource ds, int count) throws Exception {
        Random random = new Random(42);
        Instant now = Instant.now();
        long span = Duration.ofDays(7).toMillis();
        int attempts = 0;
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement charge = c.prepareStatement("""
                    INSERT INTO charges (id, merchant_id, status, amount, currency, customer, payment_method, provider,
                                         failure_code, failure_category, method, bank, fee, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, '{"email":"bench@example.com"}', ?, ?, ?, ?, ?, ?, ?, ?, ?)""");
                 PreparedStatement attempt = c.prepareStatement("""
                    INSERT INTO charge_attempts (charge_id, seq, provider, attempt_reference, outcome, code, latency_ms,
                                                 started_at, finished_at, merchant_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                List<Long> times = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    times.add(now.toEpochMilli() - (long) (random.nextDouble() * span));
                }
                times.sort(null);
                for (int i = 0; i < count; i++) {
                    Instant at = Instant.ofEpochMilli(times.get(i));
                    String id = Ids.firstChargeIdAt(at).substring(0, 13) + Ids.charge().substring(13);
                    boolean card = random.nextInt(10) < 3;
                    String provider = PROVIDERS[random.nextInt(card ? 2 : 3) + (card ? 1 : 0)];
                    double roll = random.nextDouble();
                    String status = roll < 0.85 ? "succeeded" : roll < 0.97 ? "failed" : "pending";
                    String code = status.equals("failed") ? DECLINES[random.nextInt(DECLINES.length)] : null;
                    long amount = 1_000 + random.nextInt(500_000);
                    charge.setString(1, id);
                    String merchant = random.nextInt(10) < 9 ? "merchant_default" : "merchant_other";
                    charge.setString(2, merchant);
                    charge.setString(3, status);
                    charge.setLong(4, amount);
                    charge.setString(5, CURRENCIES[random.nextInt(CURRENCIES.length)]);
                    charge.setString(6, card ? "{\"type\":\"card\",\"brand\":\"mastercard\"}" : "{\"type\":\"tokens\"}");
                    charge.setString(7, provider);
                    charge.setString(8, code);
                    charge.setString(9, code == null ? null : "customer");
                    charge.setString(10, card ? "card" : "tokens");
                    charge.setString(11, card ? BANKS[random.nextInt(BANKS.length)] : null);
                    if (status.equals("succeeded")) {
                        charge.setLong(12, amount * 15 / 1000);
                    } else {
                        charge.setNull(12, java.sql.Types.BIGINT);
                    }
                    charge.setTimestamp(13, Timestamp.from(at));
                    charge.setTimestamp(14, Timestamp.from(at));
                    charge.addBatch();
                    int seq = 1;
                    if (random.nextInt(5) == 0) {
                        String first = PROVIDERS[(Arrays.asList(PROVIDERS).indexOf(provider) + 1) % PROVIDERS.length];
                        addAttempt(attempt, id, merchant, seq++, first, "NOT_CHARGED", "provider_unavailable", 5 + random.nextInt(50), at);
                    }
                    String outcome = switch (status) {
                        case "succeeded" -> "SUCCESS";
                        case "failed" -> "DECLINED";
                        default -> "PENDING";
                    };
                    addAttempt(attempt, id, merchant, seq, provider, outcome, code, (int) Math.min(30_000, Math.exp(5 + random.nextGaussian() * 0.6)), at);
                    attempts += seq;
                    if (i % 1000 == 999) {
                        charge.executeBatch();
                        attempt.executeBatch();
                        c.commit();
                    }
                }
                charge.executeBatch();
                attempt.executeBatch();
                c.commit();
            }
        }
        return attempts;
    }

    private static void addAttempt(PreparedStatement attempt, String chargeId, String merchant, int seq, String provider,
                                   String outcome, String code, int latencyMs, Instant at) throws Exception {
        attempt.setString(1, chargeId);
        attempt.setInt(2, seq);
        attempt.setString(3, provider);
        attempt.setString(4, Ids.attemptReference(chargeId, seq));
        attempt.setString(5, outcome);
        attempt.setString(6, code);
        attempt.setInt(7, latencyMs);
        attempt.setTimestamp(8, Timestamp.from(at));
        attempt.setTimestamp(9, Timestamp.from(at.plusMillis(latencyMs)));
        attempt.setString(10, merchant);
        attempt.addBatch();
    }
}

package io.payroute.analytics;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.payroute.charge.Ids;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The hourly rollups analytics reads long windows from (V8__analytics_rollup.sql). A charge's hour is the hour its
 * id was made in. An hour is rolled up from the raw rows by the first read that needs it, once the hour has been
 * over for {@link #RAW_HOURS} hours; a write to a charge or an attempt of an hour that is already over bumps the
 * hour's version in the writer's transaction, and a rollup counts only while it was made at the current version.
 * So the rollups always agree with the raw rows, on any number of instances, and a charge settled within its own
 * hour costs the charge path nothing.
 */
@Component
public class Rollup {

    static final long HOUR_MS = 3_600_000;
    /**
     * How many hours after an hour ended readers still read it raw: room for a write that decided it was not late
     * just before its hour ended and commits after, and for instances whose clocks disagree by up to an hour.
     */
    static final int RAW_HOURS = 2;

    /**
     * At most this many hours are rolled up by one read (about 0.5 s of CPU on H2 at 600 charges an hour), so the
     * first reads after an upgrade or a long stop do not each take seconds; the hours left are read raw meanwhile.
     */
    static final int HOURS_PER_READ = 24;

    private static final List<String> TABLES = List.of("analytics_charge_hours", "analytics_failure_hours",
            "analytics_attempt_hours", "analytics_latency_hours");

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;

    public Rollup(JdbcTemplate jdbc, TransactionTemplate tx, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
    }

    /** The hour (since the epoch) a charge belongs to: the one its id was made in. */
    static long hourOf(String chargeId) {
        return hourAt(Ids.timeOf(chargeId));
    }

    static long hourAt(Instant time) {
        return Math.floorDiv(time.toEpochMilli(), HOUR_MS);
    }

    /** The lowest charge id of an hour: hour h's charges are the ids in [firstIdOf(h), firstIdOf(h + 1)). */
    static String firstIdOf(long hour) {
        return Ids.firstChargeIdAt(Instant.ofEpochMilli(hour * HOUR_MS));
    }

    /**
     * Runs a write to charge {@code chargeId} or to one of its attempts. When the charge's hour is over, the write
     * and the bump of the hour's version commit together (in the caller's transaction if there is one).
     */
    public <T> T write(String chargeId, Supplier<T> change) {
        long hour = hourOf(chargeId);
        if (hour >= hourAt(clock.instant())) {
            return change.get();
        }
        return tx.execute(s -> {
            T result = change.get();
            // an hour never rolled up has no row: the INSERT waits for a reader rolling it up right now, if any
            if (jdbc.update("UPDATE analytics_hours SET version = version + 1 WHERE charge_hour = ?", hour) == 0) {
                jdbc.update("INSERT INTO analytics_hours (charge_hour, version) VALUES (?, 0) ON CONFLICT DO NOTHING", hour);
                jdbc.update("UPDATE analytics_hours SET version = version + 1 WHERE charge_hour = ?", hour);
            }
            return result;
        });
    }

    /**
     * Rolls up the hours before {@code to} whose rollup is missing or older than its last write, newest first, down
     * to {@code from} or until it has rolled up {@link #HOURS_PER_READ}, and returns the first hour of the run of
     * current hours that ends at {@code to}: the read takes the hours before it raw.
     */
    long refresh(long from, long to) {
        Set<Long> current = new HashSet<>(jdbc.queryForList("""
                SELECT charge_hour FROM analytics_hours
                WHERE charge_hour >= ? AND charge_hour < ? AND rolled_version = version""", Long.class, from, to));
        int budget = HOURS_PER_READ;
        long hour = to;
        while (hour > from) {
            if (!current.contains(hour - 1)) {
                if (budget-- == 0) {
                    break;
                }
                long h = hour - 1;
                tx.executeWithoutResult(s -> rollUp(h));
            }
            hour--;
        }
        return hour;
    }

    private void rollUp(long hour) {
        jdbc.update("INSERT INTO analytics_hours (charge_hour, version) VALUES (?, 0) ON CONFLICT DO NOTHING", hour);
        // the row lock: a late write to this hour waits for this rollup to commit, then makes it stale
        Map<String, Object> state = jdbc.queryForMap(
                "SELECT version, rolled_version FROM analytics_hours WHERE charge_hour = ? FOR UPDATE", hour);
        long version = ((Number) state.get("version")).longValue();
        if (state.get("rolled_version") instanceof Number rolled && rolled.longValue() == version) {
            return;
        }
        for (String table : TABLES) {
            jdbc.update("DELETE FROM " + table + " WHERE charge_hour = ?", hour);
        }
        String first = firstIdOf(hour);
        String end = firstIdOf(hour + 1);
        for (Dimension d : Dimension.values()) {
            jdbc.update("INSERT INTO analytics_charge_hours (charge_hour, merchant_id, dimension, dimension_value, status,"
                    + " charges, amount, fees) SELECT ?, merchant_id, '" + d.wire() + "', " + d.column() + ", status,"
                    + " COUNT(*), SUM(amount), SUM(fee) FROM charges WHERE id >= ? AND id < ?"
                    + " GROUP BY merchant_id, " + d.column() + ", status", hour, first, end);
        }
        jdbc.update("""
                INSERT INTO analytics_failure_hours (charge_hour, merchant_id, status, failure_code, failure_category, charges)
                SELECT ?, merchant_id, status, failure_code, failure_category, COUNT(*) FROM charges WHERE id >= ? AND id < ?
                GROUP BY merchant_id, status, failure_code, failure_category""", hour, first, end);
        jdbc.update("""
                INSERT INTO analytics_attempt_hours (charge_hour, started_hour, merchant_id, provider, outcome, code,
                                                     attempts, first_picks)
                SELECT ?, DATE_TRUNC('hour', started_at), merchant_id, provider, outcome, code, COUNT(*),
                       SUM(CASE WHEN seq = 1 THEN 1 ELSE 0 END)
                FROM charge_attempts WHERE charge_id >= ? AND charge_id < ? AND outcome IS NOT NULL
                GROUP BY DATE_TRUNC('hour', started_at), merchant_id, provider, outcome, code""", hour, first, end);
        Map<List<String>, StringBuilder> latencies = new LinkedHashMap<>();
        jdbc.query("""
                SELECT merchant_id, provider, latency_ms, COUNT(*) AS n
                FROM charge_attempts WHERE charge_id >= ? AND charge_id < ? AND latency_ms IS NOT NULL
                GROUP BY merchant_id, provider, latency_ms""", rs -> {
            StringBuilder calls = latencies.computeIfAbsent(Arrays.asList(rs.getString("merchant_id"), rs.getString("provider")),
                    k -> new StringBuilder());
            calls.append(calls.isEmpty() ? "" : " ").append(rs.getInt("latency_ms")).append(':').append(rs.getLong("n"));
        }, first, end);
        latencies.forEach((key, calls) -> jdbc.update("""
                INSERT INTO analytics_latency_hours (charge_hour, merchant_id, provider, calls_by_latency)
                VALUES (?, ?, ?, ?)""", hour, key.get(0), key.get(1), calls.toString()));
        jdbc.update("UPDATE analytics_hours SET rolled_version = ? WHERE charge_hour = ?", version, hour);
    }
}

package io.payroute.analytics;

import static io.payroute.sql.SqlValues.instant;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.payroute.charge.Ids;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The SQL behind the analytics API, the same on H2 and PostgreSQL. Windows are ranges of the charges' primary key:
 * charge ids are ULIDs, so "created since T" is {@code id >= Ids.firstChargeIdAt(T)}, and attempts, keyed by
 * (charge_id, seq), are found by the same range. No timestamp index is needed, and none is written per charge.
 * Attempts count in the window of their charge's creation. A window that starts before the oldest charge reads the
 * whole table instead: H2 scans a table about twice as fast as it walks a key range (bench/README.md).
 */
@Repository
public class AnalyticsRepository {

    public record StatusCount(String key, String status, long count, long amount, long fees) {
    }

    public record FailureReason(String code, String category, long count) {
    }

    /** Attempts of one provider with one outcome and code; {@code firstPicks}: how many were a charge's first attempt. */
    public record AttemptCount(String provider, String outcome, String code, long count, long firstPicks) {
    }

    /** How many of a provider's calls took exactly {@code latencyMs}: percentiles and histogram are read from these. */
    public record LatencyCount(String provider, int latencyMs, long count) {
    }

    public record SeriesPoint(String provider, Instant start, long succeeded, long declined, long errors) {
    }

    public record ChargeRow(String id, String merchantId, String status, long amount, String currency, String provider,
                            String method, String bank, String failureCode, Instant createdAt) {
    }

    /** Successes out of decided outcomes, in the window before {@code since} (baseline) and since (current). */
    public record RateSample(String key, long baselineTotal, long baselineSuccesses, long currentTotal, long currentSuccesses) {
    }

    private final JdbcTemplate jdbc;

    public AnalyticsRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Charges by a dimension and status, with their amounts and the fees of those that succeeded. */
    public List<StatusCount> chargesBy(Scope scope, Window window, Dimension by) {
        Filter f = charges(scope, window.from());
        return jdbc.query("SELECT " + by.column() + " AS k, status, COUNT(*) AS n, SUM(amount) AS amount, SUM(fee) AS fees"
                        + " FROM " + f.from + " WHERE " + f.where + " GROUP BY " + by.column() + ", status",
                (rs, i) -> new StatusCount(rs.getString("k"), rs.getString("status"), rs.getLong("n"),
                        rs.getLong("amount"), rs.getLong("fees")), f.args());
    }

    /** Failed charges by unified code, most first. */
    public List<FailureReason> failureReasons(Scope scope, Window window) {
        Filter f = charges(scope, window.from());
        // grouped by status too instead of WHERE status = 'failed': that condition would send H2 to the status index
        // and through every failed charge ever, not along the window's key range
        return jdbc.query("SELECT status, failure_code, failure_category, COUNT(*) AS n FROM " + f.from + " WHERE " + f.where
                        + " GROUP BY status, failure_code, failure_category ORDER BY n DESC",
                (rs, i) -> new FailureReason(rs.getString("failure_code"), rs.getString("failure_category"),
                        rs.getString("status").equals("failed") ? rs.getLong("n") : 0), f.args())
                .stream().filter(r -> r.count() > 0).toList();
    }

    /** Finished attempts by provider, outcome and code (a call still in flight has no outcome yet). */
    public List<AttemptCount> attemptsBy(Scope scope, Window window) {
        Filter f = attempts(scope, window.from());
        return jdbc.query("SELECT a.provider, a.outcome, a.code, COUNT(*) AS n,"
                        + " SUM(CASE WHEN a.seq = 1 THEN 1 ELSE 0 END) AS first_picks"
                        + " FROM " + f.from + " WHERE " + f.where + " AND a.outcome IS NOT NULL"
                        + " GROUP BY a.provider, a.outcome, a.code",
                (rs, i) -> new AttemptCount(rs.getString("provider"), rs.getString("outcome"), rs.getString("code"),
                        rs.getLong("n"), rs.getLong("first_picks")), f.args());
    }

    /** Provider call latencies of the window's attempts, as (provider, latency, calls) counts. */
    public List<LatencyCount> latencies(Scope scope, Window window) {
        Filter f = attempts(scope, window.from());
        return jdbc.query("SELECT a.provider, a.latency_ms, COUNT(*) AS n FROM " + f.from + " WHERE " + f.where
                        + " AND a.latency_ms IS NOT NULL GROUP BY a.provider, a.latency_ms",
                (rs, i) -> new LatencyCount(rs.getString("provider"), rs.getInt("latency_ms"), rs.getLong("n")), f.args());
    }

    /** Attempts per provider and bucket of the window: successes, declines, and errors (not charged or unknown). */
    public List<SeriesPoint> series(Scope scope, Window window) {
        Filter f = attempts(scope, window.from());
        String truncated = "DATE_TRUNC('" + window.truncation() + "', a.started_at)";
        long bucket = window.bucket().toSeconds();
        Map<String, SeriesPoint> points = new TreeMap<>();
        jdbc.query("SELECT a.provider, " + truncated + " AS t,"
                        + " SUM(CASE WHEN a.outcome = 'SUCCESS' THEN 1 ELSE 0 END) AS succeeded,"
                        + " SUM(CASE WHEN a.outcome = 'DECLINED' THEN 1 ELSE 0 END) AS declined,"
                        + " SUM(CASE WHEN a.outcome IN ('NOT_CHARGED', 'UNKNOWN') THEN 1 ELSE 0 END) AS errors"
                        + " FROM " + f.from + " WHERE " + f.where + " AND a.outcome IS NOT NULL"
                        + " GROUP BY a.provider, " + truncated,
                rs -> {
                    // SQL truncates to a calendar unit; the buckets are multiples of it
                    long epoch = instant(rs, "t").getEpochSecond();
                    Instant start = Instant.ofEpochSecond(epoch - Math.floorMod(epoch, bucket));
                    SeriesPoint p = new SeriesPoint(rs.getString("provider"), start, rs.getLong("succeeded"),
                            rs.getLong("declined"), rs.getLong("errors"));
                    points.merge(start + " " + p.provider(), p, (x, y) -> new SeriesPoint(x.provider(), x.start(),
                            x.succeeded() + y.succeeded(), x.declined() + y.declined(), x.errors() + y.errors()));
                }, f.args());
        return new ArrayList<>(points.values());
    }

    /** The newest charges first (the primary key read backwards), optionally of one status. */
    public List<ChargeRow> recentCharges(Scope scope, String status, int limit) {
        List<Object> args = new ArrayList<>();
        List<String> where = new ArrayList<>();
        if (!scope.isAll()) {
            where.add("merchant_id = ?");
            args.add(scope.merchantId());
        }
        if (status != null) {
            where.add("status = ?");
            args.add(status);
        }
        args.add(limit);
        return jdbc.query("SELECT id, merchant_id, status, amount, currency, provider, method, bank, failure_code, created_at"
                        + " FROM charges" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                        + " ORDER BY id DESC LIMIT ?",
                AnalyticsRepository::chargeRow, args.toArray());
    }

    /**
     * Per provider, over every merchant: attempts that took the money out of those with a final answer (SUCCESS,
     * DECLINED, NOT_CHARGED, UNKNOWN), before {@code since} back to {@code baselineFrom}, and since.
     */
    public List<RateSample> providerRates(Instant baselineFrom, Instant since) {
        return rates("SELECT a.provider AS k, a.charge_id >= ? AS recent,"
                + " a.outcome IN ('SUCCESS', 'DECLINED', 'NOT_CHARGED', 'UNKNOWN') AS decided, a.outcome = 'SUCCESS' AS ok"
                + " FROM charge_attempts a WHERE a.charge_id >= ?", baselineFrom, since);
    }

    /** Per issuing bank (card BIN), over every merchant: charges that succeeded out of those that ended. */
    public List<RateSample> bankRates(Instant baselineFrom, Instant since) {
        // the status is judged in the sums, not the WHERE: a status condition would lead H2 away from the key range
        return rates("SELECT c.bank AS k, c.id >= ? AS recent, c.status IN ('succeeded', 'failed') AS decided,"
                + " c.status = 'succeeded' AS ok FROM charges c WHERE c.id >= ? AND c.bank IS NOT NULL", baselineFrom, since);
    }

    private List<RateSample> rates(String samples, Instant baselineFrom, Instant since) {
        return jdbc.query("SELECT k,"
                        + " SUM(CASE WHEN decided AND NOT recent THEN 1 ELSE 0 END) AS base_n,"
                        + " SUM(CASE WHEN ok AND NOT recent THEN 1 ELSE 0 END) AS base_ok,"
                        + " SUM(CASE WHEN decided AND recent THEN 1 ELSE 0 END) AS cur_n,"
                        + " SUM(CASE WHEN ok AND recent THEN 1 ELSE 0 END) AS cur_ok"
                        + " FROM (" + samples + ") t GROUP BY k",
                (rs, i) -> new RateSample(rs.getString("k"), rs.getLong("base_n"), rs.getLong("base_ok"),
                        rs.getLong("cur_n"), rs.getLong("cur_ok")),
                Ids.firstChargeIdAt(since), Ids.firstChargeIdAt(baselineFrom));
    }

    /** A WHERE clause (and, for attempts, the FROM it needs) with its arguments, in order. */
    private record Filter(String from, String where, List<Object> arguments) {
        Object[] args() {
            return arguments.toArray();
        }
    }

    private Filter charges(Scope scope, Instant from) {
        return filter("charges c", "c.id", "c.merchant_id", scope, from);
    }

    /** Attempts of the window's charges. */
    private Filter attempts(Scope scope, Instant from) {
        return filter("charge_attempts a", "a.charge_id", "a.merchant_id", scope, from);
    }

    private Filter filter(String table, String chargeId, String merchant, Scope scope, Instant from) {
        List<String> where = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        String first = Ids.firstChargeIdAt(from);
        String oldest = jdbc.queryForObject("SELECT MIN(id) FROM charges", String.class);
        if (oldest != null && oldest.compareTo(first) >= 0) {
            // the window holds every charge there is
            where.add("1 = 1");
        } else {
            where.add(chargeId + " >= ?");
            args.add(first);
        }
        if (!scope.isAll()) {
            where.add(merchant + " = ?");
            args.add(scope.merchantId());
        }
        return new Filter(table, String.join(" AND ", where), args);
    }

    private static ChargeRow chargeRow(ResultSet rs, int row) throws SQLException {
        return new ChargeRow(rs.getString("id"), rs.getString("merchant_id"), rs.getString("status"), rs.getLong("amount"),
                rs.getString("currency"), rs.getString("provider"), rs.getString("method"), rs.getString("bank"),
                rs.getString("failure_code"), instant(rs, "created_at"));
    }
}

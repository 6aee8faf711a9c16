package io.payroute.analytics;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.payroute.charge.Ids;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The SQL behind the analytics API, the same on H2 and PostgreSQL. Windows are ranges of the charges' primary key:
 * charge ids are ULIDs, so "created since T" is {@code id >= Ids.firstChargeIdAt(T)}, and attempts, keyed by
 * (charge_id, seq), are found by the same range. No timestamp index is needed, and none is written per charge.
 * Attempts count in the window of their charge's creation.
 */
@Repository
public class AnalyticsRepository {

    /** Upper bounds (ms) of the latency histogram's buckets; slower calls fall in the last, open bucket. */
    public static final int[] LATENCY_BUCKETS_MS = {50, 100, 200, 300, 500, 750, 1000, 2000, 5000};

    public record StatusCount(String key, String status, long count, long amount, long fees) {
    }

    public record FailureReason(String code, String category, long count) {
    }

    /** Attempts of one provider with one outcome and code; {@code firstPicks}: how many were a charge's first attempt. */
    public record AttemptCount(String provider, String outcome, String code, long count, long firstPicks) {
    }

    public record Latency(String provider, long calls, double p50, double p90, double p95, double p99) {
    }

    /** {@code le}: the bucket's upper bound in ms, -1 for slower than the last bound. */
    public record LatencyBucket(String provider, int le, long count) {
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

    public List<FailureReason> failureReasons(Scope scope, Window window) {
        Filter f = charges(scope, window.from());
        return jdbc.query("SELECT failure_code, failure_category, COUNT(*) AS n FROM " + f.from + " WHERE " + f.where
                        + " AND status = 'failed' GROUP BY failure_code, failure_category ORDER BY n DESC",
                (rs, i) -> new FailureReason(rs.getString("failure_code"), rs.getString("failure_category"), rs.getLong("n")),
                f.args());
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

    public List<Latency> latency(Scope scope, Window window) {
        Filter f = attempts(scope, window.from());
        return jdbc.query("SELECT a.provider, COUNT(*) AS calls,"
                        + " PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY a.latency_ms) AS p50,"
                        + " PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY a.latency_ms) AS p90,"
                        + " PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY a.latency_ms) AS p95,"
                        + " PERCENTILE_CONT(0.99) WITHIN GROUP (ORDER BY a.latency_ms) AS p99"
                        + " FROM " + f.from + " WHERE " + f.where + " AND a.latency_ms IS NOT NULL GROUP BY a.provider",
                (rs, i) -> new Latency(rs.getString("provider"), rs.getLong("calls"), rs.getDouble("p50"),
                        rs.getDouble("p90"), rs.getDouble("p95"), rs.getDouble("p99")), f.args());
    }

    public List<LatencyBucket> latencyHistogram(Scope scope, Window window) {
        Filter f = attempts(scope, window.from());
        String bucket = IntStream.of(LATENCY_BUCKETS_MS).mapToObj(le -> " WHEN a.latency_ms <= " + le + " THEN " + le)
                .collect(Collectors.joining("", "CASE", " ELSE -1 END"));
        return jdbc.query("SELECT provider, le, COUNT(*) AS n FROM (SELECT a.provider, " + bucket + " AS le FROM "
                        + f.from + " WHERE " + f.where + " AND a.latency_ms IS NOT NULL) t GROUP BY provider, le",
                (rs, i) -> new LatencyBucket(rs.getString("provider"), rs.getInt("le"), rs.getLong("n")), f.args());
    }

    /** Attempts per provider and bucket of the window: successes, declines, and errors (not charged or unknown). */
    public List<SeriesPoint> series(Scope scope, Window window) {
        Filter f = attempts(scope, window.from());
        long seconds = window.bucket().toSeconds();
        return jdbc.query("SELECT provider, bucket,"
                        + " SUM(CASE WHEN outcome = 'SUCCESS' THEN 1 ELSE 0 END) AS succeeded,"
                        + " SUM(CASE WHEN outcome = 'DECLINED' THEN 1 ELSE 0 END) AS declined,"
                        + " SUM(CASE WHEN outcome IN ('NOT_CHARGED', 'UNKNOWN') THEN 1 ELSE 0 END) AS errors"
                        + " FROM (SELECT a.provider, a.outcome, FLOOR(EXTRACT(EPOCH FROM a.started_at) / " + seconds + ") AS bucket"
                        + " FROM " + f.from + " WHERE " + f.where + " AND a.outcome IS NOT NULL) t"
                        + " GROUP BY provider, bucket ORDER BY bucket, provider",
                (rs, i) -> new SeriesPoint(rs.getString("provider"), Instant.ofEpochSecond(rs.getLong("bucket") * seconds),
                        rs.getLong("succeeded"), rs.getLong("declined"), rs.getLong("errors")), f.args());
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
        return rates("SELECT a.provider AS k, a.charge_id >= ? AS recent, a.outcome = 'SUCCESS' AS ok FROM charge_attempts a"
                + " WHERE a.charge_id >= ? AND a.outcome IN ('SUCCESS', 'DECLINED', 'NOT_CHARGED', 'UNKNOWN')", baselineFrom, since);
    }

    /** Per issuing bank (card BIN), over every merchant: charges that succeeded out of those that ended. */
    public List<RateSample> bankRates(Instant baselineFrom, Instant since) {
        return rates("SELECT c.bank AS k, c.id >= ? AS recent, c.status = 'succeeded' AS ok FROM charges c"
                + " WHERE c.id >= ? AND c.bank IS NOT NULL AND c.status IN ('succeeded', 'failed')", baselineFrom, since);
    }

    private List<RateSample> rates(String samples, Instant baselineFrom, Instant since) {
        return jdbc.query("SELECT k,"
                        + " SUM(CASE WHEN NOT recent THEN 1 ELSE 0 END) AS base_n,"
                        + " SUM(CASE WHEN NOT recent AND ok THEN 1 ELSE 0 END) AS base_ok,"
                        + " SUM(CASE WHEN recent THEN 1 ELSE 0 END) AS cur_n,"
                        + " SUM(CASE WHEN recent AND ok THEN 1 ELSE 0 END) AS cur_ok"
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

    private static Filter charges(Scope scope, Instant from) {
        return scope.isAll()
                ? new Filter("charges c", "c.id >= ?", List.of(Ids.firstChargeIdAt(from)))
                : new Filter("charges c", "c.id >= ? AND c.merchant_id = ?", List.of(Ids.firstChargeIdAt(from), scope.merchantId()));
    }

    /** Attempts of the window's charges; a merchant's through their charges. */
    private static Filter attempts(Scope scope, Instant from) {
        return scope.isAll()
                ? new Filter("charge_attempts a", "a.charge_id >= ?", List.of(Ids.firstChargeIdAt(from)))
                : new Filter("charge_attempts a JOIN charges c ON c.id = a.charge_id", "a.charge_id >= ? AND c.merchant_id = ?",
                        List.of(Ids.firstChargeIdAt(from), scope.merchantId()));
    }

    private static ChargeRow chargeRow(ResultSet rs, int row) throws SQLException {
        Timestamp created = rs.getTimestamp("created_at");
        return new ChargeRow(rs.getString("id"), rs.getString("merchant_id"), rs.getString("status"), rs.getLong("amount"),
                rs.getString("currency"), rs.getString("provider"), rs.getString("method"), rs.getString("bank"),
                rs.getString("failure_code"), created.toInstant());
    }
}

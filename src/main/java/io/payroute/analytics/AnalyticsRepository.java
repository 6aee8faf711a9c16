package io.payroute.analytics;

import static io.payroute.sql.SqlValues.instant;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BinaryOperator;
import java.util.function.Function;

import io.payroute.charge.Ids;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/**
 * The SQL behind the analytics API, the same on H2 and PostgreSQL. Windows are ranges of the charges' primary key:
 * charge ids are ULIDs, so "created since T" is {@code id >= Ids.firstChargeIdAt(T)}, and attempts, keyed by
 * (charge_id, seq), are found by the same range. No timestamp index is needed, and none is written per charge.
 * Attempts count in the window of their charge's creation. A window's whole hours that are long enough over are
 * read from the hourly rollups ({@link Rollup}), the rest raw; the two add up to exactly what the raw rows say.
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
    private final Rollup rollup;

    /** @param rollup null: every window is read from the raw rows (what the rollups must agree with) */
    public AnalyticsRepository(JdbcTemplate jdbc, Rollup rollup) {
        this.jdbc = jdbc;
        this.rollup = rollup;
    }

    /** Charges by a dimension and status, with their amounts and the fees of those that succeeded. */
    public List<StatusCount> chargesBy(Scope scope, Window window, Dimension by) {
        return merge(read(plan(window), scope,
                        "SELECT " + by.column() + " AS k, status, COUNT(*) AS n, SUM(amount) AS amount, SUM(fee) AS fees"
                                + " FROM charges c WHERE %s GROUP BY " + by.column() + ", status", "c.id", "c.merchant_id",
                        "SELECT dimension_value AS k, status, SUM(charges) AS n, SUM(amount) AS amount, SUM(fees) AS fees"
                                + " FROM analytics_charge_hours WHERE dimension = '" + by.wire() + "' AND %s"
                                + " GROUP BY dimension_value, status",
                        (rs, i) -> new StatusCount(rs.getString("k"), rs.getString("status"), rs.getLong("n"),
                                rs.getLong("amount"), rs.getLong("fees"))),
                c -> Arrays.asList(c.key(), c.status()),
                (x, y) -> new StatusCount(x.key(), x.status(), x.count() + y.count(), x.amount() + y.amount(), x.fees() + y.fees()));
    }

    /** Failed charges by unified code, most first. */
    public List<FailureReason> failureReasons(Scope scope, Window window) {
        // grouped by status too instead of WHERE status = 'failed': that condition would send H2 to the status index
        // and through every failed charge ever, not along the window's key range
        List<FailureReason> reasons = merge(read(plan(window), scope,
                        "SELECT status, failure_code, failure_category, COUNT(*) AS n FROM charges c WHERE %s"
                                + " GROUP BY status, failure_code, failure_category", "c.id", "c.merchant_id",
                        "SELECT status, failure_code, failure_category, SUM(charges) AS n FROM analytics_failure_hours"
                                + " WHERE %s GROUP BY status, failure_code, failure_category",
                        (rs, i) -> new FailureReason(rs.getString("failure_code"), rs.getString("failure_category"),
                                rs.getString("status").equals("failed") ? rs.getLong("n") : 0)),
                r -> Arrays.asList(r.code(), r.category()),
                (x, y) -> new FailureReason(x.code(), x.category(), x.count() + y.count()));
        return reasons.stream().filter(r -> r.count() > 0)
                .sorted(Comparator.comparingLong(FailureReason::count).reversed()).toList();
    }

    /** Finished attempts by provider, outcome and code (a call still in flight has no outcome yet). */
    public List<AttemptCount> attemptsBy(Scope scope, Window window) {
        return merge(read(plan(window), scope,
                        "SELECT a.provider, a.outcome, a.code, COUNT(*) AS n,"
                                + " SUM(CASE WHEN a.seq = 1 THEN 1 ELSE 0 END) AS first_picks"
                                + " FROM charge_attempts a WHERE %s AND a.outcome IS NOT NULL"
                                + " GROUP BY a.provider, a.outcome, a.code", "a.charge_id", "a.merchant_id",
                        "SELECT provider, outcome, code, SUM(attempts) AS n, SUM(first_picks) AS first_picks"
                                + " FROM analytics_attempt_hours WHERE %s GROUP BY provider, outcome, code",
                        (rs, i) -> new AttemptCount(rs.getString("provider"), rs.getString("outcome"), rs.getString("code"),
                                rs.getLong("n"), rs.getLong("first_picks"))),
                a -> Arrays.asList(a.provider(), a.outcome(), a.code()),
                (x, y) -> new AttemptCount(x.provider(), x.outcome(), x.code(), x.count() + y.count(), x.firstPicks() + y.firstPicks()));
    }

    /** Provider call latencies of the window's attempts, as (provider, latency, calls) counts. */
    public List<LatencyCount> latencies(Scope scope, Window window) {
        List<List<LatencyCount>> counts = read(plan(window), scope,
                "SELECT a.provider, a.latency_ms, COUNT(*) AS n FROM charge_attempts a WHERE %s"
                        + " AND a.latency_ms IS NOT NULL GROUP BY a.provider, a.latency_ms", "a.charge_id", "a.merchant_id",
                (rs, i) -> List.of(new LatencyCount(rs.getString("provider"), rs.getInt("latency_ms"), rs.getLong("n"))),
                "SELECT provider, calls_by_latency FROM analytics_latency_hours WHERE %s",
                // "<ms>:<calls> <ms>:<calls> ...", as Rollup writes it
                (rs, i) -> {
                    String provider = rs.getString("provider");
                    return Arrays.stream(rs.getString("calls_by_latency").split(" ")).map(pair -> {
                        int colon = pair.indexOf(':');
                        return new LatencyCount(provider, Integer.parseInt(pair, 0, colon, 10),
                                Long.parseLong(pair, colon + 1, pair.length(), 10));
                    }).toList();
                });
        return merge(counts.stream().flatMap(List::stream).toList(), l -> Arrays.asList(l.provider(), l.latencyMs()),
                (x, y) -> new LatencyCount(x.provider(), x.latencyMs(), x.count() + y.count()));
    }

    /** Attempts per provider and bucket of the window: successes, declines, and errors (not charged or unknown). */
    public List<SeriesPoint> series(Scope scope, Window window) {
        String truncated = "DATE_TRUNC('" + window.truncation() + "', a.started_at)";
        long bucket = window.bucket().toSeconds();
        // the rollups keep the hour an attempt started in: finer series read the raw attempts
        Plan plan = window.truncation().equals("hour") ? plan(window) : raw(window);
        List<SeriesPoint> rows = read(plan, scope,
                "SELECT a.provider, " + truncated + " AS t," + outcomeSums("a.outcome", "1")
                        + " FROM charge_attempts a WHERE %s AND a.outcome IS NOT NULL GROUP BY a.provider, " + truncated,
                "a.charge_id", "a.merchant_id",
                "SELECT provider, started_hour AS t," + outcomeSums("outcome", "attempts")
                        + " FROM analytics_attempt_hours WHERE %s GROUP BY provider, started_hour",
                (rs, i) -> {
                    // SQL truncates to a calendar unit; the buckets are multiples of it
                    long epoch = instant(rs, "t").getEpochSecond();
                    return new SeriesPoint(rs.getString("provider"), Instant.ofEpochSecond(epoch - Math.floorMod(epoch, bucket)),
                            rs.getLong("succeeded"), rs.getLong("declined"), rs.getLong("errors"));
                });
        Map<String, SeriesPoint> points = new TreeMap<>();
        rows.forEach(p -> points.merge(p.start() + " " + p.provider(), p, (x, y) -> new SeriesPoint(x.provider(), x.start(),
                x.succeeded() + y.succeeded(), x.declined() + y.declined(), x.errors() + y.errors())));
        return new ArrayList<>(points.values());
    }

    /** Successes, declines and errors of attempts, each row counting {@code weight} attempts. */
    private static String outcomeSums(String outcome, String weight) {
        return " SUM(CASE WHEN " + outcome + " = 'SUCCESS' THEN " + weight + " ELSE 0 END) AS succeeded,"
                + " SUM(CASE WHEN " + outcome + " = 'DECLINED' THEN " + weight + " ELSE 0 END) AS declined,"
                + " SUM(CASE WHEN " + outcome + " IN ('NOT_CHARGED', 'UNKNOWN') THEN " + weight + " ELSE 0 END) AS errors";
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

    /** Charge ids [from, to) ({@code to} null: no end). */
    private record IdRange(String from, String to) {
    }

    /** Where a window's rows are: raw in {@code raw}, rolled up in the hours [firstHour, endHour) (if any). */
    private record Plan(List<IdRange> raw, long firstHour, long endHour) {
        boolean rolledUp() {
            return endHour > firstHour;
        }
    }

    private static Plan raw(Window window) {
        return new Plan(List.of(new IdRange(Ids.firstChargeIdAt(window.from()), null)), 0, 0);
    }

    /**
     * The window's whole hours that have been over for {@link Rollup#RAW_HOURS} hours, from the oldest charge's hour
     * on, are read from the rollups (made now if missing or stale, up to {@link Rollup#HOURS_PER_READ}); the partial
     * first hour, hours not rolled up yet and the last hours raw.
     */
    private Plan plan(Window window) {
        long first = -Math.floorDiv(-window.from().toEpochMilli(), Rollup.HOUR_MS);
        long end = Rollup.hourAt(window.to()) - Rollup.RAW_HOURS;
        String oldest = jdbc.queryForObject("SELECT MIN(id) FROM charges", String.class);
        if (oldest != null) {
            first = Math.max(first, Rollup.hourOf(oldest));
        }
        if (rollup == null || oldest == null || end <= first) {
            return raw(window);
        }
        first = rollup.refresh(first, end);
        if (first == end) {
            return raw(window);
        }
        List<IdRange> raw = new ArrayList<>();
        String from = Ids.firstChargeIdAt(window.from());
        if (from.compareTo(Rollup.firstIdOf(first)) < 0) {
            raw.add(new IdRange(from, Rollup.firstIdOf(first)));
        }
        raw.add(new IdRange(Rollup.firstIdOf(end), null));
        return new Plan(raw, first, end);
    }

    /**
     * Runs {@code rawSql} over each raw range and {@code rolledSql} over the rolled-up hours, both with {@code %s}
     * standing for the window's and the scope's condition, and returns every row of both (to be merged by key).
     */
    private <T> List<T> read(Plan plan, Scope scope, String rawSql, String chargeId, String merchant, String rolledSql,
                             RowMapper<T> rows) {
        return read(plan, scope, rawSql, chargeId, merchant, rows, rolledSql, rows);
    }

    private <T> List<T> read(Plan plan, Scope scope, String rawSql, String chargeId, String merchant, RowMapper<T> rawRows,
                             String rolledSql, RowMapper<T> rolledRows) {
        List<T> out = new ArrayList<>();
        for (IdRange r : plan.raw()) {
            List<String> where = new ArrayList<>(List.of(chargeId + " >= ?"));
            List<Object> args = new ArrayList<>(List.of(r.from()));
            if (r.to() != null) {
                where.add(chargeId + " < ?");
                args.add(r.to());
            }
            out.addAll(query(rawSql, where, args, merchant, scope, rawRows));
        }
        if (plan.rolledUp()) {
            out.addAll(query(rolledSql, new ArrayList<>(List.of("charge_hour >= ?", "charge_hour < ?")),
                    new ArrayList<>(List.of(plan.firstHour(), plan.endHour())), "merchant_id", scope, rolledRows));
        }
        return out;
    }

    private <T> List<T> query(String sql, List<String> where, List<Object> args, String merchant, Scope scope,
                              RowMapper<T> rows) {
        if (!scope.isAll()) {
            where.add(merchant + " = ?");
            args.add(scope.merchantId());
        }
        return jdbc.query(sql.formatted(String.join(" AND ", where)), rows, args.toArray());
    }

    /** Rows with the same key (nulls included) summed into one, in the order their keys first came. */
    private static <T> List<T> merge(List<T> rows, Function<T, List<Object>> key, BinaryOperator<T> sum) {
        Map<List<Object>, T> merged = new LinkedHashMap<>();
        rows.forEach(r -> merged.merge(key.apply(r), r, sum));
        return new ArrayList<>(merged.values());
    }

    private static ChargeRow chargeRow(ResultSet rs, int row) throws SQLException {
        return new ChargeRow(rs.getString("id"), rs.getString("merchant_id"), rs.getString("status"), rs.getLong("amount"),
                rs.getString("currency"), rs.getString("provider"), rs.getString("method"), rs.getString("bank"),
                rs.getString("failure_code"), instant(rs, "created_at"));
    }
}

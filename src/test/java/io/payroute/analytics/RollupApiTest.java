package io.payroute.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import io.payroute.charge.AttemptResult;
import io.payroute.charge.ChargeRepository;
import io.payroute.charge.ChargeStatus;
import io.payroute.charge.Ids;
import io.payroute.charge.Outcome;
import io.payroute.support.ApiTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The hourly rollups that long windows are read from add up to exactly what the raw rows say, for every query,
 * one merchant's and everybody's, at the window's first millisecond, and again after late writes (through the
 * charge repository, as the flow makes them) to hours already rolled up.
 */
class RollupApiTest extends ApiTestSupport {

    private static final String MERCHANT = "merchant_rollup_a";
    private static final String OTHER = "merchant_rollup_b";
    private static final String[] PROVIDERS = {"paystack", "flutterwave", "stripe"};
    private static final String[] OUTCOMES = {"SUCCESS", "DECLINED", "NOT_CHARGED", "UNKNOWN"};

    @Autowired
    private AnalyticsRepository analytics;
    @Autowired
    private ChargeRepository charges;
    @Autowired
    private Rollup rollup;

    @Test
    void rolledUpWindowsAgreeWithTheRawRowsAtTheEdgesAndAfterLateWrites() {
        Instant now = Instant.now();
        Instant from = now.minus(Duration.ofHours(30)).truncatedTo(ChronoUnit.MINUTES).plusMillis(17_321);
        Random random = new Random(11);
        for (int i = 0; i < 300; i++) {
            insertCharge(now.minus(Duration.ofMinutes(random.nextInt(36 * 60))), random);
        }
        // the window's edges: its first millisecond counts, the one before does not
        insertCharge(from, random);
        insertCharge(from.minusMillis(1), random);
        Window window = new Window("30h", from, now, Duration.ofHours(2), "hour");

        AnalyticsRepository raw = new AnalyticsRepository(jdbc, null);
        assertAgree(raw, window);
        long firstHour = Rollup.hourAt(from) + 1;
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM analytics_hours WHERE charge_hour >= ? AND rolled_version = version",
                Integer.class, firstHour)).as("hours read from the rollups").isGreaterThanOrEqualTo(25);

        // late writes, as reconciliation would make them: a pending charge of an hour rolled up settles, and one
        // of its attempts resolves
        String late = jdbc.queryForList("SELECT id FROM charges WHERE merchant_id IN (?, ?) AND status = 'pending'",
                        String.class, MERCHANT, OTHER).stream().filter(id -> Rollup.hourOf(id) >= firstHour && Rollup.hourOf(id) < Rollup.hourAt(now) - 3)
                .findFirst().orElseThrow();
        long succeededBefore = succeeded(raw.chargesBy(new Scope(MERCHANT), window, Dimension.PROVIDER))
                + succeeded(raw.chargesBy(new Scope(OTHER), window, Dimension.PROVIDER));
        ChargeRepository.StoredCharge stored = charges.findCharge(late).orElseThrow();
        assertThat(charges.updateState(stored.withState(ChargeStatus.SUCCEEDED, "paystack", "ref_late", null, null, null,
                stored.routingJson(), null, now), ChargeStatus.PENDING, 150L)).isTrue();
        charges.resolveAttempt(new ChargeRepository.DueAttempt(late, 1, "paystack", Ids.attemptReference(late, 1), null,
                "UNKNOWN", "timeout", now, 0), new AttemptResult(Outcome.SUCCESS, ChargeStatus.SUCCEEDED, "ref_late", null,
                null, null, 200, null, null), now);

        assertAgree(raw, window);
        assertThat(succeeded(analytics.chargesBy(new Scope(MERCHANT), window, Dimension.PROVIDER))
                + succeeded(analytics.chargesBy(new Scope(OTHER), window, Dimension.PROVIDER)))
                .as("the late success counts").isEqualTo(succeededBefore + 1);
    }

    private void assertAgree(AnalyticsRepository raw, Window window) {
        for (Scope scope : List.of(new Scope(MERCHANT), new Scope(OTHER))) {
            assertThat(answers(analytics, scope, window)).as("%s", scope).isEqualTo(answers(raw, scope, window));
        }
        // everybody's charges include what earlier tests' charges may still be doing in the background: compared
        // again while they move
        Map<String, String> rolled = answers(analytics, Scope.ALL, window);
        Map<String, String> expected = answers(raw, Scope.ALL, window);
        for (int tries = 1; tries < 5 && !rolled.equals(expected); tries++) {
            rolled = answers(analytics, Scope.ALL, window);
            expected = answers(raw, Scope.ALL, window);
        }
        assertThat(rolled).as("all merchants").isEqualTo(expected);
        assertThat(analytics.failureReasons(Scope.ALL, window)).as("most first")
                .isSortedAccordingTo((x, y) -> Long.compare(y.count(), x.count()));
        assertThat(analytics.chargesBy(new Scope(MERCHANT), window, Dimension.PROVIDER)).as("the data is there").isNotEmpty();
    }

    /** Every query's answer, rows in a fixed order (groups come in no particular order). */
    private static Map<String, String> answers(AnalyticsRepository repository, Scope scope, Window window) {
        Map<String, String> answers = new TreeMap<>();
        for (Dimension d : Dimension.values()) {
            answers.put("by " + d, sorted(repository.chargesBy(scope, window, d)));
        }
        answers.put("failures", sorted(repository.failureReasons(scope, window)));
        answers.put("attempts", sorted(repository.attemptsBy(scope, window)));
        answers.put("latencies", sorted(repository.latencies(scope, window)));
        answers.put("series", repository.series(scope, window).toString());
        return answers;
    }

    private static String sorted(List<?> rows) {
        return rows.stream().map(Object::toString).sorted().toList().toString();
    }

    private static long succeeded(List<AnalyticsRepository.StatusCount> counts) {
        return counts.stream().filter(c -> c.status().equals("succeeded")).mapToLong(AnalyticsRepository.StatusCount::count).sum();
    }

    /**
     * A charge made at {@code at} with one or two finished attempts, written as the charge repository writes: through
     * {@link Rollup#write}, which makes the hour's rollup stale when the hour is over.
     */
    private void insertCharge(Instant at, Random random) {
        // made at that time, with a real id's random part: a run of digits could read as a card number to the secret scan
        String id = Ids.firstChargeIdAt(at).substring(0, 13) + Ids.charge().substring(13);
        String merchant = random.nextInt(4) == 0 ? OTHER : MERCHANT;
        double roll = random.nextDouble();
        String status = roll < 0.7 ? "succeeded" : roll < 0.9 ? "failed" : "pending";
        String provider = PROVIDERS[random.nextInt(PROVIDERS.length)];
        boolean card = random.nextBoolean();
        long amount = 100 + random.nextInt(100_000);
        rollup.write(id, () -> {
            jdbc.update("""
                    INSERT INTO charges (id, merchant_id, status, amount, currency, customer, payment_method, provider,
                                         failure_code, failure_category, method, bank, fee, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, '{}', '{"type":"tokens"}', ?, ?, ?, ?, ?, ?, ?, ?)""",
                    id, merchant, status, amount, random.nextBoolean() ? "NGN" : "USD", status.equals("pending") ? null : provider,
                    status.equals("failed") ? "do_not_honor" : null, status.equals("failed") ? "customer" : null,
                    card ? "card" : "tokens", card ? "53998" + random.nextInt(3) : null,
                    status.equals("succeeded") ? amount / 100 : null, Timestamp.from(at), Timestamp.from(at));
            int attempts = 1 + random.nextInt(2);
            for (int seq = 1; seq <= attempts; seq++) {
                String outcome = status.equals("pending") && seq == 1 ? "UNKNOWN" : OUTCOMES[random.nextInt(OUTCOMES.length)];
                // a start late in an hour can fall in the next one: the hourly series must still agree
                Instant started = at.plusSeconds(random.nextInt(600));
                jdbc.update("""
                        INSERT INTO charge_attempts (charge_id, merchant_id, seq, provider, attempt_reference, outcome, code,
                                                     latency_ms, started_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", id, merchant, seq, provider, Ids.attemptReference(id, seq),
                        outcome, outcome.equals("DECLINED") ? "do_not_honor" : null,
                        outcome.equals("UNKNOWN") ? null : 20 + random.nextInt(400), Timestamp.from(started));
            }
            return null;
        });
    }
}

package io.payroute.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;

import io.payroute.charge.AttemptResult;
import io.payroute.charge.ChargeStatus;
import io.payroute.charge.Outcome;
import org.junit.jupiter.api.Test;

/** Success-rate windows per dimension level: what counts, how they slide, and how thin ones fall back. */
class ProviderHealthTest {

    private final SimClock clock = new SimClock(Instant.parse("2026-01-05T08:00:00Z"));
    private final ProviderHealth health = new ProviderHealth(properties(), clock);
    private final Dimensions gtbankVisa = new Dimensions("card", "NGN", "visa", "gtbank", "0-499999");
    private final Dimensions zenithVisa = new Dimensions("card", "NGN", "visa", "zenith", "0-499999");

    private static RoutingProperties properties() {
        RoutingProperties p = new RoutingProperties();
        p.getWindow().setSize(50);
        p.getWindow().setDuration(Duration.ofMinutes(10));
        p.getWindow().setMinSamples(20);
        return p;
    }

    @Test
    void customerDeclinesAndInvalidRequestsSayNothingAboutTheProvider() {
        assertThat(ProviderHealth.verdict(declined("insufficient_funds", "customer"))).isNull();
        assertThat(ProviderHealth.verdict(AttemptResult.notCharged("invalid_request", "bad token", 400, null))).isNotNull();
        assertThat(ProviderHealth.verdict(new AttemptResult(Outcome.NOT_CHARGED, null, null, "invalid_request", "validation",
                "bad token", 400, null, null))).isNull();
        assertThat(ProviderHealth.verdict(new AttemptResult(Outcome.PENDING, ChargeStatus.PENDING, "r", null, null, null, 200, null, null))).isNull();
        assertThat(ProviderHealth.verdict(declined("do_not_honor", "issuer"))).isFalse();
        assertThat(ProviderHealth.verdict(AttemptResult.unknown("timeout", "no answer", null, null))).isFalse();
        assertThat(ProviderHealth.verdict(new AttemptResult(Outcome.SUCCESS, ChargeStatus.SUCCEEDED, "r", null, null, null, 200, null, null))).isTrue();
    }

    @Test
    void aThinLevelFallsBackToTheCoarserOnes() {
        String[] keys = health.keys(gtbankVisa);
        // 40 successes on zenith: the provider's whole window and the card/NGN levels fill, gtbank's do not
        record(zenithVisa, 40, 40);
        ProviderHealth.Estimate estimate = health.estimate("alpha", keys);
        assertThat(estimate.dimension()).isEqualTo("method=card,currency=NGN,network=visa");
        assertThat(estimate.successRate()).isGreaterThan(0.95);

        // 30 failures on gtbank: now its own windows are thick enough and decide
        record(gtbankVisa, 30, 0);
        estimate = health.estimate("alpha", keys);
        assertThat(estimate.dimension()).isEqualTo("method=card,currency=NGN,bank=gtbank,network=visa");
        assertThat(estimate.samples()).isEqualTo(30);
        assertThat(estimate.successRate()).isLessThan(0.2);
        assertThat(health.estimate("alpha", health.keys(zenithVisa)).successRate()).as("zenith unaffected").isGreaterThan(0.95);
    }

    @Test
    void withoutHistoryTheRateIsThePrior() {
        ProviderHealth.Estimate estimate = health.estimate("nobody", health.keys(gtbankVisa));
        assertThat(estimate.successRate()).isCloseTo(0.9, within(1e-9));
        assertThat(estimate.samples()).isZero();
        assertThat(estimate.dimension()).isEqualTo(ProviderHealth.ALL);
        assertThat(health.latencyP95("nobody")).isNull();
    }

    @Test
    void windowsKeepTheLastOutcomesAndForgetOldOnes() {
        String[] keys = health.keys(gtbankVisa);
        record(gtbankVisa, 50, 0);
        record(gtbankVisa, 50, 50);
        assertThat(health.estimate("alpha", keys).samples()).as("count-based: the last 50").isEqualTo(50);
        assertThat(health.estimate("alpha", keys).successRate()).isGreaterThan(0.95);

        clock.advance(Duration.ofMinutes(9));
        record(gtbankVisa, 25, 0);
        clock.advance(Duration.ofMinutes(2));
        ProviderHealth.Estimate estimate = health.estimate("alpha", keys);
        assertThat(estimate.samples()).as("time-based: the 25 of the last 10 minutes").isEqualTo(25);
        assertThat(estimate.successRate()).isLessThan(0.3);

        clock.advance(Duration.ofMinutes(10));
        assertThat(health.estimate("alpha", keys).samples()).as("a starved provider forgets its past").isZero();
    }

    @Test
    void latencyP95IsTheBucketOfThe95thPercentile() {
        // the window holds 50: the 48th is the 95th percentile
        for (int i = 0; i < 50; i++) {
            health.record("alpha", gtbankVisa, true, i < 48 ? 120 : 2_600);
        }
        assertThat(health.latencyP95("alpha")).isEqualTo(150L);
        health.record("alpha", gtbankVisa, true, 2_600);
        assertThat(health.latencyP95("alpha")).isEqualTo(3_000L);
    }

    private void record(Dimensions d, int outcomes, int successes) {
        for (int i = 0; i < outcomes; i++) {
            health.record("alpha", d, i < successes, 100);
        }
    }

    private static AttemptResult declined(String code, String category) {
        return new AttemptResult(Outcome.DECLINED, ChargeStatus.FAILED, "r", code, category, code, 200, null, null);
    }
}

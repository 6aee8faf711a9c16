package io.payroute.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;

import io.payroute.charge.AttemptResult;
import io.payroute.charge.ChargeStatus;
import io.payroute.charge.Outcome;
import org.junit.jupiter.api.Test;

/** Success-rate windows per dimension level: what counts, how evidence fades, and how thin levels lean on coarser ones. */
class ProviderHealthTest {

    private final SimClock clock = new SimClock(Instant.parse("2026-01-05T08:00:00Z"));
    private final ProviderHealth health = new ProviderHealth(properties(), clock);
    private final Dimensions gtbankVisa = new Dimensions("card", "NGN", "visa", "gtbank", "0-499999");
    private final Dimensions zenithVisa = new Dimensions("card", "NGN", "visa", "zenith", "0-499999");

    private static RoutingProperties properties() {
        RoutingProperties p = new RoutingProperties();
        p.getWindow().setSize(100);
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
    void aThinLevelLeansOnTheCoarserOnes() {
        String[] keys = health.keys(gtbankVisa);
        // 40 successes on zenith: the provider's whole window and the card/NGN levels fill, gtbank's do not
        record(zenithVisa, 40, 40);
        clock.advance(Duration.ofSeconds(1));
        ProviderHealth.Estimate estimate = health.estimate("alpha", keys);
        assertThat(estimate.dimension()).isEqualTo("method=card,currency=NGN,network=visa");
        assertThat(estimate.successRate()).isGreaterThan(0.95);

        // 30 failures on gtbank: its own windows now hold 22.7 outcomes of evidence (each older one kept at 0.98
        // per newer one, and e^(-1/300) for the second since) and decide, against the 40 successes elsewhere
        record(gtbankVisa, 30, 0);
        clock.advance(Duration.ofSeconds(1));
        estimate = health.estimate("alpha", keys);
        assertThat(estimate.dimension()).isEqualTo("method=card,currency=NGN,bank=gtbank,network=visa");
        assertThat(estimate.samples()).isCloseTo((1 - Math.pow(0.98, 30)) / 0.02 * Math.exp(-1 / 300.0), within(0.01));
        assertThat(estimate.successRate()).isLessThan(0.3);
        assertThat(health.estimate("alpha", health.keys(zenithVisa)).successRate()).as("zenith hardly affected").isGreaterThan(0.9);
    }

    @Test
    void aProviderWithoutHistoryIsJudgedByTheOthers() {
        for (int i = 0; i < 100; i++) {
            health.record("bravo", zenithVisa, i % 20 != 0, 100);
        }
        ProviderHealth.Estimate estimate = health.estimate("nobody", health.keys(gtbankVisa));
        assertThat(estimate.samples()).isZero();
        assertThat(estimate.successRate()).as("bravo's 95 %, with the prior's 90 % worth 10").isBetween(0.93, 0.95);
    }

    @Test
    void theOverviewIsTheProvidersWholeWindow() {
        record(zenithVisa, 30, 15);
        record(gtbankVisa, 10, 10);
        clock.advance(Duration.ofSeconds(1));
        ProviderHealth.Estimate overall = health.overall("alpha");
        assertThat(overall.dimension()).isEqualTo(ProviderHealth.ALL);
        // 40 outcomes, each older one kept at 0.98 per newer one and e^(-1/300) for the second since
        assertThat(overall.samples()).isCloseTo((1 - Math.pow(0.98, 40)) / 0.02 * Math.exp(-1 / 300.0), within(0.01));
        assertThat(overall.successRate()).as("25 of 40 outcomes, against the prior's 90 %").isBetween(0.6, 0.75);
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
    void evidenceFadesByCountAndByAge() {
        String[] keys = health.keys(gtbankVisa);
        record(gtbankVisa, 300, 0);
        record(gtbankVisa, 100, 100);
        ProviderHealth.Estimate estimate = health.estimate("alpha", keys);
        // as a sliding window of 100 outcomes on average (mean age 50), at most 50 outcomes' worth of evidence
        assertThat(estimate.samples()).as("count-based").isCloseTo(50 * (1 - Math.pow(0.98, 400)), within(0.01));
        assertThat(estimate.successRate()).as("the last 100 outweigh the 300 before").isGreaterThan(0.8);

        clock.advance(Duration.ofMinutes(9));
        record(gtbankVisa, 25, 0);
        clock.advance(Duration.ofMinutes(2));
        estimate = health.estimate("alpha", keys);
        // e every 5 minutes (a sliding window of 10 minutes' mean age): the successes, 11 minutes and 25 outcomes
        // old, now weigh 7 % of what they did
        double earlier = 50 * (1 - Math.pow(0.98, 400)) * Math.exp(-9 / 5.0) * Math.pow(0.98, 25);
        assertThat(estimate.samples()).as("time-based")
                .isCloseTo((earlier + 50 * (1 - Math.pow(0.98, 25))) * Math.exp(-2 / 5.0), within(0.01));
        assertThat(estimate.successRate()).isLessThan(0.4);

        clock.advance(Duration.ofMinutes(20));
        assertThat(health.estimate("alpha", keys).samples()).as("a starved provider's past fades").isLessThan(0.5);
    }

    @Test
    void latencyP95IsTheBucketOfThe95thPercentile() {
        // the window holds 100: the 95th is the 95th percentile
        for (int i = 0; i < 100; i++) {
            health.record("alpha", gtbankVisa, true, i < 95 ? 120 : 2_600);
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

package io.payroute.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.payroute.routing.RoutingSimulation.Result;
import org.junit.jupiter.api.Test;

/**
 * The simulation of bench/routing.sh on a small scale (8,000 charges): smart routing must point the
 * way of the targets. The full run and its figures are in bench/README.md.
 */
class RoutingSimulationTest {

    @Test
    void smartBeatsStaticStrategiesLeavesTheFailingBankAndComesBack() {
        RoutingSimulation simulation = new RoutingSimulation(8_000, 11);
        List<Result> results = simulation.runAll();
        Result smart = results.get(0);

        assertThat(results.subList(1, results.size())).allSatisfy(other ->
                assertThat(smart.successRate()).as("smart against " + other.strategy()).isGreaterThan(other.successRate()));
        // alpha wins gtbank while healthy (at this scale the 2,000 charges before the outage include the first
        // learning, so only a third of them), loses it in the outage, and carries it again 1,500 charges after
        assertThat(smart.alphaGtbankShareBefore()).isGreaterThan(0.3);
        assertThat(smart.alphaGtbankShareDuring()).isLessThan(0.2);
        assertThat(smart.regainedAfter()).isNotNull().isLessThanOrEqualTo(2_000);
        assertThat(smart.alphaGtbankShareRegained()).isGreaterThan(0.8);
        // hedging is at most exploration-share (5 %): only where a non-leader wins the Thompson draw
        assertThat(smart.explorationShare()).isBetween(0.003, 0.05);
        // smart weighs success against fees in money: the merchant keeps more than with any static strategy, and
        // while all are healthy pays less than a static split (not as little as cheapest: see bench/README.md)
        assertThat(results.subList(1, results.size())).allSatisfy(other ->
                assertThat(smart.netValue()).as("net against " + other.strategy()).isGreaterThan(other.netValue()));
        assertThat(smart.healthyAverageFee()).isLessThan(results.get(1).healthyAverageFee());
    }
}

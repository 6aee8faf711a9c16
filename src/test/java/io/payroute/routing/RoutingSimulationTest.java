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
        // alpha leads on gtbank while healthy, loses it in the outage, wins it back within 2,000 charges
        assertThat(smart.alphaGtbankShareBefore()).isGreaterThan(0.7);
        assertThat(smart.alphaGtbankShareDuring()).isLessThan(0.2);
        assertThat(smart.regainedAfter()).isNotNull().isLessThanOrEqualTo(2_000);
        assertThat(smart.explorationShare()).isBetween(0.03, 0.07);
        // smart weighs success against fees in money: the merchant keeps more than with any static strategy, and
        // while all are healthy pays less than a static split (not as little as cheapest: see bench/README.md)
        assertThat(results.subList(1, results.size())).allSatisfy(other ->
                assertThat(smart.netValue()).as("net against " + other.strategy()).isGreaterThan(other.netValue()));
        assertThat(smart.healthyAverageFee()).isLessThan(results.get(1).healthyAverageFee());
    }
}

package io.payroute.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.payroute.routing.RoutingSimulation.Result;
import org.junit.jupiter.api.Test;

/**
 * The simulation of bench/routing-simulation.sh on a small scale (8,000 charges): smart routing must point the
 * way of the targets. The full run and its figures are in bench/README.md.
 */
class RoutingSimulationTest {

    @Test
    void smartBeatsStaticStrategiesLeavesTheFailingBankAndComesBack() {
        RoutingSimulation simulation = new RoutingSimulation(8_000, 11);
        List<Result> results = simulation.runAll();
        Result smart = results.get(0);
        Result cheapest = results.stream().filter(r -> r.strategy().equals("cheapest")).findFirst().orElseThrow();

        assertThat(results.subList(1, results.size())).allSatisfy(other ->
                assertThat(smart.successRate()).as("smart against " + other.strategy()).isGreaterThan(other.successRate()));
        // alpha leads on gtbank while healthy, loses it in the outage, wins it back within 2,000 charges
        assertThat(smart.alphaGtbankShareBefore()).isGreaterThan(0.7);
        assertThat(smart.alphaGtbankShareDuring()).isLessThan(0.2);
        assertThat(smart.regainedAfter()).isNotNull().isLessThanOrEqualTo(2_000);
        assertThat(smart.explorationShare()).isBetween(0.03, 0.07);
        // while all are healthy smart pays about what the cheapest strategy pays, far less than a static split
        assertThat(smart.healthyAverageFee()).isLessThan(1.10 * cheapest.healthyAverageFee());
        assertThat(smart.healthyAverageFee()).isLessThan(results.get(1).healthyAverageFee());
    }
}

package io.payroute.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Reloading the rules file: a good version replaces the rules, a bad one is reported and changes nothing. */
class RoutingRulesTest {

    private static final Map<String, String> FEES = Map.of("paystack", "1.5", "stripe", "2.9");

    @Test
    void aChangedFileIsLoadedAndABadOneKeepsTheRulesInForce() throws Exception {
        RoutingFixture f = new RoutingFixture(FEES, "version: 1\ndefault: {strategy: cheapest}\n", new RoutingProperties(), 1);
        assertThat(f.rules.version()).isEqualTo("1");

        f.rules.reloadIfChanged();
        assertThat(reloads(f, "loaded")).as("an unchanged file is not reloaded").isZero();

        Files.writeString(f.rulesFile, "version: 2\ndefault: {strategy: fastest}\n");
        f.rules.reloadIfChanged();
        assertThat(f.rules.version()).isEqualTo("2");
        assertThat(f.rules.current().defaultPolicy().strategy()).isEqualTo(Strategy.FASTEST);
        assertThat(reloads(f, "loaded")).isEqualTo(1);

        Files.writeString(f.rulesFile, "version: 3\ndefault: {strategy: fastest}\nrules:\n  - name: x\n    deny: [adyen]\n");
        f.rules.reloadIfChanged();
        f.rules.reloadIfChanged();
        assertThat(f.rules.version()).as("the bad version 3 is not used").isEqualTo("2");
        assertThat(reloads(f, "rejected")).as("reported once, not on every poll").isEqualTo(1);

        Files.delete(f.rulesFile);
        f.rules.reloadIfChanged();
        assertThat(f.rules.version()).as("a removed file keeps the rules in force").isEqualTo("2");
    }

    @Test
    void aBadFileStopsTheStartWithItsLine() {
        assertThatThrownBy(() -> new RoutingFixture(FEES, "version: 1\ndefault: {strategy: fast}\n", new RoutingProperties(), 1))
                .hasMessageContaining("rules.yaml line 2: unknown strategy fast");
    }

    private static double reloads(RoutingFixture f, String result) {
        var counter = f.meters.find("payroute.routing.rules.reloads").tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }
}

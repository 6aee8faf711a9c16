package io.payroute.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.payroute.charge.ChargeRequest;
import io.payroute.charge.PaymentMethod;
import org.junit.jupiter.api.Test;

/** The rules file: what it can say, and that every mistake is reported with the line it is on. */
class RulesParserTest {

    private static final Set<String> PROVIDERS = Set.of("paystack", "flutterwave", "stripe");
    private final RulesParser parser = new RulesParser("rules.yaml", PROVIDERS);

    private static final String FULL = """
            version: 7
            banks:
              gtbank: ["539983", "058000-058099"]
              zenith: ["4"]
            default:
              strategy: smart
            merchants:
              shop_a: {strategy: priority, priority: [stripe, paystack]}
              shop_b: {split: {paystack: 70, stripe: 30}}
              shop_c: {strategy: round_robin}
            rules:
              - name: big-usd-cards
                when:
                  amount: {min: 1_000_000}
                  currency: USD
                  method: [card]
                  network: [visa, mastercard]
                  country: [US, GB]
                  merchant: [shop_a]
                  metadata: {channel: [web, app]}
                priority: [stripe]
              - name: gtbank-not-flutterwave
                when: {bank: gtbank}
                deny: [flutterwave]
              - name: test-bins
                when: {bin: ["424242", "5000-5099"]}
                allow: [paystack]
                strategy: cheapest
            """;

    @Test
    void readsEveryPartOfTheFile() {
        RuleSet rules = parser.parse(FULL);

        assertThat(rules.version()).isEqualTo("7");
        assertThat(rules.banks().find("539983")).isEqualTo("gtbank");
        assertThat(rules.banks().find("058042")).isEqualTo("gtbank");
        assertThat(rules.banks().find("412345")).isEqualTo("zenith");
        assertThat(rules.banks().find("511111")).isNull();
        assertThat(rules.policyFor("shop_a")).isEqualTo(new RuleSet.Policy(Strategy.PRIORITY, List.of("stripe", "paystack"), Map.of()));
        assertThat(rules.policyFor("shop_b").strategy()).isEqualTo(Strategy.WEIGHTED);
        assertThat(rules.policyFor("shop_b").split()).containsExactly(Map.entry("paystack", 70), Map.entry("stripe", 30));
        assertThat(rules.policyFor("shop_c").strategy()).isEqualTo(Strategy.ROUND_ROBIN);
        assertThat(rules.policyFor("anyone else").strategy()).isEqualTo(Strategy.SMART);
        assertThat(rules.rules()).extracting(RuleSet.Rule::name, RuleSet.Rule::line)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("big-usd-cards", 12),
                        org.assertj.core.groups.Tuple.tuple("gtbank-not-flutterwave", 22),
                        org.assertj.core.groups.Tuple.tuple("test-bins", 25));
        assertThat(rules.rules().get(2).policy().strategy()).isEqualTo(Strategy.CHEAPEST);
    }

    @Test
    void aMerchantCanHaveItsOwnObjective() {
        RuleSet rules = parser.parse("""
                version: 1
                default: {strategy: smart, objective: {latency_cost_percent_per_second: 0}}
                merchants:
                  thin_margin: {objective: {success_value_percent: 12.5}}
                  grocer:
                    strategy: cheapest
                    objective: {success_value_percent: 40, latency_threshold_ms: 2000, latency_cost_percent_per_second: 0.5}
                  plain: {strategy: smart}
                """);

        assertThat(rules.policyFor("thin_margin")).as("an objective alone is for smart")
                .isEqualTo(new RuleSet.Policy(Strategy.SMART, List.of(), Map.of(), new RuleSet.ObjectiveOverride(12.5, null, null)));
        assertThat(rules.policyFor("grocer").strategy()).isEqualTo(Strategy.CHEAPEST);
        assertThat(rules.policyFor("grocer").objective()).isEqualTo(new RuleSet.ObjectiveOverride(40.0, 2000L, 0.5));
        assertThat(rules.policyFor("anyone else").objective()).isEqualTo(new RuleSet.ObjectiveOverride(null, null, 0.0));
        assertThat(rules.policyFor("plain").objective()).as("a listed merchant does not take the default's").isNull();
    }

    @Test
    void theFirstRuleWhoseConditionsAllHoldApplies() {
        RuleSet rules = parser.parse(FULL);
        ChargeRequest bigUsd = card("shop_a", 2_000_000, "USD", "4111111111111111", "US", Map.of("channel", "app"));
        Dimensions visa = new Dimensions("card", "USD", "visa", null, null);

        assertThat(rules.match(bigUsd, visa).name()).isEqualTo("big-usd-cards");
        // one condition off each time: amount, country, metadata
        assertThat(rules.match(card("shop_a", 999_999, "USD", "4111111111111111", "US", Map.of("channel", "app")), visa)).isNull();
        assertThat(rules.match(card("shop_a", 2_000_000, "USD", "4111111111111111", "NG", Map.of("channel", "app")), visa)).isNull();
        assertThat(rules.match(card("shop_a", 2_000_000, "USD", "4111111111111111", "US", Map.of("channel", "pos")), visa)).isNull();
        assertThat(rules.match(card("shop_z", 100, "NGN", "5399830000000008", "NG", Map.of()),
                new Dimensions("card", "NGN", "mastercard", "gtbank", null)).name()).isEqualTo("gtbank-not-flutterwave");
        assertThat(rules.match(card("shop_z", 100, "NGN", "4242424242424242", "NG", Map.of()),
                new Dimensions("card", "NGN", "visa", "zenith", null)).name()).isEqualTo("test-bins");
    }

    @Test
    void theShippedRulesFileIsValid() throws Exception {
        RuleSet shipped = parser.parse(Files.readString(Path.of("routing/rules.yaml")));
        assertThat(shipped.defaultPolicy().strategy()).isEqualTo(Strategy.SMART);
        assertThat(shipped.rules()).isNotEmpty();
    }

    @Test
    void mistakesAreReportedWithTheirLine() {
        assertError("version: 1\nrules:\n  - name: a\n    deny: [stipe]\n",
                "rules.yaml line 4: unknown provider stipe (configured: ");
        assertError("version: 1\ndefault:\n  strategy: fastest-ever\n",
                "rules.yaml line 3: unknown strategy fastest-ever (known: smart, priority, weighted, round_robin, cheapest, fastest)");
        assertError("version: 1\nrules:\n  - name: a\n    when:\n      amout: {min: 1}\n    deny: [stripe]\n",
                "rules.yaml line 5: unknown key amout (known: amount, bank, bin, country, currency, merchant, metadata, method, network)");
        assertError("version: 1\nrules:\n  - name: a\n    when: {bank: gtbank}\n    deny: [stripe]\n",
                "rules.yaml line 4: unknown bank gtbank (banks: [])");
        assertError("version: 1\nmerchants:\n  m: {strategy: weighted}\n", "rules.yaml line 3: strategy weighted needs a split");
        assertError("version: 1\nmerchants:\n  m: {strategy: smart, priority: [stripe]}\n",
                "rules.yaml line 3: a priority list goes with strategy priority, not smart");
        assertError("version: 1\nmerchants:\n  m:\n    split: {stripe: 0}\n",
                "rules.yaml line 4: the weight of stripe must be a whole number from 1 to 1000000");
        assertError("version: 1\nrules:\n  - name: a\n    when: {currency: usd}\n    deny: [stripe]\n",
                "rules.yaml line 4: a currency is an upper-case ISO 4217 code");
        assertError("version: 1\nrules:\n  - name: a\n    deny: [stripe]\n  - name: a\n    deny: [paystack]\n",
                "rules.yaml line 5: a rule named a comes earlier");
        assertError("version: 1\nrules:\n  - name: idle\n    when: {currency: USD}\n",
                "rules.yaml line 3: rule idle does nothing");
        assertError("version: 1\nbanks:\n  a: [\"5399\"]\n  b: [\"539983\"]\n",
                "rules.yaml line 4: BIN 539983 of b overlaps 5399 listed before");
        assertError("version: 1\nbanks:\n  a: [\"53x9\"]\n", "rules.yaml line 3: '53x9' is not a BIN prefix");
        assertError("version: 1\nmerchants:\n  m:\n    objective: {success_value_percent: 0}\n",
                "rules.yaml line 4: success_value_percent must be above 0 and at most 1000");
        assertError("version: 1\nmerchants:\n  m:\n    objective:\n      latency_cost_percent_per_second: lots\n",
                "rules.yaml line 5: expected a number, not lots");
        assertError("version: 1\nmerchants:\n  m:\n    objective: {latency_threshold_ms: -1}\n",
                "rules.yaml line 4: latency_threshold_ms must be from 0 to 60000");
        assertError("version: 1\nmerchants:\n  m:\n    objective: {success_value: 50}\n",
                "rules.yaml line 4: unknown key success_value (known: latency_cost_percent_per_second, latency_threshold_ms, success_value_percent)");
        assertError("version: 1\nmerchants:\n  m: {}\n", "rules.yaml line 3: a merchant needs a strategy");
        assertError("version: 1\nrules:\n  - name: a\n    deny: [stripe]\n    objective: {success_value_percent: 50}\n",
                "rules.yaml line 5: unknown key objective");
        assertError("rules: []\n", "rules.yaml line 1: version is missing");
        assertError("version: 1\nversion: 2\n", "rules.yaml line 2: version is given twice");
    }

    @Test
    void yamlSyntaxErrorsNameTheirLineToo() {
        assertError("version: 1\nrules:\n  - name: a\n    deny: [stripe\n  - name: b\n", "rules.yaml line 5: ");
        assertError("", "rules.yaml line 1: the file is empty");
    }

    private void assertError(String yaml, String message) {
        assertThatThrownBy(() -> parser.parse(yaml)).isInstanceOf(RulesParser.RulesException.class)
                .hasMessageStartingWith(message);
    }

    private static ChargeRequest card(String merchant, long amount, String currency, String number, String country,
                                      Map<String, String> metadata) {
        return new ChargeRequest(merchant, amount, currency, "ref", null,
                new ChargeRequest.Customer("a@example.com", null, null, country),
                new PaymentMethod.Card(number, 12, 2030, "123"), metadata);
    }
}

package io.payroute.routing;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the rules file (docs/routing.md#rules) from SnakeYAML's node tree, which keeps every value's line, so that
 * every mistake, from a YAML syntax error to an unknown provider, is reported as "file line N: what is wrong".
 */
final class RulesParser {

    /** The rules file cannot be used as written; the message names the file and the line. */
    static final class RulesException extends IllegalArgumentException {
        RulesException(String message) {
            super(message);
        }
    }

    private static final Set<String> METHODS = Set.of("card", "tokens");

    private final String source;
    private final Set<String> providers;

    RulesParser(String source, Set<String> providers) {
        this.source = source;
        this.providers = providers;
    }

    RuleSet parse(String text) {
        Node root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            throw new RulesException(source + " line " + (e.getProblemMark().getLine() + 1) + ": " + e.getProblem());
        } catch (YAMLException e) {
            throw new RulesException(source + ": " + e.getMessage());
        }
        if (root == null) {
            throw new RulesException(source + " line 1: the file is empty; it needs at least a version");
        }
        Map<String, Node> top = mapping(root, Set.of("version", "banks", "default", "merchants", "rules"));
        if (!top.containsKey("version")) {
            throw error(root, "version is missing: give the rules a version, recorded on every charge they route");
        }
        String version = scalar(top.get("version"));
        BinRanges<String> banks = top.containsKey("banks") ? banks(top.get("banks")) : new BinRanges<>();
        RuleSet.Policy defaultPolicy = top.containsKey("default")
                ? merchantPolicy(top.get("default")) : RuleSet.BUILT_IN.defaultPolicy();
        Map<String, RuleSet.Policy> merchants = new LinkedHashMap<>();
        if (top.containsKey("merchants")) {
            mapping(top.get("merchants"), null).forEach((merchant, node) -> merchants.put(merchant, merchantPolicy(node)));
        }
        List<RuleSet.Rule> rules = new ArrayList<>();
        if (top.containsKey("rules")) {
            Set<String> names = new HashSet<>();
            Set<String> bankNames = bankNames(top.get("banks"));
            for (Node node : sequence(top.get("rules"))) {
                RuleSet.Rule rule = rule(node, bankNames);
                if (!names.add(rule.name())) {
                    throw error(node, "a rule named " + rule.name() + " comes earlier: names must be unique");
                }
                rules.add(rule);
            }
        }
        return new RuleSet(version, banks, defaultPolicy, Map.copyOf(merchants), List.copyOf(rules));
    }

    private BinRanges<String> banks(Node node) {
        BinRanges<String> banks = new BinRanges<>();
        mapping(node, null).forEach((bank, bins) -> {
            for (Node bin : sequence(bins)) {
                String written = checked(bin, BinRanges::invalid);
                banks.add(written, bank).ifPresent(other -> {
                    throw error(bin, "BIN " + written + " of " + bank + " overlaps " + other + " listed before");
                });
            }
        });
        return banks;
    }

    private Set<String> bankNames(Node banks) {
        return banks == null ? Set.of() : mapping(banks, null).keySet();
    }

    private RuleSet.Policy merchantPolicy(Node node) {
        Map<String, Node> fields = mapping(node, Set.of("strategy", "priority", "split", "objective"));
        RuleSet.ObjectiveOverride objective = fields.containsKey("objective") ? objective(fields.get("objective")) : null;
        RuleSet.Policy policy = policy(fields);
        if (policy == null && objective == null) {
            throw error(node, "a merchant needs a strategy (" + strategies() + ") or an objective");
        }
        // an objective alone is for smart, the strategy that ranks by it
        return policy == null ? new RuleSet.Policy(Strategy.SMART, List.of(), Map.of(), objective)
                : new RuleSet.Policy(policy.strategy(), policy.priority(), policy.split(), objective);
    }

    /** A merchant's own objective: any of its three parts, each within what makes sense. */
    private RuleSet.ObjectiveOverride objective(Node node) {
        Map<String, Node> parts = mapping(node, Set.of("success_value_percent", "latency_threshold_ms",
                "latency_cost_percent_per_second"));
        if (parts.isEmpty()) {
            throw error(node, "an objective gives success_value_percent, latency_threshold_ms or latency_cost_percent_per_second");
        }
        Node value = parts.get("success_value_percent");
        Node threshold = parts.get("latency_threshold_ms");
        Node cost = parts.get("latency_cost_percent_per_second");
        Double successValuePercent = value == null ? null : decimal(value);
        if (successValuePercent != null && (successValuePercent <= 0 || successValuePercent > 1000)) {
            throw error(value, "success_value_percent must be above 0 and at most 1000 (percent of the amount)");
        }
        Long thresholdMs = threshold == null ? null : number(threshold);
        if (thresholdMs != null && (thresholdMs < 0 || thresholdMs > 60_000)) {
            throw error(threshold, "latency_threshold_ms must be from 0 to 60000");
        }
        Double costPercent = cost == null ? null : decimal(cost);
        if (costPercent != null && (costPercent < 0 || costPercent > 100)) {
            throw error(cost, "latency_cost_percent_per_second must be from 0 to 100");
        }
        return new RuleSet.ObjectiveOverride(successValuePercent, thresholdMs, costPercent);
    }

    private RuleSet.Rule rule(Node node, Set<String> bankNames) {
        Map<String, Node> fields = mapping(node, Set.of("name", "when", "allow", "deny", "strategy", "priority", "split"));
        if (!fields.containsKey("name")) {
            throw error(node, "a rule needs a name (it is recorded on the charges it routes)");
        }
        String name = scalar(fields.get("name"));
        Set<String> allow = fields.containsKey("allow") ? new LinkedHashSet<>(providerList(fields.get("allow"))) : null;
        Set<String> deny = fields.containsKey("deny") ? new LinkedHashSet<>(providerList(fields.get("deny"))) : null;
        if (allow != null && deny != null) {
            allow.stream().filter(deny::contains).findFirst().ifPresent(p -> {
                throw error(fields.get("deny"), "rule " + name + " both allows and denies " + p);
            });
        }
        RuleSet.Policy policy = policy(fields);
        if (allow == null && deny == null && policy == null) {
            throw error(node, "rule " + name + " does nothing: give allow, deny, strategy, priority or split");
        }
        RuleSet.Conditions when = fields.containsKey("when") ? conditions(fields.get("when"), bankNames)
                : new RuleSet.Conditions(null, null, null, null, null, null, null, null, null, null);
        return new RuleSet.Rule(name, line(node), when, allow, deny, policy);
    }

    /** strategy, priority and split of a merchant or a rule; null when none is given. */
    private RuleSet.Policy policy(Map<String, Node> fields) {
        Node strategyNode = fields.get("strategy");
        Node priorityNode = fields.get("priority");
        Node splitNode = fields.get("split");
        if (strategyNode == null && priorityNode == null && splitNode == null) {
            return null;
        }
        if (priorityNode != null && splitNode != null) {
            throw error(splitNode, "give a priority list or a split, not both");
        }
        Strategy strategy = strategyNode != null ? strategy(strategyNode)
                : priorityNode != null ? Strategy.PRIORITY : Strategy.WEIGHTED;
        List<String> priority = priorityNode == null ? List.of() : providerList(priorityNode);
        Map<String, Integer> split = splitNode == null ? Map.of() : split(splitNode);
        Node where = strategyNode != null ? strategyNode : priorityNode != null ? priorityNode : splitNode;
        if ((strategy == Strategy.PRIORITY) != (priorityNode != null)) {
            throw error(where, strategy == Strategy.PRIORITY ? "strategy priority needs a priority list"
                    : "a priority list goes with strategy priority, not " + strategy.wire());
        }
        if ((strategy == Strategy.WEIGHTED) != (splitNode != null)) {
            throw error(where, strategy == Strategy.WEIGHTED ? "strategy weighted needs a split"
                    : "a split goes with strategy weighted, not " + strategy.wire());
        }
        return new RuleSet.Policy(strategy, priority, split);
    }

    private Strategy strategy(Node node) {
        String wire = scalar(node);
        return Strategy.fromWire(wire).orElseThrow(() ->
                error(node, "unknown strategy " + wire + " (known: " + strategies() + ")"));
    }

    private static String strategies() {
        return String.join(", ", Arrays.stream(Strategy.values()).map(Strategy::wire).toList());
    }

    private Map<String, Integer> split(Node node) {
        Map<String, Integer> split = new LinkedHashMap<>();
        mapping(node, null).forEach((provider, weight) -> {
            provider(node, provider);
            long w = number(weight);
            if (w < 1 || w > 1_000_000) {
                throw error(weight, "the weight of " + provider + " must be a whole number from 1 to 1000000");
            }
            split.put(provider, (int) w);
        });
        return split;
    }

    private RuleSet.Conditions conditions(Node node, Set<String> bankNames) {
        Map<String, Node> c = mapping(node, Set.of("amount", "currency", "method", "network", "bin", "bank", "country",
                "merchant", "metadata"));
        Long min = null;
        Long max = null;
        if (c.containsKey("amount")) {
            Map<String, Node> amount = mapping(c.get("amount"), Set.of("min", "max"));
            min = amount.containsKey("min") ? number(amount.get("min")) : null;
            max = amount.containsKey("max") ? number(amount.get("max")) : null;
            if (min == null && max == null || min != null && max != null && min > max) {
                throw error(c.get("amount"), "amount takes min and/or max in minor units, min not above max");
            }
        }
        BinRanges<Boolean> bins = null;
        if (c.containsKey("bin")) {
            bins = new BinRanges<>();
            for (Node bin : sequence(c.get("bin"))) {
                String written = checked(bin, BinRanges::invalid);
                bins.add(written, Boolean.TRUE).ifPresent(other -> {
                    throw error(bin, "BIN " + written + " overlaps " + other + " listed before");
                });
            }
        }
        Map<String, Set<String>> metadata = null;
        if (c.containsKey("metadata")) {
            metadata = new LinkedHashMap<>();
            for (Map.Entry<String, Node> e : mapping(c.get("metadata"), null).entrySet()) {
                metadata.put(e.getKey(), values(e.getValue(), v -> null));
            }
        }
        return new RuleSet.Conditions(min, max,
                values(c.get("currency"), v -> v.matches("[A-Z]{3}") ? null : "a currency is an upper-case ISO 4217 code"),
                values(c.get("method"), v -> METHODS.contains(v) ? null : "a method is one of " + METHODS),
                values(c.get("network"), v -> v.matches("[a-z]+") ? null : "a network is a lower-case brand (visa, mastercard, verve, ...)"),
                bins,
                values(c.get("bank"), v -> bankNames.contains(v) ? null : "unknown bank " + v + " (banks: " + bankNames + ")"),
                values(c.get("country"), v -> v.matches("[A-Z]{2}") ? null : "a country is an upper-case ISO 3166 alpha-2 code"),
                values(c.get("merchant"), v -> null),
                metadata);
    }

    /** A scalar or a list of scalars, each checked (the check returns why a value is wrong, or null); null if absent. */
    private Set<String> values(Node node, Function<String, String> check) {
        if (node == null) {
            return null;
        }
        List<Node> items = node instanceof SequenceNode ? sequence(node) : List.of(node);
        Set<String> values = new LinkedHashSet<>();
        for (Node item : items) {
            String value = scalar(item);
            String problem = check.apply(value);
            if (problem != null) {
                throw error(item, problem);
            }
            values.add(value);
        }
        return Set.copyOf(values);
    }

    private List<String> providerList(Node node) {
        List<String> list = new ArrayList<>();
        for (Node item : sequence(node)) {
            String provider = provider(item, scalar(item));
            if (list.contains(provider)) {
                throw error(item, provider + " is listed twice");
            }
            list.add(provider);
        }
        return List.copyOf(list);
    }

    private String provider(Node node, String name) {
        if (!providers.contains(name)) {
            throw error(node, "unknown provider " + name + " (configured: " + String.join(", ", providers) + ")");
        }
        return name;
    }

    private String checked(Node node, Function<String, Optional<String>> invalid) {
        String value = scalar(node);
        invalid.apply(value).ifPresent(problem -> {
            throw error(node, problem);
        });
        return value;
    }

    /** A mapping's entries by key, refusing duplicate keys and (when {@code allowed} is given) unknown ones. */
    private Map<String, Node> mapping(Node node, Set<String> allowed) {
        if (!(node instanceof MappingNode mapping)) {
            throw error(node, "expected a mapping (key: value)" + (allowed == null ? "" : " with " + allowed));
        }
        Map<String, Node> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String key = scalar(tuple.getKeyNode());
            if (allowed != null && !allowed.contains(key)) {
                throw error(tuple.getKeyNode(), "unknown key " + key + " (known: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
            if (entries.put(key, tuple.getValueNode()) != null) {
                throw error(tuple.getKeyNode(), key + " is given twice");
            }
        }
        return entries;
    }

    private List<Node> sequence(Node node) {
        if (!(node instanceof SequenceNode sequence)) {
            throw error(node, "expected a list");
        }
        return sequence.getValue();
    }

    private String scalar(Node node) {
        if (!(node instanceof ScalarNode scalar) || scalar.getValue().isBlank()) {
            throw error(node, "expected a single value");
        }
        return scalar.getValue();
    }

    private long number(Node node) {
        String value = scalar(node);
        try {
            return Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw error(node, "expected a whole number, not " + value);
        }
    }

    private double decimal(Node node) {
        String value = scalar(node);
        try {
            double d = Double.parseDouble(value.replace("_", ""));
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw error(node, "expected a number, not " + value);
    }

    private static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    private RulesException error(Node node, String problem) {
        return new RulesException(source + " line " + line(node) + ": " + problem);
    }
}

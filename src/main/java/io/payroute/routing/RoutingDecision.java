package io.payroute.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Why a charge went where it went: recorded on the charge and returned in its {@code routing} field
 * (docs/routing.md#explained-decisions). Candidates are in the order the router will try them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class RoutingDecision {

    /** One eligible provider and the parts of its score. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Candidate(
            String provider,
            double score,
            @JsonProperty("success_rate") double successRate,
            @JsonProperty("success_rate_samples") int samples,
            /* the window the success rate comes from: "all", or a level such as "method=card,currency=NGN,bank=gtbank" */
            @JsonProperty("success_rate_dimension") String dimension,
            @JsonProperty("latency_p95_ms") Long latencyP95Ms,
            @JsonProperty("latency_score") double latencyScore,
            @JsonProperty("fee") long fee,
            @JsonProperty("cost_score") double costScore,
            String circuit) {
    }

    public record Excluded(String provider, String reason) {
    }

    public record Failover(String from, String reason) {
    }

    private final String strategy;
    private final String rule;
    private final String rulesVersion;
    private final Dimensions dimensions;
    private final Map<String, Double> weights;
    private final boolean exploration;
    private final List<Candidate> candidates;
    private final List<Excluded> excluded;
    private final List<Failover> failovers = new ArrayList<>();
    private String chosen;

    public RoutingDecision(String strategy, String rule, String rulesVersion, Dimensions dimensions,
                           Map<String, Double> weights, boolean exploration, List<Candidate> candidates,
                           List<Excluded> excluded) {
        this.strategy = strategy;
        this.rule = rule;
        this.rulesVersion = rulesVersion;
        this.dimensions = dimensions;
        this.weights = weights;
        this.exploration = exploration;
        this.candidates = List.copyOf(candidates);
        this.excluded = List.copyOf(excluded);
    }

    @JsonProperty("strategy")
    public String strategy() { return strategy; }

    /** The name of the rule that applied, or null when the merchant's policy did. */
    @JsonProperty("rule")
    public String rule() { return rule; }

    @JsonProperty("rules_version")
    public String rulesVersion() { return rulesVersion; }

    /** The charge's dimension values its success rates were looked up (and its outcomes are recorded) by. */
    @JsonProperty("dimensions")
    public Dimensions dimensions() { return dimensions; }

    @JsonProperty("weights")
    public Map<String, Double> weights() { return weights; }

    /** Whether the first candidate was put there to explore (smart only) instead of by its score. */
    @JsonProperty("exploration")
    public boolean exploration() { return exploration; }

    @JsonProperty("candidates")
    public List<Candidate> candidates() { return candidates; }

    @JsonProperty("excluded")
    public List<Excluded> excluded() { return excluded; }

    @JsonProperty("failovers")
    public List<Failover> failovers() { return failovers; }

    /** The provider that gave the final answer (or was last tried). */
    @JsonProperty("chosen")
    public String chosen() { return chosen; }

    void chose(String provider) { this.chosen = provider; }

    void failedOver(String from, String reason) { failovers.add(new Failover(from, reason)); }
}

package io.payroute.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Why a charge went where it went: recorded on the charge and returned in its {@code routing} field.
 * Candidates are in the order the router will try them.
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
            @JsonProperty("latency_p95_ms") Long latencyP95Ms,
            @JsonProperty("fee") long fee,
            String circuit) {
    }

    public record Excluded(String provider, String reason) {
    }

    public record Failover(String from, String reason) {
    }

    private final String strategy;
    private final List<Candidate> candidates;
    private final List<Excluded> excluded;
    private final Map<String, Double> weights;
    private final List<Failover> failovers = new ArrayList<>();
    private String chosen;

    public RoutingDecision(String strategy, List<Candidate> candidates, List<Excluded> excluded, Map<String, Double> weights) {
        this.strategy = strategy;
        this.candidates = List.copyOf(candidates);
        this.excluded = List.copyOf(excluded);
        this.weights = weights;
    }

    @JsonProperty("strategy")
    public String strategy() { return strategy; }

    @JsonProperty("weights")
    public Map<String, Double> weights() { return weights; }

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

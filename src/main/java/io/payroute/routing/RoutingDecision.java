package io.payroute.routing;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Why a charge went where it went: recorded on the charge and returned in its {@code routing} field
 * (docs/routing.md#explained-decisions). Candidates are in the order the router will try them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class RoutingDecision {

    /**
     * One eligible provider and the parts of its score, the merchant's expected net value of sending the charge
     * there: score = expected_value − latency_penalty, expected_value = success_rate · circuit factor · (value − fee),
     * value being success-value-percent of the amount.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Candidate(
            String provider,
            @Schema(description = "expected_value − latency_penalty, minor units: what smart ranks by", example = "91230")
            long score,
            @Schema(description = "Probability of success: the posterior mean of the provider's success rate", example = "0.9412")
            @JsonProperty("success_rate") double successRate,
            @JsonProperty("success_rate_samples") int samples,
            @Schema(description = "The window the success rate comes from: all, or a level such as"
                    + " method=card,currency=NGN,bank=gtbank")
            @JsonProperty("success_rate_dimension") String dimension,
            @Schema(description = "The provider's fee for this charge, minor units", example = "1500")
            @JsonProperty("fee") long fee,
            @Schema(description = "success_rate × circuit factor (1 closed, 0.5 half-open, 0 open; halved again while"
                    + " stalled) × (value − fee), minor units", example = "91230")
            @JsonProperty("expected_value") long expectedValue,
            @Schema(nullable = true, description = "p95 latency of the provider's window; absent without history")
            @JsonProperty("latency_p95_ms") Long latencyP95Ms,
            @Schema(description = "What the p95 latency beyond the threshold costs, minor units", example = "0")
            @JsonProperty("latency_penalty") long latencyPenalty,
            String circuit,
            @Schema(description = "A call to the provider had been waiting longer than payroute.routing.stalled-after"
                    + " and twice its p95 latency when this charge was planned: it has stopped answering, so it"
                    + " counts as half available")
            boolean stalled) {
    }

    /**
     * The settings the candidates were scored with (payroute.routing.*, or the merchant's own objective in the rules
     * file), recorded with every decision.
     */
    public record Objective(
            @Schema(description = "What a success is worth, percent of the amount", example = "100")
            @JsonProperty("success_value_percent") double successValuePercent,
            @Schema(description = "p95 latency that costs nothing", example = "1000")
            @JsonProperty("latency_threshold_ms") long latencyThresholdMs,
            @Schema(description = "Percent of the value each second of p95 latency beyond the threshold costs", example = "1")
            @JsonProperty("latency_cost_percent_per_second") double latencyCostPercentPerSecond) {
    }

    public record Excluded(String provider, String reason) {
    }

    public record Failover(String from, String reason) {
    }

    private final String strategy;
    private final String rule;
    private final String rulesVersion;
    private final Dimensions dimensions;
    private final Objective objective;
    private final boolean exploration;
    private final List<Candidate> candidates;
    private final List<Excluded> excluded;
    private final List<Failover> failovers = new ArrayList<>();
    private String chosen;
    private Integer resentAttempt;

    public RoutingDecision(String strategy, String rule, String rulesVersion, Dimensions dimensions,
                           Objective objective, boolean exploration, List<Candidate> candidates,
                           List<Excluded> excluded) {
        this.strategy = strategy;
        this.rule = rule;
        this.rulesVersion = rulesVersion;
        this.dimensions = dimensions;
        this.objective = objective;
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

    @JsonProperty("objective")
    public Objective objective() { return objective; }

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

    /**
     * The attempt (its number among the charge's attempts, from 1) this round sent again as it was, to the same
     * provider with the same reference, because the instance making it had stopped mid-call; absent otherwise.
     */
    @JsonProperty("resent_attempt")
    public Integer resentAttempt() { return resentAttempt; }

    void resent(int seq) { this.resentAttempt = seq; }

    void failedOver(String from, String reason) { failovers.add(new Failover(from, reason)); }
}

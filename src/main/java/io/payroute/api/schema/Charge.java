package io.payroute.api.schema;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.payroute.routing.Dimensions;
import io.payroute.routing.RoutingDecision;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "Charge", description = "The canonical charge: where it went, why, and how it ended")
public record Charge(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "ch_01m806s5ka7hfxjkfh8nname2d") String id,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "charge") String object,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                allowableValues = {"pending", "requires_action", "succeeded", "failed"}) String status,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "500000") long amount,
        @JsonProperty("amount_refunded") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "0",
                description = "Held by refunds that have not failed (pending or succeeded), minor units") long amountRefunded,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "NGN") String currency,
        @Schema(nullable = true) String reference,
        @Schema(nullable = true) String description,
        @Schema(nullable = true, description = "The provider that gave the final answer", example = "flutterwave") String provider,
        @JsonProperty("provider_reference") @Schema(nullable = true, example = "7000001") String providerReference,
        @Schema(nullable = true) Failure failure,
        @JsonProperty("next_action") @Schema(nullable = true) NextAction nextAction,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) ChargeCreateRequest.Customer customer,
        @JsonProperty("payment_method") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) StoredPaymentMethod paymentMethod,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Map<String, String> metadata,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<Attempt> attempts,
        @Schema(nullable = true) Routing routing,
        @Schema(nullable = true) Retry retry,
        @JsonProperty("created_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time") String createdAt,
        @JsonProperty("updated_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time") String updatedAt) {

    @Schema(name = "Retry", nullable = true,
            description = "An asynchronous charge no provider could take yet: it is routed again in a later round")
    public record Retry(
            @Schema(description = "Rounds started so far", example = "2") int rounds,
            @JsonProperty("next_round_at") @Schema(nullable = true, format = "date-time",
                    description = "When the next round starts (null once the charge is final)") String nextRoundAt,
            @JsonProperty("last_error") @Schema(nullable = true, example = "connection_refused: provider unreachable")
            String lastError) {
    }

    @Schema(name = "Failure", nullable = true)
    public record Failure(
            @Schema(example = "insufficient_funds") String code,
            @Schema(nullable = true, allowableValues = {"customer", "issuer", "fraud", "provider", "validation", "configuration"}) String category,
            @Schema(nullable = true) String message) {
    }

    @Schema(name = "NextAction", nullable = true, description = "What the customer must do while the charge requires action")
    public record NextAction(
            @Schema(example = "redirect") String type,
            @Schema(nullable = true) String url,
            @Schema(nullable = true) String message) {
    }

    @Schema(name = "StoredPaymentMethod", description = "What is kept of a payment method: never a card number or token")
    public record StoredPaymentMethod(
            @Schema(allowableValues = {"tokens", "card"}) String type,
            List<String> providers,
            String brand,
            String bin,
            String last4,
            @JsonProperty("exp_month") Integer expMonth,
            @JsonProperty("exp_year") Integer expYear) {
    }

    @Schema(name = "Attempt", description = "One provider call")
    public record Attempt(
            @Schema(example = "flutterwave") String provider,
            @Schema(allowableValues = {"SUCCESS", "PENDING", "DECLINED", "NOT_CHARGED", "UNKNOWN", "IN_FLIGHT"}) String outcome,
            @Schema(nullable = true, example = "insufficient_funds") String code,
            @JsonProperty("latency_ms") @Schema(nullable = true) Integer latencyMs,
            @JsonProperty("provider_reference") @Schema(nullable = true) String providerReference,
            @Schema(description = "The reference PayRoute sent") String reference,
            @JsonProperty("http_status") Integer httpStatus,
            @JsonProperty("resolved_from") ResolvedFrom resolvedFrom,
            @JsonProperty("started_at") @Schema(format = "date-time") String startedAt,
            @JsonProperty("resent_at") @Schema(format = "date-time", description = "Only when PayRoute sent this"
                    + " attempt again as it was (same provider, same reference) because the instance making it had"
                    + " stopped mid-call: when") String resentAt) {
    }

    @Schema(name = "ResolvedFrom", description = "What the call itself ended with, before a status query resolved it")
    public record ResolvedFrom(String outcome, @Schema(nullable = true) String code, String via) {
    }

    @Schema(name = "Routing", nullable = true, description = "Why the charge went where it went (docs/routing.md)")
    public record Routing(
            @Schema(allowableValues = {"smart", "priority", "weighted", "round_robin", "cheapest", "fastest"}) String strategy,
            @Schema(nullable = true, description = "The rule that applied; absent when the merchant's strategy did") String rule,
            @JsonProperty("rules_version") @Schema(example = "7") String rulesVersion,
            // the router's own records: what is documented is what is serialised
            Dimensions dimensions,
            RoutingDecision.Objective objective,
            @Schema(description = "Whether the first candidate was put first to explore (smart only)") boolean exploration,
            List<RoutingDecision.Candidate> candidates,
            List<RoutingDecision.Excluded> excluded,
            List<RoutingDecision.Failover> failovers,
            @Schema(nullable = true) String chosen,
            @JsonProperty("resent_attempt") @Schema(description = "Only when this round sent an attempt again as it"
                    + " was (same provider, same reference) because the instance making it had stopped mid-call: its"
                    + " number among the charge's attempts, from 1") Integer resentAttempt) {
    }
}

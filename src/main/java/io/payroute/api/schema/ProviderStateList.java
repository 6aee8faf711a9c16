package io.payroute.api.schema;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "ProviderStateList", description = "What the answering instance holds in memory about each provider")
public record ProviderStateList(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "list") String object,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<ProviderState> data) {

    @Schema(name = "ProviderState")
    public record ProviderState(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "paystack") String provider,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Circuit circuit,
            @JsonProperty("routing_window") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) RoutingWindow routingWindow) {
    }

    @Schema(name = "CircuitState", description = "The provider's resilience4j circuit breaker on this instance")
    public record Circuit(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                    allowableValues = {"CLOSED", "OPEN", "HALF_OPEN", "DISABLED", "FORCED_OPEN", "METRICS_ONLY"}) String state,
            @JsonProperty("failure_rate") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "12.5",
                    description = "Percent of the breaker's window; null until it has its minimum number of calls") Double failureRate,
            @JsonProperty("buffered_calls") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "20") int bufferedCalls,
            @JsonProperty("failed_calls") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "3") int failedCalls,
            @JsonProperty("not_permitted_calls") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "0") long notPermittedCalls) {
    }

    @Schema(name = "RoutingWindow", description = "What the router scores the provider with over all its traffic (docs/routing.md)")
    public record RoutingWindow(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "87", description = "Outcomes' worth of evidence in the provider's whole window (fading memory), rounded") int samples,
            @JsonProperty("success_rate") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "0.9412",
                    description = "The posterior mean the score uses (the prior while the window is empty)") double successRate,
            @JsonProperty("latency_p95_ms") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "420") Long latencyP95Ms) {
    }
}

package io.payroute.api.schema;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "AnalyticsProviders", description = "Provider health from the attempts of the window's charges")
public record AnalyticsProviders(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "analytics.providers") String object,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "merchant_default") String merchant,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) AnalyticsWindow window,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<ProviderHealth> data) {

    @Schema(name = "ProviderHealth")
    public record ProviderHealth(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "paystack") String provider,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "812", description = "Finished attempts") long attempts,
            @JsonProperty("first_picks") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "640",
                    description = "Charges whose first attempt went here") long firstPicks,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "Attempts per outcome",
                    example = "{\"SUCCESS\": 731, \"DECLINED\": 60, \"NOT_CHARGED\": 21}") Map<String, Long> outcomes,
            @JsonProperty("success_rate") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "0.9",
                    description = "SUCCESS out of all finished attempts") Double successRate,
            @JsonProperty("pick_share") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "0.53",
                    description = "The routing split: this provider's share of first picks") Double pickShare,
            @JsonProperty("latency_ms") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true) LatencyPercentiles latencyMs,
            @JsonProperty("latency_histogram") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<LatencyBucket> latencyHistogram) {
    }

    @Schema(name = "LatencyPercentiles", nullable = true, description = "Provider call latency, ms (nearest rank)")
    public record LatencyPercentiles(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "180") int p50,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "420") int p90,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "610") int p95,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "1500") int p99) {
    }

    @Schema(name = "LatencyBucket", description = "Calls that took at most `le` ms (and more than the bucket before)")
    public record LatencyBucket(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "200",
                    description = "Upper bound, ms; null for calls slower than the last bound") Integer le,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "312") long count) {
    }
}

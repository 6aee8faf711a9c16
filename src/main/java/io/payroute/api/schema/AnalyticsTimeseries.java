package io.payroute.api.schema;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "AnalyticsTimeseries", description = "Provider attempts over time, in buckets of bucket_seconds")
public record AnalyticsTimeseries(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "analytics.timeseries") String object,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "merchant_default") String merchant,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) AnalyticsWindow window,
        @JsonProperty("bucket_seconds") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "60") long bucketSeconds,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "Buckets with attempts, oldest first") List<Point> data) {

    @Schema(name = "TimeseriesPoint")
    public record Point(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time") String start,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "stripe") String provider,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "96") long succeeded,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "7") long declined,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "2", description = "NOT_CHARGED or UNKNOWN") long errors) {
    }
}

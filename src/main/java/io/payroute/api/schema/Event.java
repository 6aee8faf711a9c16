package io.payroute.api.schema;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "Event", description = "A state change of a charge, exactly as published and delivered to webhook endpoints")
public record Event(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "evt_01m8a1k3x5v0q2r7s9t4w6y8z0") String id,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "event") String object,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "charge.succeeded",
                allowableValues = {"charge.created", "charge.succeeded", "charge.failed", "charge.requires_action", "charge.pending",
                        "refund.created", "refund.succeeded", "refund.failed"})
        String type,
        @JsonProperty("created_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time") String createdAt,
        @JsonProperty("request_id") @Schema(nullable = true, example = "req_01m8a1k3x5v0q2r7s9t4w6y8z0",
                description = "The correlation id of the request or message that caused the change (X-Request-Id); "
                        + "null for events recorded before it was kept") String requestId,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Data data) {

    @Schema(name = "EventData")
    public record Data(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, oneOf = {Charge.class, Refund.class},
            description = "The charge (charge.*) or the refund (refund.*) as it stood after the change") Object object) {
    }

    @Schema(name = "EventWithDeliveries", description = "An event with every webhook delivery made of it")
    public record WithDeliveries(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "evt_01m8a1k3x5v0q2r7s9t4w6y8z0") String id,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "event") String object,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "charge.succeeded") String type,
            @JsonProperty("created_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time") String createdAt,
            @JsonProperty("request_id") @Schema(nullable = true, example = "req_01m8a1k3x5v0q2r7s9t4w6y8z0") String requestId,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Data data,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<Delivery> deliveries) {
    }

    @Schema(name = "WebhookDelivery", description = "One event sent to one endpoint, with every attempt")
    public record Delivery(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "whd_01m8a1k3x5v0q2r7s9t4w6y8z0") String id,
            @JsonProperty("endpoint_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "we_01m8a1k3x5v0q2r7s9t4w6y8z0") String endpointId,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "https://shop.example.com/payroute") String url,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                    allowableValues = {"pending", "delivering", "retrying", "succeeded", "failed", "skipped"}) String status,
            @JsonProperty("attempt_count") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "1") int attemptCount,
            @JsonProperty("next_attempt_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, format = "date-time") String nextAttemptAt,
            @JsonProperty("last_status_code") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "200") Integer lastStatusCode,
            @JsonProperty("last_error") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true) String lastError,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<DeliveryAttempt> attempts) {
    }

    @Schema(name = "WebhookDeliveryAttempt")
    public record DeliveryAttempt(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "1") int attempt,
            @JsonProperty("attempted_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time") String attemptedAt,
            @JsonProperty("status_code") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "200") Integer statusCode,
            @JsonProperty("latency_ms") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "41") Integer latencyMs,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "timed out after 5000 ms") String error) {
    }
}

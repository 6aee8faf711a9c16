package io.payroute.api.schema;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "ProviderWebhookList", description = "Verified provider webhooks and what each did, newest first")
public record ProviderWebhookList(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "list") String object,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<ProviderWebhook> data) {

    @Schema(name = "ProviderWebhook")
    public record ProviderWebhook(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "pwh_01m8a1k3x5v0q2r7s9t4w6y8z0") String id,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "stripe") String provider,
            @JsonProperty("provider_event_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "evt_3Nx...") String providerEventId,
            @JsonProperty("event_type") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "payment_intent.succeeded") String eventType,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "ch-01m8a1k3x5v0q2r7s9t4w6y8z0-1") String reference,
            @JsonProperty("provider_reference") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true) String providerReference,
            @JsonProperty("charge_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true) String chargeId,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "succeeded") String status,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"applied", "no_change", "unmatched", "conflict", "ignored"}) String result,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true) String detail,
            @JsonProperty("received_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time") String receivedAt,
            @JsonProperty("processed_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time") String processedAt) {
    }
}

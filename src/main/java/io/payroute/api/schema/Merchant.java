package io.payroute.api.schema;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "Merchant", description = "A merchant: its own API keys, charges, webhook endpoints and provider accounts")
public record Merchant(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "mer_shop_42") String id,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "merchant") String object,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "Shop 42") String name,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"active", "disabled"}) String status,
        @JsonProperty("rate_limit") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, description = "Its own limit; null: payroute.rate-limit") RateLimit rateLimit,
        @JsonProperty("created_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time") String createdAt,
        @JsonProperty("api_key") @Schema(description = "Create only: its first key, shown this once") NewKey apiKey,
        @JsonProperty("api_keys") @Schema(description = "GET only: its keys, by prefix (never the keys)") List<KeySummary> apiKeys,
        @JsonProperty("provider_accounts") @Schema(description = "GET only: the providers it has its own account at (field names only)")
        List<ProviderAccount> providerAccounts) {

    @Schema(name = "RateLimit", nullable = true)
    public record RateLimit(@JsonProperty("per_second") @Schema(example = "50") int perSecond, @Schema(example = "100") int burst) {
    }

    @Schema(name = "NewApiKey")
    public record NewKey(@Schema(example = "key_01m8a1k3x5v0q2r7s9t4w6y8z0") String id,
                         @Schema(example = "sk_live_...") String key, @Schema(example = "sk_live_4f3a") String prefix) {
    }

    @Schema(name = "ApiKeySummary")
    public record KeySummary(@Schema(example = "key_01m8a1k3x5v0q2r7s9t4w6y8z0") String id, @Schema(example = "sk_live_4f3a") String prefix,
                             @Schema(nullable = true) String description, @Schema(allowableValues = {"active", "revoked"}) String status,
                             @JsonProperty("created_at") @Schema(format = "date-time") String createdAt,
                             @JsonProperty("revoked_at") @Schema(nullable = true, format = "date-time") String revokedAt) {
    }
}

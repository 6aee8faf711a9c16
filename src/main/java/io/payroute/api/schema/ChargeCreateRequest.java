package io.payroute.api.schema;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "ChargeCreateRequest", description = "A charge to make. Unknown fields are rejected.")
public record ChargeCreateRequest(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "1", maximum = "999999999999",
                description = "Amount in minor units (10050 = 100.50)", example = "500000") long amount,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "ISO 4217 code", example = "NGN") String currency,
        @Schema(maxLength = 255, description = "Your own reference", example = "order-1001") String reference,
        @Schema(maxLength = 1000, example = "Order 1001") String description,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Customer customer,
        @JsonProperty("payment_method") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) PaymentMethod paymentMethod,
        @Schema(description = "Up to 40 string values", example = "{\"cart\": \"42\"}") Map<String, String> metadata) {

    @Schema(name = "Customer")
    public record Customer(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "ada@example.com") String email,
            @Schema(example = "Ada Lovelace") String name,
            String phone,
            @Schema(description = "ISO 3166-1 alpha-2", example = "NG") String country) {
    }

    @Schema(name = "PaymentMethodInput", description = "Provider tokens, or a raw card where raw cards are enabled")
    public record PaymentMethod(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"tokens", "card"}) String type,
            @Schema(description = "Provider name to that provider's token (type tokens)",
                    example = "{\"paystack\": \"AUTH_success\", \"stripe\": \"pm_card_success\"}") Map<String, String> tokens,
            @Schema(description = "Card number (type card)") String number,
            @JsonProperty("exp_month") Integer expMonth,
            @JsonProperty("exp_year") Integer expYear,
            String cvc) {
    }
}

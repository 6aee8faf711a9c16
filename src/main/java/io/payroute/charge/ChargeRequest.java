package io.payroute.charge;

import java.util.Map;

/**
 * A validated charge request in the canonical model: integer minor units, upper-case ISO 4217 currency.
 * Built only by {@link io.payroute.api.ChargeRequestParser}; everything downstream may trust it.
 */
public record ChargeRequest(
        String merchantId,
        long amount,
        String currency,
        String reference,
        String description,
        Customer customer,
        PaymentMethod paymentMethod,
        Map<String, String> metadata) {

    public record Customer(String email, String name, String phone, String country) {
    }
}

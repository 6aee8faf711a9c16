package io.payroute.charge;

import java.util.Map;

/** How the customer pays: saved provider tokens, or a raw card (only where raw cards are enabled). */
public sealed interface PaymentMethod {

    /** The wire name of the method ("tokens", "card"), used by provider eligibility. */
    String type();

    /** Provider name → that provider's reusable token (Paystack authorization code, Flutterwave token, Stripe pm_...). */
    record Tokens(Map<String, String> byProvider) implements PaymentMethod {
        @Override
        public String type() {
            return "tokens";
        }

        @Override
        public String toString() {
            return "Tokens" + byProvider.keySet();
        }
    }

    /**
     * A raw card. The number and cvc live only in memory for the provider call: never stored, logged or returned.
     * toString is redacted because records print their components by default.
     */
    record Card(String number, int expMonth, int expYear, String cvc) implements PaymentMethod {
        @Override
        public String type() {
            return "card";
        }

        public String bin() {
            return number.substring(0, 6);
        }

        public String last4() {
            return number.substring(number.length() - 4);
        }

        public String brand() {
            if (number.startsWith("4")) {
                return "visa";
            }
            int two = Integer.parseInt(number.substring(0, 2));
            int four = Integer.parseInt(number.substring(0, 4));
            if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) {
                return "mastercard";
            }
            if (two == 34 || two == 37) {
                return "amex";
            }
            if (number.startsWith("5061") || number.startsWith("5078") || number.startsWith("6500")) {
                return "verve";
            }
            return "unknown";
        }

        @Override
        public String toString() {
            return "Card[" + bin() + "******" + last4() + "]";
        }
    }
}

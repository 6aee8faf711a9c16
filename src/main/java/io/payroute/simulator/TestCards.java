package io.payroute.simulator;

import java.util.Map;

/**
 * Raw test card numbers shared by every simulator that accepts card data (Paystack {@code /charge},
 * Stripe {@code payment_method_data[card]}). Stripe's public test numbers, so the same numbers behave
 * the same on the real Stripe test mode.
 */
public final class TestCards {
    public static final String SUCCESS = "4242424242424242";
    public static final String GENERIC_DECLINE = "4000000000000002";
    public static final String INSUFFICIENT_FUNDS = "4000000000009995";
    public static final String EXPIRED_CARD = "4000000000000069";
    public static final String INCORRECT_CVC = "4000000000000127";
    public static final String REQUIRES_ACTION = "4000002500003155";
    /** Answered with a 500 in the provider's envelope; nothing recorded. */
    public static final String PROCESSING_ERROR = "4000000000000119";
    /** Charge succeeds; its refunds stay pending until settled (Stripe's "refund pending" test card). */
    public static final String REFUND_PENDING = "4000000000007726";
    /** Charge succeeds; its refunds are accepted pending, then fail (Stripe's "refund fails" test card). */
    public static final String REFUND_FAILS = "4000000000005126";

    static final Map<String, Outcome> TABLE = Map.of(
            SUCCESS, Outcome.SUCCESS,
            GENERIC_DECLINE, Outcome.DECLINE_GENERIC,
            INSUFFICIENT_FUNDS, Outcome.DECLINE_INSUFFICIENT_FUNDS,
            EXPIRED_CARD, Outcome.DECLINE_EXPIRED_CARD,
            INCORRECT_CVC, Outcome.DECLINE_INCORRECT_CVC,
            REQUIRES_ACTION, Outcome.REQUIRES_ACTION,
            PROCESSING_ERROR, Outcome.ERROR,
            REFUND_PENDING, Outcome.SUCCESS,
            REFUND_FAILS, Outcome.SUCCESS);

    /** How refunds of a charge with these cards go (other cards: the provider's usual way). */
    static final Map<String, RefundOutcome> REFUNDS = Map.of(
            REFUND_PENDING, RefundOutcome.PENDING,
            REFUND_FAILS, RefundOutcome.FAILING);

    private TestCards() {
    }

    /** Luhn (mod 10) check; also rejects non-digits and implausible lengths. */
    public static boolean luhnValid(String number) {
        if (number == null || number.length() < 12 || number.length() > 19) {
            return false;
        }
        int sum = 0;
        boolean twice = false;
        for (int i = number.length() - 1; i >= 0; i--) {
            char c = number.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            int d = c - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    /** Card brand as the providers name it, from the leading digits. */
    static String brand(String bin) {
        if (bin == null || bin.isEmpty()) {
            return "unknown";
        }
        if (bin.startsWith("4")) {
            return "visa";
        }
        if (bin.startsWith("5060") || bin.startsWith("5061") || bin.startsWith("650")) {
            return "verve";
        }
        if (bin.charAt(0) == '5' || bin.startsWith("2")) {
            return "mastercard";
        }
        if (bin.startsWith("34") || bin.startsWith("37")) {
            return "amex";
        }
        return "unknown";
    }
}

package io.payroute.simulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Chooses the outcome of a charge, and of a refund of it: deterministic by token marker or test card, otherwise
 * statistical. One instance per provider so a seed gives each provider its own reproducible stream.
 */
final class OutcomePicker {

    /**
     * Token markers in match order: decline markers first (a token like "decline_x_success" must decline),
     * then the no-record failures, then the rest.
     */
    static final Map<String, Outcome> MARKERS;

    static {
        Map<String, Outcome> m = new LinkedHashMap<>();
        m.put("decline_insufficient_funds", Outcome.DECLINE_INSUFFICIENT_FUNDS);
        m.put("decline_do_not_honor", Outcome.DECLINE_DO_NOT_HONOR);
        m.put("decline_incorrect_pin", Outcome.DECLINE_INCORRECT_PIN);
        m.put("decline_expired_card", Outcome.DECLINE_EXPIRED_CARD);
        m.put("decline_stolen_card", Outcome.DECLINE_STOLEN_CARD);
        m.put("ratelimited", Outcome.RATE_LIMITED);
        m.put("unavailable", Outcome.UNAVAILABLE);
        m.put("timeout", Outcome.TIMEOUT);
        m.put("requires_action", Outcome.REQUIRES_ACTION);
        m.put("pending", Outcome.PENDING);
        m.put("error", Outcome.ERROR);
        m.put("success", Outcome.SUCCESS);
        MARKERS = java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Token markers for the refunds of a charge, in match order. They are taken out of the token before the charge
     * markers are matched: "refund_pending" must not make the charge itself pending.
     */
    static final List<Map.Entry<String, RefundOutcome>> REFUND_MARKERS = List.of(
            Map.entry("refund_ratelimited", RefundOutcome.RATE_LIMITED),
            Map.entry("refund_pending", RefundOutcome.PENDING),
            Map.entry("refund_fail", RefundOutcome.FAILING));

    private final Random random;

    OutcomePicker(Random random) {
        this.random = random;
    }

    Outcome pick(ChargeAttempt attempt, Behaviour behaviour) {
        Outcome fixed = attempt.card() != null ? byCard(attempt.card().number()) : byToken(attempt.token());
        return fixed != null ? fixed : statistical(behaviour);
    }

    static Outcome byToken(String token) {
        if (token == null) {
            return null;
        }
        String t = token.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, RefundOutcome> refundMarker : REFUND_MARKERS) {
            t = t.replace(refundMarker.getKey(), "");
        }
        return marked(t, MARKERS.entrySet());
    }

    static RefundOutcome refundByToken(String token) {
        return token == null ? null : marked(token.toLowerCase(Locale.ROOT), REFUND_MARKERS);
    }

    /** The value of the first marker the lower-cased token contains, or null. */
    private static <T> T marked(String token, Iterable<Map.Entry<String, T>> markers) {
        for (Map.Entry<String, T> e : markers) {
            if (token.contains(e.getKey())) {
                return e.getValue();
            }
        }
        return null;
    }

    /** How refunds of the charge {@code attempt} records will go, if a marker or test card decides it; else null. */
    static RefundOutcome refundPlan(ChargeAttempt attempt) {
        return attempt.card() != null ? TestCards.REFUNDS.get(attempt.card().number()) : refundByToken(attempt.token());
    }

    /**
     * A refund's outcome: the charge's plan if it has one, else a 503 with probability error_rate, else the
     * provider's {@code usual}.
     */
    RefundOutcome pickRefund(ChargeRecord charge, Behaviour b, RefundOutcome usual) {
        if (charge.refundOutcome() != null) {
            return charge.refundOutcome();
        }
        return b.errorRate() > 0 && random.nextDouble() < b.errorRate() ? RefundOutcome.UNAVAILABLE : usual;
    }

    static Outcome byCard(String number) {
        Outcome o = TestCards.TABLE.get(number);
        if (o != null) {
            return o;
        }
        return TestCards.luhnValid(number) ? null : Outcome.INVALID_CARD;
    }

    Outcome statistical(Behaviour b) {
        if (b.errorRate() == 0 && b.declineRate() == 0) {
            return Outcome.SUCCESS;
        }
        double r = random.nextDouble();
        if (r < b.errorRate()) {
            return Outcome.UNAVAILABLE;
        }
        if (r < b.errorRate() + b.declineRate()) {
            return Outcome.DECLINE_GENERIC;
        }
        return Outcome.SUCCESS;
    }

    /** How a pending charge settles by itself: it fails with probability decline_rate. */
    boolean settlesSucceeded(Behaviour b) {
        return b.declineRate() == 0 || random.nextDouble() >= b.declineRate();
    }

    /** A settled charge's outcome: success, or a generic decline. */
    static Outcome settlement(boolean succeeded) {
        return succeeded ? Outcome.SUCCESS : Outcome.DECLINE_GENERIC;
    }

    long latency(Behaviour b) {
        long jitter = b.latencyJitterMs() > 0 ? (long) (random.nextDouble() * (b.latencyJitterMs() + 1)) : 0;
        return b.latencyMs() + jitter;
    }
}

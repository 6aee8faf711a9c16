package io.payroute.api;

import java.util.TreeMap;

import io.payroute.charge.ChargeRequest;
import io.payroute.charge.PaymentMethod;
import io.payroute.secrets.Digests;

/**
 * SHA-256 over the canonical form of a charge request, so "same key, same body" is judged on meaning
 * (field order and whitespace do not matter). A card enters only as BIN, last4 and expiry: the number
 * itself is never hashed into anything stored.
 */
public final class RequestFingerprint {

    private RequestFingerprint() {
    }

    public static String of(ChargeRequest r) {
        StringBuilder s = new StringBuilder();
        field(s, "amount", r.amount());
        field(s, "currency", r.currency());
        field(s, "reference", r.reference());
        field(s, "description", r.description());
        field(s, "customer.email", r.customer().email());
        field(s, "customer.name", r.customer().name());
        field(s, "customer.phone", r.customer().phone());
        field(s, "customer.country", r.customer().country());
        field(s, "payment_method.type", r.paymentMethod().type());
        if (r.paymentMethod() instanceof PaymentMethod.Tokens tokens) {
            new TreeMap<>(tokens.byProvider()).forEach((k, v) -> field(s, "token." + k, v));
        } else if (r.paymentMethod() instanceof PaymentMethod.Card card) {
            field(s, "card", card.bin() + "/" + card.last4() + "/" + card.expMonth() + "/" + card.expYear());
        }
        new TreeMap<>(r.metadata()).forEach((k, v) -> field(s, "metadata." + k, v));
        return Digests.sha256Hex(s.toString());
    }

    private static void field(StringBuilder s, String name, Object value) {
        if (value != null) {
            // length-prefixed so no value can imitate a field boundary
            String v = value.toString();
            s.append(name).append('=').append(v.length()).append(':').append(v).append('\n');
        }
    }

}

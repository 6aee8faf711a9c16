package io.payroute.provider;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Masks card data and credentials in provider payloads before an excerpt is stored on an attempt.
 * Works on any provider's shape: by field name, and by value for anything that looks like a card number.
 */
public final class Redaction {

    private static final Set<String> SECRET_FIELDS = Set.of("number", "card_number", "cvc", "cvv", "pin", "otp",
            "authorization_code", "token", "payment_method", "password", "secret", "secret_key");
    private static final Pattern PAN_RUN = Pattern.compile("(?<![0-9])[0-9]{12,19}(?![0-9])");

    private Redaction() {
    }

    /** A redacted deep copy. */
    public static JsonNode redact(JsonNode node) {
        JsonNode copy = node.deepCopy();
        walk(copy);
        return copy;
    }

    private static void walk(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode value = e.getValue();
                if (value.isValueNode() && (SECRET_FIELDS.contains(e.getKey().toLowerCase(Locale.ROOT)) || looksLikePan(value.asText()))) {
                    e.setValue(new TextNode(mask(value.asText())));
                } else {
                    walk(value);
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(Redaction::walk);
        }
    }

    /** For excerpts that are not JSON (HTML error pages, truncated bodies): masks every card-number-like digit run. */
    public static String redactText(String text) {
        return text == null ? null : PAN_RUN.matcher(text).replaceAll(m -> mask(m.group()));
    }

    private static boolean looksLikePan(String text) {
        return text.length() >= 12 && text.length() <= 19 && text.chars().allMatch(Character::isDigit);
    }

    private static String mask(String value) {
        return value.length() <= 8 ? "****" : "****" + value.substring(value.length() - 4);
    }
}

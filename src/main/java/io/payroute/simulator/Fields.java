package io.payroute.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Request-field parsing shared by the dialects; every failure is a 400 naming the field. */
final class Fields {
    private Fields() {
    }

    static String requiredText(ObjectNode body, String field) {
        String v = text(body, field);
        if (v == null || v.isBlank()) {
            throw SimException.badRequest(field + " is required", field);
        }
        return v;
    }

    static String text(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isValueNode()) {
            throw SimException.badRequest(field + " must be a string", field);
        }
        return n.asText();
    }

    /** Integer minor units, sent as a JSON integer or a numeric string (both occur in the wild). */
    static long minorAmount(JsonNode n, String field) {
        BigDecimal d = decimal(n, field);
        try {
            long v = d.longValueExact();
            if (v <= 0) {
                throw SimException.badRequest(field + " must be greater than 0", field);
            }
            return v;
        } catch (ArithmeticException e) {
            throw SimException.badRequest(field + " must be an integer in the currency's subunit", field);
        }
    }

    /** Major units (Flutterwave) converted to minor units using the currency's fraction digits. */
    static long majorToMinor(JsonNode n, String field, String currency) {
        BigDecimal major = decimal(n, field);
        int digits = fractionDigits(currency);
        if (major.stripTrailingZeros().scale() > digits) {
            throw SimException.badRequest(field + " has more than " + digits + " decimal places for " + currency, field);
        }
        long minor = major.movePointRight(digits).longValueExact();
        if (minor <= 0) {
            throw SimException.badRequest(field + " must be greater than 0", field);
        }
        return minor;
    }

    static BigDecimal minorToMajor(long minor, String currency) {
        return BigDecimal.valueOf(minor, fractionDigits(currency)).stripTrailingZeros();
    }

    private static BigDecimal decimal(JsonNode n, String field) {
        if (n == null || n.isNull() || (n.isTextual() && n.asText().isBlank())) {
            throw SimException.badRequest(field + " is required", field);
        }
        try {
            if (n.isNumber()) {
                return n.decimalValue();
            }
            if (n.isTextual()) {
                return new BigDecimal(n.asText().trim());
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw SimException.badRequest(field + " must be a number", field);
    }

    /** Upper-case ISO 4217 code, or a 400. */
    static String currency(String value, String field) {
        if (value == null || value.isBlank()) {
            throw SimException.badRequest(field + " is required", field);
        }
        String code = value.trim().toUpperCase(Locale.ROOT);
        try {
            if (Currency.getInstance(code).getDefaultFractionDigits() >= 0) {
                return code;
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw SimException.badRequest("Invalid currency: " + value, field);
    }

    static int fractionDigits(String currency) {
        return Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
    }

    /** Metadata as an object; Paystack also allows a stringified JSON object. */
    static Map<String, Object> metadata(JsonNode n, String field) {
        if (n == null || n.isNull()) {
            return new LinkedHashMap<>();
        }
        if (n.isTextual()) {
            if (n.asText().isBlank()) {
                return new LinkedHashMap<>();
            }
            try {
                n = Json.MAPPER.readTree(n.asText());
            } catch (IOException e) {
                throw SimException.badRequest(field + " must be a JSON object", field);
            }
        }
        if (!n.isObject()) {
            throw SimException.badRequest(field + " must be a JSON object", field);
        }
        return Json.toMap(n);
    }
}

package io.payroute.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payroute.api.ProblemException.FieldError;

/** Checks every JSON request body and list query share, so each endpoint words them the same way. */
public final class RequestFields {

    private RequestFields() {
    }

    /**
     * Adds an error for each field of {@code body} not in {@code allowed}: a misspelt field must be refused, not
     * ignored, or the request would quietly do something else than meant.
     */
    public static void rejectUnknown(ObjectNode body, Collection<String> allowed, List<FieldError> errors) {
        rejectUnknown(body, allowed, "", errors);
    }

    /** The same for a nested object: each error names the field under {@code prefix} ("customer.", ...). */
    public static void rejectUnknown(JsonNode body, Collection<String> allowed, String prefix, List<FieldError> errors) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!allowed.contains(field)) {
                errors.add(new FieldError(prefix + field, "unknown field; allowed: " + String.join(", ", allowed)));
            }
        }
    }

    /** {@link #rejectUnknown(ObjectNode, Collection, List)} answered at once as a 400 problem. */
    public static void rejectUnknown(ObjectNode body, Collection<String> allowed) {
        List<FieldError> errors = new ArrayList<>();
        rejectUnknown(body, allowed, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
    }

    /**
     * An optional free-text field ({@code null} when absent or null): text of at most {@code maxLength} characters
     * without control characters, else an error naming it.
     */
    public static String optionalText(JsonNode node, String field, int maxLength, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.asText().length() > maxLength || node.asText().codePoints().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError(field, "must be text of at most " + maxLength + " characters, without control characters"));
            return null;
        }
        return node.asText();
    }

    /** The {@code ?limit=} of a list: {@code absent} when not given, else an integer from 1 to {@code max}. */
    public static int limit(String value, int absent, int max) {
        if (value == null) {
            return absent;
        }
        if (!value.matches("^[0-9]{1,9}$") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > max) {
            throw ProblemException.invalid("limit", "must be an integer from 1 to " + max);
        }
        return Integer.parseInt(value);
    }
}

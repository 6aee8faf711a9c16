package io.payroute.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

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
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!allowed.contains(field)) {
                errors.add(new FieldError(field, "unknown field; allowed: " + String.join(", ", allowed)));
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

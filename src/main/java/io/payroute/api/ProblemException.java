package io.payroute.api;

import java.util.List;

/**
 * A client-visible failure, rendered as RFC 9457 {@code application/problem+json}.
 * Thrown from any bean on the request path; the API route configuration turns it into the response.
 */
public class ProblemException extends RuntimeException {

    /** One offending field: a JSON path into the request ("amount", "customer.email") and what is wrong with it. */
    public record FieldError(String field, String message) {
    }

    private final int status;
    private final String code;
    private final String title;
    private final List<FieldError> errors;
    /** Seconds for a Retry-After header (429), or null. */
    private Long retryAfterSeconds;

    public ProblemException(int status, String code, String title, String detail, List<FieldError> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    public ProblemException(int status, String code, String title, String detail) {
        this(status, code, title, detail, List.of());
    }

    public static ProblemException invalid(List<FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid";
        return new ProblemException(400, "invalid_request", "Invalid request", detail, errors);
    }

    public static ProblemException invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    /** 429: the key's rate limit is used up; a permit is free again in {@code seconds}. */
    public static ProblemException tooManyRequests(long seconds) {
        ProblemException p = new ProblemException(429, "rate_limited", "Too many requests",
                "This API key's rate limit is used up; retry after " + seconds + " s");
        p.retryAfterSeconds = seconds;
        return p;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(404, "not_found", "Not found", what + " does not exist");
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }
}

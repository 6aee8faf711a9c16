package io.payroute.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.stereotype.Component;

/**
 * Renders every error of the merchant API as {@code application/problem+json}:
 * client mistakes with their field, infrastructure trouble as 503 (retry later), anything else as 500
 * without internals. Used by the API route configuration in routes/api.yaml and by servlet filters.
 */
@Component("problems")
public class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://payroute.dev/problems/";
    private static final Logger log = LoggerFactory.getLogger(Problems.class);

    /** Route step for onException: turns the caught exception into the HTTP response. */
    public void render(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ProblemException problem = toProblem(caught, exchange.getProperty(ChargeFlow.REQUEST_ID, String.class));
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, problem.status());
        out.setHeader(Exchange.CONTENT_TYPE, MEDIA_TYPE);
        out.setHeader(ChargeFlow.REQUEST_ID_HEADER, exchange.getProperty(ChargeFlow.REQUEST_ID));
        if (problem.retryAfterSeconds() != null) {
            out.setHeader("Retry-After", problem.retryAfterSeconds());
        }
        out.setBody(toJson(problem));
    }

    public ProblemException toProblem(Throwable caught, String requestId) {
        if (caught instanceof ProblemException p) {
            return p;
        }
        if (isUnavailable(caught)) {
            log.warn("request {} failed: storage unavailable: {}", requestId, caught.toString());
            return new ProblemException(503, "service_unavailable", "Service unavailable",
                    "A dependency of PayRoute is unavailable; nothing was charged by this request. Retry with the same Idempotency-Key.");
        }
        log.error("request {} failed unexpectedly", requestId, caught);
        return new ProblemException(500, "internal_error", "Internal error",
                "PayRoute could not complete the request. Retry with the same Idempotency-Key; it is safe.");
    }

    private static boolean isUnavailable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CannotGetJdbcConnectionException || c instanceof DataAccessResourceFailureException
                    || c instanceof TransientDataAccessException || c instanceof java.sql.SQLTransientException
                    || c instanceof java.sql.SQLRecoverableException || c instanceof RecoverableDataAccessException
                    // a transaction that could not begin, or could not commit or roll back: the connection is gone
                    || c instanceof CannotCreateTransactionException || c instanceof TransactionSystemException
                    // SQL state class 08 (connection exception) and 57P (the server is shutting down)
                    || c instanceof java.sql.SQLException sql && sql.getSQLState() != null
                            && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    /** The problem's JSON body; static, for what renders problems outside Spring (Tomcat's own errors). */
    public static String toJson(ProblemException p) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("type", TYPE_BASE + p.code());
        body.put("title", p.title());
        body.put("status", p.status());
        body.put("detail", p.getMessage());
        body.put("code", p.code());
        if (!p.errors().isEmpty()) {
            ArrayNode errors = body.putArray("errors");
            for (ProblemException.FieldError e : p.errors()) {
                errors.addObject().put("field", e.field()).put("message", e.message());
            }
        }
        return body.toString();
    }
}

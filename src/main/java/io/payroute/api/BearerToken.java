package io.payroute.api;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The credential of an API request: {@code Authorization: Bearer <token>} as the client sent it in the HTTP header.
 * Camel maps query parameters and form fields into message headers as well, so the message's own Authorization
 * header could come from {@code ?Authorization=Bearer ...}: a key in a URL ends up in access logs, proxies and
 * browser history, and is never accepted.
 */
public final class BearerToken {

    private static final String HEADER = "Authorization";
    private static final String SCHEME = "Bearer ";

    private BearerToken() {
    }

    /**
     * The token of the request's Authorization header (scheme matched case-insensitively, token trimmed), or null.
     * The header is removed from the message either way, so it is passed on to nothing.
     */
    public static String of(Exchange exchange) {
        Message in = exchange.getMessage();
        HttpServletRequest request = in.getHeader(Exchange.HTTP_SERVLET_REQUEST, HttpServletRequest.class);
        String header = request != null ? request.getHeader(HEADER) : in.getHeader(HEADER, String.class);
        in.removeHeader(HEADER);
        return header != null && header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                ? header.substring(SCHEME.length()).trim() : null;
    }
}
